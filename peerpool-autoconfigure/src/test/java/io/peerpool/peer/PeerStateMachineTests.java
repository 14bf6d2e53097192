package io.peerpool.peer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import io.peerpool.PeerPoolSettings.PeerConfig;
import io.peerpool.PeerRole;
import io.peerpool.PeerState;
import io.peerpool.failure.FailureReason;
import io.peerpool.connect.BoundedConnectDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The peer's UP/DOWN transitions with a clock the test moves. */
class PeerStateMachineTests {

	static final class MovableClock extends Clock {

		Instant now = Instant.parse("2026-01-01T00:00:00Z");

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

	}

	private final MovableClock clock = new MovableClock();

	private final List<String> transitions = new ArrayList<>();

	private final List<HikariDataSource> pools = new ArrayList<>();

	/** Runs while the peer builds a pool: what happens meanwhile on another thread. */
	private java.util.function.Consumer<Peer> whileBuildingPool = (peer) -> {
	};

	private Peer newPeer() {
		PeerConfig config = new PeerConfig("pool", "peer0", "jdbc:h2:mem:sm", "sa", "s3cret", null, PeerRole.PRIMARY,
				1, Duration.ofSeconds(1), Map.of());
		BoundedConnectDataSource connector = new BoundedConnectDataSource(config.url(), null, new Properties(), "sa",
				"s3cret", Duration.ofSeconds(1));
		return new Peer(config, 0, connector, (peer) -> {
			HikariDataSource pool = new HikariDataSource();
			this.pools.add(pool);
			this.whileBuildingPool.accept(peer);
			return pool;
		}, this.clock, (peer, previous, current) -> this.transitions.add(previous.state() + "->" + current.state()));
	}

	/** What a connection that failed on the peer asks before it takes the peer again. */
	@Test
	void aHealthyProbeCountsForFailuresSeenBeforeItStartedOnly() {
		Peer peer = newPeer();
		long failureSeen = System.nanoTime();
		assertThat(peer.foundHealthySince(failureSeen)).as("no probe yet").isFalse();
		// a probe that started before the failure was seen and answered after it: it says nothing of the failure
		peer.observeProbe(io.peerpool.ProbeResult.ok(false, Duration.ZERO), null, null, null, Duration.ofSeconds(10),
				false, failureSeen - 1);
		assertThat(peer.foundHealthySince(failureSeen)).isFalse();
		peer.observeProbe(io.peerpool.ProbeResult.ok(false, Duration.ZERO), null, null, null, Duration.ofSeconds(10),
				false, failureSeen + 1);
		assertThat(peer.foundHealthySince(failureSeen)).isTrue();
		// an older probe's answer, late, changes nothing
		peer.observeProbe(io.peerpool.ProbeResult.ok(false, Duration.ZERO), null, null, null, Duration.ofSeconds(10),
				false, failureSeen - 5);
		assertThat(peer.foundHealthySince(failureSeen)).isTrue();
	}

	@Test
	void failureTakesThePeerDownOnceAndRetiresItsPool() {
		Peer peer = newPeer();
		peer.start();
		HikariDataSource firstPool = peer.pool();
		HikariDataSource retired = peer.markDown(FailureReason.CONNECT, "refused", Duration.ofSeconds(30));
		assertThat(retired).isSameAs(firstPool);
		assertThat(peer.pool()).isNull();
		assertThat(peer.state()).isEqualTo(PeerState.DOWN);
		assertThat(peer.isRoutable()).isFalse();
		assertThat(peer.status().retryAt()).isEqualTo(this.clock.now.plusSeconds(30));
		assertThat(peer.markDown(FailureReason.CONNECT, "again", Duration.ofSeconds(30)))
			.as("a second failure retires nothing")
			.isNull();
		assertThat(this.transitions).containsExactly("UP->DOWN");
	}

	@Test
	void downPeerKeepsItsFirstSinceAndIsDueForRetryOnlyAfterTheCheckInterval() {
		Peer peer = newPeer();
		peer.start();
		Instant downAt = this.clock.now;
		peer.markDown(FailureReason.TIMEOUT, "probe timed out", Duration.ofSeconds(30));
		assertThat(peer.isDueForRetry()).isFalse();
		this.clock.now = this.clock.now.plusSeconds(10);
		peer.markDown(FailureReason.CONNECT, "refused", Duration.ofSeconds(30));
		assertThat(peer.status().since()).isEqualTo(downAt);
		assertThat(peer.status().lastError()).isEqualTo("refused");
		assertThat(peer.untilRetry()).isEqualTo(Duration.ofSeconds(30));
		this.clock.now = this.clock.now.plusSeconds(30);
		assertThat(peer.isDueForRetry()).isTrue();
		assertThat(peer.untilRetry()).isZero();
	}

	@Test
	void recoveryBringsAFreshPoolAndKeepsTheLastErrorVisible() {
		Peer peer = newPeer();
		peer.start();
		peer.markDown(FailureReason.CONNECT, "refused", Duration.ofSeconds(30));
		this.clock.now = this.clock.now.plusSeconds(31);
		assertThat(peer.markUp()).isTrue();
		assertThat(peer.markUp()).as("already up").isFalse();
		assertThat(peer.state()).isEqualTo(PeerState.UP);
		assertThat(peer.pool()).isNotNull().isNotSameAs(this.pools.get(0));
		assertThat(peer.status().lastError()).isEqualTo("refused");
		assertThat(peer.status().since()).isEqualTo(this.clock.now);
		assertThat(this.transitions).containsExactly("UP->DOWN", "DOWN->UP");
	}

	@Test
	void passwordNeverAppearsInTheRecordedError() {
		Peer peer = newPeer();
		peer.markDown(FailureReason.AUTH, "Access denied for user 'sa' using password s3cret", Duration.ofSeconds(1));
		assertThat(peer.status().lastError()).doesNotContain("s3cret");
		assertThat(peer.config().toString()).doesNotContain("s3cret");
	}

	@Test
	void drainIsKeptApartFromHealth() {
		Peer peer = newPeer();
		peer.start();
		peer.drain();
		assertThat(peer.displayState()).isEqualTo(PeerState.DRAINED);
		assertThat(peer.isRoutable()).isFalse();
		peer.markDown(FailureReason.CONNECT, "refused", Duration.ofSeconds(1));
		assertThat(peer.displayState()).isEqualTo(PeerState.DOWN);
		this.clock.now = this.clock.now.plusSeconds(2);
		peer.markUp();
		assertThat(peer.displayState()).as("still drained after recovery").isEqualTo(PeerState.DRAINED);
		peer.resume();
		assertThat(peer.isRoutable()).isTrue();
	}

	@Test
	void aDrainWhileARecoveringPeerBuildsItsPoolNeitherFailsTheRecoveryNorIsLost() {
		Peer peer = newPeer();
		peer.markDown(FailureReason.CONNECT, "refused", Duration.ofSeconds(1));
		this.clock.now = this.clock.now.plusSeconds(2);
		this.whileBuildingPool = Peer::drain;
		assertThat(peer.markUp()).as("a drain is no failure").isTrue();
		assertThat(peer.pool()).isSameAs(this.pools.get(0));
		assertThat(peer.displayState()).isEqualTo(PeerState.DRAINED);
		assertThat(this.transitions).as("the listeners see the snapshots of the recovery's compare-and-set")
			.containsExactly("UP->DOWN", "DOWN->UP");
	}

	@Test
	void aFailureWhileARecoveringPeerBuildsItsPoolWins() {
		Peer peer = newPeer();
		peer.markDown(FailureReason.CONNECT, "refused", Duration.ofSeconds(1));
		this.clock.now = this.clock.now.plusSeconds(2);
		this.whileBuildingPool = (building) -> building.markDown(FailureReason.TIMEOUT, "timed out", Duration.ofSeconds(1));
		assertThat(peer.markUp()).isFalse();
		assertThat(peer.state()).isEqualTo(PeerState.DOWN);
		assertThat(peer.status().lastError()).isEqualTo("timed out");
		assertThat(peer.pool()).isNull();
		assertThat(this.pools.get(0).isClosed()).as("the pool built meanwhile is closed").isTrue();
	}

	/**
	 * A drain, a failure report and a probe at the same moment on three threads: each is applied by
	 * compare-and-set on the one snapshot, so none is lost, whatever the interleaving. Why this
	 * cannot flake: it asserts only the end state, which every interleaving must reach.
	 */
	@Test
	void aConcurrentDrainFailureAndProbeAreAllKept() throws Exception {
		java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(3);
		try {
			for (int i = 0; i < 1000; i++) {
				Peer peer = newPeer();
				java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(3);
				List<java.util.concurrent.Future<?>> done = List.of(threads.submit(() -> {
					start.await();
					peer.drain();
					return null;
				}), threads.submit(() -> {
					start.await();
					peer.markDown(FailureReason.CONNECT, "refused", Duration.ofSeconds(30));
					return null;
				}), threads.submit(() -> {
					start.await();
					// probes in a row: more moments in which a change that is not a compare-and-set would be lost
					for (int probe = 1; probe <= 20; probe++) {
						peer.observeProbe(io.peerpool.ProbeResult.ok(true, Duration.ofSeconds(probe)), Duration.ofSeconds(60));
					}
					return null;
				}));
				for (java.util.concurrent.Future<?> future : done) {
					future.get(10, java.util.concurrent.TimeUnit.SECONDS);
				}
				assertThat(peer.isDrained()).as("drain kept").isTrue();
				assertThat(peer.state()).as("failure kept").isEqualTo(PeerState.DOWN);
				assertThat(peer.lag()).as("probe kept").isEqualTo(Duration.ofSeconds(20));
				assertThat(peer.role()).isEqualTo(PeerRole.REPLICA);
				peer.resume();
				assertThat(peer.status().reason()).isEqualTo(FailureReason.CONNECT);
			}
		}
		finally {
			threads.shutdownNow();
		}
	}

	@Test
	void theWriterElectionsFactsAreToldOnceWhenTheyStartAndKeepTheRest() {
		Peer peer = newPeer();
		Peer writer = newPeer();
		peer.drain();
		assertThat(peer.writerConflict(writer)).as("the conflict starts").isTrue();
		assertThat(peer.writerConflict(writer)).as("it goes on").isFalse();
		assertThat(peer.writerConflict()).isSameAs(writer);
		assertThat(peer.heldBehind(true)).isTrue();
		assertThat(peer.heldBehind(true)).isFalse();
		assertThat(peer.writerConflict(null)).isFalse();
		assertThat(peer.writerConflict()).isNull();
		assertThat(peer.isDrained()).isTrue();
		assertThat(peer.status().writer().heldBehind()).isTrue();
	}

	/**
	 * What a borrow and the peer choice read of a peer's snapshot (routable, role, state) is
	 * derived without allocating. Why this cannot flake: it counts the bytes the JVM allocated on
	 * this thread (no timing), over 100,000 rounds after a warm-up; a derived object or a boxed
	 * value per read would be over 1 MB. It reads the snapshot, not the peer's accessors (each one
	 * volatile read of it): tests that mock {@code Peer} in the same JVM make Mockito's inline mock
	 * maker instrument every method of the class, which then allocates on each call (240 B a round).
	 */
	@Test
	void derivingRoutableRoleAndStateFromAPeersSnapshotAllocatesNothing() {
		java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
		org.assertj.core.api.Assumptions.assumeThat(threads).isInstanceOf(com.sun.management.ThreadMXBean.class);
		com.sun.management.ThreadMXBean allocations = (com.sun.management.ThreadMXBean) threads;
		Peer peer = newPeer();
		peer.observeProbe(io.peerpool.ProbeResult.ok(false, Duration.ZERO), Duration.ofSeconds(10));
		PeerStatus status = peer.status();
		long thread = Thread.currentThread().getId();
		int routable = 0;
		for (int i = 0; i < 200_000; i++) {
			routable += read(status);
		}
		long before = allocations.getThreadAllocatedBytes(thread);
		for (int i = 0; i < 100_000; i++) {
			routable += read(status);
		}
		long allocated = allocations.getThreadAllocatedBytes(thread) - before;
		assertThat(routable).isEqualTo(300_000);
		assertThat(allocated).as("bytes allocated by 100,000 reads").isLessThan(10_000);
	}

	private static int read(PeerStatus status) {
		return (status.isRoutable() && status.role() == PeerRole.PRIMARY && status.state() == PeerState.UP) ? 1 : 0;
	}

}
