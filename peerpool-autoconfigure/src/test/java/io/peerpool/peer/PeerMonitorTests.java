package io.peerpool.peer;

import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.peerpool.PeerPoolSettings.PeerConfig;
import io.peerpool.PeerProbe;
import io.peerpool.PeerRole;
import io.peerpool.PeerState;
import io.peerpool.ProbeResult;
import io.peerpool.connect.BoundedConnectDataSource;
import io.peerpool.failure.DefaultPeerFailureClassifier;
import io.peerpool.failure.FailureReason;
import io.peerpool.peer.PeerStateMachineTests.MovableClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The monitor's decisions with a clock the test moves and a stub probe, over an in-memory H2
 * peer (no database process): a failed probe takes a peer down, a DOWN peer comes back only after
 * its quarantine and through {@link PeerProbe#probeRecovering}, one probe per peer at a time.
 */
class PeerMonitorTests {

	private static final Duration CHECK_INTERVAL = Duration.ofSeconds(30);

	private final MovableClock clock = new MovableClock();

	private final AtomicBoolean healthy = new AtomicBoolean(true);

	private final AtomicInteger probes = new AtomicInteger();

	private final AtomicInteger recoveryProbes = new AtomicInteger();

	private volatile CountDownLatch blockProbe;

	/** What the probe throws, when set. */
	private volatile java.sql.SQLException probeFailure;

	private final PeerProbe probe = new PeerProbe() {

		@Override
		public ProbeResult probe(Connection connection, Duration timeout) throws java.sql.SQLException {
			PeerMonitorTests.this.probes.incrementAndGet();
			java.sql.SQLException failure = PeerMonitorTests.this.probeFailure;
			if (failure != null) {
				throw failure;
			}
			CountDownLatch latch = PeerMonitorTests.this.blockProbe;
			if (latch != null) {
				try {
					latch.await(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			return PeerMonitorTests.this.healthy.get() ? ProbeResult.ok() : ProbeResult.unhealthy("stub says no");
		}

		@Override
		public ProbeResult probeRecovering(Connection connection, Duration timeout) throws java.sql.SQLException {
			PeerMonitorTests.this.recoveryProbes.incrementAndGet();
			return probe(connection, timeout);
		}

	};

	// probe-interval 0: only the test triggers probes, so nothing runs behind its back
	private final PeerMonitor monitor = new PeerMonitor("pool", this.probe, new DefaultPeerFailureClassifier(),
			Duration.ZERO, Duration.ofSeconds(5), CHECK_INTERVAL, Duration.ofSeconds(10));

	private final Peer peer = newPeer();

	@AfterEach
	void close() {
		this.monitor.close();
		HikariDataSource pool = this.peer.shutdown();
		if (pool != null) {
			pool.close();
		}
	}

	private Peer newPeer() {
		PeerConfig config = new PeerConfig("pool", "peer0", "jdbc:h2:mem:monitor", "sa", "", null, PeerRole.PRIMARY, 1,
				Duration.ofSeconds(1), Map.of());
		BoundedConnectDataSource connector = new BoundedConnectDataSource(config.url(), null, new Properties(), "sa", "",
				Duration.ofSeconds(1));
		Peer created = new Peer(config, 0, connector, (p) -> {
			HikariDataSource pool = new HikariDataSource();
			pool.setJdbcUrl(config.url());
			pool.setUsername("sa");
			pool.setMinimumIdle(0);
			return pool;
		}, this.clock, (p, previous, current) -> {
		});
		created.start();
		return created;
	}

	@Test
	void aFailedProbeTakesThePeerDownWithTheProbesReason() throws Exception {
		this.healthy.set(false);
		this.monitor.probeNow(this.peer).get(5, TimeUnit.SECONDS);

		assertThat(this.peer.state()).isEqualTo(PeerState.DOWN);
		assertThat(this.peer.status().reason()).isEqualTo(FailureReason.PROBE);
		assertThat(this.peer.status().lastError()).isEqualTo("stub says no");
		assertThat(this.peer.status().retryAt()).isEqualTo(this.clock.now.plus(CHECK_INTERVAL));
	}

	@Test
	void aDownPeerComesBackOnlyAfterItsQuarantineAndThroughTheRecoveryProbe() throws Exception {
		this.healthy.set(false);
		this.monitor.probeNow(this.peer).get(5, TimeUnit.SECONDS);
		this.healthy.set(true);

		this.clock.now = this.clock.now.plus(CHECK_INTERVAL).minusSeconds(1);
		this.monitor.probeNow(this.peer).get(5, TimeUnit.SECONDS);
		assertThat(this.peer.state()).as("healthy, but still in quarantine").isEqualTo(PeerState.DOWN);

		this.clock.now = this.clock.now.plusSeconds(1);
		this.monitor.probeNow(this.peer).get(5, TimeUnit.SECONDS);
		assertThat(this.peer.state()).isEqualTo(PeerState.UP);
		assertThat(this.peer.pool()).as("a fresh pool").isNotNull();
		assertThat(this.recoveryProbes).as("DOWN peers pass probeRecovering").hasValue(2);
	}

	@Test
	void anUpPeerIsProbedWithTheOrdinaryProbe() throws Exception {
		this.monitor.probeNow(this.peer).get(5, TimeUnit.SECONDS);

		assertThat(this.peer.state()).isEqualTo(PeerState.UP);
		assertThat(this.probes).hasValue(1);
		assertThat(this.recoveryProbes).hasValue(0);
	}

	@Test
	void aProbeRunningWhenThePeerWentDownDoesNotOverwriteWhy() throws Exception {
		this.blockProbe = new CountDownLatch(1);
		this.healthy.set(false);
		var running = this.monitor.probeNow(this.peer);
		org.awaitility.Awaitility.await().untilAtomic(this.probes, org.hamcrest.Matchers.equalTo(1));

		// another report takes the peer down first (and closes its sockets, this probe's too)
		this.monitor.markDown(this.peer, FailureReason.AUTH, "Access denied");
		this.blockProbe.countDown();
		running.get(5, TimeUnit.SECONDS);

		assertThat(this.peer.status().reason()).isEqualTo(FailureReason.AUTH);
		assertThat(this.peer.status().lastError()).isEqualTo("Access denied");
	}

	@Test
	void aProbeOfADownPeerWhoseConnectionBrokeDoesNotOverwriteWhy() throws Exception {
		this.monitor.markDown(this.peer, FailureReason.AUTH, "Access denied");
		// the pool closing the DOWN peer's sockets breaks a probe that had just connected
		this.probeFailure = new java.sql.SQLNonTransientConnectionException("Socket closed", "08006");
		this.clock.now = this.clock.now.plus(CHECK_INTERVAL);
		this.monitor.probeNow(this.peer).get(5, TimeUnit.SECONDS);

		assertThat(this.probes).as("the probe ran").hasValue(1);
		assertThat(this.peer.state()).isEqualTo(PeerState.DOWN);
		assertThat(this.peer.status().reason()).isEqualTo(FailureReason.AUTH);
		assertThat(this.peer.status().lastError()).isEqualTo("Access denied");
	}

	/** Control: a probe of a DOWN peer that fails otherwise gives the operator its latest error. */
	@Test
	void controlAProbeOfADownPeerThatFailsOtherwiseRenewsWhy() throws Exception {
		this.monitor.markDown(this.peer, FailureReason.AUTH, "Access denied");
		this.healthy.set(false);
		this.clock.now = this.clock.now.plus(CHECK_INTERVAL);
		this.monitor.probeNow(this.peer).get(5, TimeUnit.SECONDS);

		assertThat(this.peer.status().reason()).isEqualTo(FailureReason.PROBE);
		assertThat(this.peer.status().lastError()).isEqualTo("stub says no");
	}

	@Test
	void aPeerIsNeverProbedTwiceAtOnce() throws Exception {
		this.blockProbe = new CountDownLatch(1);
		var first = this.monitor.probeNow(this.peer);
		org.awaitility.Awaitility.await().untilAtomic(this.probes, org.hamcrest.Matchers.equalTo(1));

		var second = this.monitor.probeNow(this.peer);
		assertThat(second).as("refused while the first runs").isDone();
		this.blockProbe.countDown();
		first.get(5, TimeUnit.SECONDS);
		assertThat(this.probes).hasValue(1);

		this.blockProbe = null;
		this.monitor.probeNow(this.peer).get(5, TimeUnit.SECONDS);
		assertThat(this.probes).as("the next probe runs once the first ended").hasValue(2);
	}

	@Test
	void aConnectionResetAfterTheServerAnsweredIsBrokenNotRefused() {
		java.sql.SQLException pgReset = new java.sql.SQLException("The connection attempt failed.", "08001",
				new java.net.SocketException("Connection reset"));
		java.sql.SQLException mariaDbReset = new java.sql.SQLException("Socket error", "08000",
				new java.io.EOFException("unexpected end of stream"));
		java.sql.SQLException refused = new java.sql.SQLException("Connection refused", "08001",
				new java.net.ConnectException("Connection refused"));
		java.sql.SQLException hung = new java.sql.SQLException("Socket timeout when connecting", "08000",
				new java.net.SocketTimeoutException("Read timed out"));
		assertThat(PeerMonitor.brokeAfterAnswer(FailureReason.CONNECT, pgReset)).as("PgJDBC, reset in its startup").isTrue();
		assertThat(PeerMonitor.brokeAfterAnswer(FailureReason.CONNECTION_LOST, mariaDbReset)).isTrue();
		assertThat(PeerMonitor.brokeAfterAnswer(FailureReason.CONNECT, refused)).as("refused").isFalse();
		assertThat(PeerMonitor.brokeAfterAnswer(FailureReason.TIMEOUT, hung)).as("a hung server").isFalse();
		assertThat(PeerMonitor.brokeAfterAnswer(FailureReason.AUTH, pgReset)).as("authentication").isFalse();
	}

}
