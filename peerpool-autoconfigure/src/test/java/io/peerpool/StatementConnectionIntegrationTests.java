package io.peerpool;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.JdbcDriver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link Statement#getConnection()} of every statement a peerpool connection hands out is that
 * connection, on a real MariaDB: also for the prepared statements created after the first statement
 * ran and for calls, which are the driver's statements underneath. Were it the pool's connection
 * behind, an application (or a framework) that closes or configures "the statement's connection"
 * would give the physical connection back to its pool while peerpool still uses it. The same for
 * {@link DatabaseMetaData#getConnection()}.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatementConnectionIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.peers(1);

	private PeerPoolDataSource pool;

	@BeforeAll
	void createProcedure() throws SQLException {
		try (Connection connection = db.servers().get(0).connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS notes (id INT PRIMARY KEY, text VARCHAR(20))");
			statement.execute("CREATE OR REPLACE PROCEDURE note_count(OUT total INT) SELECT COUNT(*) INTO total FROM notes");
		}
		this.pool = TestPools.over(db.servers(), JdbcDriver.MARIADB);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.pool.getPeers().stream().allMatch((peer) -> peer.state() == PeerState.UP));
	}

	@AfterAll
	void closePool() {
		this.pool.close();
	}

	@Test
	void theFirstStatementsAnswerTheApplicationsConnection() throws SQLException {
		try (Connection connection = this.pool.getConnection()) {
			try (PreparedStatement first = connection.prepareStatement("SELECT COUNT(*) FROM notes")) {
				assertThat(first.getConnection()).isSameAs(connection);
			}
			try (Statement plain = connection.createStatement()) {
				assertThat(plain.getConnection()).isSameAs(connection);
			}
		}
	}

	@Test
	void aPreparedStatementCreatedAfterAStatementRanAnswersTheApplicationsConnection() throws SQLException {
		try (Connection connection = this.pool.getConnection()) {
			ranAStatement(connection);
			try (PreparedStatement later = connection.prepareStatement("SELECT text FROM notes WHERE id = ?")) {
				assertThat(later.getConnection()).isSameAs(connection);
				later.setInt(1, 1);
				try (ResultSet rows = later.executeQuery()) {
					assertThat(rows.next()).isFalse();
				}
			}
			try (PreparedStatement keys = connection.prepareStatement("INSERT INTO notes VALUES (?, ?)",
					Statement.RETURN_GENERATED_KEYS)) {
				assertThat(keys.getConnection()).isSameAs(connection);
			}
		}
	}

	@Test
	void aPreparedStatementOfATransactionAfterItsFirstStatementAnswersTheApplicationsConnection() throws SQLException {
		try (Connection connection = this.pool.getConnection()) {
			connection.setAutoCommit(false);
			ranAStatement(connection);
			try (PreparedStatement later = connection.prepareStatement("UPDATE notes SET text = ? WHERE id = ?")) {
				assertThat(later.getConnection()).isSameAs(connection);
			}
			connection.rollback();
		}
	}

	@Test
	void aCallAnswersTheApplicationsConnection() throws SQLException {
		try (Connection connection = this.pool.getConnection()) {
			try (CallableStatement call = connection.prepareCall("{call note_count(?)}")) {
				assertThat(call.getConnection()).isSameAs(connection);
				call.registerOutParameter(1, java.sql.Types.INTEGER);
				call.execute();
				assertThat(call.getInt(1)).isGreaterThanOrEqualTo(0);
				assertThat(call.unwrap(CallableStatement.class)).isNotNull();
			}
			try (CallableStatement again = connection.prepareCall("{call note_count(?)}",
					ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
				assertThat(again.getConnection()).isSameAs(connection);
			}
		}
	}

	@Test
	void theMetaDataAnswersTheApplicationsConnection() throws SQLException {
		try (Connection connection = this.pool.getConnection()) {
			// before any statement (the physical connection is taken for the metadata) and after one
			DatabaseMetaData before = connection.getMetaData();
			assertThat(before.getConnection()).isSameAs(connection);
			assertThat(before.getDatabaseProductName()).isEqualTo("MariaDB");
			ranAStatement(connection);
			DatabaseMetaData after = connection.getMetaData();
			assertThat(after.getConnection()).isSameAs(connection);
			assertThat(after.unwrap(DatabaseMetaData.class)).isNotNull();
			try (ResultSet tables = after.getTables(null, null, "notes", null)) {
				assertThat(tables.next()).isTrue();
			}
			ranAStatement(connection);
		}
	}

	private static void ranAStatement(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("SELECT 1")) {
			assertThat(rows.next()).isTrue();
		}
	}

}
