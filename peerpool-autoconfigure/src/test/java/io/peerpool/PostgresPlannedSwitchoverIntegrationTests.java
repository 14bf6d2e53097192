package io.peerpool;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.peerpool.PeerPoolSettings.TransactionReplay;
import io.peerpool.balance.Balance;
import io.peerpool.test.EmbeddedPostgres;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.PostgresMajor;
import io.peerpool.test.PostgresServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A planned PostgreSQL switchover under load, every peer {@code role: auto}: the primary made
 * read-only for new transactions ({@code ALTER SYSTEM SET default_transaction_read_only = on}), a
 * standby promoted once it replayed everything ({@link EmbeddedPostgres#switchover}). The old
 * primary still runs and is not in recovery, so {@code pg_is_in_recovery()} alone calls it a
 * primary; it refuses every write with SQLState {@code 25006}. No write fails: writers wait for the
 * promoted standby, and a write the old primary refused runs again there. Mirrors
 * {@link PlannedSwitchoverIntegrationTests} (MariaDB, {@code read_only}). Also the switchover
 * Patroni and CloudNativePG make: the primary stopped by a fast shutdown, a standby promoted.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PostgresPlannedSwitchoverIntegrationTests {

	/** A standby per test that switches over. */
	@RegisterExtension
	static final EmbeddedPostgres pg = EmbeddedPostgres.primaryWithStandbys(PostgresMajor.V17, 4);

	@BeforeAll
	static void createTables() throws SQLException {
		try (Connection connection = pg.primary().connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS switchover_autocommit (id BIGINT PRIMARY KEY, thread INT)");
			statement.execute("CREATE TABLE IF NOT EXISTS switchover_transactions (id BIGINT PRIMARY KEY, thread INT)");
			statement.execute("CREATE TABLE IF NOT EXISTS switchover_kept (id BIGINT PRIMARY KEY, thread INT)");
			statement.execute("CREATE TABLE IF NOT EXISTS switchover_stopped (id BIGINT PRIMARY KEY, thread INT)");
		}
	}

	/**
	 * Auto-commit writes as Spring code sends them ({@code JdbcTemplate.update} with SQL alone and
	 * with arguments) under 8 threads at the defaults ({@code transaction-replay: read-only}): none
	 * fails, each is on the promoted primary once, and the old primary, read-only now, is a replica.
	 */
	@Test
	void autoCommitWritesDoNotFailThroughASwitchover() throws Exception {
		PostgresServer oldPrimary = pg.primary();
		PostgresServer promoted = pg.standbys().get(0);
		Set<Long> written;
		try (PeerPoolDataSource pool = pool("pg-switchover-autocommit", TransactionReplay.READ_ONLY)) {
			JdbcTemplate jdbc = new JdbcTemplate(pool);
			written = writeThroughSwitchover(promoted, "switchover_autocommit", 8, (id, thread) -> {
				if (id % 2 == 0) {
					jdbc.update("INSERT INTO switchover_autocommit (id, thread) VALUES (" + id + ", " + thread + ")");
				}
				else {
					jdbc.update("INSERT INTO switchover_autocommit (id, thread) VALUES (?, ?)", id, thread);
				}
			});
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				assertThat(pool.peer(promoted.name()).role()).isEqualTo(PeerRole.PRIMARY);
				PeerInfo old = pool.getPeer(oldPrimary.name());
				assertThat(old.role()).as("the old primary, read-only").isEqualTo(PeerRole.REPLICA);
				// it replicates from no one: behind the promoted primary's writes, by position, not lag 0
				assertThat(old.lagSource()).isEqualTo("position");
				assertThat(old.lagSeconds()).isPositive();
			});
		}
		SwitchoverWrites.everyWriteOnceOn(promoted, "switchover_autocommit", written);
	}

	/**
	 * Transactions as Spring runs them ({@code TransactionTemplate}: a read, then two writes) under
	 * 8 threads with {@code transaction-replay: all}: a transaction begun on the old primary after it
	 * turned read-only reads there, has its first write refused, and runs again on the promoted
	 * primary; one begun before commits there, and the switchover waits for it. None fails.
	 */
	@Test
	void transactionsDoNotFailThroughASwitchoverWithReplayOfAll() throws Exception {
		PostgresServer promoted = pg.standbys().get(0);
		Set<Long> written;
		try (PeerPoolDataSource pool = pool("pg-switchover-transactions", TransactionReplay.ALL)) {
			JdbcTemplate jdbc = new JdbcTemplate(pool);
			TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(pool));
			written = writeThroughSwitchover(promoted, "switchover_transactions", 8, (id, thread) -> {
				transactions.executeWithoutResult((status) -> {
					Integer present = jdbc.queryForObject("SELECT count(*) FROM switchover_transactions WHERE id = ?",
							Integer.class, id);
					assertThat(present).isZero();
					jdbc.update("INSERT INTO switchover_transactions (id, thread) VALUES (?, ?)", id, thread);
					jdbc.update("UPDATE switchover_transactions SET thread = thread + 100 WHERE id = ?", id);
				});
			});
		}
		SwitchoverWrites.everyWriteOnceOn(promoted, "switchover_transactions", written);
	}

	/**
	 * Plain JDBC that keeps one connection for many auto-commit writes, at the defaults: one thread
	 * reuses one {@code Statement}, one prepares a statement for each write, one reuses one prepared
	 * statement. After the borrow's first statement a write the old primary refused runs again on the
	 * promoted primary too.
	 */
	@Test
	void writesOnAConnectionKeptThroughASwitchoverDoNotFail() throws Exception {
		PostgresServer promoted = pg.standbys().get(0);
		Connection[] kept = new Connection[3];
		Statement[] reused = new Statement[3];
		PreparedStatement[] reusedPrepared = new PreparedStatement[3];
		String insert = "INSERT INTO switchover_kept (id, thread) VALUES ";
		Set<Long> written;
		try (PeerPoolDataSource pool = pool("pg-switchover-kept", TransactionReplay.READ_ONLY)) {
			try {
				written = writeThroughSwitchover(promoted, "switchover_kept", 3, (id, thread) -> {
					if (kept[thread] == null) {
						kept[thread] = pool.getConnection();
						reused[thread] = kept[thread].createStatement();
					}
					if (thread == 0) {
						reused[thread].executeUpdate(insert + "(" + id + ", " + thread + ")");
					}
					else if (thread == 1) {
						try (PreparedStatement statement = kept[thread].prepareStatement(insert + "(?, ?)")) {
							statement.setLong(1, id);
							statement.setInt(2, thread);
							statement.executeUpdate();
						}
					}
					else {
						if (reusedPrepared[thread] == null) {
							reusedPrepared[thread] = kept[thread].prepareStatement(insert + "(?, ?)");
							reusedPrepared[thread].setInt(2, thread);
						}
						reusedPrepared[thread].setLong(1, id);
						reusedPrepared[thread].executeUpdate();
					}
				});
			}
			finally {
				for (Connection connection : kept) {
					if (connection != null) {
						connection.close();
					}
				}
			}
		}
		SwitchoverWrites.everyWriteOnceOn(promoted, "switchover_kept", written);
	}

	/**
	 * A switchover as Patroni and CloudNativePG make it, under 8 threads with
	 * {@code transaction-replay: all}: the primary stopped by a fast shutdown (every session
	 * terminated with {@code 57P01}, new connections refused), a standby promoted. Half the threads
	 * run transactions (a read, two writes): one cut by the shutdown runs again on the promoted
	 * primary. Half send auto-commit {@code JdbcTemplate.update}: later ones wait for the promoted
	 * primary. Only writes whose outcome the application cannot know fail: an auto-commit write whose
	 * session was terminated under it (it may have committed), or a commit cut so ({@code 08007}).
	 * Each of those is on the new primary once or not at all; every write reported done is there once.
	 */
	@Test
	void writesThroughAStopOfThePrimaryAndAPromotionFailOnlyWhereTheirOutcomeIsUnknown() throws Exception {
		PostgresServer promoted = pg.standbys().get(0);
		String insert = "INSERT INTO switchover_stopped (id, thread) VALUES (?, ?)";
		SwitchoverWrites.Outcome outcome;
		try (PeerPoolDataSource pool = pool("pg-stop-promote", TransactionReplay.ALL)) {
			JdbcTemplate jdbc = new JdbcTemplate(pool);
			TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(pool));
			outcome = SwitchoverWrites.writeThrough(() -> pg.stopAndPromote(promoted), promoted, "switchover_stopped", 8,
					(id, thread) -> {
						if (thread % 2 == 0) {
							jdbc.update(insert, id, thread);
							return;
						}
						transactions.executeWithoutResult((status) -> {
							Integer present = jdbc.queryForObject("SELECT count(*) FROM switchover_stopped WHERE id = ?",
									Integer.class, id);
							assertThat(present).isZero();
							jdbc.update(insert, id, thread);
							jdbc.update("UPDATE switchover_stopped SET thread = thread + 100 WHERE id = ?", id);
						});
					}, (thread, failure) -> isUnknownOutcome(thread % 2 == 0, failure));
		}
		SwitchoverWrites.everyWriteOnceOn(promoted, "switchover_stopped", outcome.written());
		// each of the 4 auto-commit threads had at most one write in flight, and the old primary's pool at most 4
		// connections terminated while idle, each of which one write may take before the peer is DOWN (1 to 3 seen)
		assertThat(outcome.unknown()).as("writes of unknown outcome").hasSizeLessThanOrEqualTo(8);
	}

	/**
	 * Whether {@code failure} leaves the outcome of its write unknown: for an auto-commit write, its
	 * connection lost under it (class {@code 08}, or {@code 57P01}); for a transaction, its commit
	 * cut so ({@code 08007}). Any other failure of a transaction, replayed by
	 * {@code transaction-replay: all}, is a failure.
	 */
	private static boolean isUnknownOutcome(boolean autoCommit, Throwable failure) {
		for (Throwable current = failure; current != null; current = current.getCause()) {
			if (current instanceof SQLException sql && sql.getSQLState() != null) {
				String state = sql.getSQLState();
				return autoCommit ? (state.startsWith("08") || state.equals("57P01")) : state.equals("08007");
			}
		}
		return false;
	}

	/**
	 * Control: a write the application itself made read-only gets PostgreSQL's refusal, and the
	 * primary stays the primary: a read-only Spring transaction, {@code SET TRANSACTION READ ONLY}
	 * in a recorded transaction (not replayed: it would wait for another writer until
	 * {@code acquire-timeout}) and {@code SET SESSION CHARACTERISTICS} in auto-commit.
	 */
	@Test
	void aWriteTheApplicationMadeReadOnlyGetsItsOwnRefusal() throws Exception {
		PostgresServer primary = pg.primary();
		String insert = "INSERT INTO switchover_autocommit (id, thread) VALUES (?, -1)";
		long id = System.nanoTime();
		try (PeerPoolDataSource pool = pool("pg-own-read-only", TransactionReplay.ALL)) {
			JdbcTemplate jdbc = new JdbcTemplate(pool);
			TransactionTemplate readOnly = new TransactionTemplate(new DataSourceTransactionManager(pool));
			readOnly.setReadOnly(true);
			assertThat(org.assertj.core.api.Assertions.catchThrowable(
					() -> readOnly.executeWithoutResult((status) -> jdbc.update(insert, id))))
				.as("a read-only Spring transaction")
				.hasRootCauseMessage("ERROR: cannot execute INSERT in a read-only transaction");
			try (Connection connection = pool.getConnection()) {
				connection.setAutoCommit(false);
				try (Statement statement = connection.createStatement()) {
					statement.execute("SET TRANSACTION READ ONLY");
				}
				SQLException refused = org.assertj.core.api.Assertions.catchThrowableOfType(SQLException.class, () -> {
					try (PreparedStatement statement = connection.prepareStatement(insert)) {
						statement.setLong(1, id + 1);
						statement.executeUpdate();
					}
				});
				assertThat(refused.getSQLState()).as("SET TRANSACTION READ ONLY").isEqualTo("25006");
				connection.rollback();
			}
			try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
				statement.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
				SQLException refused = org.assertj.core.api.Assertions.catchThrowableOfType(SQLException.class,
						() -> statement.executeUpdate("INSERT INTO switchover_autocommit (id, thread) VALUES (" + (id + 2)
								+ ", -1)"));
				assertThat(refused.getSQLState()).as("SET SESSION CHARACTERISTICS").isEqualTo("25006");
				statement.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE");
			}
			assertThat(pool.getPeer(primary.name()).role()).isEqualTo(PeerRole.PRIMARY);
			assertThat(pool.getEvents()).as("no caller waited for another writer")
				.noneMatch((event) -> event.type() == PeerPoolEvent.Type.HOLD_START);
		}
		try (Connection connection = primary.connect(); Statement statement = connection.createStatement();
				java.sql.ResultSet rows = statement.executeQuery(
						"SELECT count(*) FROM switchover_autocommit WHERE thread = -1")) {
			rows.next();
			assertThat(rows.getInt(1)).as("rows written").isZero();
		}
	}

	private static PeerPoolDataSource pool(String name, TransactionReplay replay) {
		// probes every second; acquire-timeout 10 s, far more than the switchover's wait for the standby; connect-
		// timeout 2 s: a backend fork can take more than 1 s on a busy 2-core machine
		PeerPoolSettings settings = new PeerPoolSettings(name, Balance.RANDOM, Duration.ofSeconds(30),
				Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(10))
			.withTransactionReplay(replay, 64, 1024 * 1024);
		return TestPools.over(settings, pg.servers(), JdbcDriver.POSTGRESQL, (server) -> PeerRole.AUTO);
	}

	private static Set<Long> writeThroughSwitchover(PostgresServer promoted, String table, int threadCount,
			SwitchoverWrites.Write write) throws Exception {
		return SwitchoverWrites.writeThrough(() -> pg.switchover(promoted), promoted, table, threadCount, write);
	}

}
