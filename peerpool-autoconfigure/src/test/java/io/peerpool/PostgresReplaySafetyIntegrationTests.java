package io.peerpool;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.peerpool.test.EmbeddedPostgres;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.PostgresMajor;
import io.peerpool.test.PostgresServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@link ReplaySafetyIntegrationTests} on two real PostgreSQL 17 servers that both take writes:
 * after the pooled connection to the first died, an auto-commit {@code INSERT ... RETURNING},
 * {@code SELECT nextval(...)} or {@code SELECT pg_advisory_lock(...)} is not run again on the
 * second; a plain read is.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class PostgresReplaySafetyIntegrationTests {

	@RegisterExtension
	static final EmbeddedPostgres pg = EmbeddedPostgres.of(PostgresMajor.V17, PostgresMajor.V17);

	private static final AtomicLong names = new AtomicLong();

	private static FirstPeerBehindProxy peers;

	private static PeerPoolDataSource pool;

	@BeforeAll
	static void createSchemaAndPool() throws SQLException {
		for (PostgresServer server : pg.servers()) {
			try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
				statement.execute("CREATE TABLE IF NOT EXISTS items (id BIGSERIAL PRIMARY KEY, name TEXT)");
				statement.execute("CREATE SEQUENCE IF NOT EXISTS item_ids");
			}
		}
		peers = FirstPeerBehindProxy.start("pg-replay", pg.servers(), JdbcDriver.POSTGRESQL, "SELECT inet_server_port()");
		pool = peers.pool();
	}

	@AfterAll
	static void closePoolAndProxy() {
		if (peers != null) {
			peers.close();
		}
	}

	private static PostgresServer second() {
		return pg.server(1);
	}

	private static void killThePooledConnection() throws SQLException {
		peers.killThePooledConnection();
	}

	private static long rowsOnSecond(String name) throws SQLException {
		try (Connection connection = second().connect();
				PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM items WHERE name = ?")) {
			statement.setString(1, name);
			try (ResultSet result = statement.executeQuery()) {
				result.next();
				return result.getLong(1);
			}
		}
	}

	@Test
	void controlAQueryThatOnlyReadsRunsAgainOnTheOtherPeer() throws SQLException {
		killThePooledConnection();
		try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT inet_server_port()")) {
			result.next();
			assertThat(result.getInt(1)).isEqualTo(second().port());
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "INSERT INTO items (name) VALUES (?) RETURNING id", "SELECT nextval('item_ids'), ?::text",
			"SELECT pg_advisory_lock(hashtext(?))" })
	void anAutoCommitQueryThatWritesIsNeverRunTwice(String sql) throws SQLException {
		String name = "pg-replay-" + names.incrementAndGet() + "-" + System.nanoTime();
		killThePooledConnection();
		try (Connection connection = pool.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
			statement.setString(1, name);
			SQLException failure = catchThrowableOfType(SQLException.class, () -> {
				try (ResultSet result = statement.executeQuery()) {
					result.next();
				}
			});
			assertThat((Throwable) failure).as("the connection error reaches the caller: the write's outcome is unknown")
				.isNotNull();
		}
		assertThat(rowsOnSecond(name)).as("nothing ran on the other peer").isZero();
	}

}
