package io.peerpool;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.peerpool.balance.Balance;
import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.SteadyWrites;
import io.peerpool.test.MariaDbServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * While the MariaDB primary is dead, its replicas hold what it sent them, and nothing new can be
 * committed: a replica that had applied all but the primary's last moments is as current as any
 * server can be, and keeps serving reads, measured by position with the application's own user
 * (no {@code SLAVE MONITOR}). A replica that had stopped receiving long before the primary died
 * stays out of reads (the control).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ReplicasWhilePrimaryIsDeadIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.primaryWithReplicas(2);

	/** Probes every 200 ms, max-replica-lag 3 s. */
	private static final PeerPoolSettings SETTINGS = new PeerPoolSettings("dead-primary", Balance.ROUND_ROBIN,
			Duration.ofSeconds(2), Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(1),
			Duration.ofSeconds(2), null, false, Duration.ofSeconds(3), ReadYourWrites.NONE, Duration.ofSeconds(5));

	@BeforeAll
	static void createTable() throws SQLException {
		try (Connection connection = db.primary().connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS ticks (id BIGINT AUTO_INCREMENT PRIMARY KEY, at TIMESTAMP(3))");
		}
	}

	@Test
	void aReplicaThatMissedOnlyThePrimarysLastMomentsServesReadsWhileThePrimaryIsDead() throws Exception {
		MariaDbServer primary = db.primary();
		MariaDbServer current = db.replicas().get(0);
		MariaDbServer late = db.replicas().get(1);
		SteadyWrites writes = SteadyWrites.start(primary, "INSERT INTO ticks (at) VALUES (NOW(3))", Duration.ofMillis(20));
		try (PeerPoolDataSource pool = TestPools.over(SETTINGS, db.servers(), JdbcDriver.MARIADB, (s) -> PeerRole.AUTO)) {
			await().atMost(Duration.ofSeconds(20)).until(() -> state(pool, current) == PeerState.UP
					&& state(pool, late) == PeerState.UP && "position".equals(info(pool, current).lagSource()));
			// the control: a replica that stops receiving and falls behind by more than max-replica-lag
			late.executeAsAdmin("STOP SLAVE IO_THREAD");
			await().atMost(Duration.ofSeconds(20)).until(() -> state(pool, late) == PeerState.LAGGING);
			// the other one misses only what the primary commits in its last moments (what a kill -9 loses
			// in flight), and the pool has seen the primary at a position this replica never gets
			current.executeAsAdmin("STOP SLAVE IO_THREAD");
			await().atMost(Duration.ofSeconds(10)).until(() -> lag(pool, current) > 0.0);
			primary.kill();
			writes.close();
			current.executeAsAdmin("START SLAVE IO_THREAD");
			late.executeAsAdmin("START SLAVE IO_THREAD");
			await().atMost(Duration.ofSeconds(10)).until(() -> state(pool, primary) == PeerState.DOWN);

			// for longer than max-replica-lag: the lag of a replica does not grow with the primary's downtime
			await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(8)).untilAsserted(() -> {
				assertThat(state(pool, current)).as("the replica that holds all but the last moments").isEqualTo(PeerState.UP);
				assertThat(info(pool, current).lagSeconds()).as("its lag").isNotNull().isLessThan(3.0);
				assertThat(state(pool, late)).as("the replica that stopped receiving long before").isEqualTo(PeerState.LAGGING);
			});
			for (int i = 0; i < 10; i++) {
				assertThat(readServerId(pool)).as("a read while the primary is dead").isEqualTo(current.serverId());
			}
		}
		finally {
			writes.close();
		}
	}

	private static int readServerId(PeerPoolDataSource pool) throws SQLException {
		try (Connection connection = pool.getConnection()) {
			connection.setReadOnly(true);
			try (Statement statement = connection.createStatement();
					ResultSet result = statement.executeQuery("SELECT @@server_id")) {
				result.next();
				return result.getInt(1);
			}
		}
	}

	private static PeerState state(PeerPoolDataSource pool, MariaDbServer server) {
		return info(pool, server).state();
	}

	private static double lag(PeerPoolDataSource pool, MariaDbServer server) {
		Double lag = info(pool, server).lagSeconds();
		return (lag != null) ? lag : -1.0;
	}

	private static PeerInfo info(PeerPoolDataSource pool, MariaDbServer server) {
		return pool.getPeers().stream().filter((info) -> info.name().equals(server.name())).findFirst().orElseThrow();
	}

}
