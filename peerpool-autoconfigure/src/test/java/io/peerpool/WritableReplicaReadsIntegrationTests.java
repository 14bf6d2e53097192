package io.peerpool;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import io.peerpool.balance.Balance;
import io.peerpool.health.PeerPoolHealthIndicator;
import io.peerpool.routing.PeerRouting;
import io.peerpool.routing.RouteIntent;
import io.peerpool.routing.RouteOrigin;
import io.peerpool.routing.RouteScope;
import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.MariaDbServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A replica restarted without {@code read_only} whose replication runs again: it reports itself
 * writable but replicates, so it serves reads and gets no writes ({@code role: auto}, real
 * MariaDB, an application user without replication privileges). An incidental auto-commit write
 * in a GET (read intent by HTTP method) on a connection that read from it must move to the
 * primary, as it does from a read-only replica: on the writable replica it would land where no
 * one replicates it from, and the primary would never have it.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class WritableReplicaReadsIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.primaryWithReplicas(1);

	private static final PeerPoolSettings SETTINGS = new PeerPoolSettings("writable-replica", Balance.ROUND_ROBIN,
			Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(1),
			Duration.ofSeconds(5));

	@Test
	void anIncidentalWriteAfterAReadOnAWritableReplicaMovesToThePrimary() throws Exception {
		MariaDbServer primary = db.primary();
		MariaDbServer replica = db.replicas().get(0);
		try (Connection connection = primary.connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS visits (id BIGINT PRIMARY KEY)");
		}
		try (PeerPoolDataSource pool = TestPools.over(SETTINGS, db.servers(), JdbcDriver.MARIADB, (s) -> PeerRole.AUTO)) {
			// restarted writable (read_only was set at run time), replication running again
			replica.restart();
			assertThat(readOnly(replica)).isEqualTo("0");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> Arrays.asList(pool.routingSnapshot(true)).equals(List.of(replica.name()))
						&& Arrays.asList(pool.routingSnapshot(false)).equals(List.of(primary.name())));

			try (RouteScope get = PeerRouting.open(RouteIntent.REPLICA, RouteOrigin.HTTP_METHOD);
					Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
				try (ResultSet result = statement.executeQuery("SELECT @@port")) {
					result.next();
					assertThat(result.getInt(1)).as("the read, on the replica").isEqualTo(replica.port());
				}
				statement.executeUpdate("INSERT INTO visits (id) VALUES (1)");
			}
			assertThat(ids(primary)).as("the write, on the primary").containsExactly(1L);
		}
		finally {
			replica.executeAsAdmin("SET GLOBAL read_only = 1");
		}
	}

	@Test
	void healthIsDownWhileTheOnlyWritablePeerStillReplicates() throws Exception {
		MariaDbServer primary = db.primary();
		MariaDbServer replica = db.replicas().get(0);
		try (PeerPoolDataSource pool = TestPools.over(SETTINGS, db.servers(), JdbcDriver.MARIADB, (s) -> PeerRole.AUTO)) {
			PeerPoolHealthIndicator health = new PeerPoolHealthIndicator(pool);
			// restarted writable (read_only was set at run time), replication running again
			replica.restart();
			await().atMost(Duration.ofSeconds(10)).until(() -> pool.getPeer(replica.name()).writerConflict() != null);
			assertThat(health.health().getStatus()).isEqualTo(Status.UP);

			// the DBA makes the primary read-only (a switchover begun, maintenance): no peer takes writes; as
			// admin, since the application's user has no SUPER
			primary.executeAsAdmin("SET GLOBAL read_only = 1");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> pool.getPeer(primary.name()).role() == PeerRole.REPLICA);
			pool.probeNow(pool.peer(replica.name())).join();
			assertThat(pool.getPeer(replica.name()).role()).as("the replica reports itself writable")
				.isEqualTo(PeerRole.PRIMARY);
			assertThatExceptionOfType(NoAvailablePeerException.class).as("a write transaction is held, then fails")
				.isThrownBy(() -> readWriteTransaction(pool));

			Health held = health.health();
			assertThat(held.getStatus()).isEqualTo(Status.DOWN);
			assertThat(held.getDetails()).containsEntry("writable", false).containsEntry("readable", true);
			assertThat(peerDetails(held, replica.name())).containsEntry("replicating", true)
				.containsEntry("takesWrites", false);

			primary.executeAsAdmin("SET GLOBAL read_only = 0");
			await().atMost(Duration.ofSeconds(10)).until(() -> health.health().getStatus().equals(Status.UP));
			assertThat(readWriteTransaction(pool)).isEqualTo(primary.port());
		}
		finally {
			primary.executeAsAdmin("SET GLOBAL read_only = 0");
			replica.executeAsAdmin("SET GLOBAL read_only = 1");
		}
	}

	/** The port of the server a read-write transaction ran on (connections are lazy: nothing runs before it). */
	private static int readWriteTransaction(PeerPoolDataSource pool) throws SQLException {
		try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
			connection.setAutoCommit(false);
			try (ResultSet result = statement.executeQuery("SELECT @@port")) {
				result.next();
				connection.commit();
				return result.getInt(1);
			}
		}
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> peerDetails(Health health, String peer) {
		return (Map<String, Object>) ((Map<String, Object>) health.getDetails().get("peers")).get(peer);
	}

	private static String readOnly(MariaDbServer server) throws SQLException {
		try (Connection connection = server.connect(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT @@read_only")) {
			result.next();
			return result.getString(1);
		}
	}

	private static List<Long> ids(MariaDbServer server) throws SQLException {
		try (Connection connection = server.connect(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT id FROM visits ORDER BY id")) {
			List<Long> ids = new java.util.ArrayList<>();
			while (result.next()) {
				ids.add(result.getLong(1));
			}
			return ids;
		}
	}

}
