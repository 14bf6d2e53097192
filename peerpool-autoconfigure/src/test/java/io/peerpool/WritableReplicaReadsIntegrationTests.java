package io.peerpool;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.peerpool.balance.Balance;
import io.peerpool.routing.PeerRouting;
import io.peerpool.routing.RouteIntent;
import io.peerpool.routing.RouteOrigin;
import io.peerpool.routing.RouteScope;
import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.MariaDbServer;

import static org.assertj.core.api.Assertions.assertThat;
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
