package io.peerpool;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import io.peerpool.PeerPoolSettings.PeerConfig;
import io.peerpool.PeerPoolSettings.UnknownLag;
import io.peerpool.balance.Balance;
import io.peerpool.routing.PeerRouting;
import io.peerpool.routing.RouteIntent;
import io.peerpool.routing.RouteOrigin;
import io.peerpool.routing.RouteScope;
import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.MariaDbServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Read-your-writes {@code gtid} when the replica dies between two reads of a client: the replica's
 * pooled connection was used a moment ago, so HikariCP hands it out without checking it, and the
 * wait for the client's write ({@code MASTER_GTID_WAIT}) is the first thing sent on it. That wait
 * failing on a connection the kill broke is the peer's failure, not the application's: the read
 * runs on the primary, which has the write. The read is a Spring read-only transaction with an
 * isolation level, which asks the connection for its isolation first: that call takes the physical
 * connection, outside any statement's own retry. No heartbeat and no background probe, so that nothing
 * finds the kill before the read does.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ReadYourWritesFailoverIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.primaryWithReplicas(1);

	@BeforeAll
	static void createTable() throws SQLException {
		try (Connection connection = db.primary().connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS notes (id BIGINT AUTO_INCREMENT PRIMARY KEY, text VARCHAR(40))");
		}
	}

	@AfterEach
	void clearRouting() {
		PeerRouting.clear();
	}

	@Test
	void aReadWhoseReplicaWasKilledSinceItsPooledConnectionWasLastUsedRunsOnThePrimaryAndSeesTheWrite() {
		PeerPoolSettings settings = new PeerPoolSettings("ryw-kill", Balance.ROUND_ROBIN, Duration.ofSeconds(60),
				Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(5), null, false,
				Duration.ofSeconds(60), ReadYourWrites.GTID, Duration.ofSeconds(5), UnknownLag.EXCLUDE, Duration.ZERO,
				Duration.ofSeconds(1));
		MariaDbServer replica = db.replicas().get(0);
		List<PeerConfig> peers = db.servers()
			.stream()
			.map((server) -> new PeerConfig("ryw-kill", server.name(), server.jdbcUrl(JdbcDriver.MARIADB),
					server.username(), server.password(), null,
					(server == db.primary()) ? PeerRole.PRIMARY : PeerRole.REPLICA, 1, settings.connectTimeout(),
					Map.of("maximum-pool-size", "1", "minimum-idle", "1")))
			.toList();
		try (PeerPoolDataSource pool = PeerPoolDataSource.builder("ryw-kill").settings(settings).peers(peers).build()) {
			JdbcClient jdbc = JdbcClient.create(pool);
			Map<String, String> tokens = post(jdbc, "before");
			assertThat(tokens).containsKey("ryw-kill");
			assertThat(get(pool, jdbc, "before", tokens)).as("count and server of a read by the client")
				.containsExactly(1, replica.serverId());

			Map<String, String> more = post(jdbc, "after");
			// the replica's one pooled connection was used a moment ago: HikariCP hands it out unchecked
			replica.kill();

			assertThat(get(pool, jdbc, "after", more)).as("count and server of the client's next read")
				.containsExactly(1, db.primary().serverId());
		}
	}

	/** A request that writes {@code text}; its write tokens, which the pin cookie would carry. */
	private static Map<String, String> post(JdbcClient jdbc, String text) {
		try (RouteScope request = PeerRouting.open(RouteIntent.PRIMARY, RouteOrigin.HTTP_METHOD)) {
			jdbc.sql("INSERT INTO notes (text) VALUES (?)").param(text).update();
			return request.writeTokens();
		}
		finally {
			PeerRouting.clear();
		}
	}

	/**
	 * The client's next request, a GET with the tokens, in a read-only transaction with an isolation
	 * level (so Spring asks the connection for its isolation before any statement, and that call takes
	 * the physical connection): how many notes {@code text} it sees, and where it read.
	 */
	private static List<Integer> get(PeerPoolDataSource pool, JdbcClient jdbc, String text, Map<String, String> tokens) {
		TransactionTemplate reads = new TransactionTemplate(new DataSourceTransactionManager(pool));
		reads.setReadOnly(true);
		reads.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
		try (RouteScope request = PeerRouting.open(RouteIntent.REPLICA, RouteOrigin.HTTP_METHOD)) {
			tokens.forEach(request::putWriteToken);
			return reads.execute((status) -> jdbc.sql("SELECT COUNT(*), @@server_id FROM notes WHERE text = ?")
				.param(text)
				.query((row, n) -> List.of(row.getInt(1), row.getInt(2)))
				.single());
		}
		finally {
			PeerRouting.clear();
		}
	}

}
