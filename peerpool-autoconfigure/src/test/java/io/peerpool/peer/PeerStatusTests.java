package io.peerpool.peer;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.peerpool.PeerRole;
import io.peerpool.PeerState;
import io.peerpool.ProbeResult;
import io.peerpool.ProbeResult.Replication;
import io.peerpool.failure.FailureReason;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * A peer's status snapshot: its transitions keep what they do not change (a drain survives a
 * failure and a probe, a failure survives a drain and a probe), and the state operators see, the
 * role and routability are derived from the one snapshot. Pure: no peer, no server.
 */
class PeerStatusTests {

	private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

	private static final Duration MAX_LAG = Duration.ofSeconds(10);

	private static final Replication REPLICATING = new Replication("MariaDB", "0-1-5", true, false, 0, null, null);

	private static final Replication ALONE = new Replication("MariaDB", "0-1-9", false, false, 0, null, null);

	private final PeerStatus fresh = PeerStatus.initial(PeerRole.PRIMARY, START);

	private static PeerStatus down(PeerStatus status) {
		return status.down(START.plusSeconds(5), FailureReason.CONNECT, "refused", START.plusSeconds(35));
	}

	private static PeerStatus probed(PeerStatus status, ProbeResult result) {
		return status.observed(result, result.lag(), "server", "no grant", MAX_LAG, false);
	}

	static Stream<Arguments> derivedStates() {
		// up, drained, desynced, lagging -> state, routable
		return Stream.of(arguments(true, false, false, false, PeerState.UP, true),
				arguments(true, false, false, true, PeerState.LAGGING, true),
				arguments(true, false, true, false, PeerState.DESYNCED, false),
				arguments(true, false, true, true, PeerState.DESYNCED, false),
				arguments(true, true, false, false, PeerState.DRAINED, false),
				arguments(true, true, false, true, PeerState.DRAINED, false),
				arguments(true, true, true, false, PeerState.DRAINED, false),
				arguments(true, true, true, true, PeerState.DRAINED, false),
				arguments(false, false, false, false, PeerState.DOWN, false),
				arguments(false, false, false, true, PeerState.DOWN, false),
				arguments(false, false, true, false, PeerState.DOWN, false),
				arguments(false, true, false, false, PeerState.DOWN, false),
				arguments(false, true, true, true, PeerState.DOWN, false));
	}

	@ParameterizedTest(name = "up={0} drained={1} desynced={2} lagging={3} -> {4}, routable {5}")
	@MethodSource("derivedStates")
	void theStateOperatorsSeeAndRoutabilityAreDerivedFromOneSnapshot(boolean up, boolean drained, boolean desynced,
			boolean lagging, PeerState expected, boolean routable) {
		PeerStatus status = PeerStatus.initial(PeerRole.REPLICA, START);
		status = status.observed(desynced ? ProbeResult.desynced(true, REPLICATING, "Donor/Desynced")
				: ProbeResult.ok(true, lagging ? Duration.ofSeconds(30) : Duration.ZERO), lagging ? Duration.ofSeconds(30)
						: Duration.ZERO, "server", null, MAX_LAG, false);
		status = status.withDrained(drained);
		if (!up) {
			status = down(status);
		}
		assertThat(status.state()).isEqualTo(expected);
		assertThat(status.isRoutable()).isEqualTo(routable);
		assertThat(status.health().state()).as("stored health: UP or DOWN only")
			.isEqualTo(up ? PeerState.UP : PeerState.DOWN);
	}

	static Stream<Arguments> roles() {
		// declared, what the server said of itself (null: not told) -> role
		return Stream.of(arguments(PeerRole.PRIMARY, null, PeerRole.PRIMARY),
				arguments(PeerRole.PRIMARY, false, PeerRole.PRIMARY),
				arguments(PeerRole.PRIMARY, true, PeerRole.REPLICA), arguments(PeerRole.REPLICA, null, PeerRole.REPLICA),
				arguments(PeerRole.REPLICA, false, PeerRole.REPLICA), arguments(PeerRole.AUTO, null, PeerRole.REPLICA),
				arguments(PeerRole.AUTO, false, PeerRole.PRIMARY), arguments(PeerRole.AUTO, true, PeerRole.REPLICA));
	}

	@ParameterizedTest(name = "{0} reporting read-only={1} -> {2}")
	@MethodSource("roles")
	void theRoleIsDerivedFromTheDeclaredRoleAndWhatTheServerSaid(PeerRole declared, Boolean readOnly,
			PeerRole expected) {
		PeerStatus status = PeerStatus.initial(declared, START);
		if (readOnly != null) {
			status = probed(status, ProbeResult.ok(readOnly, Duration.ZERO));
		}
		assertThat(status.role()).isEqualTo(expected);
	}

	@Test
	void aProbeThatDoesNotTellReadOnlyKeepsWhatTheLastOneSaid() {
		PeerStatus status = probed(PeerStatus.initial(PeerRole.AUTO, START), ProbeResult.ok(false, Duration.ZERO));
		status = probed(status, ProbeResult.ok());
		assertThat(status.found().readOnly()).isFalse();
		assertThat(status.role()).isEqualTo(PeerRole.PRIMARY);
	}

	@Test
	void aDrainAndAFailureBothSurviveInEitherOrder() {
		PeerStatus drainedFirst = down(this.fresh.withDrained(true));
		PeerStatus downFirst = down(this.fresh).withDrained(true);
		for (PeerStatus status : new PeerStatus[] { drainedFirst, downFirst }) {
			assertThat(status.drained()).isTrue();
			assertThat(status.isUp()).isFalse();
			assertThat(status.reason()).isEqualTo(FailureReason.CONNECT);
			assertThat(status.state()).isEqualTo(PeerState.DOWN);
		}
		assertThat(drainedFirst).isEqualTo(downFirst);
		PeerStatus back = downFirst.recovered(START.plusSeconds(40));
		assertThat(back.state()).as("still drained after recovery").isEqualTo(PeerState.DRAINED);
		assertThat(back.withDrained(false).state()).isEqualTo(PeerState.UP);
	}

	@Test
	void aProbeOfADrainedDownPeerKeepsTheDrainAndTheFailure() {
		PeerStatus drainedDown = down(this.fresh.withDrained(true));
		PeerStatus status = probed(drainedDown, ProbeResult.ok(true, Duration.ofSeconds(3)));
		assertThat(status.drained()).isTrue();
		assertThat(status.health()).as("a probe does not take a DOWN peer back by itself").isSameAs(drainedDown.health());
		assertThat(status.found().lag()).isEqualTo(Duration.ofSeconds(3));
		assertThat(status.role()).isEqualTo(PeerRole.REPLICA);
		assertThat(status.state()).isEqualTo(PeerState.DOWN);
	}

	@Test
	void aFailureKeepsWhatTheProbesFoundAndTheWriterFacts() {
		PeerStatus probed = probed(this.fresh, ProbeResult.ok(false, Duration.ZERO, ALONE)).withHeldBehind(true);
		PeerStatus failed = down(probed);
		assertThat(failed.found()).isSameAs(probed.found());
		assertThat(failed.writer()).isSameAs(probed.writer());
		assertThat(failed.isWritableAloneConfirmed()).isTrue();
		assertThat(failed.since()).isEqualTo(START.plusSeconds(5));
		PeerStatus again = failed.down(START.plusSeconds(20), FailureReason.TIMEOUT, "timed out", START.plusSeconds(50));
		assertThat(again.since()).as("down since the first failure").isEqualTo(START.plusSeconds(5));
		assertThat(again.lastError()).isEqualTo("timed out");
		assertThat(again.retryAt()).isEqualTo(START.plusSeconds(50));
	}

	@Test
	void aPeerTakenBackWhileNotInSyncRejoinsUntilAProbeFindsItInSync() {
		PeerStatus desyncedDown = down(probed(this.fresh, ProbeResult.desynced(false, REPLICATING, "Joined")));
		PeerStatus back = desyncedDown.recovered(START.plusSeconds(40));
		assertThat(back.isUp()).isTrue();
		assertThat(back.rejoining()).isTrue();
		assertThat(back.lastError()).as("the last error stays visible").isEqualTo("refused");
		assertThat(back.retryAt()).isNull();
		assertThat(back.state()).isEqualTo(PeerState.DESYNCED);
		PeerStatus stillJoining = probed(back, ProbeResult.desynced(false, REPLICATING, "Joined"));
		assertThat(stillJoining.rejoining()).isTrue();
		PeerStatus synced = probed(stillJoining, ProbeResult.ok(false, Duration.ZERO, REPLICATING));
		assertThat(synced.rejoining()).isFalse();
		assertThat(synced.isRoutable()).isTrue();
		assertThat(down(probed(this.fresh, ProbeResult.ok())).recovered(START.plusSeconds(40)).rejoining())
			.as("in sync when it failed: no rejoining")
			.isFalse();
	}

	@Test
	void aReplicaIsLaggingAboveMaxReplicaLagOrWhenItsLagIsUnknownUnlessIncluded() {
		PeerStatus replica = PeerStatus.initial(PeerRole.REPLICA, START);
		ProbeResult result = ProbeResult.ok(true, null, REPLICATING);
		assertThat(replica.observed(result, Duration.ofSeconds(11), "position", null, MAX_LAG, false).isLagging())
			.isTrue();
		assertThat(replica.observed(result, Duration.ofSeconds(10), "position", null, MAX_LAG, false).isLagging())
			.isFalse();
		PeerStatus unknown = replica.observed(result, null, null, "no grant", MAX_LAG, false);
		assertThat(unknown.isLagging()).isTrue();
		assertThat(unknown.found().lagUnknown()).isEqualTo("no grant");
		assertThat(unknown.state()).isEqualTo(PeerState.LAGGING);
		assertThat(unknown.lagSeconds()).isNull();
		assertThat(replica.observed(result, null, null, "no grant", MAX_LAG, true).isLagging())
			.as("unknown-lag: include")
			.isFalse();
		assertThat(this.fresh.observed(ProbeResult.ok(false, null, ALONE), null, null, "no grant", MAX_LAG, false)
			.isLagging()).as("a primary that replicates from no one never lags").isFalse();
		PeerStatus measured = replica.observed(result, Duration.ofMillis(1500), "position", "ignored", MAX_LAG, false);
		assertThat(measured.found().lagUnknown()).as("only an unknown lag says why").isNull();
		assertThat(measured.lagSeconds()).isEqualTo(1.5);
		assertThat(down(measured).lagSeconds()).as("no lag shown while DOWN").isNull();
	}

	@Test
	void aProbeThatCouldNotReachTheServerAtItsConnectionLimitLeavesHealthAndRoleAndMakesAReplicasLagUnknown() {
		PeerStatus replica = PeerStatus.initial(PeerRole.REPLICA, START)
			.observed(ProbeResult.ok(true, null, REPLICATING), Duration.ofSeconds(1), "position", null, MAX_LAG, false)
			.withDrained(true);
		PeerStatus unmeasured = replica.unmeasured("at its connection limit", false);
		assertThat(unmeasured.isUp()).isTrue();
		assertThat(unmeasured.drained()).isTrue();
		assertThat(unmeasured.role()).isEqualTo(PeerRole.REPLICA);
		assertThat(unmeasured.found().replication()).isEqualTo(REPLICATING);
		assertThat(unmeasured.found().lag()).isNull();
		assertThat(unmeasured.found().lagUnknown()).isEqualTo("at its connection limit");
		assertThat(unmeasured.isLagging()).as("no reads by a lag that can no longer be checked").isTrue();
		assertThat(unmeasured.probeChangesRouting(replica)).isTrue();
		assertThat(replica.unmeasured("at its connection limit", true).isLagging()).as("unknown-lag: include").isFalse();
		PeerStatus primary = probed(this.fresh, ProbeResult.ok(false, Duration.ZERO, ALONE));
		assertThat(primary.unmeasured("at its connection limit", false)).as("a primary's lag is its replicas'")
			.isSameAs(primary);
	}

	@Test
	void aWritablePeerAloneIsConfirmedByItsFirstProbeOrByTwoInARow() {
		PeerStatus auto = PeerStatus.initial(PeerRole.AUTO, START);
		PeerStatus first = probed(auto, ProbeResult.ok(false, Duration.ZERO, ALONE));
		assertThat(first.isWritableAloneConfirmed()).as("writable alone since the pool's first probe").isTrue();

		PeerStatus replica = probed(auto, ProbeResult.ok(true, Duration.ZERO, REPLICATING));
		PeerStatus once = probed(replica, ProbeResult.ok(false, Duration.ZERO, ALONE));
		assertThat(once.isWritableAloneConfirmed()).as("a replica writable for one probe").isFalse();
		PeerStatus twice = probed(once, ProbeResult.ok(false, Duration.ZERO, ALONE));
		assertThat(twice.isWritableAloneConfirmed()).isTrue();
		assertThat(probed(twice, ProbeResult.ok(false, Duration.ZERO, REPLICATING)).isWritableAloneConfirmed())
			.as("writable but replicating again")
			.isFalse();
	}

	@Test
	void theProbeChangesRoutingWhenRoleLagSyncReplicationReplicasOrConfirmationChange() {
		PeerStatus auto = probed(PeerStatus.initial(PeerRole.AUTO, START), ProbeResult.ok(true, Duration.ZERO, REPLICATING));
		assertThat(probed(auto, ProbeResult.ok(true, Duration.ZERO, REPLICATING)).probeChangesRouting(auto))
			.as("the same answer")
			.isFalse();
		assertThat(probed(auto, ProbeResult.ok(false, Duration.ZERO, REPLICATING)).probeChangesRouting(auto))
			.as("role")
			.isTrue();
		assertThat(probed(auto, ProbeResult.ok(true, Duration.ofSeconds(30), REPLICATING)).probeChangesRouting(auto))
			.as("lagging")
			.isTrue();
		assertThat(probed(auto, ProbeResult.desynced(true, REPLICATING, "Joined")).probeChangesRouting(auto))
			.as("not in sync")
			.isTrue();
		assertThat(probed(auto, ProbeResult.ok(true, Duration.ZERO, ALONE)).probeChangesRouting(auto))
			.as("replication stopped")
			.isTrue();
		Replication withReplicas = new Replication("MariaDB", "0-1-5", true, false, 0, null, null, 2);
		assertThat(probed(auto, ProbeResult.ok(true, Duration.ZERO, withReplicas)).probeChangesRouting(auto))
			.as("replicas pointed at it")
			.isTrue();
		PeerStatus once = probed(auto, ProbeResult.ok(false, Duration.ZERO, ALONE));
		assertThat(probed(once, ProbeResult.ok(false, Duration.ZERO, ALONE)).probeChangesRouting(once))
			.as("writable alone confirmed")
			.isTrue();
		assertThat(auto.withDrained(true).probeChangesRouting(auto)).as("not a probe's change").isFalse();
	}

	@Test
	void theElectionsFactsChangeAloneAndAnUnchangedRebuildKeepsTheSnapshot() {
		Peer writer = null;
		PeerStatus probed = probed(this.fresh, ProbeResult.ok(false, Duration.ZERO, ALONE));
		assertThat(probed.withWriterConflict(writer)).as("no conflict before, none now: nothing to publish")
			.isSameAs(probed);
		assertThat(probed.withHeldBehind(false)).isSameAs(probed);
		assertThat(probed.withDrained(false)).isSameAs(probed);
		PeerStatus held = probed.withHeldBehind(true).withDrained(true);
		assertThat(held.writer().heldBehind()).isTrue();
		assertThat(held.found()).isSameAs(probed.found());
		assertThat(held.health()).isSameAs(probed.health());
		assertThat(held.isWritableAloneConfirmed()).isTrue();
		assertThat(held.withHeldBehind(true)).isSameAs(held);
	}

}
