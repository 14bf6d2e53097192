package io.peerpool.dialect;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import io.peerpool.ProbeResult;

/**
 * The lag of a pool's replicas, measured without privileges: each probe of the primary records
 * its position with the time it was seen (a small history per pool), and the lag of a replica is
 * now minus the time the primary was first seen at a position the replica has not reached yet,
 * zero when it has reached the latest; while the writer is DOWN or read-only, "now" is when it was
 * last seen (see {@link #writerStopped}). Where the user may see the server's own figure
 * ({@code Seconds_Behind_Master}), that is used instead.
 *
 * <p>Runs on the probe threads, never on the connection path.
 */
public final class ReplicaLag {

	/** How the lag was measured: the server's own figure. */
	public static final String SERVER = "server";

	/** How the lag was measured: by position against the primary's sampled positions. */
	public static final String POSITION = "position";

	/** At most this many samples per writer: a few minutes at the default probe interval. */
	private static final int MAX_SAMPLES = 512;

	private final Duration retention;

	private final LongSupplier nanoTime;

	/** Sampled positions by peer index of the writer they were read from. */
	private final Map<Integer, History> histories = new ConcurrentHashMap<>();

	/** The writer whose history replicas are compared with; -1 until the pool has one. */
	private volatile int writer = -1;

	/** Index of the writer sampled last, for when no writer is established. */
	private volatile int lastSampled = -1;

	/** @param maxReplicaLag the pool's {@code max-replica-lag}: the history covers a good deal more */
	public ReplicaLag(Duration maxReplicaLag) {
		this(maxReplicaLag, System::nanoTime);
	}

	ReplicaLag(Duration maxReplicaLag, LongSupplier nanoTime) {
		Duration doubled = maxReplicaLag.multipliedBy(2);
		this.retention = (doubled.compareTo(Duration.ofSeconds(30)) > 0) ? doubled : Duration.ofSeconds(30);
		this.nanoTime = nanoTime;
	}

	/** The lag of one peer, how it was measured, or why it could not be. */
	public record Measured(Duration lag, String source, String unknownReason) {

		static Measured of(Duration lag, String source) {
			return new Measured(lag, source, null);
		}

		static Measured unknown(String reason) {
			return new Measured(null, null, reason);
		}

	}

	/** The pool's writer, whose positions replicas are compared with; -1 for none. */
	public void establishedWriter(int peerIndex) {
		this.writer = peerIndex;
	}

	/**
	 * Peer {@code peerIndex} stopped taking writes the pool can see (it is DOWN, or turned
	 * read-only): nothing newer can be committed there, so a replica compared with its positions is
	 * as far behind as it was when the writer was last seen, however long the writer stays away. A
	 * replica that has applied what it received before the writer died (all but the writer's last
	 * moments) keeps a small lag and serves reads; one that had stopped receiving long before keeps
	 * the lag it had. The next probe that finds the peer writable again starts the clock again.
	 */
	public void writerStopped(int peerIndex) {
		History history = this.histories.get(peerIndex);
		if (history != null) {
			history.stop();
		}
	}

	/**
	 * Peer {@code peerIndex}, a writer, could not be sampled (its server refused the probe a
	 * connection at its connection limit and none of the pool's was free, or the probe ran out of
	 * time while the peer's heartbeat answers): it may have committed since it was last sampled, so
	 * a replica that reached its newest sample is as far behind as that sample is old, until the
	 * next sample.
	 */
	public void writerUnsampled(int peerIndex) {
		History history = this.histories.get(peerIndex);
		if (history != null) {
			history.unsampled();
		}
	}

	/**
	 * Records what a healthy probe of peer {@code peerIndex} found and measures its lag: zero for a
	 * writable server that replicates from no one (and for a Galera node).
	 */
	public Measured measure(int peerIndex, ProbeResult result) {
		ProbeResult.Replication replication = result.replication();
		if (replication == null) {
			// a probe of the application's own: its figure as it gave it
			return (result.lag() != null) ? Measured.of(result.lag(), SERVER)
					: Measured.unknown("the probe did not report the lag");
		}
		if (replication.synchronous()) {
			return Measured.of(Duration.ZERO, SERVER);
		}
		boolean writer = Boolean.FALSE.equals(result.readOnly()) && !Boolean.TRUE.equals(replication.replicating());
		if (writer) {
			if (replication.position() != null) {
				this.histories.computeIfAbsent(peerIndex, (index) -> new History())
					.record(replication.position(), this.nanoTime.getAsLong(), this.retention.toNanos());
				this.lastSampled = peerIndex;
			}
			return Measured.of(Duration.ZERO, (result.lag() != null) ? SERVER : POSITION);
		}
		writerStopped(peerIndex);
		if (result.lag() != null) {
			return Measured.of(result.lag(), SERVER);
		}
		Duration byPosition = byPosition(peerIndex, replication);
		if (byPosition != null) {
			return Measured.of(byPosition, POSITION);
		}
		if (replication.replayLag() != null) {
			return Measured.of(replication.replayLag(), SERVER);
		}
		StringBuilder reason = new StringBuilder();
		if (replication.lagUnavailable() != null) {
			reason.append(replication.lagUnavailable()).append("; ");
		}
		reason.append((replication.position() == null) ? "the server shows no replication position"
				: "no writable primary of the pool has been probed to compare the position with");
		return Measured.unknown(reason.toString());
	}

	/** The newest position sampled on peer {@code peerIndex} as a writer, {@code null} when none. */
	public String lastPosition(int peerIndex) {
		History history = this.histories.get(peerIndex);
		return (history != null) ? history.newest() : null;
	}

	/**
	 * Whether {@code candidate} lacks writes the pool saw committed on peer {@code writerIndex}: its
	 * position has not reached the newest sampled there. {@code false} when either position is
	 * unknown or in another product's format: only what can be compared holds a peer back.
	 */
	public boolean isBehind(int writerIndex, ProbeResult.Replication candidate) {
		String newest = lastPosition(writerIndex);
		if (newest == null || candidate == null || candidate.position() == null) {
			return false;
		}
		Dialect dialect = Dialect.of(candidate.product(), "");
		try {
			return !dialect.hasReached(candidate.position(), newest);
		}
		catch (RuntimeException ex) {
			// positions of another format (the writer's product changed): nothing to compare
			return false;
		}
	}

	private Duration byPosition(int peerIndex, ProbeResult.Replication replication) {
		if (replication.position() == null) {
			return null;
		}
		// a primary turned read-only is compared with its own history: it is behind no one
		int against = (this.writer >= 0) ? this.writer : this.lastSampled;
		History history = (against >= 0) ? this.histories.get(against) : null;
		if (history == null) {
			return null;
		}
		Dialect dialect = Dialect.of(replication.product(), "");
		long firstUnreached = history.firstUnreached(dialect, replication.position());
		if (firstUnreached == Long.MIN_VALUE) {
			return null;
		}
		if (firstUnreached == Long.MAX_VALUE) {
			return Duration.ofNanos(history.sinceUnsampled(this.nanoTime.getAsLong()));
		}
		long nanos = history.clock(this.nanoTime.getAsLong()) - firstUnreached;
		return Duration.ofNanos(Math.max(0, nanos));
	}

	/** Positions of one writer with the time each was first seen, oldest first. */
	private static final class History {

		private final ArrayDeque<long[]> times = new ArrayDeque<>();

		private final ArrayDeque<String> positions = new ArrayDeque<>();

		/** When the writer was last sampled. */
		private long lastSeen;

		/** Whether the writer stopped taking writes since it was last sampled. */
		private boolean stopped;

		/** Whether a probe of the writer could not sample it since it was last sampled. */
		private boolean unsampled;

		synchronized String newest() {
			return this.positions.peekLast();
		}

		synchronized void stop() {
			this.stopped = true;
		}

		/** The time to measure lag at: now, or when the writer was last seen once it stopped. */
		synchronized long clock(long now) {
			return this.stopped ? this.lastSeen : now;
		}

		synchronized void unsampled() {
			this.unsampled = true;
		}

		/**
		 * How far behind a replica that reached the newest sample may be: nothing, unless the writer
		 * could not be sampled since and still takes writes; then the newest sample's age.
		 */
		synchronized long sinceUnsampled(long now) {
			return (this.unsampled && !this.stopped) ? Math.max(0L, now - this.lastSeen) : 0L;
		}

		synchronized void record(String position, long now, long retentionNanos) {
			this.lastSeen = now;
			this.stopped = false;
			this.unsampled = false;
			if (!position.equals(this.positions.peekLast())) {
				this.positions.addLast(position);
				this.times.addLast(new long[] { now });
			}
			// keep the newest sample whatever its age: an idle primary stays at one position
			while (this.positions.size() > 1
					&& (this.positions.size() > MAX_SAMPLES || now - this.times.peekFirst()[0] > retentionNanos)) {
				this.positions.removeFirst();
				this.times.removeFirst();
			}
		}

		/**
		 * When the primary was first seen at a position {@code position} has not reached:
		 * {@link Long#MAX_VALUE} when it has reached them all, {@link Long#MIN_VALUE} without samples.
		 */
		synchronized long firstUnreached(Dialect dialect, String position) {
			if (this.positions.isEmpty()) {
				return Long.MIN_VALUE;
			}
			// the newest first: a replica that reached it reached the older ones too
			if (dialect.hasReached(position, this.positions.peekLast())) {
				return Long.MAX_VALUE;
			}
			Iterator<String> positions = this.positions.iterator();
			Iterator<long[]> times = this.times.iterator();
			while (positions.hasNext()) {
				String sample = positions.next();
				long time = times.next()[0];
				if (!dialect.hasReached(position, sample)) {
					return time;
				}
			}
			return Long.MAX_VALUE;
		}

	}

}
