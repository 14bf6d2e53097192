package io.peerpool;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.peerpool.balance.Balance;
import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.MariaDbServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A DOWN peer is taken back only after {@link PeerProbe#probeRecovering} succeeds; healthy peers
 * get the ordinary {@link PeerProbe#probe}.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RecoveryProbeIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb mariadb = EmbeddedMariaDb.peers(2);

	@Test
	void aRestartedPeerIsTakenBackThroughTheRecoveryProbeAndAHealthyOneNeverSeesIt() throws Exception {
		RecordingProbe probe = new RecordingProbe(true);
		MariaDbServer healthy = mariadb.servers().get(0);
		MariaDbServer victim = mariadb.servers().get(1);
		try (PeerPoolDataSource pool = pool("recovering", probe)) {
			await().atMost(Duration.ofSeconds(10)).until(() -> probe.probes(healthy) > 2 && probe.probes(victim) > 2);

			victim.kill();
			await().atMost(Duration.ofSeconds(20)).until(() -> pool.peer(victim.name()).state() == PeerState.DOWN);
			victim.restart();
			await().atMost(Duration.ofSeconds(20)).until(() -> pool.peer(victim.name()).state() == PeerState.UP);

			assertThat(probe.recoveryProbes(victim)).as("recovery probes of the restarted peer").isPositive();
			assertThat(probe.recoveryProbes(healthy)).as("recovery probes of the peer that stayed UP").isZero();
		}
	}

	/** Control: the ordinary probe says healthy, the recovery probe does not; the peer stays DOWN. */
	@Test
	void aPeerWhoseRecoveryProbeFailsStaysDownThoughTheOrdinaryProbeWouldPassIt() throws Exception {
		RecordingProbe probe = new RecordingProbe(false);
		MariaDbServer victim = mariadb.servers().get(1);
		try (PeerPoolDataSource pool = pool("held-down", probe)) {
			victim.kill();
			await().atMost(Duration.ofSeconds(20)).until(() -> pool.peer(victim.name()).state() == PeerState.DOWN);
			victim.restart();
			int before = probe.recoveryProbes(victim);
			await().atMost(Duration.ofSeconds(20)).until(() -> probe.recoveryProbes(victim) >= before + 2);

			assertThat(pool.peer(victim.name()).state()).as("state after two failed recovery probes")
				.isEqualTo(PeerState.DOWN);
			assertThat(pool.getPeer(victim.name()).lastError()).contains("not ready to come back");
		}
		finally {
			if (!victim.isRunning()) {
				victim.restart();
			}
		}
	}

	private static PeerPoolDataSource pool(String name, PeerProbe probe) {
		// check-interval 1 s: a DOWN peer is probed again every second
		PeerPoolSettings settings = new PeerPoolSettings(name, Balance.ROUND_ROBIN, Duration.ofSeconds(1),
				Duration.ofMillis(300), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(5));
		return TestPools.over(settings, mariadb.servers(), JdbcDriver.MARIADB, (server) -> PeerRole.PRIMARY, probe);
	}

	/** Counts both kinds of probe per server port; the recovery probe passes or fails as told. */
	static final class RecordingProbe implements PeerProbe {

		private final boolean recoveryPasses;

		private final Map<Integer, AtomicInteger> probes = new ConcurrentHashMap<>();

		private final Map<Integer, AtomicInteger> recoveryProbes = new ConcurrentHashMap<>();

		RecordingProbe(boolean recoveryPasses) {
			this.recoveryPasses = recoveryPasses;
		}

		@Override
		public ProbeResult probe(Connection connection, Duration timeout) throws SQLException {
			this.probes.computeIfAbsent(port(connection), (port) -> new AtomicInteger()).incrementAndGet();
			return ProbeResult.ok();
		}

		@Override
		public ProbeResult probeRecovering(Connection connection, Duration timeout) throws SQLException {
			this.recoveryProbes.computeIfAbsent(port(connection), (port) -> new AtomicInteger()).incrementAndGet();
			return this.recoveryPasses ? ProbeResult.ok() : ProbeResult.unhealthy("not ready to come back");
		}

		int probes(MariaDbServer server) {
			return this.probes.getOrDefault(server.port(), new AtomicInteger()).get();
		}

		int recoveryProbes(MariaDbServer server) {
			return this.recoveryProbes.getOrDefault(server.port(), new AtomicInteger()).get();
		}

		private static int port(Connection connection) throws SQLException {
			try (Statement statement = connection.createStatement();
					ResultSet result = statement.executeQuery("SELECT @@port")) {
				result.next();
				return result.getInt(1);
			}
		}

	}

}
