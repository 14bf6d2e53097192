package io.peerpool;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.support.TransactionTemplate;

import io.peerpool.balance.Balance;
import io.peerpool.test.EmbeddedPostgres;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.PostgresMajor;
import io.peerpool.test.PostgresServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A read on a PostgreSQL hot standby cancelled by a conflict with recovery ("canceling statement due
 * to conflict with recovery", SQLState 40001): the standby had to replay something the query stood
 * in the way of (here a lock the primary took; in production as often a vacuum of rows the query
 * still sees) for longer than {@code max_standby_streaming_delay}. Nothing was wrong with the read,
 * the connection or the server: the read runs again, and the application gets its result. The
 * standby is made to cancel at once ({@code max_standby_streaming_delay = 0}); the application user
 * has no privileges.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PostgresRecoveryConflictIntegrationTests {

	@RegisterExtension
	static final EmbeddedPostgres pg = EmbeddedPostgres.primaryWithStandbys(PostgresMajor.V17, 1);

	private static final String LONG_READ = "SELECT count(*) FROM conflict_rows, pg_sleep(1.5)";

	@BeforeAll
	static void setUp() throws SQLException {
		try (Connection connection = pg.primary().connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS conflict_rows (id INT PRIMARY KEY)");
			statement.execute("INSERT INTO conflict_rows SELECT g FROM generate_series(1, 7) g ON CONFLICT DO NOTHING");
		}
		PostgresServer standby = pg.standbys().get(0);
		standby.executeAsAdmin("ALTER SYSTEM SET max_standby_streaming_delay = 0");
		standby.executeAsAdmin("SELECT pg_reload_conf()");
		await().atMost(Duration.ofSeconds(10)).until(() -> "0".equals(adminQuery(standby,
				"SELECT setting FROM pg_settings WHERE name = 'max_standby_streaming_delay'")));
		await().atMost(Duration.ofSeconds(10)).until(() -> "7".equals(adminQuery(standby, "SELECT count(*) FROM conflict_rows")));
	}

	@AfterAll
	static void tearDown() {
		PostgresServer standby = pg.standbys().get(0);
		standby.executeAsAdmin("ALTER SYSTEM RESET max_standby_streaming_delay");
		standby.executeAsAdmin("SELECT pg_reload_conf()");
	}

	private static PeerPoolDataSource pool() {
		return TestPools.over(TestPools.fastSettings("conflict", Balance.ROUND_ROBIN), pg.servers(), JdbcDriver.POSTGRESQL,
				(server) -> PeerRole.AUTO, PeerProbe.standard(), Map.of("maximum-pool-size", "4", "minimum-idle", "1"));
	}

	@Test
	void anAutoCommitReadCancelledByAConflictWithRecoveryRunsAgainAndReturnsItsResult() throws Exception {
		try (PeerPoolDataSource pool = pool(); Connection connection = pool.getConnection()) {
			awaitReplicaUp(pool);
			connection.setReadOnly(true);
			CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> count(connection, LONG_READ));
			long cancelled = cancelledForLocks();
			conflictOnTheStandby();
			assertThat(read.get(30, TimeUnit.SECONDS)).isEqualTo(7);
			// the standby's statistics are flushed within a second or so
			await().atMost(Duration.ofSeconds(10)).until(() -> cancelledForLocks() > cancelled);
		}
	}

	@Test
	void aReadOnlyTransactionCancelledByAConflictWithRecoveryIsReplayedAndReturnsItsResult() throws Exception {
		try (PeerPoolDataSource pool = pool()) {
			awaitReplicaUp(pool);
			TransactionTemplate readOnly = new TransactionTemplate(new DataSourceTransactionManager(pool));
			readOnly.setReadOnly(true);
			CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> readOnly.execute((status) -> {
				int before = count(DataSourceUtils.getConnection(pool),
						"SELECT count(*) FROM conflict_rows WHERE id <= 3");
				return before + count(DataSourceUtils.getConnection(pool), LONG_READ);
			}));
			long cancelled = cancelledForLocks();
			conflictOnTheStandby();
			assertThat(read.get(30, TimeUnit.SECONDS)).isEqualTo(3 + 7);
			// the standby's statistics are flushed within a second or so
			await().atMost(Duration.ofSeconds(10)).until(() -> cancelledForLocks() > cancelled);
		}
	}

	private static void awaitReplicaUp(PeerPoolDataSource pool) {
		PostgresServer standby = pg.standbys().get(0);
		await().atMost(Duration.ofSeconds(30)).until(() -> pool.getPeer(standby.name()).state() == PeerState.UP
				&& pool.getPeer(standby.name()).role() == PeerRole.REPLICA
				&& pool.getPeer(pg.primary().name()).role() == PeerRole.PRIMARY);
	}

	/**
	 * Once the long read runs on the standby, the primary takes an exclusive lock on its table: the
	 * standby must replay that lock, and cancels the read that holds a shared one.
	 */
	private static void conflictOnTheStandby() throws SQLException {
		PostgresServer standby = pg.standbys().get(0);
		await().atMost(Duration.ofSeconds(10)).until(() -> !"0".equals(adminQuery(standby,
				"SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(1.5)%' AND state = 'active'"
						+ " AND pid <> pg_backend_pid()")));
		try (Connection primary = pg.primary().connect(); Statement statement = primary.createStatement()) {
			primary.setAutoCommit(false);
			statement.execute("LOCK TABLE conflict_rows IN ACCESS EXCLUSIVE MODE");
			primary.commit();
		}
	}

	/** Queries the standby cancelled for a lock it had to replay, as it counts them. */
	private static long cancelledForLocks() throws SQLException {
		return Long.parseLong(adminQuery(pg.standbys().get(0),
				"SELECT COALESCE(sum(confl_lock), 0) FROM pg_stat_database_conflicts"));
	}

	private static int count(Connection connection, String sql) {
		try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
			result.next();
			return result.getInt(1);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String adminQuery(PostgresServer server, String sql) throws SQLException {
		try (Connection connection = server.connectAsAdmin(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(sql)) {
			result.next();
			return result.getString(1);
		}
	}

}
