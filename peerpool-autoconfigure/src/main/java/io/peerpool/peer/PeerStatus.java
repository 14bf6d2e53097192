package io.peerpool.peer;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import io.peerpool.PeerRole;
import io.peerpool.PeerState;
import io.peerpool.ProbeResult;
import io.peerpool.ProbeResult.Replication;
import io.peerpool.failure.FailureReason;

/**
 * Everything routing reads of one peer, as one immutable snapshot: its stored health, what the
 * last healthy probe found, the operator's drain and the writer election's facts. {@link Peer}
 * holds it in one {@code AtomicReference} and changes it only by compare-and-set, so that
 * concurrent probes, failure reports, drains and routing rebuilds neither lose a transition nor
 * are seen half-applied, and a borrow reads it with one volatile read. What routing makes of it
 * (the {@link #state() state} operators see, {@link #role()}, {@link #isRoutable()}) is derived
 * here, never stored.
 *
 * @param declaredRole the role the peer is declared with (its configuration: never changes)
 * @param health up or down, since when, why
 * @param found what the last healthy probe found of the server
 * @param rejoining taken back from DOWN while not in sync: its probes stay recovery probes until
 * one finds it in sync, so that the checks for a node coming back (Galera's causal read) run
 * before it gets work
 * @param drained the operator's drain, kept apart from health: a drained peer that fails is still
 * drained, and one that recovers too
 * @param writer what the writer election knows of the peer
 */
record PeerStatus(PeerRole declaredRole, PeerHealth health, Findings found, boolean rejoining, boolean drained,
		WriterFacts writer) {

	/**
	 * What the last healthy probe found of the server.
	 *
	 * @param readOnly what the server said of itself: {@code null} until a probe told
	 * @param replication the server's replication (replicating, synchronous, timeline, position,
	 * replicas), {@code null} when the probe did not tell
	 * @param lag the replica lag the pool measured, {@code null} when unknown
	 * @param lagSource how the lag was measured ({@code server}, {@code position}), or {@code null}
	 * @param lagUnknown why the lag cannot be measured, or {@code null}
	 * @param lagging whether the peer is further behind than {@code max-replica-lag} (or its lag is
	 * unknown with {@code unknown-lag: exclude}): no reads go there
	 * @param desynced the state of a ready cluster node that is not in sync ({@code Donor/Desynced},
	 * {@code Joined}), else {@code null}: no new connections go there, and the borrowed ones go on
	 * (such a node commits), unlike on a DOWN peer
	 */
	record Findings(@Nullable Boolean readOnly, @Nullable Replication replication, @Nullable Duration lag,
			@Nullable String lagSource, @Nullable String lagUnknown, boolean lagging, @Nullable String desynced) {

		/** Before the first probe: nothing told, no lag. */
		static final Findings NONE = new Findings(null, null, Duration.ZERO, null, null, false, null);

	}

	/**
	 * What the writer election knows of a peer.
	 *
	 * @param probed whether a healthy probe has answered yet
	 * @param writableAloneProbes healthy probes in a row (at most 2) that found the server writable
	 * and replicating from no one
	 * @param writableAloneFromFirstProbe whether that started with the peer's first healthy probe
	 * (the pool's start: nothing seen before)
	 * @param heldBehind whether the pool holds this writable peer back as behind its last writer
	 * (no writer meanwhile)
	 * @param conflict the pool's writer while this peer also reports itself writable (and gets no
	 * writes), else {@code null}
	 */
	record WriterFacts(boolean probed, int writableAloneProbes, boolean writableAloneFromFirstProbe,
			boolean heldBehind, @Nullable Peer conflict) {

		/** Before the first probe. */
		static final WriterFacts NONE = new WriterFacts(false, 0, false, false, null);

	}

	/** A peer as it starts: UP (its first probe tells otherwise), nothing found yet. */
	static PeerStatus initial(PeerRole declaredRole, Instant now) {
		return new PeerStatus(declaredRole, PeerHealth.upSince(now), Findings.NONE, false, false, WriterFacts.NONE);
	}

	// ---- the health's, for brevity

	boolean isUp() {
		return this.health.up();
	}

	Instant since() {
		return this.health.since();
	}

	@Nullable FailureReason reason() {
		return this.health.reason();
	}

	@Nullable String lastError() {
		return this.health.lastError();
	}

	@Nullable Instant retryAt() {
		return this.health.retryAt();
	}

	// ---- derived

	/**
	 * The state operators see: DOWN, else DRAINED (the peer refines it to DRAINING while
	 * connections are still borrowed), else DESYNCED, LAGGING or UP.
	 */
	PeerState state() {
		if (!this.health.up()) {
			return PeerState.DOWN;
		}
		if (this.drained) {
			return PeerState.DRAINED;
		}
		if (this.found.desynced() != null) {
			return PeerState.DESYNCED;
		}
		return this.found.lagging() ? PeerState.LAGGING : PeerState.UP;
	}

	/** Whether new connections may go to this peer: UP, not drained, in sync. */
	boolean isRoutable() {
		return !this.drained && this.health.up() && this.found.desynced() == null;
	}

	/**
	 * The role the peer plays now: a declared replica is a replica; a declared primary that reports
	 * itself read-only takes no writes; an {@code auto} peer is what its server says (a replica
	 * until the first probe tells).
	 */
	PeerRole role() {
		return role(this.declaredRole, this.found.readOnly());
	}

	private static PeerRole role(PeerRole declared, @Nullable Boolean readOnly) {
		return switch (declared) {
			case REPLICA -> PeerRole.REPLICA;
			case PRIMARY -> Boolean.TRUE.equals(readOnly) ? PeerRole.REPLICA : PeerRole.PRIMARY;
			case AUTO -> Boolean.FALSE.equals(readOnly) ? PeerRole.PRIMARY : PeerRole.REPLICA;
		};
	}

	/** Whether the peer is too far behind to serve reads. */
	boolean isLagging() {
		return this.found.lagging();
	}

	/** Whether a probe found the peer ready but not in sync: it takes no new connections. */
	boolean isDesynced() {
		return this.found.desynced() != null;
	}

	/** The lag in seconds (milliseconds precision) while the peer is UP, {@code null} when unknown or DOWN. */
	@Nullable Double lagSeconds() {
		Duration lag = this.found.lag();
		return (lag != null && this.health.up()) ? lag.toMillis() / 1000.0 : null;
	}

	/** Whether the server replicates from another one; {@code null} when the user cannot see it. */
	@Nullable Boolean replicating() {
		Replication replication = this.found.replication();
		return (replication != null) ? replication.replicating() : null;
	}

	/** Whether the peer would serve reads as a replica: read-only, or writable but replicating. */
	boolean isReplicaForReads() {
		return role() == PeerRole.REPLICA || Boolean.TRUE.equals(replicating());
	}

	/** A PostgreSQL primary's timeline, 0 when unknown. */
	long timeline() {
		Replication replication = this.found.replication();
		return (replication != null) ? replication.timeline() : 0;
	}

	/** Whether the server is a node of a synchronous cluster (Galera): every node can take writes. */
	boolean isSynchronous() {
		Replication replication = this.found.replication();
		return replication != null && replication.synchronous();
	}

	/**
	 * Whether the server has been writable and replicating from no one for two healthy probes in a
	 * row (or since the pool's first probe of it): not caught in the moments a replica is writable
	 * between the stop and the start of its replication (restarted with {@code read_only} set at run
	 * time, or re-pointed at a new primary by {@code STOP SLAVE; CHANGE MASTER; START SLAVE}).
	 */
	boolean isWritableAloneConfirmed() {
		int probes = this.writer.writableAloneProbes();
		return probes >= 2 || (probes == 1 && this.writer.writableAloneFromFirstProbe());
	}

	/**
	 * Whether what a probe changed from {@code before} to this snapshot changes routing: the role,
	 * the lagging flag, replication, being in sync, replicas pointed at it (or gone: it may be the
	 * writer a DBA promoted), or a confirmed writable peer.
	 */
	boolean probeChangesRouting(PeerStatus before) {
		return role() != before.role() || isLagging() != before.isLagging()
				|| !Objects.equals(replicating(), before.replicating()) || isDesynced() != before.isDesynced()
				|| hasReplicas(this.found.replication()) != hasReplicas(before.found.replication())
				|| isWritableAloneConfirmed() != before.isWritableAloneConfirmed();
	}

	private static boolean hasReplicas(@Nullable Replication replication) {
		return replication != null && replication.replicas() > 0;
	}

	// ---- transitions: each returns a new snapshot (or this one when nothing changes)

	/** Failed at {@code now}; the drain and what the probes found stay. */
	PeerStatus down(Instant now, FailureReason reason, @Nullable String error, Instant retryAt) {
		return withHealth(this.health.down(now, reason, error, retryAt), this.rejoining);
	}

	/**
	 * Taken back from DOWN at {@code now}: rejoining when the last probe found it not in sync, in the
	 * same snapshot as UP, since the next probe reads both to choose its kind.
	 */
	PeerStatus recovered(Instant now) {
		return withHealth(this.health.recovered(now), this.found.desynced() != null);
	}

	private PeerStatus withHealth(PeerHealth health, boolean rejoining) {
		return new PeerStatus(this.declaredRole, health, this.found, rejoining, this.drained, this.writer);
	}

	/**
	 * What a healthy probe found: read-only or not (kept when the probe did not tell), the server's
	 * replication, and the lag as the pool measured it. A replica (or a writable peer that
	 * replicates) whose lag is unknown counts as lagging unless {@code includeUnknownLag}. Health and
	 * drain stay: a probe of a DOWN peer does not take it back by itself.
	 */
	PeerStatus observed(ProbeResult result, @Nullable Duration measuredLag, @Nullable String source,
			@Nullable String unknownReason, Duration maxReplicaLag, boolean includeUnknownLag) {
		Boolean readOnly = (result.readOnly() != null) ? result.readOnly() : this.found.readOnly();
		Replication replication = result.replication();
		PeerRole role = role(this.declaredRole, readOnly);
		boolean replicating = replication != null && Boolean.TRUE.equals(replication.replicating());
		boolean lagging = (role == PeerRole.REPLICA || replicating)
				&& ((measuredLag == null) ? !includeUnknownLag : measuredLag.compareTo(maxReplicaLag) > 0);
		Findings found = new Findings(readOnly, replication, measuredLag, source,
				(measuredLag == null) ? unknownReason : null, lagging, result.desynced());
		// a peer that came back is in sync by a recovery probe (the other kind runs only once it is not rejoining)
		boolean rejoining = this.rejoining && result.desynced() != null;
		int alone = 0;
		boolean aloneFromFirst = this.writer.writableAloneFromFirstProbe();
		if (role == PeerRole.PRIMARY && !replicating) {
			if (this.writer.writableAloneProbes() == 0) {
				aloneFromFirst = !this.writer.probed();
			}
			alone = Math.min(this.writer.writableAloneProbes() + 1, 2);
		}
		WriterFacts writer = new WriterFacts(true, alone, aloneFromFirst, this.writer.heldBehind(),
				this.writer.conflict());
		return new PeerStatus(this.declaredRole, this.health, found, rejoining, this.drained, writer);
	}

	/**
	 * A probe could not look at the server: it refused the probe a connection at its connection
	 * limit, and none of the pool's own was free. Health, role, drain and the writer election's
	 * facts stay as they were (the server answered); a replica's lag is unknown from now on, so it
	 * counts as lagging unless {@code includeUnknownLag}, rather than serve reads by a figure that
	 * can no longer be checked.
	 */
	PeerStatus unmeasured(String why, boolean includeUnknownLag) {
		if (!isReplicaForReads()) {
			// a primary's lag is its replicas'
			return this;
		}
		Findings was = this.found;
		Findings found = new Findings(was.readOnly(), was.replication(), null, null, why, !includeUnknownLag,
				was.desynced());
		return new PeerStatus(this.declaredRole, this.health, found, this.rejoining, this.drained, this.writer);
	}

	/** Drained by the operator, or resumed. */
	PeerStatus withDrained(boolean drained) {
		return (drained == this.drained) ? this
				: new PeerStatus(this.declaredRole, this.health, this.found, this.rejoining, drained, this.writer);
	}

	/** In conflict with the pool's writer {@code writer}, or no more ({@code null}). */
	PeerStatus withWriterConflict(@Nullable Peer writer) {
		WriterFacts facts = this.writer;
		return (writer == facts.conflict()) ? this : withWriter(new WriterFacts(facts.probed(),
				facts.writableAloneProbes(), facts.writableAloneFromFirstProbe(), facts.heldBehind(), writer));
	}

	/** Held back as behind the last writer, or no more. */
	PeerStatus withHeldBehind(boolean held) {
		WriterFacts facts = this.writer;
		return (held == facts.heldBehind()) ? this : withWriter(new WriterFacts(facts.probed(),
				facts.writableAloneProbes(), facts.writableAloneFromFirstProbe(), held, facts.conflict()));
	}

	private PeerStatus withWriter(WriterFacts writer) {
		return new PeerStatus(this.declaredRole, this.health, this.found, this.rejoining, this.drained, writer);
	}

}
