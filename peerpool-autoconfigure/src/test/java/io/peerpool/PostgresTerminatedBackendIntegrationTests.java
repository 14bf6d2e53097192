package io.peerpool;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.peerpool.balance.Balance;
import io.peerpool.test.EmbeddedPostgres;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.PostgresMajor;
import io.peerpool.test.PostgresServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code pg_terminate_backend} of one backend (SQLState 57P01, which a fast shutdown also sends
 * to every backend) concerns that connection: a probe confirms the server is fine, the peer stays
 * UP and the other transactions on it commit.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PostgresTerminatedBackendIntegrationTests {

	@RegisterExtension
	static final EmbeddedPostgres pg = EmbeddedPostgres.of(PostgresMajor.V17);

	@Test
	void oneTerminatedBackendLeavesThePeerUpAndTheOtherTransactionsCommit() throws Exception {
		PostgresServer server = pg.server(0);
		try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS stay_rows (id BIGSERIAL PRIMARY KEY, note TEXT)");
		}
		ConcurrentLinkedQueue<String> downs = new ConcurrentLinkedQueue<>();
		AtomicInteger probes = new AtomicInteger();
		PeerPoolSettings settings = new PeerPoolSettings("terminate", Balance.ROUND_ROBIN, Duration.ofSeconds(2),
				Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(10));
		try (PeerPoolDataSource pool = TestPools.over(settings, List.of(server), JdbcDriver.POSTGRESQL,
				(s) -> PeerRole.PRIMARY, PeerProbe.standard(), Map.of("maximum-pool-size", "4", "minimum-idle", "4"))) {
			PoolEvents.onDown(pool, (down) -> downs.add(PoolEvents.describeDown(down)));
			PoolEvents.onProbe(pool, probes::incrementAndGet);
			Connection other = pool.getConnection();
			other.setAutoCommit(false);
			try (Statement statement = other.createStatement()) {
				statement.executeUpdate("INSERT INTO stay_rows (note) VALUES ('other')");
			}
			Connection victim = pool.getConnection();
			long pid;
			try (Statement statement = victim.createStatement(); ResultSet result = statement.executeQuery("SELECT pg_backend_pid()")) {
				result.next();
				pid = result.getLong(1);
			}
			CompletableFuture<Throwable> running = CompletableFuture.supplyAsync(() -> {
				try (Statement statement = victim.createStatement()) {
					statement.executeQuery("SELECT pg_sleep(30)").close();
					return null;
				}
				catch (SQLException ex) {
					return ex;
				}
			});
			await().atMost(Duration.ofSeconds(10)).until(() -> isSleeping(server, pid));
			int probesBefore = probes.get();
			server.executeAsAdmin("SELECT pg_terminate_backend(" + pid + ")");

			assertThat(running.get(20, TimeUnit.SECONDS)).as("the terminated backend's error")
				.isInstanceOf(SQLException.class);
			victim.close();
			// probes of UP peers are off (30 s): one that runs now was asked for by the error
			await().atMost(Duration.ofSeconds(10)).until(() -> probes.get() > probesBefore);
			assertThat(pool.peer(server.name()).state()).isEqualTo(PeerState.UP);
			other.commit();
			other.close();
			assertThat(downs).as("DOWN transitions").isEmpty();
		}
	}

	/**
	 * The transaction of a terminated backend, on the only peer, with {@code transaction-replay: all}:
	 * replayed on a new connection to the same server as soon as a probe finds it fine, instead of
	 * waiting out {@code acquire-timeout} for another peer (there is none) and failing.
	 */
	@Test
	void aTransactionWhoseBackendWasTerminatedIsReplayedOnTheSamePeer() throws Exception {
		PostgresServer server = pg.server(0);
		try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS replayed_rows (id INT PRIMARY KEY)");
			statement.execute("DELETE FROM replayed_rows");
		}
		PeerPoolSettings settings = new PeerPoolSettings("terminate-replay", Balance.ROUND_ROBIN, Duration.ofSeconds(2),
				Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(10));
		try (PeerPoolDataSource pool = TestPools.over(settings, List.of(server), JdbcDriver.POSTGRESQL,
				(s) -> PeerRole.PRIMARY, PeerProbe.standard(), Map.of("maximum-pool-size", "2", "minimum-idle", "1"),
				(builder) -> builder.transactionReplay(PeerPoolSettings.TransactionReplay.ALL));
				Connection connection = pool.getConnection()) {
			connection.setAutoCommit(false);
			insert(connection, 1);
			// the one backend idle in a transaction: ours (asking it its pid would be a result the replay compares),
			// ended by the DBA, as an administrator: the application user sees and ends only its own role's backends
			server.executeAsAdmin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
					+ " WHERE state = 'idle in transaction' AND datname = current_database()");
			insert(connection, 2);
			connection.commit();
			assertThat(pool.peer(server.name()).state()).isEqualTo(PeerState.UP);
		}
		try (Connection check = server.connect(); Statement statement = check.createStatement();
				ResultSet rows = statement.executeQuery("SELECT count(*) FROM replayed_rows WHERE id IN (1, 2)")) {
			rows.next();
			assertThat(rows.getInt(1)).as("rows of the replayed transaction").isEqualTo(2);
		}
	}

	private static void insert(Connection connection, int id) throws SQLException {
		try (PreparedStatement insert = connection.prepareStatement("INSERT INTO replayed_rows (id) VALUES (?)")) {
			insert.setInt(1, id);
			assertThat(insert.executeUpdate()).isEqualTo(1);
		}
	}

	private static boolean isSleeping(PostgresServer server, long pid) throws SQLException {
		try (Connection admin = server.connectAsAdmin(); Statement statement = admin.createStatement();
				ResultSet result = statement.executeQuery(
						"SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid + " AND query LIKE 'SELECT pg_sleep%'")) {
			result.next();
			return result.getInt(1) > 0;
		}
	}

}
