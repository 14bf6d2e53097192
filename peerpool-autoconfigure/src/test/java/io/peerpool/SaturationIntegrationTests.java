package io.peerpool;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.peerpool.balance.Balance;
import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.MariaDbServer;
import io.peerpool.test.TransactionLoad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * A healthy peer whose pool is busy is not a failed peer: the caller waits for a connection up to
 * {@code acquire-timeout} (spilling to another peer with a free connection), the peer stays UP,
 * and only after {@code acquire-timeout} does the caller get an error, one that says the pools
 * are exhausted.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SaturationIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.peers(2);

	private final ConcurrentLinkedQueue<String> downs = new ConcurrentLinkedQueue<>();

	@BeforeAll
	static void createTables() throws SQLException {
		for (MariaDbServer server : db.servers()) {
			try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
				statement.execute("CREATE TABLE IF NOT EXISTS load_rows (id BIGINT AUTO_INCREMENT PRIMARY KEY, seq BIGINT)");
			}
		}
	}

	@Test
	void aCallerWaitsForTheConnectionThatAnotherTransactionReleases() throws Exception {
		MariaDbServer server = db.server(0);
		try (PeerPoolDataSource pool = pool(Duration.ofSeconds(5), List.of(server), 3)) {
			List<Connection> holders = hold(pool, 3);
			// the first holder commits after 2 s: longer than connect-timeout, shorter than acquire-timeout
			CompletableFuture<Void> released = CompletableFuture.runAsync(() -> commitAndClose(holders.get(0)),
					CompletableFuture.delayedExecutor(2, TimeUnit.SECONDS));
			CompletableFuture<Integer> fourth = CompletableFuture.supplyAsync(() -> port(pool));

			assertThat(fourth.get(20, TimeUnit.SECONDS)).as("the fourth caller gets the released connection")
				.isEqualTo(server.port());
			released.get(20, TimeUnit.SECONDS);
			assertThat(pool.peer(server.name()).state()).isEqualTo(PeerState.UP);
			assertThat(this.downs).as("DOWN transitions").isEmpty();
			holders.subList(1, 3).forEach(SaturationIntegrationTests::commitAndClose);
		}
	}

	@Test
	void afterAcquireTimeoutTheErrorSaysThePoolsAreExhaustedAndThePeerStaysUp() throws Exception {
		MariaDbServer server = db.server(0);
		try (PeerPoolDataSource pool = pool(Duration.ofSeconds(2), List.of(server), 3)) {
			List<Connection> holders = hold(pool, 3);

			Throwable failure = catchThrowable(() -> port(pool));

			assertThat(failure).isInstanceOf(IllegalStateException.class)
				.cause()
				.isInstanceOf(NoAvailablePeerException.class)
				.hasMessageContaining("exhausted")
				.hasMessageContaining(server.name() + " UP")
				.hasMessageContaining("3/3 active");
			assertThat(pool.peer(server.name()).state()).isEqualTo(PeerState.UP);
			assertThat(this.downs).as("DOWN transitions").isEmpty();
			holders.forEach(SaturationIntegrationTests::commitAndClose);
			assertThat(port(pool)).isEqualTo(server.port());
		}
	}

	@Test
	void eightThreadsOverFourConnectionsWaitTheirTurnAndNothingFails() throws Exception {
		try (PeerPoolDataSource pool = pool(Duration.ofSeconds(8), db.servers(), 2);
				// each transaction holds its connection longer than connect-timeout
				TransactionLoad load = new TransactionLoad(pool, 8, "SELECT SLEEP(1.2) + @@port")) {
			await().atMost(Duration.ofSeconds(90)).until(() -> load.outcomes().size() >= 40);
			load.stop(Duration.ofSeconds(30));

			assertThat(load.outcomes()).as("transactions").noneMatch(TransactionLoad.Outcome::failed);
			assertThat(load.successfulOn(db.server(0).port())).isPositive();
			assertThat(load.successfulOn(db.server(1).port())).isPositive();
			assertThat(this.downs).as("DOWN transitions").isEmpty();
		}
	}

	private PeerPoolDataSource pool(Duration acquireTimeout, List<MariaDbServer> servers, int maxPoolSize) {
		PeerPoolSettings settings = new PeerPoolSettings("busy", Balance.ROUND_ROBIN, Duration.ofSeconds(2),
				Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(1), acquireTimeout);
		PeerPoolDataSource pool = TestPools.over(settings, servers, JdbcDriver.MARIADB, (s) -> PeerRole.PRIMARY,
				PeerProbe.standard(), Map.of("maximum-pool-size", String.valueOf(maxPoolSize), "minimum-idle",
						String.valueOf(maxPoolSize)));
		PoolEvents.onDown(pool, (down) -> this.downs.add(PoolEvents.describeDown(down)));
		return pool;
	}

	/** {@code count} open transactions, each holding a physical connection. */
	private static List<Connection> hold(PeerPoolDataSource pool, int count) throws SQLException {
		List<Connection> holders = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			Connection connection = pool.getConnection();
			connection.setAutoCommit(false);
			try (Statement statement = connection.createStatement()) {
				statement.execute("SELECT @@port");
			}
			holders.add(connection);
		}
		return holders;
	}

	private static void commitAndClose(Connection connection) {
		try (connection) {
			connection.commit();
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static int port(PeerPoolDataSource pool) {
		try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
				var result = statement.executeQuery("SELECT @@port")) {
			result.next();
			return result.getInt(1);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
