package io.peerpool;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.peerpool.PeerPoolSettings.PeerConfig;
import io.peerpool.PeerPoolSettings.UnknownLag;
import io.peerpool.balance.Balance;
import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.FaultProxy;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.MariaDbServer;
import io.peerpool.test.TransactionLoad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A TCP reset of every live connection (a proxy, a firewall or a load balancer dropping them)
 * while the server is fine: each broken connection's error may concern that connection only, so
 * it is confirmed by a new probe, and the peer stays UP. That holds also for the connections the
 * reset hit half-way: a probe in the middle of its query, a connection in the middle of its
 * handshake. The controls: the same breaks on a server that is really gone mark the peer DOWN.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ConnectionResetIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.peers(1);

	/** A DOWN peer would stay out for this long, unless a probe took it back. */
	private static final Duration CHECK_INTERVAL = Duration.ofSeconds(30);

	private final ConcurrentLinkedQueue<String> downs = new ConcurrentLinkedQueue<>();

	@BeforeAll
	static void createTable() throws SQLException {
		try (Connection connection = db.server(0).connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS load_rows (id BIGINT AUTO_INCREMENT PRIMARY KEY, seq BIGINT)");
		}
	}

	@AfterEach
	void restart() {
		if (!db.server(0).isRunning()) {
			db.server(0).restart();
		}
	}

	@Test
	void resetsOfEveryConnectionUnderLoadLeaveThePeerUp() throws Exception {
		MariaDbServer server = db.server(0);
		// probes and heartbeats every 100 ms: the resets often hit one of their connections too
		try (FaultProxy proxy = FaultProxy.to(server).start();
				PeerPoolDataSource pool = pool(proxy.jdbcUrl(server, JdbcDriver.MARIADB), Duration.ofMillis(100),
						Map.of("maximum-pool-size", "4", "minimum-idle", "4"), PeerProbe.standard());
				TransactionLoad load = new TransactionLoad(pool, 8, "SELECT @@port")) {
			long from = System.nanoTime();
			await().atMost(Duration.ofSeconds(30)).until(() -> successesAfter(load, from) > 200);
			for (int i = 0; i < 10; i++) {
				proxy.resetConnections();
				long reset = System.nanoTime();
				await().atMost(Duration.ofSeconds(30)).until(() -> successesAfter(load, reset) > 50);
			}
			long settled = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
			await().atMost(Duration.ofSeconds(30)).until(() -> successesAfter(load, settled) > 200);
			assertThat(this.downs).as("DOWN transitions of a healthy server behind resets").isEmpty();
			assertThat(load.startedAfter(settled)).as("transactions after the last reset").isNotEmpty()
				.noneMatch(TransactionLoad.Outcome::failed);
		}
	}

	@Test
	void aResetThatBreaksAProbeInTheMiddleOfItsQueryLeavesThePeerUp() throws Exception {
		MariaDbServer server = db.server(0);
		SlowProbe probe = new SlowProbe();
		try (FaultProxy proxy = FaultProxy.to(server).start();
				PeerPoolDataSource pool = pool(proxy.jdbcUrl(server, JdbcDriver.MARIADB), Duration.ZERO,
						Map.of("maximum-pool-size", "2", "minimum-idle", "0"), probe)) {
			probe.slow.set(true);
			probe.completed.set(0);
			CompletableFuture<Void> probed = pool.probeNow(pool.peer(server.name()));
			await().atMost(Duration.ofSeconds(10)).until(() -> isRunning(server, "SELECT SLEEP(5)"));
			probe.slow.set(false);
			proxy.resetConnections();
			probed.get(20, TimeUnit.SECONDS);

			await().atMost(Duration.ofSeconds(10)).until(() -> probe.completed.get() > 0);
			assertThat(pool.peer(server.name()).state()).isEqualTo(PeerState.UP);
			assertThat(this.downs).as("DOWN transitions").isEmpty();
		}
	}

	@Test
	void controlAProbeBrokenByTheServersDeathMarksThePeerDown() throws Exception {
		MariaDbServer server = db.server(0);
		SlowProbe probe = new SlowProbe();
		try (FaultProxy proxy = FaultProxy.to(server).start();
				PeerPoolDataSource pool = pool(proxy.jdbcUrl(server, JdbcDriver.MARIADB), Duration.ZERO,
						Map.of("maximum-pool-size", "2", "minimum-idle", "0"), probe)) {
			probe.slow.set(true);
			pool.probeNow(pool.peer(server.name()));
			await().atMost(Duration.ofSeconds(10)).until(() -> isRunning(server, "SELECT SLEEP(5)"));
			server.kill();

			await().atMost(Duration.ofSeconds(10)).until(() -> pool.peer(server.name()).state() == PeerState.DOWN);
		}
	}

	@Test
	void aResetThatBreaksAConnectionInTheMiddleOfItsHandshakeLeavesThePeerUp() throws Exception {
		MariaDbServer server = db.server(0);
		try (FaultProxy proxy = FaultProxy.to(server).start();
				PeerPoolDataSource pool = pool(proxy.jdbcUrl(server, JdbcDriver.MARIADB), Duration.ZERO,
						Map.of("maximum-pool-size", "2", "minimum-idle", "0"), PeerProbe.standard())) {
			CompletableFuture<Throwable> caller = handshakeInFlight(server, proxy, pool);
			proxy.resetConnections();
			proxy.latency(Duration.ZERO);

			assertThat(caller.get(30, TimeUnit.SECONDS)).as("the caller whose new connection was reset").isNull();
			assertThat(pool.peer(server.name()).state()).isEqualTo(PeerState.UP);
			assertThat(this.downs).as("DOWN transitions").isEmpty();
		}
	}

	@Test
	void controlAHandshakeBrokenByTheServersDeathMarksThePeerDown() throws Exception {
		MariaDbServer server = db.server(0);
		try (FaultProxy proxy = FaultProxy.to(server).start();
				PeerPoolDataSource pool = pool(proxy.jdbcUrl(server, JdbcDriver.MARIADB), Duration.ZERO,
						Map.of("maximum-pool-size", "2", "minimum-idle", "0"), PeerProbe.standard())) {
			handshakeInFlight(server, proxy, pool);
			server.kill();
			proxy.latency(Duration.ZERO);

			await().atMost(Duration.ofSeconds(10)).until(() -> pool.peer(server.name()).state() == PeerState.DOWN);
		}
	}

	/**
	 * A reset of every live connection under a transaction on the only peer, with
	 * {@code transaction-replay: all}: the transaction is replayed on a connection that works, not
	 * on one of the peer's pooled connections that the same reset broke (HikariCP does not check a
	 * connection used within the last 500 ms before handing it out).
	 */
	@Test
	void aTransactionOnTheOnlyPeerGoesOnWhenEveryConnectionIsReset() throws Exception {
		MariaDbServer server = db.server(0);
		long seq = System.nanoTime();
		try (FaultProxy proxy = FaultProxy.to(server).start()) {
			try (PeerPoolDataSource pool = replayAllPool("reset-replay", proxy, 4)) {
				// every pooled connection in use at once, so that all were used just now
				List<Connection> all = new java.util.ArrayList<>();
				for (int i = 0; i < 4; i++) {
					Connection connection = pool.getConnection();
					try (Statement statement = connection.createStatement()) {
						statement.executeQuery("SELECT 1").close();
					}
					all.add(connection);
				}
				for (Connection connection : all) {
					connection.close();
				}
				try (Connection connection = pool.getConnection()) {
					connection.setAutoCommit(false);
					insertSeq(connection, seq);
					proxy.resetConnections();
					insertSeq(connection, seq + 1);
					connection.commit();
				}
				assertThat(pool.peer(server.name()).state()).isEqualTo(PeerState.UP);
			}
		}
		try (Connection check = server.connect(); Statement statement = check.createStatement();
				ResultSet rows = statement
					.executeQuery("SELECT COUNT(*) FROM load_rows WHERE seq IN (" + seq + ", " + (seq + 1) + ")")) {
			rows.next();
			assertThat(rows.getInt(1)).as("rows of the replayed transaction").isEqualTo(2);
		}
	}

	/**
	 * A reset of every live connection while as many transactions as the only peer has connections
	 * are open on it, with {@code transaction-replay: all}: each replay needs a new connection of
	 * that peer, so the lost ones must give their slots back when their replay begins; a replay
	 * that kept its lost connection until it ended would wait for the others' slots, and every
	 * transaction would fail at {@code acquire-timeout}.
	 */
	@Test
	void transactionsHoldingEveryConnectionOfTheOnlyPeerGoOnWhenEveryConnectionIsReset() throws Exception {
		MariaDbServer server = db.server(0);
		int poolSize = 4;
		long seq = System.nanoTime();
		try (FaultProxy proxy = FaultProxy.to(server).start()) {
			try (PeerPoolDataSource pool = replayAllPool("reset-replay-all", proxy, poolSize)) {
				java.util.concurrent.CyclicBarrier begun = new java.util.concurrent.CyclicBarrier(poolSize + 1);
				java.util.concurrent.CyclicBarrier reset = new java.util.concurrent.CyclicBarrier(poolSize + 1);
				List<CompletableFuture<Void>> transactions = new java.util.ArrayList<>();
				for (int i = 0; i < poolSize; i++) {
					long first = seq + 2L * i;
					transactions.add(CompletableFuture.runAsync(() -> {
						try (Connection connection = pool.getConnection()) {
							connection.setAutoCommit(false);
							insertSeq(connection, first);
							begun.await(20, TimeUnit.SECONDS);
							reset.await(20, TimeUnit.SECONDS);
							insertSeq(connection, first + 1);
							connection.commit();
						}
						catch (Exception ex) {
							throw new java.util.concurrent.CompletionException(ex);
						}
					}, java.util.concurrent.Executors.newSingleThreadExecutor()));
				}
				begun.await(20, TimeUnit.SECONDS);
				assertThat(pool.peer(server.name()).activeConnections()).as("connections in use").isEqualTo(poolSize);
				proxy.resetConnections();
				reset.await(20, TimeUnit.SECONDS);
				for (CompletableFuture<Void> transaction : transactions) {
					transaction.get(30, TimeUnit.SECONDS);
				}
				assertThat(pool.peer(server.name()).activeConnections()).as("connections in use after").isZero();
			}
		}
		try (Connection check = server.connect(); Statement statement = check.createStatement();
				ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM load_rows WHERE seq BETWEEN " + seq
						+ " AND " + (seq + 2L * poolSize - 1))) {
			rows.next();
			assertThat(rows.getInt(1)).as("rows of the replayed transactions").isEqualTo(2 * poolSize);
		}
	}

	/**
	 * A connection reset after a transaction committed, before {@code close()}: HikariCP then
	 * resets the read-only and auto-commit the borrow changed, on the broken connection. The work
	 * is done and committed, the broken connection is HikariCP's to evict: {@code close()} succeeds.
	 */
	@Test
	void closeAfterACommittedTransactionSucceedsWhenTheConnectionWasResetMeanwhile() throws Exception {
		MariaDbServer server = db.server(0);
		try (FaultProxy proxy = FaultProxy.to(server).start();
				PeerPoolDataSource pool = pool(proxy.jdbcUrl(server, JdbcDriver.MARIADB), Duration.ofSeconds(2),
						Map.of("maximum-pool-size", "2", "minimum-idle", "1"), PeerProbe.standard())) {
			Connection connection = pool.getConnection();
			connection.setReadOnly(true);
			connection.setAutoCommit(false);
			try (Statement statement = connection.createStatement()) {
				statement.executeQuery("SELECT COUNT(*) FROM load_rows").close();
			}
			connection.commit();
			proxy.resetConnections();
			connection.close();
			assertThat(pool.peer(server.name()).activeConnections()).as("the borrow's slot").isZero();
			try (Connection next = pool.getConnection(); Statement statement = next.createStatement()) {
				statement.executeQuery("SELECT 1").close();
			}
		}
		assertThat(this.downs).isEmpty();
	}

	/**
	 * A pool over the only server, through {@code proxy}, with {@code transaction-replay: all},
	 * {@code poolSize} connections kept open and 2-second probes, once its peer is UP.
	 */
	private static PeerPoolDataSource replayAllPool(String name, FaultProxy proxy, int poolSize) {
		MariaDbServer server = db.server(0);
		Duration probeInterval = Duration.ofSeconds(2);
		PeerPoolSettings settings = new PeerPoolSettings(name, Balance.ROUND_ROBIN, CHECK_INTERVAL, probeInterval,
				Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(5), null, false, Duration.ofSeconds(10),
				ReadYourWrites.NONE, Duration.ofSeconds(5), UnknownLag.EXCLUDE, probeInterval, Duration.ofSeconds(5));
		PeerConfig peer = new PeerConfig(settings.name(), server.name(), proxy.jdbcUrl(server, JdbcDriver.MARIADB),
				server.username(), server.password(), null, PeerRole.PRIMARY, 1, Duration.ofSeconds(2),
				Map.of("maximum-pool-size", String.valueOf(poolSize), "minimum-idle", String.valueOf(poolSize)));
		PeerPoolDataSource pool = PeerPoolDataSource.builder(settings.name())
			.settings(settings)
			.peer(peer)
			.transactionReplay(PeerPoolSettings.TransactionReplay.ALL)
			.build();
		await().atMost(Duration.ofSeconds(20)).until(() -> pool.peer(server.name()).state() == PeerState.UP);
		return pool;
	}

	private static void insertSeq(Connection connection, long seq) throws SQLException {
		try (java.sql.PreparedStatement insert = connection.prepareStatement("INSERT INTO load_rows (seq) VALUES (?)")) {
			insert.setLong(1, seq);
			assertThat(insert.executeUpdate()).isEqualTo(1);
		}
	}

	/**
	 * A caller whose statement makes the peer's pool open a new connection through a slow proxy,
	 * returned once that connection's handshake is under way on the server.
	 */
	private static CompletableFuture<Throwable> handshakeInFlight(MariaDbServer server, FaultProxy proxy,
			PeerPoolDataSource pool) {
		proxy.latency(Duration.ofMillis(400));
		CompletableFuture<Throwable> caller = CompletableFuture.supplyAsync(() -> {
			try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
				statement.executeQuery("SELECT 1").close();
				return null;
			}
			catch (SQLException ex) {
				return ex;
			}
		});
		await().atMost(Duration.ofSeconds(10)).until(() -> unauthenticated(server) > 0);
		return caller;
	}

	private PeerPoolDataSource pool(String url, Duration probeInterval, Map<String, String> hikari, PeerProbe probe) {
		// connect-timeout 10 s: a handshake through the slow proxy is slow, not failed
		Duration connectTimeout = Duration.ofSeconds(10);
		PeerPoolSettings settings = new PeerPoolSettings("reset", Balance.ROUND_ROBIN, CHECK_INTERVAL, probeInterval,
				Duration.ofSeconds(10), connectTimeout, Duration.ofSeconds(20), null, false, Duration.ofSeconds(10),
				ReadYourWrites.NONE, Duration.ofSeconds(5), UnknownLag.EXCLUDE,
				probeInterval.isZero() ? Duration.ZERO : probeInterval, Duration.ofSeconds(5));
		MariaDbServer server = db.server(0);
		PeerConfig peer = new PeerConfig(settings.name(), server.name(), url, server.username(), server.password(),
				null, PeerRole.PRIMARY, 1, connectTimeout, hikari);
		PeerPoolDataSource pool = PeerPoolDataSource.builder(settings.name())
			.settings(settings)
			.peer(peer)
			.probe(probe)
			.buildUnstarted();
		PoolEvents.onDown(pool, (event) -> this.downs.add(PoolEvents.describeDown(event)));
		pool.start();
		await().atMost(Duration.ofSeconds(20)).until(() -> pool.peer(server.name()).state() == PeerState.UP);
		return pool;
	}

	private static long successesAfter(TransactionLoad load, long nanoTime) {
		return load.startedAfter(nanoTime).stream().filter((outcome) -> !outcome.failed()).count();
	}

	private static boolean isRunning(MariaDbServer server, String query) throws SQLException {
		try (Connection admin = server.connectAsAdmin(); Statement statement = admin.createStatement();
				ResultSet result = statement.executeQuery(
						"SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO = '" + query + "'")) {
			result.next();
			return result.getInt(1) > 0;
		}
	}

	/** Connections of the server whose login has not completed yet. */
	private static int unauthenticated(MariaDbServer server) throws SQLException {
		try (Connection admin = server.connectAsAdmin(); Statement statement = admin.createStatement();
				ResultSet result = statement.executeQuery(
						"SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = 'unauthenticated user'")) {
			result.next();
			return result.getInt(1);
		}
	}

	/** The standard probe, which first runs a 5-second query when asked to be slow. */
	private static final class SlowProbe implements PeerProbe {

		final AtomicBoolean slow = new AtomicBoolean();

		final AtomicInteger completed = new AtomicInteger();

		private final PeerProbe standard = PeerProbe.standard();

		@Override
		public ProbeResult probe(Connection connection, Duration timeout) throws SQLException {
			if (this.slow.get()) {
				try (Statement statement = connection.createStatement()) {
					statement.executeQuery("SELECT SLEEP(5)").close();
				}
			}
			ProbeResult result = this.standard.probe(connection, timeout);
			this.completed.incrementAndGet();
			return result;
		}

	}

}
