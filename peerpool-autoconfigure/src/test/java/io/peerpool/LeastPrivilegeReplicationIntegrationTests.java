package io.peerpool;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.peerpool.PeerPoolSettings.UnknownLag;
import io.peerpool.balance.Balance;
import io.peerpool.health.PeerPoolHealthIndicator;
import io.peerpool.metrics.PeerPoolMetrics;
import io.peerpool.routing.PeerRouting;
import io.peerpool.routing.RouteIntent;
import io.peerpool.routing.RouteOrigin;
import io.peerpool.routing.RouteScope;
import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.SteadyWrites;
import io.peerpool.test.MariaDbServer;
import io.peerpool.test.TransactionLoad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * Replication as it runs in production, on a MariaDB primary with two GTID replicas: the
 * application user has {@code ALL} on its schema and nothing else (it may not run
 * {@code SHOW SLAVE STATUS}), and a replica's {@code read_only} was set at run time, so a
 * restarted replica comes back writable.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@ExtendWith(OutputCaptureExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LeastPrivilegeReplicationIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.primaryWithReplicas(2);

	/** Probes every 200 ms: the lag by position is as fine as the primary's samples. */
	private static final PeerPoolSettings SETTINGS = new PeerPoolSettings("least", Balance.ROUND_ROBIN,
			Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(1),
			Duration.ofSeconds(5), null, false, Duration.ofSeconds(10), ReadYourWrites.NONE, Duration.ofSeconds(5));

	@BeforeAll
	static void createTables() throws SQLException {
		try (Connection connection = db.primary().connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS ticks (id BIGINT AUTO_INCREMENT PRIMARY KEY, at TIMESTAMP(3))");
			statement.execute("CREATE TABLE IF NOT EXISTS load_rows (id BIGINT AUTO_INCREMENT PRIMARY KEY, seq BIGINT)");
		}
	}

	@Test
	@Order(1)
	void theApplicationUserCannotSeeReplicationStatus() throws SQLException {
		try (Connection connection = db.replicas().get(0).connect(); Statement statement = connection.createStatement()) {
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> statement.executeQuery("SHOW SLAVE STATUS"))
				.satisfies((ex) -> assertThat(ex.getErrorCode()).as("ER_SPECIFIC_ACCESS_DENIED_ERROR").isEqualTo(1227));
		}
	}

	@Test
	@Order(2)
	void replicasServeReadsAndTheLagIsMeasuredByPosition() throws Exception {
		MariaDbServer delayed = db.replicas().get(0);
		MariaDbServer prompt = db.replicas().get(1);
		SteadyWrites writes = SteadyWrites.start(db.primary(), "INSERT INTO ticks (at) VALUES (NOW(3))", Duration.ofMillis(20));
		db.lag(delayed, Duration.ofSeconds(3));
		try (PeerPoolDataSource pool = TestPools.over(SETTINGS, db.servers(), JdbcDriver.MARIADB, (s) -> PeerRole.AUTO)) {
			await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
				PeerInfo info = info(pool, delayed.name());
				assertThat(info.lagSeconds()).as("lag of the replica delayed by 3 s").isNotNull().isCloseTo(3.0, within(1.0));
			});
			PeerInfo delayedInfo = info(pool, delayed.name());
			assertThat(delayedInfo.lagSource()).isEqualTo("position");
			assertThat(delayedInfo.state()).isEqualTo(PeerState.UP);
			PeerInfo promptInfo = info(pool, prompt.name());
			assertThat(promptInfo.lagSeconds()).as("lag of the replica without delay").isNotNull().isLessThan(1.0);
			assertThat(promptInfo.lagSource()).isEqualTo("position");

			Set<Integer> replicaIds = db.replicas().stream().map(MariaDbServer::serverId).collect(Collectors.toSet());
			TransactionTemplate readOnly = new TransactionTemplate(new DataSourceTransactionManager(pool));
			readOnly.setReadOnly(true);
			JdbcTemplate jdbc = new JdbcTemplate(pool);
			for (int i = 0; i < 10; i++) {
				assertThat(readOnly.<Integer>execute((status) -> jdbc.queryForObject("SELECT @@server_id", Integer.class)))
					.as("a read-only transaction").isIn(replicaIds);
				try (RouteScope get = PeerRouting.open(RouteIntent.REPLICA, RouteOrigin.HTTP_METHOD)) {
					assertThat(jdbc.queryForObject("SELECT @@server_id", Integer.class)).as("a GET's read").isIn(replicaIds);
				}
			}

			Health health = new PeerPoolHealthIndicator(pool).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("writable", true).containsEntry("readable", true);
			assertThat(peerDetails(health, delayed.name())).containsEntry("lagSource", "position").containsKey("lagSeconds");

			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			new PeerPoolMetrics(() -> List.of(pool)).bindTo(registry);
			assertThat(registry.get("peerpool.replica.lag").tag("peer", delayed.name()).gauge().value())
				.isCloseTo(3.0, within(1.0));
		}
		finally {
			writes.close();
			db.lag(delayed, Duration.ZERO);
		}
	}

	@Test
	@Order(3)
	void withNothingToCompareWithTheLagIsUnknownWarnedOnceAndUnknownLagDecidesTheReads(CapturedOutput output)
			throws SQLException {
		// replicas only: no primary in the pool to compare positions with, and SHOW SLAVE STATUS denied
		PeerPoolSettings exclude = new PeerPoolSettings("replicas-only", Balance.ROUND_ROBIN, Duration.ofSeconds(1),
				Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(2), true, false,
				Duration.ofSeconds(10), ReadYourWrites.NONE, Duration.ofSeconds(5), UnknownLag.EXCLUDE);
		try (PeerPoolDataSource pool = TestPools.over(exclude, db.replicas(), JdbcDriver.MARIADB, (s) -> PeerRole.AUTO)) {
			String replica = db.replicas().get(0).name();
			await().atMost(Duration.ofSeconds(10)).until(() -> output.getOut().contains("replicas-only." + replica));
			PeerInfo info = info(pool, replica);
			assertThat(info.state()).isEqualTo(PeerState.LAGGING);
			assertThat(info.lagSeconds()).isNull();
			assertThat(info.lagUnknown()).contains("SLAVE MONITOR");
			Health health = new PeerPoolHealthIndicator(pool).health();
			assertThat(peerDetails(health, replica)).containsKey("lagUnknown");
			assertThat(health.getDetails().get("unknownLag")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST).contains(replica);
			assertThat(output.getOut()).contains("GRANT SLAVE MONITOR").contains("unknown-lag");
		}
		assertThat(output.getOut().split("the lag of peer replicas-only." + db.replicas().get(0).name(), -1))
			.as("one WARN per peer").hasSize(2);
		PeerPoolSettings include = new PeerPoolSettings("replicas-included", Balance.ROUND_ROBIN, Duration.ofSeconds(1),
				Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(2), true, false,
				Duration.ofSeconds(10), ReadYourWrites.NONE, Duration.ofSeconds(5), UnknownLag.INCLUDE);
		try (PeerPoolDataSource pool = TestPools.over(include, db.replicas(), JdbcDriver.MARIADB, (s) -> PeerRole.AUTO);
				Connection connection = pool.getConnection()) {
			connection.setReadOnly(true);
			try (Statement statement = connection.createStatement()) {
				assertThat(queryInt(statement, "SELECT @@server_id")).as("unknown-lag: include reads anyway")
					.isIn(db.replicas().stream().map(MariaDbServer::serverId).toList());
			}
		}
	}

	@Test
	@Order(4)
	void aRestartedWritableReplicaGetsNoWritesWhileThePrimaryIsUpAndTakesOverWhenItDiesAndTheOldPrimaryBackGetsNone() throws Exception {
		MariaDbServer primary = db.primary();
		MariaDbServer restarted = db.replicas().get(0);
		List<PeerWriterConflictEvent> events = new CopyOnWriteArrayList<>();
		try (PeerPoolDataSource pool = TestPools.over(SETTINGS, db.servers(), JdbcDriver.MARIADB, (s) -> PeerRole.AUTO)) {
			pool.setApplicationEventPublisher((event) -> {
				if (event instanceof PeerWriterConflictEvent conflict) {
					events.add(conflict);
				}
			});
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			new PeerPoolMetrics(() -> List.of(pool)).bindTo(registry);

			restarted.restart();
			try (Connection connection = restarted.connect(); Statement statement = connection.createStatement()) {
				// the control: the restarted replica really takes writes now
				statement.execute("CREATE TEMPORARY TABLE t (id INT)");
				statement.execute("INSERT INTO t VALUES (1)");
				assertThat(queryInt(statement, "SELECT @@read_only")).as("read_only after a restart").isZero();
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> pool.peer(restarted.name()).role() == PeerRole.PRIMARY);

			try (TransactionLoad load = new TransactionLoad(pool, 4, "SELECT @@port")) {
				long from = System.nanoTime();
				LoadWaits.awaitStartedAfter(load, from, 1_000, Duration.ofSeconds(30), pool);
				load.stop(Duration.ofSeconds(10));
				assertThat(load.startedAfter(from)).as("writes while the primary is up")
					.allSatisfy((outcome) -> assertThat(outcome.port()).isEqualTo(primary.port()));
			}
			assertThat(info(pool, restarted.name()).writerConflict()).isEqualTo(primary.name());
			assertThat(events).extracting(PeerWriterConflictEvent::getPeer).containsExactly(restarted.name());
			assertThat(events.get(0).getWriter()).isEqualTo(primary.name());
			assertThat(registry.get("peerpool.writer.conflicts").tag("peer", restarted.name()).counter().count())
				.isEqualTo(1.0);
			Health health = new PeerPoolHealthIndicator(pool).health();
			assertThat(peerDetails(health, restarted.name())).containsEntry("writerConflict", primary.name())
				.containsEntry("takesWrites", false);
			assertThat(peerDetails(health, primary.name())).containsEntry("takesWrites", true);
			assertThat(health.getDetails()).containsEntry("writerConflicts", List.of(restarted.name()));
			assertThat(pool.getEvents()).as("the pool's timeline")
				.anySatisfy((event) -> {
					assertThat(event.type()).isEqualTo(PeerPoolEvent.Type.WRITER_CONFLICT);
					assertThat(event.peer()).isEqualTo(restarted.name());
					assertThat(event.detail()).isEqualTo(primary.name());
				});
			// it still replicates within max-replica-lag: it serves reads as the replica it is
			Set<Integer> readFrom = new java.util.HashSet<>();
			for (int i = 0; i < 20; i++) {
				try (Connection connection = pool.getConnection()) {
					connection.setReadOnly(true);
					try (Statement statement = connection.createStatement()) {
						readFrom.add(queryInt(statement, "SELECT @@server_id"));
					}
				}
			}
			assertThat(readFrom).as("servers of the reads").contains(restarted.serverId())
				.doesNotContain(primary.serverId());

			primary.kill();
			await().atMost(Duration.ofSeconds(15)).until(() -> pool.peer(primary.name()).state() == PeerState.DOWN
					&& info(pool, restarted.name()).writerConflict() == null);
			// it is still set up to replicate (its SQL thread runs while the I/O thread reconnects): never the
			// writer on its own, writes wait (and fail after acquire-timeout) rather than diverge there
			await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
				.until(() -> pool.routingSnapshot(false).length == 0);
			// a DBA promotes it: replication stopped, it is the next writer
			try (Connection admin = restarted.connectAsAdmin(); Statement statement = admin.createStatement()) {
				statement.execute("STOP SLAVE");
			}
			await().atMost(Duration.ofSeconds(15))
				.until(() -> java.util.Arrays.asList(pool.routingSnapshot(false)).equals(List.of(restarted.name())));
			try (TransactionLoad load = new TransactionLoad(pool, 4, "SELECT @@port")) {
				long from = System.nanoTime();
				LoadWaits.awaitStartedAfter(load, from, 200, Duration.ofSeconds(30), pool);
				load.stop(Duration.ofSeconds(10));
				assertThat(load.startedAfter(from)).as("writes once the primary is dead")
					.allSatisfy((outcome) -> assertThat(outcome.port()).isEqualTo(restarted.port()));
			}

			// the old primary comes back, writable: now it is the second writer
			primary.restart();
			await().atMost(Duration.ofSeconds(15)).until(() -> info(pool, primary.name()).writerConflict() != null);
			assertThat(info(pool, primary.name()).writerConflict()).isEqualTo(restarted.name());
			try (TransactionLoad load = new TransactionLoad(pool, 4, "SELECT @@port")) {
				long from = System.nanoTime();
				LoadWaits.awaitStartedAfter(load, from, 200, Duration.ofSeconds(30), pool);
				load.stop(Duration.ofSeconds(10));
				assertThat(load.startedAfter(from)).as("writes once the old primary is back")
					.allSatisfy((outcome) -> assertThat(outcome.port()).isEqualTo(restarted.port()));
			}
			assertThat(events).extracting(PeerWriterConflictEvent::getPeer).containsExactly(restarted.name(), primary.name());
		}
	}

	private static int queryInt(Statement statement, String sql) throws SQLException {
		try (var result = statement.executeQuery(sql)) {
			result.next();
			return result.getInt(1);
		}
	}

	private static PeerInfo info(PeerPoolDataSource pool, String peer) {
		return pool.getPeers().stream().filter((info) -> info.name().equals(peer)).findFirst().orElseThrow();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> peerDetails(Health health, String peer) {
		return (Map<String, Object>) ((Map<String, Object>) health.getDetails().get("peers")).get(peer);
	}

}
