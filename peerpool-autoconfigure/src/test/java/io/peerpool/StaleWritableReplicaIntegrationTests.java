package io.peerpool;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.peerpool.balance.Balance;
import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.MariaDbServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Which server takes the writes when the primary of a MariaDB pool ({@code role: auto}) dies
 * while a replica reports itself writable and replicates from no one: a replica restarted
 * without {@code read_only} in its configuration whose replication is not started (yet)
 * ({@code skip-slave-start}, the moments before its SQL thread starts, a stopped SQL thread)
 * reads exactly as a replica a DBA promoted with {@code STOP SLAVE}. The application user has no
 * privilege beyond its schema (no {@code SLAVE MONITOR}); the replicas' {@code read_only} is set
 * at run time, as on a hand-configured replica.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@ExtendWith(OutputCaptureExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StaleWritableReplicaIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.primaryWithReplicas(2);

	/** Probes every 200 ms; callers held 2 s at most. */
	private static final PeerPoolSettings SETTINGS = new PeerPoolSettings("stale", Balance.ROUND_ROBIN,
			Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(1),
			Duration.ofSeconds(2), null, false, Duration.ofSeconds(10), ReadYourWrites.NONE, Duration.ofSeconds(5));

	@BeforeAll
	static void createTable() throws SQLException {
		try (Connection connection = db.primary().connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS rows_written (id BIGINT AUTO_INCREMENT PRIMARY KEY, seq BIGINT)");
		}
	}

	@Test
	@Order(1)
	void aRestartedReplicaBehindTheDeadPrimaryGetsNoWritesAndCallersAreHeld(CapturedOutput output) throws Exception {
		MariaDbServer primary = db.primary();
		MariaDbServer restarted = db.replicas().get(0);
		try (PeerPoolDataSource pool = TestPools.over(SETTINGS, db.servers(), JdbcDriver.MARIADB, (s) -> PeerRole.AUTO)) {
			write(pool, 20);
			// restarted: writable again (read_only was set at run time), replication not started
			restarted.restart();
			restarted.executeAsAdmin("STOP SLAVE");
			assertThat(readings(restarted)).as("what the application user reads on it")
				.containsExactly("0", "OFF", "0");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> info(pool, restarted.name()).writerConflict() != null);
			assertThat(info(pool, restarted.name()).writerConflict()).isEqualTo(primary.name());
			// the tail it never gets: committed on the primary, seen there by the pool
			write(pool, 20);
			pool.probeNow(pool.peer(primary.name())).join();
			long onRestarted = count(restarted);

			primary.kill();
			await().atMost(Duration.ofSeconds(15)).until(() -> pool.peer(primary.name()).state() == PeerState.DOWN);
			pool.probeNow(pool.peer(restarted.name())).join();

			assertThat(pool.routingSnapshot(false)).as("writers while the primary is dead").isEmpty();
			assertThatExceptionOfType(NoAvailablePeerException.class).as("a write is held, then fails")
				.isThrownBy(() -> write(pool, 1));
			assertThat(count(restarted)).as("rows written on the restarted replica").isEqualTo(onRestarted);
			assertThat(info(pool, restarted.name()).writerConflict()).as("health: why it gets no writes")
				.isEqualTo(primary.name());
			assertThat(output.getOut()).contains("behind the last writer");

			// the primary is back: it takes the writes again, nothing lost
			primary.restart();
			await().atMost(Duration.ofSeconds(15))
				.until(() -> Arrays.asList(pool.routingSnapshot(false)).equals(List.of(primary.name())));
			write(pool, 1);
			assertThat(count(restarted)).isEqualTo(onRestarted);
		}
		finally {
			heal(primary);
			restarted.executeAsAdmin("SET GLOBAL read_only = 1");
			restarted.executeAsAdmin("START SLAVE");
		}
	}

	@Test
	@Order(2)
	void aWriterThatReplicatesAgainLosesTheWrites() throws Exception {
		MariaDbServer primary = db.primary();
		MariaDbServer restarted = db.replicas().get(0);
		try (PeerPoolDataSource pool = TestPools.over(SETTINGS, db.servers(), JdbcDriver.MARIADB, (s) -> PeerRole.AUTO)) {
			write(pool, 5);
			awaitApplied(restarted, primary);
			restarted.restart();
			restarted.executeAsAdmin("STOP SLAVE");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> info(pool, restarted.name()).writerConflict() != null);

			primary.kill();
			// not behind the primary, replicating from no one: as a replica promoted by STOP SLAVE, the writer
			await().atMost(Duration.ofSeconds(15))
				.until(() -> Arrays.asList(pool.routingSnapshot(false)).equals(List.of(restarted.name())));

			// its replication starts: it was a restarted replica after all, not a writer
			restarted.executeAsAdmin("START SLAVE");
			await().atMost(Duration.ofSeconds(15)).until(() -> pool.routingSnapshot(false).length == 0);
			primary.restart();
			await().atMost(Duration.ofSeconds(15))
				.until(() -> Arrays.asList(pool.routingSnapshot(false)).equals(List.of(primary.name())));
			assertThat(info(pool, restarted.name()).writerConflict()).isEqualTo(primary.name());
		}
		finally {
			heal(primary);
			restarted.executeAsAdmin("SET GLOBAL read_only = 1");
			restarted.executeAsAdmin("START SLAVE");
		}
	}

	@Test
	@Order(3)
	void aReplicaPromotedAfterThePrimaryDiedWithAnUnreplicatedTailTakesTheWrites() throws Exception {
		MariaDbServer primary = db.primary();
		MariaDbServer promoted = db.replicas().get(1);
		try (PeerPoolDataSource pool = TestPools.over(SETTINGS, db.servers(), JdbcDriver.MARIADB, (s) -> PeerRole.AUTO)) {
			write(pool, 5);
			for (MariaDbServer replica : db.replicas()) {
				awaitApplied(replica, primary);
				// the replicas receive nothing more: what follows is the tail the primary takes with it
				replica.executeAsAdmin("STOP SLAVE IO_THREAD");
			}
			write(pool, 20);
			pool.probeNow(pool.peer(primary.name())).join();

			primary.kill();
			await().atMost(Duration.ofSeconds(15)).until(() -> pool.peer(primary.name()).state() == PeerState.DOWN);
			// the DBA promotes the most advanced replica and points the other at it
			db.promote(promoted);

			await().atMost(Duration.ofSeconds(15))
				.until(() -> Arrays.asList(pool.routingSnapshot(false)).equals(List.of(promoted.name())));
			long before = count(promoted);
			write(pool, 3);
			assertThat(count(promoted)).isEqualTo(before + 3);
		}
	}

	/** A test that failed half-way leaves the next one a running primary. */
	private static void heal(MariaDbServer primary) {
		if (!primary.isRunning()) {
			primary.restart();
		}
	}

	private static void write(PeerPoolDataSource pool, int rows) throws SQLException {
		for (int i = 0; i < rows; i++) {
			try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
				statement.execute("INSERT INTO rows_written (seq) VALUES (" + i + ")");
			}
		}
	}

	private static long count(MariaDbServer server) throws SQLException {
		try (Connection connection = server.connectAsAdmin(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT COUNT(*) FROM app.rows_written")) {
			result.next();
			return result.getLong(1);
		}
	}

	private static void awaitApplied(MariaDbServer replica, MariaDbServer primary) {
		await().atMost(Duration.ofSeconds(15)).until(() -> count(replica) == count(primary));
	}

	/** {@code @@read_only}, {@code Slave_running}, {@code Slaves_running} as the application user reads them. */
	private static List<String> readings(MariaDbServer server) throws SQLException {
		try (Connection connection = server.connect(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT @@read_only,"
						+ " (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'SLAVE_RUNNING'),"
						+ " (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'SLAVES_RUNNING')")) {
			result.next();
			return List.of(result.getString(1), result.getString(2), result.getString(3));
		}
	}

	private static PeerInfo info(PeerPoolDataSource pool, String peer) {
		return pool.getPeers().stream().filter((info) -> info.name().equals(peer)).findFirst().orElseThrow();
	}

}
