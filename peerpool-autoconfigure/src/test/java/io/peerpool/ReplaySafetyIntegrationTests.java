package io.peerpool;

import java.io.ByteArrayInputStream;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.MariaDbServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * What the first statement of a connection whose pooled physical connection just died may run
 * again on the other peer: two real MariaDB servers that both take writes, the first behind a
 * proxy that resets every live connection (the pooled one included) right before the statement.
 * A query that reads is run again, invisibly; a query that writes in auto-commit mode (its outcome
 * is unknown) and a statement whose stream the first driver consumed are not.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ReplaySafetyIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.peers(2);

	private static final AtomicLong names = new AtomicLong();

	private static FirstPeerBehindProxy peers;

	private static PeerPoolDataSource pool;

	@BeforeAll
	static void createSchemaAndPool() throws SQLException {
		for (MariaDbServer server : db.servers()) {
			try (Connection connection = server.connectAsAdmin(); Statement statement = connection.createStatement()) {
				statement.execute("USE " + server.database());
				statement.execute("CREATE TABLE IF NOT EXISTS items (id BIGINT AUTO_INCREMENT PRIMARY KEY,"
						+ " name VARCHAR(60), data LONGBLOB)");
				statement.execute("CREATE SEQUENCE IF NOT EXISTS item_ids");
				statement.execute("CREATE OR REPLACE PROCEDURE add_item(IN n VARCHAR(60))"
						+ " BEGIN INSERT INTO items (name) VALUES (n); SELECT LAST_INSERT_ID() AS id; END");
				statement.execute("GRANT ALL ON " + server.database() + ".* TO '" + server.username() + "'@'%'");
			}
		}
		peers = FirstPeerBehindProxy.start("replay", db.servers(), JdbcDriver.MARIADB, "SELECT @@port");
		pool = peers.pool();
	}

	@AfterAll
	static void closePoolAndProxy() {
		if (peers != null) {
			peers.close();
		}
	}

	private static MariaDbServer second() {
		return db.server(1);
	}

	private static void killThePooledConnection() throws SQLException {
		peers.killThePooledConnection();
	}

	private static int rowsOn(MariaDbServer server, String name) throws SQLException {
		try (Connection connection = server.connect();
				PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM items WHERE name = ?")) {
			statement.setString(1, name);
			try (ResultSet result = statement.executeQuery()) {
				result.next();
				return result.getInt(1);
			}
		}
	}

	private static String unique() {
		return "replay-" + names.incrementAndGet() + "-" + System.nanoTime();
	}

	@Test
	void controlAQueryThatOnlyReadsRunsAgainOnTheOtherPeer() throws SQLException {
		killThePooledConnection();
		try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT @@port")) {
			result.next();
			assertThat(result.getInt(1)).isEqualTo(second().port());
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "INSERT INTO items (name) VALUES (?) RETURNING id", "{call add_item(?)}",
			"SELECT NEXTVAL(item_ids), ?", "SELECT GET_LOCK(?, 0)" })
	void anAutoCommitQueryThatWritesIsNeverRunTwice(String sql) throws SQLException {
		String name = unique();
		killThePooledConnection();
		try (Connection connection = pool.getConnection();
				PreparedStatement statement = sql.startsWith("{") ? connection.prepareCall(sql)
						: connection.prepareStatement(sql)) {
			statement.setString(1, name);
			SQLException failure = catchThrowableOfType(SQLException.class, () -> {
				try (ResultSet result = statement.executeQuery()) {
					result.next();
				}
			});
			assertThat((Throwable) failure).as("the connection error reaches the caller: the write's outcome is unknown")
				.isNotNull();
		}
		assertThat(rowsOn(second(), name)).as("nothing ran on the other peer").isZero();
	}

	@Test
	void aStreamTheFirstDriverConsumedIsNeverGivenToTheOtherPeer() throws SQLException {
		String name = unique();
		byte[] data = new byte[64 * 1024];
		Arrays.fill(data, (byte) 7);
		SQLException reached;
		await().atMost(Duration.ofSeconds(30)).until(() -> pool.getPeers().stream().allMatch((peer) -> peer.state() == PeerState.UP));
		try (Connection connection = pool.getConnection()) {
			connection.setAutoCommit(false);
			SQLException failure;
			try (PreparedStatement insert = connection.prepareStatement("INSERT INTO items (name, data) VALUES (?, ?)")) {
				insert.setString(1, name);
				insert.setBinaryStream(2, new ByteArrayInputStream(data));
				// the peer dies between the transaction's begin and its first statement
				peers.proxy().resetConnections();
				failure = catchThrowableOfType(SQLException.class, insert::executeUpdate);
			}
			if (failure == null) {
				connection.commit();
			}
			else {
				connection.rollback();
			}
			reached = failure;
		}
		catch (SQLException ex) {
			// the connection itself is gone
			reached = ex;
		}
		try (Connection connection = second().connect();
				PreparedStatement statement = connection
					.prepareStatement("SELECT count(*) FROM items WHERE name = ? AND LENGTH(data) <> ?")) {
			statement.setString(1, name);
			statement.setInt(2, data.length);
			try (ResultSet result = statement.executeQuery()) {
				result.next();
				assertThat(result.getInt(1)).as("rows with a truncated value").isZero();
			}
		}
		assertThat((Throwable) reached).as("the failure reaches the caller").isNotNull();
		assertThat(rowsOn(second(), name)).isZero();
	}

}
