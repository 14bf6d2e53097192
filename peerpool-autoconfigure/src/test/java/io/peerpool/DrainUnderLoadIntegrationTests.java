package io.peerpool;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.peerpool.balance.Balance;
import io.peerpool.routing.PeerRouting;
import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.MariaDbServer;
import io.peerpool.test.TransactionLoad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Drain holds under 8 threads of load: no transaction that starts after {@code drain} returns
 * runs on the drained peer, with every balance strategy and with replicas that a routing scope
 * sticks to; the peer is DRAINED only once nothing is active on it, and resume brings traffic back.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class DrainUnderLoadIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.peers(3);

	@BeforeAll
	static void createTables() throws SQLException {
		for (MariaDbServer server : db.servers()) {
			try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
				statement.execute("CREATE TABLE IF NOT EXISTS load_rows (id BIGINT AUTO_INCREMENT PRIMARY KEY, seq BIGINT)");
			}
		}
	}

	@ParameterizedTest
	@EnumSource(Balance.class)
	void nothingThatStartsAfterTheDrainRunsOnTheDrainedPeer(Balance balance) throws Exception {
		// sequential sends everything to the first peer: drain that one
		MariaDbServer victim = (balance == Balance.SEQUENTIAL) ? db.server(0) : db.server(2);
		PeerPoolSettings settings = TestPools.fastSettings("drain", balance);
		try (PeerPoolDataSource pool = TestPools.over(settings, db.servers(), JdbcDriver.MARIADB);
				TransactionLoad load = new TransactionLoad(pool, 8, "SELECT @@port")) {
			await().atMost(Duration.ofSeconds(30)).until(() -> load.successfulOn(victim.port()) > 50);

			pool.drain(victim.name());
			long drainedAt = System.nanoTime();
			LoadWaits.awaitStartedAfter(load, drainedAt, 500, Duration.ofSeconds(60), pool);

			assertThat(load.startedAfter(drainedAt)).as("transactions that started after drain returned")
				.allSatisfy((outcome) -> assertThat(outcome.port()).isNotEqualTo(victim.port()));
			await().atMost(Duration.ofSeconds(30))
				.until(() -> pool.peer(victim.name()).displayState() == PeerState.DRAINED);
			assertThat(pool.peer(victim.name()).activeConnections()).isZero();

			pool.resume(victim.name());
			long served = load.successfulOn(victim.port());
			await().atMost(Duration.ofSeconds(30)).until(() -> load.successfulOn(victim.port()) > served + 20);
			load.stop(Duration.ofSeconds(30));
			assertThat(load.outcomes()).as("failed transactions").noneMatch(TransactionLoad.Outcome::failed);
		}
	}

	@Test
	void aScopeStuckToADrainedReplicaReadsFromAnotherOne() throws Exception {
		MariaDbServer victim = db.server(2);
		PeerPoolSettings settings = TestPools.fastSettings("drain-sticky", Balance.ROUND_ROBIN);
		// independent servers as one primary and two replicas (the validity probe measures no lag)
		try (PeerPoolDataSource pool = TestPools.over(settings, db.servers(), JdbcDriver.MARIADB,
				(server) -> server == db.server(0) ? PeerRole.PRIMARY : PeerRole.REPLICA, PeerProbe.validity())) {
			ConcurrentLinkedQueue<long[]> reads = new ConcurrentLinkedQueue<>();
			ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
			List<Thread> threads = new ArrayList<>();
			java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
			for (int i = 0; i < 8; i++) {
				Thread thread = new Thread(() -> {
					while (running.get()) {
						try {
							// one request: several connections in one replica scope stick to one replica
							PeerRouting.replica(() -> {
								for (int n = 0; n < 20 && running.get(); n++) {
									long started = System.nanoTime();
									reads.add(new long[] { started, port(pool) });
								}
							});
						}
						catch (RuntimeException ex) {
							failures.add(ex);
						}
					}
				}, "sticky-" + i);
				thread.setDaemon(true);
				threads.add(thread);
				thread.start();
			}
			try {
				await().atMost(Duration.ofSeconds(30))
					.until(() -> reads.stream().filter((r) -> r[1] == victim.port()).count() > 50);
				pool.drain(victim.name());
				long drainedAt = System.nanoTime();
				await().atMost(Duration.ofSeconds(60))
					.until(() -> reads.stream().filter((r) -> r[0] > drainedAt).count() > 500);

				assertThat(reads.stream().filter((r) -> r[0] > drainedAt).map((r) -> r[1]).toList())
					.as("ports of the reads that started after drain returned")
					.doesNotContain((long) victim.port());
				await().atMost(Duration.ofSeconds(30))
					.until(() -> pool.peer(victim.name()).displayState() == PeerState.DRAINED);

				pool.resume(victim.name());
				long resumedAt = System.nanoTime();
				await().atMost(Duration.ofSeconds(30))
					.until(() -> reads.stream().filter((r) -> r[0] > resumedAt && r[1] == victim.port()).count() > 20);
			}
			finally {
				running.set(false);
				for (Thread thread : threads) {
					thread.join(30_000);
				}
			}
			assertThat(failures).as("failed reads").isEmpty();
		}
	}

	private static long port(PeerPoolDataSource pool) {
		try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT @@port")) {
			result.next();
			return result.getLong(1);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
