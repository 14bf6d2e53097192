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
import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.MariaDbServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A replica whose connections the application made read-only ({@code hikari.read-only} on that
 * peer, a common safety net), with {@code role: auto}, promoted in a planned switchover: the
 * switchover is what {@code role: auto} is for, so the promoted peer takes the writes, in
 * transactions too (Spring's {@code @Transactional}), on real MariaDB.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ReadOnlyConnectionsPeerIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.primaryWithReplicas(1);

	private static final PeerPoolSettings SETTINGS = new PeerPoolSettings("read-only-peer", Balance.ROUND_ROBIN,
			Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(1),
			Duration.ofSeconds(5));

	@Test
	void aPromotedReplicaWithReadOnlyConnectionsTakesTransactionalWrites() throws Exception {
		MariaDbServer primary = db.primary();
		MariaDbServer replica = db.replicas().get(0);
		try (Connection connection = primary.connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS read_only_peer (id BIGINT PRIMARY KEY)");
		}
		PeerPoolDataSource.Builder builder = PeerPoolDataSource.builder(SETTINGS.name()).settings(SETTINGS)
			.hikari("maximum-pool-size", "4");
		for (MariaDbServer server : db.servers()) {
			builder.peer(server.name(), (peer) -> {
				peer.url(server.jdbcUrl(JdbcDriver.MARIADB)).username(server.username()).password(server.password())
					.role(PeerRole.AUTO);
				if (server == replica) {
					peer.hikari("read-only", "true");
				}
			});
		}
		try (PeerPoolDataSource pool = builder.build()) {
			await().atMost(Duration.ofSeconds(10))
				.until(() -> Arrays.asList(pool.routingSnapshot(false)).equals(List.of(primary.name())));
			writeInTransaction(pool, 1);

			db.promote(replica);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> Arrays.asList(pool.routingSnapshot(false)).equals(List.of(replica.name())));
			writeInTransaction(pool, 2);
			assertThat(ids(replica)).contains(1L, 2L);
		}
	}

	private static void writeInTransaction(PeerPoolDataSource pool, long id) throws SQLException {
		try (Connection connection = pool.getConnection()) {
			connection.setAutoCommit(false);
			try (Statement statement = connection.createStatement()) {
				statement.executeUpdate("INSERT INTO read_only_peer (id) VALUES (" + id + ")");
			}
			connection.commit();
		}
	}

	private static List<Long> ids(MariaDbServer server) throws SQLException {
		try (Connection connection = server.connect(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT id FROM read_only_peer ORDER BY id")) {
			List<Long> ids = new java.util.ArrayList<>();
			while (result.next()) {
				ids.add(result.getLong(1));
			}
			return ids;
		}
	}

}
