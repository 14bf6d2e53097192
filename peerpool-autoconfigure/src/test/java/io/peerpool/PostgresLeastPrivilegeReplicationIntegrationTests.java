package io.peerpool;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.peerpool.balance.Balance;
import io.peerpool.health.PeerPoolHealthIndicator;
import io.peerpool.routing.PeerRouting;
import io.peerpool.routing.RouteIntent;
import io.peerpool.routing.RouteOrigin;
import io.peerpool.routing.RouteScope;
import io.peerpool.test.EmbeddedPostgres;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.SteadyWrites;
import io.peerpool.test.PostgresMajor;
import io.peerpool.test.PostgresServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * Read/write split on a PostgreSQL primary with two hot standbys, with an application user that
 * has no predefined role ({@code pg_monitor}): the lag is measured by position (replay LSN against
 * the primary's sampled LSNs), also under {@code recovery_min_apply_delay}; with the primary dead
 * the pool cannot write, and health says it can still read; after a failover the old primary back
 * writable gets no writes.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresLeastPrivilegeReplicationIntegrationTests {

	@RegisterExtension
	static final EmbeddedPostgres pg = EmbeddedPostgres.primaryWithStandbys(PostgresMajor.V17, 2);

	private static final PeerPoolSettings SETTINGS = new PeerPoolSettings("pg-least", Balance.ROUND_ROBIN,
			Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(1),
			Duration.ofSeconds(5), null, false, Duration.ofSeconds(10), ReadYourWrites.NONE, Duration.ofSeconds(5));

	@BeforeAll
	static void createTable() throws SQLException {
		try (Connection connection = pg.primary().connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS ticks (id BIGSERIAL PRIMARY KEY, at TIMESTAMPTZ DEFAULT now())");
		}
	}

	@Test
	@Order(1)
	void standbysServeReadsAndTheLagIsMeasuredByPosition() throws Exception {
		PostgresServer delayed = pg.standbys().get(0);
		PostgresServer prompt = pg.standbys().get(1);
		SteadyWrites writes = SteadyWrites.start(pg.primary(), "INSERT INTO ticks DEFAULT VALUES", Duration.ofMillis(20));
		pg.lag(delayed, Duration.ofSeconds(3));
		try (PeerPoolDataSource pool = TestPools.over(SETTINGS, pg.servers(), JdbcDriver.POSTGRESQL, (s) -> PeerRole.AUTO)) {
			await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
				PeerInfo info = info(pool, delayed.name());
				assertThat(info.lagSeconds()).as("lag of the standby delayed by 3 s").isNotNull().isCloseTo(3.0, within(1.0));
			});
			assertThat(info(pool, delayed.name()).lagSource()).isEqualTo("position");
			assertThat(info(pool, prompt.name()).lagSeconds()).as("lag of the standby without delay").isLessThan(1.0);

			Set<Integer> standbyPorts = pg.standbys().stream().map(PostgresServer::port).collect(Collectors.toSet());
			TransactionTemplate readOnly = new TransactionTemplate(new DataSourceTransactionManager(pool));
			readOnly.setReadOnly(true);
			JdbcTemplate jdbc = new JdbcTemplate(pool);
			for (int i = 0; i < 10; i++) {
				assertThat(readOnly.<Integer>execute((status) -> jdbc.queryForObject("SELECT inet_server_port()", Integer.class)))
					.as("a read-only transaction").isIn(standbyPorts);
				try (RouteScope get = PeerRouting.open(RouteIntent.REPLICA, RouteOrigin.HTTP_METHOD)) {
					assertThat(jdbc.queryForObject("SELECT inet_server_port()", Integer.class)).as("a GET's read")
						.isIn(standbyPorts);
				}
			}
		}
		finally {
			writes.close();
			pg.lag(delayed, Duration.ZERO);
		}
	}

	@Test
	@Order(2)
	void withThePrimaryDeadThePoolIsDownForWritesAndStillReadable() throws Exception {
		try (PeerPoolDataSource pool = TestPools.over(SETTINGS, pg.servers(), JdbcDriver.POSTGRESQL, (s) -> PeerRole.AUTO)) {
			Health before = new PeerPoolHealthIndicator(pool).health();
			assertThat(before.getStatus()).isEqualTo(Status.UP);
			assertThat(before.getDetails()).containsEntry("writable", true).containsEntry("readable", true);

			pg.primary().kill();
			await().atMost(Duration.ofSeconds(10)).until(() -> pool.peer("primary").state() == PeerState.DOWN);

			Health after = new PeerPoolHealthIndicator(pool).health();
			assertThat(after.getStatus()).as("cannot write").isEqualTo(Status.DOWN);
			assertThat(after.getDetails()).containsEntry("writable", false).containsEntry("readable", true);
			@SuppressWarnings("unchecked")
			Map<String, Object> peers = (Map<String, Object>) after.getDetails().get("peers");
			assertThat(peers).containsKeys("standby0", "standby1");
			TransactionTemplate readOnly = new TransactionTemplate(new DataSourceTransactionManager(pool));
			readOnly.setReadOnly(true);
			JdbcTemplate jdbc = new JdbcTemplate(pool);
			Set<Integer> standbyPorts = pg.standbys().stream().map(PostgresServer::port).collect(Collectors.toSet());
			assertThat(readOnly.<Integer>execute((status) -> jdbc.queryForObject("SELECT inet_server_port()", Integer.class)))
				.as("reads still served").isIn(standbyPorts);
		}
	}

	@Test
	@Order(3)
	void afterAFailoverTheOldPrimaryBackWritableGetsNoWrites() throws Exception {
		PostgresServer oldPrimary = pg.server("primary");
		if (oldPrimary.isRunning()) {
			oldPrimary.kill();
		}
		try (PeerPoolDataSource pool = TestPools.over(SETTINGS, pg.servers(), JdbcDriver.POSTGRESQL, (s) -> PeerRole.AUTO)) {
			PostgresServer promoted = pg.standbys().get(0);
			pg.promote(promoted);
			await().atMost(Duration.ofSeconds(10)).until(() -> pool.peer(promoted.name()).role() == PeerRole.PRIMARY);
			try (Connection connection = promoted.connect(); Statement statement = connection.createStatement()) {
				statement.execute("CREATE TABLE IF NOT EXISTS load_rows (id BIGSERIAL PRIMARY KEY, seq BIGINT)");
			}

			// the old primary comes back as it was: a writable primary of its own (an unfenced split brain)
			oldPrimary.restart();
			try (Connection connection = oldPrimary.connect(); Statement statement = connection.createStatement()) {
				statement.execute("CREATE TABLE IF NOT EXISTS load_rows (id BIGSERIAL PRIMARY KEY, seq BIGINT)");
			}
			await().atMost(Duration.ofSeconds(15)).until(() -> info(pool, oldPrimary.name()).writerConflict() != null);
			assertThat(info(pool, oldPrimary.name()).writerConflict()).isEqualTo(promoted.name());
			assertThat(pool.peer(promoted.name()).timeline()).as("the promotion's timeline")
				.isGreaterThan(pool.peer(oldPrimary.name()).timeline());

			try (io.peerpool.test.TransactionLoad load = new io.peerpool.test.TransactionLoad(pool, 4,
					"SELECT inet_server_port()")) {
				long from = System.nanoTime();
				LoadWaits.awaitStartedAfter(load, from, 300, Duration.ofSeconds(30), pool);
				load.stop(Duration.ofSeconds(10));
				assertThat(load.startedAfter(from)).as("writes while the promoted primary is up")
					.allSatisfy((outcome) -> assertThat(outcome.port()).isEqualTo(promoted.port()));
			}
		}
	}

	private static PeerInfo info(PeerPoolDataSource pool, String peer) {
		return pool.getPeers().stream().filter((info) -> info.name().equals(peer)).findFirst().orElseThrow();
	}

}
