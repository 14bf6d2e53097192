package io.peerpool.peer;

import java.util.List;

import io.peerpool.PeerRole;

/**
 * Which peer may take the writes of a pool of asynchronous replication, from what the probes
 * found: the rule of {@link PeerPoolEngine}'s one writer, kept apart so that it is plain to read
 * and to test. Runs while routing is rebuilt, never on the connection path.
 *
 * <p>The rule, for a peer whose server reports itself writable (a declared {@code primary} is
 * trusted, it only needs to be UP and writable):
 * <ol>
 * <li>an {@code auto} peer still set up to replicate (its SQL thread runs, also while it
 * reconnects to a dead source) is a replica restarted without {@code read_only}: never the
 * writer, and a writer that turns out to replicate is the writer no longer;</li>
 * <li>else it may take the writes if it is the last writer the pool knew (back after a restart);
 * another peer only once two probes in a row found it writable and replicating from no one (a
 * replica re-pointed at a new primary, {@code STOP SLAVE; CHANGE MASTER; START SLAVE}, or restarted
 * before its replication starts, is so for moments: the chaos run elected such a replica while the
 * switchover it was part of had made the primary read-only), and if it has applied everything
 * the pool saw committed on that writer (its position has reached the writer's last sampled one:
 * a planned switchover, a failover that lost nothing), or replicas
 * replicate from it ({@code Slaves_connected}: a DBA promoted it and pointed the others at it), or
 * it is on a later PostgreSQL timeline (promoted), or an operator drained the last writer (gave up
 * what only that server has);</li>
 * <li>else it is behind the last writer: it gets no writes and callers are held (up to
 * {@code acquire-timeout}). A replica restarted writable before its replication started, or
 * whose SQL thread stopped on an error, looks exactly like a replica promoted with
 * {@code STOP SLAVE} to a user without {@code SLAVE MONITOR}; only its position tells them apart,
 * and writes sent to it would be lost to the primary once that is back, with what it lacks.</li>
 * </ol>
 * The established writer keeps the writes while it may take them; when it may not, the best
 * peer that may takes over: one that replicates from no one, then the highest timeline, then the
 * declared order.
 */
final class WriterElection {

	/** Whether a writable peer may take the writes, or why not. */
	enum Verdict {

		/** It may take the writes. */
		WRITER,

		/** DOWN or read-only: no writes, no conflict. */
		NOT_WRITABLE,

		/** Writable but still set up to replicate from another server. */
		REPLICATES,

		/**
		 * Writable and replicating from no one for one probe only: maybe a replica caught between the
		 * stop and the start of its replication; the next probe tells.
		 */
		UNCONFIRMED,

		/** Writable, replicating from no one, but behind the last writer's position. */
		BEHIND

	}

	/**
	 * What the election needs of one peer.
	 * @param up whether the peer is UP
	 * @param declaredRole its declared role
	 * @param writable whether its server takes writes ({@code role()} is {@code PRIMARY})
	 * @param replicating whether it replicates from another server, {@code null} when unknown
	 * @param timeline its PostgreSQL timeline, 0 when unknown
	 * @param replicas how many replicas replicate from it, -1 when unknown
	 * @param lastWriter whether it is the last writer the pool knew (or there was none yet)
	 * @param behindLastWriter whether its position lacks writes seen on the last writer
	 * @param confirmed whether two probes in a row (or the pool's first) found it writable and
	 * replicating from no one
	 */
	record Candidate(boolean up, PeerRole declaredRole, boolean writable, Boolean replicating, long timeline,
			int replicas, boolean lastWriter, boolean behindLastWriter, boolean confirmed) {

	}

	private WriterElection() {
	}

	/**
	 * @param lastWriterTimeline the last writer's timeline (0 when unknown or none)
	 * @param lastWriterGivenUp whether an operator drained the last writer
	 */
	static Verdict verdict(Candidate peer, long lastWriterTimeline, boolean lastWriterGivenUp) {
		if (!peer.up() || !peer.writable()) {
			return Verdict.NOT_WRITABLE;
		}
		if (peer.declaredRole() != PeerRole.AUTO) {
			return Verdict.WRITER;
		}
		if (Boolean.TRUE.equals(peer.replicating())) {
			return Verdict.REPLICATES;
		}
		if (peer.lastWriter()) {
			return Verdict.WRITER;
		}
		if (!peer.confirmed()) {
			return Verdict.UNCONFIRMED;
		}
		if (!peer.behindLastWriter() || peer.replicas() > 0
				|| peer.timeline() > lastWriterTimeline || lastWriterGivenUp) {
			return Verdict.WRITER;
		}
		return Verdict.BEHIND;
	}

	/**
	 * The index of the writer among {@code peers}, or -1 for none.
	 * @param current the established writer's index, -1 for none
	 * @param keepCurrent whether the established writer is kept while it may take the writes (after
	 * the first probes; until then the best is chosen afresh)
	 */
	static int elect(List<Candidate> peers, int current, boolean keepCurrent, long lastWriterTimeline,
			boolean lastWriterGivenUp) {
		return elect(peers, verdicts(peers, lastWriterTimeline, lastWriterGivenUp), current, keepCurrent);
	}

	/** Each peer's {@link #verdict}, in the order of {@code peers}. */
	static Verdict[] verdicts(List<Candidate> peers, long lastWriterTimeline, boolean lastWriterGivenUp) {
		Verdict[] verdicts = new Verdict[peers.size()];
		for (int i = 0; i < verdicts.length; i++) {
			verdicts[i] = verdict(peers.get(i), lastWriterTimeline, lastWriterGivenUp);
		}
		return verdicts;
	}

	/** As {@link #elect(List, int, boolean, long, boolean)}, with the peers' verdicts already given. */
	static int elect(List<Candidate> peers, Verdict[] verdicts, int current, boolean keepCurrent) {
		if (keepCurrent && current >= 0 && verdicts[current] == Verdict.WRITER) {
			return current;
		}
		int best = -1;
		for (int i = 0; i < peers.size(); i++) {
			if (verdicts[i] != Verdict.WRITER) {
				continue;
			}
			if (best < 0 || better(peers.get(i), peers.get(best))) {
				best = i;
			}
		}
		return best;
	}

	private static boolean better(Candidate candidate, Candidate best) {
		boolean candidateReplicates = Boolean.TRUE.equals(candidate.replicating());
		boolean bestReplicates = Boolean.TRUE.equals(best.replicating());
		if (candidateReplicates != bestReplicates) {
			return !candidateReplicates;
		}
		return candidate.timeline() > best.timeline();
	}

}
