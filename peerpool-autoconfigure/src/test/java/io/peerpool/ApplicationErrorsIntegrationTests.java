package io.peerpool;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLSyntaxErrorException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.JdbcDriver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The application's own SQL errors reach it unchanged and never mark a peer down. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ApplicationErrorsIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.peers(2);

	@Test
	void syntaxErrorsAndDuplicateKeysNeverMarkAPeerDown() throws SQLException {
		try (PeerPoolDataSource pool = TestPools.over(db.servers(), JdbcDriver.MARIADB)) {
			for (var server : db.servers()) {
				try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
					statement.execute("CREATE TABLE IF NOT EXISTS unique_rows (id INT PRIMARY KEY)");
				}
			}
			for (int i = 0; i < 10; i++) {
				assertThatExceptionOfType(SQLSyntaxErrorException.class).isThrownBy(() -> execute(pool, "SELEKT 1"));
				assertThatExceptionOfType(SQLException.class)
					.isThrownBy(() -> execute(pool, "SELECT * FROM no_such_table"));
				// rows differ per server, so insert the same key twice on one connection
				assertThatExceptionOfType(SQLIntegrityConstraintViolationException.class).isThrownBy(() -> {
					try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
						statement.execute("INSERT IGNORE INTO unique_rows VALUES (1)");
						statement.execute("INSERT INTO unique_rows VALUES (1)");
					}
				});
			}
			assertThat(pool.getPeers()).allSatisfy((peer) -> {
				assertThat(peer.state()).isEqualTo(PeerState.UP);
				assertThat(peer.lastError()).isNull();
			});
		}
	}

	/**
	 * MariaDB Connector/J gives SQLState class 25 (a write in a read-only transaction) as an
	 * {@code SQLInvalidAuthorizationSpecException} and a class it does not know (an application's
	 * {@code SIGNAL SQLSTATE '45000'}) as an {@code SQLTransientConnectionException}: by their
	 * exception class an authentication and a connection failure, by their SQLState the
	 * application's own errors. They reach the application, and the peers stay UP.
	 */
	@Test
	void aWriteInAReadOnlyTransactionAndAnApplicationsSignalNeverMarkAPeerDown() throws SQLException {
		for (var server : db.servers()) {
			try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
				statement.execute("CREATE TABLE IF NOT EXISTS signal_rows (id INT PRIMARY KEY)");
				statement.execute("CREATE OR REPLACE PROCEDURE refuse() SIGNAL SQLSTATE '45000'"
						+ " SET MESSAGE_TEXT = 'refused by the application'");
			}
		}
		try (PeerPoolDataSource pool = TestPools.over(db.servers(), JdbcDriver.MARIADB)) {
			java.util.List<String> downs = new java.util.concurrent.CopyOnWriteArrayList<>();
			PoolEvents.onDown(pool, (event) -> downs.add(PoolEvents.describeDown(event)));
			for (int i = 0; i < 4; i++) {
				SQLException readOnly = org.assertj.core.api.Assertions.catchThrowableOfType(SQLException.class, () -> {
					try (Connection connection = pool.getConnection()) {
						connection.setReadOnly(true);
						connection.setAutoCommit(false);
						try (Statement statement = connection.createStatement()) {
							statement.executeQuery("SELECT 1").close();
							statement.execute("INSERT INTO signal_rows VALUES (1)");
						}
					}
				});
				assertThat(readOnly.getSQLState()).isEqualTo("25006");
				SQLException signal = org.assertj.core.api.Assertions.catchThrowableOfType(SQLException.class, () -> {
					try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
						statement.execute("CALL refuse()");
					}
				});
				assertThat(signal.getMessage()).contains("refused by the application");
				assertThat(signal.getSQLState()).isEqualTo("45000");
			}
			assertThat(downs).as("DOWN transitions").isEmpty();
			assertThat(pool.getPeers()).allSatisfy((peer) -> {
				assertThat(peer.state()).isEqualTo(PeerState.UP);
				assertThat(peer.lastError()).isNull();
			});
		}
	}

	@Test
	void failedFirstStatementOfTheApplicationIsNotRetriedOnAnotherPeer() throws SQLException {
		try (PeerPoolDataSource pool = TestPools.over(db.servers(), JdbcDriver.MARIADB)) {
			long before = pool.getPeers().stream().mapToLong(PeerInfo::routed).sum();
			assertThatExceptionOfType(SQLSyntaxErrorException.class).isThrownBy(() -> execute(pool, "SELEKT 1"));
			long after = pool.getPeers().stream().mapToLong(PeerInfo::routed).sum();
			assertThat(after - before).as("physical connections taken for one failing statement").isEqualTo(1);
		}
	}

	private static void execute(PeerPoolDataSource pool, String sql) throws SQLException {
		try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

}
