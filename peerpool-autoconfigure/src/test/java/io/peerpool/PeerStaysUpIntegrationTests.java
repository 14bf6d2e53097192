package io.peerpool;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.peerpool.PeerPoolSettings.PeerConfig;
import io.peerpool.balance.Balance;
import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.FaultProxy;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.MariaDbServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A peer is DOWN only when it is: an interrupted caller, a DBA's {@code KILL} of one connection
 * and a statement past the user's socket timeout each concern one caller or one connection; the
 * peer stays UP and the other transactions on it commit. And a connection that was aborted gives
 * its pool slot back when it is closed.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PeerStaysUpIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.peers(1);

	private final ConcurrentLinkedQueue<String> downs = new ConcurrentLinkedQueue<>();

	private final AtomicInteger probes = new AtomicInteger();

	private final ExecutorService threads = Executors.newCachedThreadPool();

	@BeforeAll
	static void createTable() throws SQLException {
		try (Connection connection = db.server(0).connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS stay_rows (id BIGINT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(40))");
		}
	}

	@AfterEach
	void stopThreads() {
		this.threads.shutdownNow();
	}

	@Test
	void anInterruptedCallerGetsAnErrorKeepsItsInterruptAndThePeerStaysUp() throws Exception {
		MariaDbServer server = db.server(0);
		// opening a connection through the slow proxy takes seconds: a caller waits for one with
		// fewer connections active than the maximum (not an exhausted pool)
		try (FaultProxy proxy = FaultProxy.to(server).start();
				PeerPoolDataSource pool = pool(proxy.jdbcUrl(server, JdbcDriver.MARIADB), Duration.ofSeconds(10),
						Map.of("maximum-pool-size", "2", "minimum-idle", "0"))) {
			Connection other = openTransaction(pool, "interrupt");
			proxy.latency(Duration.ofMillis(300));
			CompletableFuture<Boolean> interruptFlag = new CompletableFuture<>();
			CompletableFuture<Throwable> error = new CompletableFuture<>();
			Future<?> caller = this.threads.submit(() -> {
				try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
					statement.executeQuery("SELECT 1").close();
					error.complete(null);
				}
				catch (SQLException | RuntimeException ex) {
					error.complete(ex);
				}
				interruptFlag.complete(Thread.currentThread().isInterrupted());
			});
			await().atMost(Duration.ofSeconds(10))
				.until(() -> pool.peer(server.name()).pool().getHikariPoolMXBean().getThreadsAwaitingConnection() > 0);
			caller.cancel(true);

			assertThat(error.get(20, TimeUnit.SECONDS)).as("the interrupted caller's error").isInstanceOf(SQLException.class);
			assertThat(interruptFlag.get(20, TimeUnit.SECONDS)).as("interrupt flag kept").isTrue();
			assertThat(pool.peer(server.name()).state()).isEqualTo(PeerState.UP);
			proxy.latency(Duration.ZERO);
			other.commit();
			other.close();
			assertThat(this.downs).as("DOWN transitions").isEmpty();
		}
	}

	@Test
	void aWaitForANewConnectionThatTimesOutIsNotAFailedConnect() throws Exception {
		MariaDbServer server = db.server(0);
		// a pool refilling slowly (opening a connection through the slow proxy takes longer than
		// acquire-timeout, well within connect-timeout): fewer connections active than the maximum
		try (FaultProxy proxy = FaultProxy.to(server).start();
				PeerPoolDataSource pool = pool(proxy.jdbcUrl(server, JdbcDriver.MARIADB), Duration.ofSeconds(10),
						Duration.ofSeconds(1), Map.of("maximum-pool-size", "2", "minimum-idle", "0"))) {
			Connection other = openTransactionWithin(pool, "refill", Duration.ofSeconds(20));
			proxy.latency(Duration.ofMillis(300));

			Throwable timedOut = org.assertj.core.api.Assertions.catchThrowable(() -> {
				try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
					statement.executeQuery("SELECT 1").close();
				}
			});

			assertThat(timedOut).isInstanceOf(NoAvailablePeerException.class);
			assertThat(pool.peer(server.name()).state()).isEqualTo(PeerState.UP);
			proxy.latency(Duration.ZERO);
			other.commit();
			other.close();
			assertThat(this.downs).as("DOWN transitions").isEmpty();
		}
	}

	/** The first connection through the proxy may take longer than the pool's acquire-timeout: retried. */
	private static Connection openTransactionWithin(PeerPoolDataSource pool, String note, Duration within) {
		return await().atMost(within).ignoreExceptions().until(() -> openTransaction(pool, note), (c) -> c != null);
	}

	@Test
	void aKilledConnectionLeavesThePeerUpAndTheOtherTransactionsCommit() throws Exception {
		MariaDbServer server = db.server(0);
		try (PeerPoolDataSource pool = pool(server.jdbcUrl(JdbcDriver.MARIADB), Duration.ofSeconds(1),
				Map.of("maximum-pool-size", "4", "minimum-idle", "4"))) {
			Connection other = openTransaction(pool, "kill");
			int probesBefore = this.probes.get();
			// a running statement whose connection a DBA kills gets error 1927
			Connection victim = pool.getConnection();
			long victimId = connectionId(victim);
			CompletableFuture<Throwable> running = CompletableFuture.supplyAsync(() -> {
				try (Statement statement = victim.createStatement()) {
					statement.executeQuery("SELECT SLEEP(30)").close();
					return null;
				}
				catch (SQLException ex) {
					return ex;
				}
			}, this.threads);
			await().atMost(Duration.ofSeconds(10)).until(() -> isRunningSleep(server, victimId));
			server.executeAsAdmin("KILL " + victimId);
			assertThat(running.get(20, TimeUnit.SECONDS)).as("the killed statement's error").isInstanceOf(SQLException.class);
			victim.close();
			// an idle connection that a DBA kills fails at its next statement
			Connection idle = openTransaction(pool, "idle");
			server.executeAsAdmin("KILL " + connectionId(idle));
			assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> insert(idle, "after kill")))
				.isInstanceOf(SQLException.class);
			idle.close();

			// probes of UP peers are off (30 s): one that ran now was asked for by the errors
			await().atMost(Duration.ofSeconds(10)).until(() -> this.probes.get() > probesBefore);
			assertThat(pool.peer(server.name()).state()).isEqualTo(PeerState.UP);
			other.commit();
			other.close();
			assertThat(this.downs).as("DOWN transitions").isEmpty();
		}
	}

	@Test
	void aStatementPastTheUsersSocketTimeoutLeavesThePeerUpAndTheOtherTransactionsCommit() throws Exception {
		MariaDbServer server = db.server(0);
		try (PeerPoolDataSource pool = pool(server.jdbcUrl(JdbcDriver.MARIADB), Duration.ofSeconds(1),
				Map.of("maximum-pool-size", "4", "minimum-idle", "4", "data-source-properties.socketTimeout", "700"))) {
			Connection other = openTransaction(pool, "socket timeout");
			int probesBefore = this.probes.get();
			Throwable timedOut = org.assertj.core.api.Assertions.catchThrowable(() -> {
				try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
					statement.executeQuery("SELECT SLEEP(3)").close();
				}
			});
			assertThat(timedOut).as("the long report query").isInstanceOf(SQLException.class);

			await().atMost(Duration.ofSeconds(10)).until(() -> this.probes.get() > probesBefore);
			assertThat(pool.peer(server.name()).state()).isEqualTo(PeerState.UP);
			other.commit();
			other.close();
			assertThat(this.downs).as("DOWN transitions").isEmpty();
		}
	}

	@Test
	void anAbortedConnectionGivesItsSlotBackWhenClosed() throws Exception {
		MariaDbServer server = db.server(0);
		try (PeerPoolDataSource pool = pool(server.jdbcUrl(JdbcDriver.MARIADB), Duration.ofSeconds(1),
				Map.of("maximum-pool-size", "2", "minimum-idle", "2"))) {
			Connection connection = openTransaction(pool, "abort");
			assertThat(pool.peer(server.name()).activeConnections()).isEqualTo(1);
			connection.abort(Runnable::run);
			connection.close();

			assertThat(pool.peer(server.name()).activeConnections()).as("active count").isZero();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> pool.peer(server.name()).pool().getHikariPoolMXBean().getActiveConnections() == 0);
			// both slots serve again
			Connection first = openTransaction(pool, "after abort 1");
			Connection second = openTransaction(pool, "after abort 2");
			first.commit();
			second.commit();
			first.close();
			second.close();
			assertThat(pool.peer(server.name()).state()).isEqualTo(PeerState.UP);
		}
	}

	private PeerPoolDataSource pool(String url, Duration connectTimeout, Map<String, String> hikari) {
		return pool(url, connectTimeout, Duration.ofSeconds(20), hikari);
	}

	private PeerPoolDataSource pool(String url, Duration connectTimeout, Duration acquireTimeout,
			Map<String, String> hikari) {
		PeerPoolSettings settings = new PeerPoolSettings("stay", Balance.ROUND_ROBIN, Duration.ofSeconds(2),
				Duration.ofSeconds(30), Duration.ofSeconds(5), connectTimeout, acquireTimeout);
		MariaDbServer server = db.server(0);
		PeerConfig peer = new PeerConfig(settings.name(), server.name(), url, server.username(), server.password(),
				null, PeerRole.PRIMARY, 1, connectTimeout, hikari);
		PeerPoolDataSource pool = PeerPoolDataSource.builder(settings.name())
			.settings(settings)
			.peer(peer)
			.probe(PeerProbe.standard())
			.buildUnstarted();
		PoolEvents.onDown(pool, (down) -> this.downs.add(PoolEvents.describeDown(down)));
		PoolEvents.onProbe(pool, this.probes::incrementAndGet);
		pool.start();
		// the first probe at start has been counted
		await().atMost(Duration.ofSeconds(20)).until(() -> this.probes.get() > 0);
		return pool;
	}

	/** A transaction that has written a row and holds its connection. */
	private static Connection openTransaction(PeerPoolDataSource pool, String note) throws SQLException {
		Connection connection = pool.getConnection();
		connection.setAutoCommit(false);
		insert(connection, note);
		return connection;
	}

	private static void insert(Connection connection, String note) throws SQLException {
		try (var insert = connection.prepareStatement("INSERT INTO stay_rows (note) VALUES (?)")) {
			insert.setString(1, note);
			insert.executeUpdate();
		}
	}

	private static long connectionId(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery("SELECT CONNECTION_ID()")) {
			result.next();
			return result.getLong(1);
		}
	}

	private static boolean isRunningSleep(MariaDbServer server, long id) throws SQLException {
		try (Connection admin = server.connectAsAdmin(); Statement statement = admin.createStatement();
				ResultSet result = statement.executeQuery(
						"SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = " + id + " AND INFO LIKE 'SELECT SLEEP%'")) {
			result.next();
			return result.getInt(1) > 0;
		}
	}

}
