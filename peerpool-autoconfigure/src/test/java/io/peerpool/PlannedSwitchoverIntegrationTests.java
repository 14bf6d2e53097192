package io.peerpool;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.peerpool.PeerPoolSettings.TransactionReplay;
import io.peerpool.balance.Balance;
import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.MariaDbServer;
import io.peerpool.test.TransactionLoad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A planned switchover under 8 threads of writes (the old primary set read-only, a replica
 * promoted, {@code role: auto}): writers with no writable peer wait for the promoted one instead
 * of failing; a write refused by the old primary's {@code read_only} runs again on the new one.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PlannedSwitchoverIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.primaryWithReplicas(2);

	@Test
	void writesWaitForThePromotedPrimaryInsteadOfFailing() throws Exception {
		try (Connection connection = db.primary().connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS load_rows (id BIGINT AUTO_INCREMENT PRIMARY KEY, seq BIGINT)");
		}
		PeerPoolSettings settings = new PeerPoolSettings("switchover", Balance.RANDOM, Duration.ofSeconds(30),
				Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(10));
		MariaDbServer oldPrimary = db.primary();
		MariaDbServer promoted = db.replicas().get(0);
		try (PeerPoolDataSource pool = TestPools.over(settings, db.servers(), JdbcDriver.MARIADB, (s) -> PeerRole.AUTO);
				TransactionLoad load = new TransactionLoad(pool, 8, "SELECT @@port")) {
			await().atMost(Duration.ofSeconds(20)).until(() -> load.successfulOn(oldPrimary.port()) > 100);
			db.promote(promoted);
			await().atMost(Duration.ofSeconds(30)).until(() -> load.successfulOn(promoted.port()) > 200);
			load.stop(Duration.ofSeconds(30));

			// MariaDB refuses the commit of a transaction that wrote before read_only=1 took effect: only
			// a replay of the transaction on the new primary could save it, so at most the one
			// transaction each thread had open at that instant fails; every later write waits for the
			// new primary instead of failing
			List<TransactionLoad.Outcome> failed = load.outcomes().stream().filter(TransactionLoad.Outcome::failed).toList();
			assertThat(failed).as("failed writes").allSatisfy((outcome) -> assertThat(outcome.error()).contains("read-only"));
			assertThat(failed.stream().collect(Collectors.groupingBy(TransactionLoad.Outcome::thread, Collectors.counting())))
				.as("failed writes per thread")
				.allSatisfy((thread, count) -> assertThat(count).isLessThanOrEqualTo(1L));
			assertThat(pool.peer(promoted.name()).role()).isEqualTo(PeerRole.PRIMARY);
		}
	}

	/**
	 * With {@code transaction-replay: all}, not even the transactions open on the old primary when
	 * it turned read-only fail: MariaDB refuses their commit (nothing was committed), and each runs
	 * again on the promoted primary, as does one whose second write was refused. Every write the
	 * application saw committed is there exactly once. The transactions read nothing
	 * server-specific, so the replay finds the same results.
	 */
	@Test
	void withReplayOfAllTransactionsNoWriteFails() throws Exception {
		try (Connection connection = db.primary().connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS switchover_writes (id BIGINT PRIMARY KEY, thread INT)");
		}
		PeerPoolSettings settings = new PeerPoolSettings("switchover-all", Balance.RANDOM, Duration.ofSeconds(30),
				Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(10))
			.withTransactionReplay(TransactionReplay.ALL, 64, 1024 * 1024);
		MariaDbServer oldPrimary = db.primary();
		MariaDbServer promoted = db.replicas().get(1);
		Set<Long> committed;
		try (PeerPoolDataSource pool = TestPools.over(settings, db.servers(), JdbcDriver.MARIADB, (s) -> PeerRole.AUTO)) {
			committed = writeThroughSwitchover(promoted, "switchover_writes", (id, thread) -> {
				try (Connection connection = pool.getConnection()) {
					connection.setAutoCommit(false);
					try (PreparedStatement insert = connection
						.prepareStatement("INSERT INTO switchover_writes (id, thread) VALUES (?, ?)")) {
						insert.setLong(1, id);
						insert.setInt(2, thread);
						insert.executeUpdate();
					}
					// a second write: refused when read_only came after the first, which only a replay of
					// the transaction saves (a refused first statement just runs again on the writer)
					try (PreparedStatement update = connection
						.prepareStatement("UPDATE switchover_writes SET thread = thread + 100 WHERE id = ?")) {
						update.setLong(1, id);
						update.executeUpdate();
					}
					connection.commit();
				}
			});
			assertThat(pool.getPeer(promoted.name()).role()).isEqualTo(PeerRole.PRIMARY);
		}
		SwitchoverWrites.everyWriteOnceOn(promoted, "switchover_writes", committed);
		assertThat(oldPrimary.port()).isNotEqualTo(promoted.port());
	}

	/**
	 * Auto-commit writes as ordinary Spring code sends them ({@code JdbcTemplate.update} with SQL
	 * alone and with arguments, outside any transaction) under 8 threads, at the defaults
	 * ({@code transaction-replay: read-only}): none fails. A write the old primary refused for its
	 * {@code read_only} did nothing there, so it runs again on the promoted primary. Every id
	 * reported written is on the new primary (its key would refuse a second copy).
	 */
	@Test
	void autoCommitWritesDoNotFailThroughASwitchover() throws Exception {
		try (Connection connection = db.primary().connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS switchover_autocommit (id BIGINT PRIMARY KEY, thread INT)");
		}
		PeerPoolSettings settings = new PeerPoolSettings("switchover-autocommit", Balance.RANDOM, Duration.ofSeconds(30),
				Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(10));
		MariaDbServer promoted = db.replicas().get(0);
		Set<Long> written;
		try (PeerPoolDataSource pool = TestPools.over(settings, db.servers(), JdbcDriver.MARIADB, (s) -> PeerRole.AUTO)) {
			org.springframework.jdbc.core.JdbcTemplate jdbc = new org.springframework.jdbc.core.JdbcTemplate(pool);
			written = writeThroughSwitchover(promoted, "switchover_autocommit", (id, thread) -> {
				if (id % 2 == 0) {
					jdbc.update("INSERT INTO switchover_autocommit (id, thread) VALUES (" + id + ", " + thread + ")");
				}
				else {
					jdbc.update("INSERT INTO switchover_autocommit (id, thread) VALUES (?, ?)", id, thread);
				}
			});
		}
		SwitchoverWrites.everyWriteOnceOn(promoted, "switchover_autocommit", written);
	}

	/**
	 * Plain JDBC code that keeps one connection for many auto-commit writes (a batch job, code
	 * written before a pool was), 4 threads, at the defaults: none of them fails through the
	 * switchover. Half the threads reuse one {@code Statement} for every write, one prepares a new
	 * statement for each, one prepares once and runs it for every write with one parameter set
	 * again: after a borrow's first statement those are a later execution, a statement prepared
	 * later and a later execution of a prepared one, and a write the old primary refused for its
	 * {@code read_only} runs again on the new primary there too, with the parameters it had.
	 */
	@Test
	void writesOnAConnectionKeptThroughASwitchoverDoNotFail() throws Exception {
		try (Connection connection = db.primary().connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS switchover_kept_connection (id BIGINT PRIMARY KEY, thread INT)");
		}
		PeerPoolSettings settings = new PeerPoolSettings("switchover-kept-connection", Balance.RANDOM,
				Duration.ofSeconds(30), Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(1),
				Duration.ofSeconds(10));
		MariaDbServer promoted = db.replicas().get(1);
		Connection[] kept = new Connection[4];
		Statement[] reused = new Statement[4];
		PreparedStatement[] reusedPrepared = new PreparedStatement[4];
		Set<Long> written;
		try (PeerPoolDataSource pool = TestPools.over(settings, db.servers(), JdbcDriver.MARIADB, (s) -> PeerRole.AUTO)) {
			try {
				// 4 threads: a kept connection moved to the new primary keeps its slot on the old one until it is
				// closed (statements prepared there stay usable), and each peer's pool has 4
				written = writeThroughSwitchover(promoted, "switchover_kept_connection", 4, (id, thread) -> {
					if (kept[thread] == null) {
						kept[thread] = pool.getConnection();
						reused[thread] = kept[thread].createStatement();
					}
					String insert = "INSERT INTO switchover_kept_connection (id, thread) VALUES ";
					if (thread % 2 == 0) {
						reused[thread].executeUpdate(insert + "(" + id + ", " + thread + ")");
					}
					else if (thread == 3) {
						// plain JDBC that prepares once and runs it for every write
						if (reusedPrepared[thread] == null) {
							reusedPrepared[thread] = kept[thread].prepareStatement(insert + "(?, ?)");
							reusedPrepared[thread].setInt(2, thread);
						}
						reusedPrepared[thread].setLong(1, id);
						reusedPrepared[thread].executeUpdate();
					}
					else {
						try (PreparedStatement statement = kept[thread].prepareStatement(insert + "(?, ?)")) {
							statement.setLong(1, id);
							statement.setInt(2, thread);
							statement.executeUpdate();
						}
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
		SwitchoverWrites.everyWriteOnceOn(promoted, "switchover_kept_connection", written);
	}

	private static Set<Long> writeThroughSwitchover(MariaDbServer promoted, String table, SwitchoverWrites.Write write)
			throws Exception {
		return writeThroughSwitchover(promoted, table, 8, write);
	}

	private static Set<Long> writeThroughSwitchover(MariaDbServer promoted, String table, int threadCount,
			SwitchoverWrites.Write write) throws Exception {
		return SwitchoverWrites.writeThrough(() -> db.promote(promoted), promoted, table, threadCount, write);
	}

	/**
	 * A transaction whose write the old primary refused, now read-only, runs again on the promoted
	 * primary, and its connection to the old primary, which works, goes back to that peer's pool for
	 * reads: only a lost connection is aborted when its replay begins.
	 */
	@Test
	void theConnectionOfATransactionTheOldPrimaryRefusedGoesBackToItsPool() throws Exception {
		MariaDbServer oldPrimary = db.primary();
		MariaDbServer promoted = db.replicas().get(0);
		try (Connection connection = oldPrimary.connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS switchover_kept (id BIGINT PRIMARY KEY)");
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> hasTable(promoted, "switchover_kept"));
		PeerPoolSettings settings = new PeerPoolSettings("switchover-kept", Balance.RANDOM, Duration.ofSeconds(30),
				Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(10))
			.withTransactionReplay(TransactionReplay.ALL, 64, 1024 * 1024);
		long id = System.nanoTime();
		long refused;
		try (PeerPoolDataSource pool = TestPools.over(settings, db.servers(), JdbcDriver.MARIADB, (s) -> PeerRole.AUTO)) {
			await().atMost(Duration.ofSeconds(20))
				.until(() -> pool.getPeer(oldPrimary.name()).role() == PeerRole.PRIMARY);
			try (Connection connection = pool.getConnection()) {
				connection.setAutoCommit(false);
				insertKept(connection, id);
				refused = openTransactionThread(oldPrimary);
				db.promote(promoted);
				insertKept(connection, id + 1);
				connection.commit();
			}
			assertThat(connectionIds(oldPrimary)).as("the old primary's connection of the refused transaction")
				.contains(refused);
		}
		try (Connection check = promoted.connect(); Statement statement = check.createStatement();
				ResultSet rows = statement.executeQuery(
						"SELECT COUNT(*) FROM switchover_kept WHERE id IN (" + id + ", " + (id + 1) + ")")) {
			rows.next();
			assertThat(rows.getInt(1)).as("the replayed transaction's rows on the new primary").isEqualTo(2);
		}
	}

	private static void insertKept(Connection connection, long id) throws SQLException {
		try (PreparedStatement insert = connection.prepareStatement("INSERT INTO switchover_kept (id) VALUES (?)")) {
			insert.setLong(1, id);
			assertThat(insert.executeUpdate()).isOne();
		}
	}

	/** The connection id of the one transaction that wrote on {@code server} and is open (INNODB_TRX needs PROCESS: as the DBA). */
	private static long openTransactionThread(MariaDbServer server) throws SQLException {
		try (Connection admin = server.connectAsAdmin(); Statement statement = admin.createStatement();
				ResultSet rows = statement.executeQuery("SELECT trx_mysql_thread_id FROM information_schema.INNODB_TRX WHERE trx_rows_modified > 0")) {
			assertThat(rows.next()).as("an open transaction").isTrue();
			long thread = rows.getLong(1);
			assertThat(rows.next()).as("only one").isFalse();
			return thread;
		}
	}

	/**
	 * The ids of the application user's connections open on {@code server}: as that user, who sees
	 * its own threads without PROCESS (the pool's connections are its own).
	 */
	private static Set<Long> connectionIds(MariaDbServer server) throws SQLException {
		Set<Long> ids = new java.util.HashSet<>();
		try (Connection app = server.connect(); Statement statement = app.createStatement();
				ResultSet rows = statement.executeQuery("SELECT ID FROM information_schema.PROCESSLIST")) {
			while (rows.next()) {
				ids.add(rows.getLong(1));
			}
		}
		return ids;
	}

	private static boolean hasTable(MariaDbServer server, String table) throws SQLException {
		try (Connection connection = server.connect(); Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_NAME = '"
						+ table + "'")) {
			rows.next();
			return rows.getInt(1) > 0;
		}
	}

}
