package io.peerpool;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.peerpool.balance.Balance;
import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.JdbcDriver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Auto-commit switched off behind JDBC's back (by SQL, by a procedure, on the driver's own
 * connection) does not reach the next borrower of the physical connection, on a real MariaDB with
 * one pooled connection, so that every borrow gets the same one. HikariCP resets only what was
 * changed through its proxy; without peerpool's check the next borrower's first
 * {@code setAutoCommit(true)} committed the writes the previous borrower had left uncommitted, and
 * without any check its auto-commit writes stayed in an open transaction.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AutoCommitSetBySqlIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.peers(1);

	private PeerPoolDataSource pool;

	@BeforeAll
	void createPool() throws SQLException {
		try (Connection admin = db.servers().get(0).connect(); Statement statement = admin.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS notes (id INT PRIMARY KEY)");
			statement.execute("CREATE OR REPLACE PROCEDURE autocommit_off() SET autocommit = 0");
		}
		this.pool = TestPools.over(TestPools.fastSettings("autocommit", Balance.ROUND_ROBIN), db.servers(),
				JdbcDriver.MARIADB, (server) -> PeerRole.PRIMARY, PeerProbe.standard(),
				Map.of("maximum-pool-size", "1", "minimum-idle", "1"));
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.pool.getPeers().stream().allMatch((peer) -> peer.state() == PeerState.UP));
	}

	@BeforeEach
	void emptyTable() throws SQLException {
		try (Connection admin = db.servers().get(0).connect(); Statement statement = admin.createStatement()) {
			statement.execute("DELETE FROM notes");
		}
	}

	@AfterAll
	void closePool() {
		this.pool.close();
	}

	@Test
	void writesLeftUncommittedAfterSetAutocommitBySqlAreNotCommittedByTheNextBorrower() throws SQLException {
		try (Connection connection = this.pool.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("SET autocommit = 0");
			statement.executeUpdate("INSERT INTO notes VALUES (1)");
			// closed without a commit: the insert must not be kept
		}
		insertInAutoCommit(2);
		assertThat(committedIds()).containsExactly(2);
	}

	@Test
	void theNextBorrowerIsInAutoCommitAfterSetAutocommitBySqlWithoutAWrite() throws SQLException {
		try (Connection connection = this.pool.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("SET autocommit = 0");
		}
		insertInAutoCommit(3);
		assertThat(committedIds()).containsExactly(3);
	}

	@Test
	void theNextBorrowerIsInAutoCommitAfterAProcedureSwitchedItOff() throws SQLException {
		try (Connection connection = this.pool.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("CALL autocommit_off()");
			statement.executeUpdate("INSERT INTO notes VALUES (4)");
		}
		insertInAutoCommit(5);
		assertThat(committedIds()).containsExactly(5);
	}

	@Test
	void theNextBorrowerIsInAutoCommitAfterTheDriversConnectionSwitchedItOff() throws SQLException {
		try (Connection connection = this.pool.getConnection()) {
			connection.unwrap(org.mariadb.jdbc.Connection.class).setAutoCommit(false);
			try (Statement statement = connection.createStatement()) {
				statement.executeUpdate("INSERT INTO notes VALUES (6)");
			}
		}
		insertInAutoCommit(7);
		assertThat(committedIds()).containsExactly(7);
	}

	/** Control: auto-commit switched off through JDBC is HikariCP's to reset, as ever. */
	@Test
	void theNextBorrowerIsInAutoCommitAfterSetAutoCommitThroughJdbc() throws SQLException {
		try (Connection connection = this.pool.getConnection()) {
			connection.setAutoCommit(false);
			try (Statement statement = connection.createStatement()) {
				statement.executeUpdate("INSERT INTO notes VALUES (8)");
			}
		}
		insertInAutoCommit(9);
		assertThat(committedIds()).containsExactly(9);
	}

	/** An insert in a borrow that sets nothing: committed at once if the borrow is in auto-commit. */
	private void insertInAutoCommit(int id) throws SQLException {
		try (Connection connection = this.pool.getConnection(); Statement statement = connection.createStatement()) {
			statement.executeUpdate("INSERT INTO notes VALUES (" + id + ")");
			assertThat(connection.getAutoCommit()).as("auto-commit of the physical connection").isTrue();
		}
	}

	/** What another session sees committed. */
	private List<Integer> committedIds() throws SQLException {
		try (Connection admin = db.servers().get(0).connect(); Statement statement = admin.createStatement();
				ResultSet rows = statement.executeQuery("SELECT id FROM notes ORDER BY id")) {
			List<Integer> ids = new java.util.ArrayList<>();
			while (rows.next()) {
				ids.add(rows.getInt(1));
			}
			return ids;
		}
	}

}
