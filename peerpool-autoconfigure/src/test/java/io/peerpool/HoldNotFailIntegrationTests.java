package io.peerpool;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.peerpool.balance.Balance;
import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.MariaDbServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hold, not fail: with every peer down a caller waits up to {@code acquire-timeout} and is
 * released as soon as a probe finds a peer back, long before the peer's {@code check-interval},
 * also when that is the peer its connection failed on; only a bounded number of callers wait, the
 * next ones fail at once.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class HoldNotFailIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.peers(2);

	@AfterEach
	void restartEveryPeer() {
		for (MariaDbServer server : db.servers()) {
			if (!server.isRunning()) {
				server.restart();
			}
		}
	}

	@Test
	void aCallerWaitingWhileEveryPeerIsDownIsServedByTheFirstPeerBack() throws Exception {
		try (PeerPoolDataSource pool = pool()) {
			killAllAndAwaitDown(pool);
			CompletableFuture<Integer> caller = CompletableFuture.supplyAsync(() -> port(pool));
			await().atMost(Duration.ofSeconds(10)).until(() -> pool.holdingCallers() == 1);

			db.server(1).restart();

			assertThat(caller.get(60, TimeUnit.SECONDS)).as("the waiting caller").isEqualTo(db.server(1).port());
			// the timeline shows the hold, with how many callers waited and how it ended
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(pool.getEvents())
				.anySatisfy((event) -> assertThat(event.type()).isEqualTo(PeerPoolEvent.Type.HOLD_START))
				.anySatisfy((event) -> {
					assertThat(event.type()).isEqualTo(PeerPoolEvent.Type.HOLD_END);
					assertThat(event.callers()).isEqualTo(1);
					assertThat(event.reason()).isEqualTo("a peer can serve");
					assertThat(event.duration()).isPositive();
				}));
		}
	}

	/**
	 * A caller whose peers froze while it waited for HikariCP to hand it a connection (a slot taken,
	 * the pooled connection found dead, a new one never opened): its wait ends once the peers are
	 * DOWN, and it is held until one is back. The other tests here call only once the peers are
	 * DOWN; this one calls before the heartbeat finds them.
	 */
	@Test
	void aCallerWaitingForAConnectionWhenEveryPeerFreezesIsHeldUntilOneIsBack() throws Exception {
		try (PeerPoolDataSource pool = pool()) {
			await().atMost(Duration.ofSeconds(10)).until(() -> pool.getPeers().stream().allMatch(PeerInfo::isUp));
			List<CompletableFuture<Integer>> callers = new java.util.ArrayList<>();
			try {
				db.servers().forEach(MariaDbServer::freeze);
				// before the heartbeat finds them: each caller takes a slot and waits for HikariCP; as many callers
				// as the pool has connections, all of which may be held
				for (int i = 0; i < 2; i++) {
					callers.add(CompletableFuture.supplyAsync(() -> port(pool)));
				}
				await().atMost(Duration.ofSeconds(10)).until(() -> pool.getPeers().stream().noneMatch(PeerInfo::isUp));
				// each caller is either held or done
				await().atMost(Duration.ofSeconds(10))
					.until(() -> callers.stream().filter(CompletableFuture::isDone).count() + pool.holdingCallers() == 2);
				assertThat(callers).as("callers done (failed) while every peer was DOWN")
					.noneMatch(CompletableFuture::isDone);
			}
			finally {
				db.servers().forEach(MariaDbServer::thaw);
			}
			for (CompletableFuture<Integer> caller : callers) {
				assertThat(caller.get(60, TimeUnit.SECONDS)).as("a held caller").isPositive();
			}
		}
	}

	/**
	 * A caller that found its only peer's pool busy (a slot, but HikariCP could not open a connection
	 * to the frozen server within {@code connect-timeout}) while the peer was still UP, and then found
	 * the peer DOWN, is held until the peer is back, like any caller with no peer for its intent.
	 * Before, a busy turn kept it from being held: it failed at once, with acquire-timeout far away.
	 */
	@Test
	void aCallerThatFoundThePoolBusyBeforeThePeerWentDownIsHeld() throws Exception {
		MariaDbServer server = db.server(0);
		try (PeerPoolDataSource pool = busyWhenFrozen("hold-busy", server, Duration.ofSeconds(45))) {
			CompletableFuture<Integer> caller;
			try {
				server.freeze();
				caller = CompletableFuture.supplyAsync(() -> port(pool));
				await().atMost(Duration.ofSeconds(10)).until(() -> pool.getPeers().stream().noneMatch(PeerInfo::isUp));
				await().atMost(Duration.ofSeconds(10)).until(() -> caller.isDone() || pool.holdingCallers() == 1);
				assertThat(caller).as("the caller, while its peer is DOWN").isNotDone();
			}
			finally {
				server.thaw();
			}
			assertThat(caller.get(60, TimeUnit.SECONDS)).isEqualTo(server.port());
		}
	}

	/**
	 * The same caller when its peer stays frozen: at {@code acquire-timeout} the error says that no
	 * peer can serve, naming it DOWN, not that the pools were exhausted, which they were only before.
	 */
	@Test
	void aCallerThatFoundThePoolBusyBeforeThePeerWentDownIsToldNoPeerCanServe() throws Exception {
		MariaDbServer server = db.server(0);
		try (PeerPoolDataSource pool = busyWhenFrozen("hold-busy-down", server, Duration.ofSeconds(3))) {
			server.freeze();
			try {
				CompletionException failure = org.assertj.core.api.Assertions
					.catchThrowableOfType(CompletionException.class, () -> port(pool));
				assertThat(failure.getCause()).isInstanceOf(NoAvailablePeerException.class)
					.hasMessageStartingWith("No peer of pool 'hold-busy-down' can serve a write connection")
					.hasMessageContaining("peer0 DOWN");
			}
			finally {
				server.thaw();
			}
		}
	}

	/**
	 * The peer a transaction failed on is not ruled out for the rest of the wait: when a probe finds
	 * it back, the held transaction is replayed there. The chaos run saw 8 writers wait the whole
	 * {@code acquire-timeout} and fail while the only writer, frozen under them, had been UP again
	 * for a second.
	 */
	@Test
	void aTransactionWhosePeerDiedIsReplayedThereWhenAProbeFindsItBack() throws Exception {
		MariaDbServer server = emptyHeldRows();
		try (PeerPoolDataSource pool = onlyTheFirstLeft("hold-replay", Duration.ofSeconds(45))) {
			Connection connection = pool.getConnection();
			connection.setAutoCommit(false);
			insertHeld(connection, 1);
			server.kill();
			await().atMost(Duration.ofSeconds(10)).until(() -> !pool.getPeers().get(0).isUp());

			CompletableFuture<Void> rest = CompletableFuture.runAsync(() -> {
				try {
					insertHeld(connection, 2);
					connection.commit();
				}
				catch (SQLException ex) {
					throw new CompletionException(ex);
				}
			});
			await().atMost(Duration.ofSeconds(10)).until(() -> pool.holdingCallers() == 1);
			server.restart();

			rest.get(30, TimeUnit.SECONDS);
			connection.close();
			assertThat(heldRows(server, 1, 2)).as("rows of the replayed transaction").isEqualTo(2);
		}
	}

	/**
	 * A DBA's {@code KILL} ends one connection, not its server: when the other peer is down, the
	 * transaction is replayed on the same peer, which a probe finds UP, instead of waiting out
	 * {@code acquire-timeout} for a peer that never comes back.
	 */
	@Test
	void aTransactionWhoseConnectionWasKilledIsReplayedOnItsPeerWhenNoOtherCanServe() throws Exception {
		MariaDbServer server = emptyHeldRows();
		try (PeerPoolDataSource pool = onlyTheFirstLeft("hold-killed", Duration.ofSeconds(5))) {
			try (Connection connection = pool.getConnection()) {
				connection.setAutoCommit(false);
				insertHeld(connection, 11);
				// as the DBA: reading INNODB_TRX needs PROCESS, which the application user (rightly) lacks
				try (Connection admin = server.connectAsAdmin(); Statement statement = admin.createStatement()) {
					// the thread of the one open transaction that wrote: ours
					var rows = statement.executeQuery("SELECT trx_mysql_thread_id FROM information_schema.INNODB_TRX");
					assertThat(rows.next()).as("the open transaction").isTrue();
					statement.execute("KILL " + rows.getLong(1));
				}
				insertHeld(connection, 12);
				connection.commit();
			}
			assertThat(pool.getPeers().get(0).isUp()).as("the peer of the killed connection").isTrue();
			assertThat(heldRows(server, 11, 12)).as("rows of the replayed transaction").isEqualTo(2);
		}
	}

	/**
	 * A connection borrowed for a long time (a batch job's) that failed on a peer once may go back
	 * to it when it has recovered: here when the other peer dies under it too.
	 */
	@Test
	void aBorrowThatFailedOnAPeerGoesBackToItOnceItRecovered() throws Exception {
		// a short quarantine: the restarted peer is probed back without a waiting caller
		PeerPoolSettings settings = new PeerPoolSettings("hold-back", Balance.ROUND_ROBIN, Duration.ofSeconds(1),
				Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(5));
		try (PeerPoolDataSource pool = replayingPool(settings)) {
			await().atMost(Duration.ofSeconds(10)).until(() -> pool.getPeers().stream().allMatch(PeerInfo::isUp));
			try (Connection connection = pool.getConnection()) {
				connection.setAutoCommit(false);
				// the same result on either peer, so that the replay can compare it
				try (Statement statement = connection.createStatement()) {
					statement.executeQuery("SELECT 1").close();
				}
				MariaDbServer first = db.servers().stream()
					.filter((server) -> pool.peer(server.name()).activeConnections() == 1)
					.findFirst()
					.orElseThrow();
				MariaDbServer second = db.servers().stream().filter((server) -> server != first).findFirst().orElseThrow();
				first.kill();
				await().atMost(Duration.ofSeconds(10)).until(() -> !pool.peer(first.name()).isRoutable());
				assertThat(selectPort(connection)).as("replayed on the other peer").isEqualTo(second.port());
				connection.commit();

				first.restart();
				await().atMost(Duration.ofSeconds(20)).until(() -> pool.peer(first.name()).isRoutable());
				second.kill();
				await().atMost(Duration.ofSeconds(10)).until(() -> !pool.peer(second.name()).isRoutable());

				assertThat(selectPort(connection)).as("the next transaction, on the peer that recovered")
					.isEqualTo(first.port());
				connection.commit();
			}
		}
	}

	private static PeerPoolDataSource replayingPool(PeerPoolSettings settings) {
		return TestPools.over(settings, db.servers(), JdbcDriver.MARIADB, (s) -> PeerRole.PRIMARY, PeerProbe.standard(),
				Map.of("maximum-pool-size", "2", "minimum-idle", "1"),
				(builder) -> builder.transactionReplay(PeerPoolSettings.TransactionReplay.ALL));
	}

	private static int selectPort(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement(); var result = statement.executeQuery("SELECT @@port")) {
			result.next();
			return result.getInt(1);
		}
	}

	/** The first server, with an empty {@code held_rows}. */
	private static MariaDbServer emptyHeldRows() throws SQLException {
		MariaDbServer server = db.server(0);
		try (Connection setup = server.connect(); Statement statement = setup.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS held_rows (id INT PRIMARY KEY)");
			statement.execute("DELETE FROM held_rows");
		}
		return server;
	}

	/**
	 * A replaying pool whose peers were both UP, then the second killed and DOWN: the first is the
	 * only one left. A failed peer waits five minutes for its next probe unless a caller is held.
	 */
	private static PeerPoolDataSource onlyTheFirstLeft(String name, Duration acquireTimeout) {
		PeerPoolSettings settings = new PeerPoolSettings(name, Balance.ROUND_ROBIN, Duration.ofMinutes(5),
				Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(1), acquireTimeout);
		PeerPoolDataSource pool = replayingPool(settings);
		await().atMost(Duration.ofSeconds(10)).until(() -> pool.getPeers().stream().allMatch(PeerInfo::isUp));
		db.server(1).kill();
		await().atMost(Duration.ofSeconds(10)).until(() -> !pool.getPeers().get(1).isUp());
		return pool;
	}

	/** How many of the two ids are in {@code held_rows} on {@code server}. */
	private static int heldRows(MariaDbServer server, int first, int second) throws SQLException {
		try (Connection check = server.connect(); Statement statement = check.createStatement();
				var rows = statement
					.executeQuery("SELECT COUNT(*) FROM held_rows WHERE id IN (" + first + ", " + second + ")")) {
			rows.next();
			return rows.getInt(1);
		}
	}

	private static void insertHeld(Connection connection, int id) throws SQLException {
		try (var insert = connection.prepareStatement("INSERT INTO held_rows (id) VALUES (?)")) {
			insert.setInt(1, id);
			assertThat(insert.executeUpdate()).isEqualTo(1);
		}
	}

	@Test
	void beyondThePoolsMaximumConnectionsWaitingCallersTheNextFailsAtOnce() throws Exception {
		try (PeerPoolDataSource pool = pool()) {
			killAllAndAwaitDown(pool);
			// two peers of at most one connection each: two callers may wait
			CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> port(pool));
			CompletableFuture<Integer> second = CompletableFuture.supplyAsync(() -> port(pool));
			await().atMost(Duration.ofSeconds(10)).until(() -> pool.holdingCallers() == 2);

			CompletableFuture<Integer> third = CompletableFuture.supplyAsync(() -> port(pool));
			assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> third.get(10, TimeUnit.SECONDS)))
				.as("the caller beyond the limit")
				.hasRootCauseInstanceOf(NoAvailablePeerException.class);
			assertThat(pool.holdingCallers()).as("callers still waiting").isEqualTo(2);

			db.server(0).restart();
			assertThat(first.get(60, TimeUnit.SECONDS)).isEqualTo(db.server(0).port());
			assertThat(second.get(60, TimeUnit.SECONDS)).isEqualTo(db.server(0).port());
		}
	}

	@Test
	void withNoPeerAtAllTheCallerWaitsAcquireTimeoutAndTheErrorClaimsNoIntentItDidNotHave() throws Exception {
		PeerPoolSettings settings = new PeerPoolSettings("hold-none", Balance.ROUND_ROBIN, Duration.ofMinutes(5),
				Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1));
		try (PeerPoolDataSource pool = TestPools.over(settings, db.servers(), JdbcDriver.MARIADB, (s) -> PeerRole.PRIMARY,
				PeerProbe.standard(), Map.of("maximum-pool-size", "1", "minimum-idle", "1"))) {
			killAllAndAwaitDown(pool);
			// getConnection() comes before setReadOnly(true): a reader and a writer get the same error
			Throwable failure = org.assertj.core.api.Assertions.catchThrowable(pool::getConnection);

			assertThat(failure).isInstanceOf(NoAvailablePeerException.class)
				.hasMessageContaining("can serve a read or write connection (acquire-timeout 1000 ms)")
				.hasMessageContaining(db.server(0).name() + " DOWN")
				.hasMessageContaining(db.server(1).name() + " DOWN");
			assertThat(pool.getEvents()).as("the caller waited before it failed")
				.anySatisfy((event) -> assertThat(event.type()).isEqualTo(PeerPoolEvent.Type.HOLD_START));
		}
	}

	/**
	 * A pool over {@code server} alone, UP, whose every borrow waits for HikariCP to open a
	 * connection ({@code minimum-idle} 0), at most {@code connect-timeout} 300 ms: once the server is
	 * frozen that wait ends, with the pool busy, before the heartbeat (750 ms) finds it DOWN.
	 */
	private static PeerPoolDataSource busyWhenFrozen(String name, MariaDbServer server, Duration acquireTimeout) {
		PeerPoolSettings settings = new PeerPoolSettings(name, Balance.ROUND_ROBIN, Duration.ofMinutes(5),
				Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(300), acquireTimeout);
		PeerPoolDataSource pool = TestPools.over(settings, List.of(server), JdbcDriver.MARIADB, (s) -> PeerRole.PRIMARY,
				PeerProbe.standard(), Map.of("maximum-pool-size", "1", "minimum-idle", "0"));
		try {
			await().atMost(Duration.ofSeconds(10)).until(() -> pool.getPeers().stream().allMatch(PeerInfo::isUp));
		}
		catch (RuntimeException | Error ex) {
			pool.close();
			throw ex;
		}
		return pool;
	}

	private static PeerPoolDataSource pool() {
		// a long quarantine: a peer taken back before it was probed by a waiting caller's hurry
		PeerPoolSettings settings = new PeerPoolSettings("hold", Balance.ROUND_ROBIN, Duration.ofMinutes(5),
				Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(45));
		return TestPools.over(settings, db.servers(), JdbcDriver.MARIADB, (s) -> PeerRole.PRIMARY,
				PeerProbe.standard(), Map.of("maximum-pool-size", "1", "minimum-idle", "1"));
	}

	private static void killAllAndAwaitDown(PeerPoolDataSource pool) {
		await().atMost(Duration.ofSeconds(10)).until(() -> pool.getPeers().stream().allMatch(PeerInfo::isUp));
		db.servers().forEach(MariaDbServer::kill);
		await().atMost(Duration.ofSeconds(10)).until(() -> pool.getPeers().stream().noneMatch(PeerInfo::isUp));
	}

	private static int port(PeerPoolDataSource pool) {
		try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
				var result = statement.executeQuery("SELECT @@port")) {
			result.next();
			return result.getInt(1);
		}
		catch (SQLException ex) {
			throw new CompletionException(ex);
		}
	}

}
