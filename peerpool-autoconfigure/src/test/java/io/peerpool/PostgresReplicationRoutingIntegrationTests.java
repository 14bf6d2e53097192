package io.peerpool;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.peerpool.balance.Balance;
import io.peerpool.routing.PeerRouting;
import io.peerpool.routing.RouteIntent;
import io.peerpool.routing.RouteOrigin;
import io.peerpool.routing.RouteScope;
import io.peerpool.test.EmbeddedPostgres;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.PostgresMajor;
import io.peerpool.test.PostgresServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Read/write split and read-your-writes on a real PostgreSQL 17 primary with two hot standbys, every
 * peer declared {@code role: auto}: which server answers ({@code inet_server_port()}) for writes and
 * reads, a lagging standby ({@code recovery_min_apply_delay}), read-your-writes by WAL LSN, a frozen
 * standby, and a promotion. Mirrors {@link ReplicationRoutingIntegrationTests} and {@link ReadYourWritesIntegrationTests}
 * (MariaDB).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresReplicationRoutingIntegrationTests {

	@RegisterExtension
	static final EmbeddedPostgres pg = EmbeddedPostgres.primaryWithStandbys(PostgresMajor.V17, 2);

	private static final AtomicLong names = new AtomicLong();

	@BeforeAll
	static void createTable() throws SQLException {
		try (Connection connection = pg.primary().connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS notes (id BIGSERIAL PRIMARY KEY, text VARCHAR(40))");
		}
	}

	@AfterEach
	void noLagAndEveryStandbyRunning() {
		for (PostgresServer standby : pg.standbys()) {
			if (standby.isFrozen()) {
				standby.thaw();
			}
			if (standby.isRunning()) {
				pg.lag(standby, Duration.ZERO);
			}
		}
		PeerRouting.clear();
	}

	private static PeerPoolDataSource pool(Duration maxReplicaLag, ReadYourWrites mode) {
		// connect-timeout 2 s: a PostgreSQL backend fork can take more than 1 s on a busy 2-core machine,
		// and a standby marked DOWN for that would take no reads
		PeerPoolSettings settings = new PeerPoolSettings("pg-rw", Balance.ROUND_ROBIN, Duration.ofSeconds(1),
				Duration.ofMillis(300), Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(5), null, false,
				maxReplicaLag, mode, Duration.ofSeconds(5));
		return TestPools.over(settings, pg.servers(), JdbcDriver.POSTGRESQL, (server) -> PeerRole.AUTO);
	}

	private static int port(DataSource dataSource, boolean readOnly) throws SQLException {
		try (Connection connection = dataSource.getConnection()) {
			connection.setReadOnly(readOnly);
			return port(connection);
		}
	}

	private static int port(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT inet_server_port()")) {
			result.next();
			return result.getInt(1);
		}
	}

	private static int uncheckedPort(DataSource dataSource) {
		try (Connection connection = dataSource.getConnection()) {
			return port(connection);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String describe(PeerPoolDataSource pool) {
		return pool.peers()
			.stream()
			.map((peer) -> peer.name() + " " + peer.displayState() + " " + peer.role() + " lag " + peer.lag())
			.toList()
			.toString();
	}

	private static Set<Integer> standbyPorts() {
		return pg.standbys().stream().map(PostgresServer::port).collect(Collectors.toSet());
	}

	@Test
	@Order(1)
	void autoRolesComeFromPgIsInRecovery() {
		try (PeerPoolDataSource pool = pool(Duration.ofSeconds(1), ReadYourWrites.PIN)) {
			assertThat(pool.peer(pg.primary().name()).role()).isEqualTo(PeerRole.PRIMARY);
			for (PostgresServer standby : pg.standbys()) {
				assertThat(pool.peer(standby.name()).role()).isEqualTo(PeerRole.REPLICA);
				assertThat(pool.peer(standby.name()).displayState()).as("an idle standby is not late").isEqualTo(PeerState.UP);
			}
		}
	}

	@Test
	@Order(2)
	void writesGoToThePrimaryAndReadsToTheStandbys() throws SQLException {
		try (PeerPoolDataSource pool = pool(Duration.ofSeconds(1), ReadYourWrites.PIN)) {
			JdbcClient jdbc = JdbcClient.create(pool);
			Set<Integer> readers = new java.util.HashSet<>();
			for (int i = 0; i < 10; i++) {
				assertThat(port(pool, false)).as("default intent is write").isEqualTo(pg.primary().port());
				int reader = port(pool, true);
				assertThat(reader).as("setReadOnly(true) before first use").isIn(standbyPorts());
				readers.add(reader);
				int scoped = PeerRouting.replica(() -> uncheckedPort(pool));
				assertThat(scoped).isIn(standbyPorts());
				// every read counts: round robin takes turns over the reads (writes to the single primary take none)
				readers.add(scoped);
				assertThat(PeerRouting.primary(() -> uncheckedPort(pool))).isEqualTo(pg.primary().port());
				// a write through the pool works: it reached the primary, not a read-only standby
				jdbc.sql("INSERT INTO notes (text) VALUES ('w')").update();
			}
			assertThat(readers).as("reads are balanced over both standbys").isEqualTo(standbyPorts());
		}
	}

	@Test
	@Order(3)
	void laggingStandbyGetsNoReadsAndComesBackWhenItCatchesUp() throws Exception {
		PostgresServer lagging = pg.standbys().get(1);
		PostgresServer healthy = pg.standbys().get(0);
		try (PeerPoolDataSource pool = pool(Duration.ofSeconds(1), ReadYourWrites.PIN)) {
			pg.lag(lagging, Duration.ofSeconds(4));
			// a steady stream of writes: the standby receives them at once and replays them 4 s late
			JdbcClient jdbc = JdbcClient.create(pool);
			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
				jdbc.sql("INSERT INTO notes (text) VALUES ('tick')").update();
				return pool.peer(lagging.name()).displayState() == PeerState.LAGGING;
			});
			assertThat(pool.peer(lagging.name()).lag()).isGreaterThan(Duration.ofSeconds(1));
			assertThat(pool.peer(healthy.name()).displayState()).isEqualTo(PeerState.UP);
			for (int i = 0; i < 10; i++) {
				assertThat(port(pool, true)).isEqualTo(healthy.port());
			}
			pg.lag(lagging, Duration.ZERO);
			await().atMost(Duration.ofSeconds(30)).until(() -> pool.peer(lagging.name()).displayState() == PeerState.UP);
			await().atMost(Duration.ofSeconds(10)).until(() -> port(pool, true) == lagging.port());
		}
	}

	@Test
	@Order(4)
	void frozenStandbyIsLeftAndReadsContinueOnTheOther() throws Exception {
		PostgresServer frozen = pg.standbys().get(0);
		PostgresServer other = pg.standbys().get(1);
		try (PeerPoolDataSource pool = pool(Duration.ofSeconds(1), ReadYourWrites.PIN)) {
			frozen.freeze();
			await().atMost(Duration.ofSeconds(15)).until(() -> pool.peer(frozen.name()).state() == PeerState.DOWN);
			for (int i = 0; i < 20; i++) {
				assertThat(port(pool, true)).isEqualTo(other.port());
			}
			frozen.thaw();
			await().atMost(Duration.ofSeconds(20)).until(() -> pool.peer(frozen.name()).state() == PeerState.UP);
		}
	}

	@Test
	@Order(5)
	void restartedStandbyOfAnIdlePrimaryIsNotLaggingAndTakesReadsAgain() throws Exception {
		PostgresServer restarted = pg.standbys().get(1);
		try (PeerPoolDataSource pool = pool(Duration.ofSeconds(1), ReadYourWrites.PIN)) {
			restarted.kill();
			await().atMost(Duration.ofSeconds(15)).until(() -> pool.peer(restarted.name()).state() == PeerState.DOWN);
			// its WAL receiver starts over at the beginning of a segment, behind what the standby has
			// replayed, and nothing new arrives from an idle primary: it has nothing left to apply
			restarted.restart();
			await().atMost(Duration.ofSeconds(15))
				.until(() -> pool.peer(restarted.name()).displayState() == PeerState.UP);
			await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
				.until(() -> pool.peer(restarted.name()).displayState() == PeerState.UP);
			await().atMost(Duration.ofSeconds(10)).until(() -> port(pool, true) == restarted.port());
		}
	}

	// read-your-writes: a "POST" then a "GET" of the same client, the GET carrying what its cookie would

	/** "POST": writes a note; returns the request's write tokens. */
	private static Map<String, String> post(JdbcClient jdbc, String text) {
		try (RouteScope request = PeerRouting.open(RouteIntent.PRIMARY, RouteOrigin.HTTP_METHOD)) {
			jdbc.sql("INSERT INTO notes (text) VALUES (?)").param(text).update();
			return request.writeTokens();
		}
		finally {
			PeerRouting.clear();
		}
	}

	/** "GET" by the same client: counts the note; {@code tokens} stand for the cookie. */
	private static Read get(JdbcClient jdbc, String text, Map<String, String> tokens) {
		try (RouteScope request = PeerRouting.open(RouteIntent.REPLICA, RouteOrigin.HTTP_METHOD)) {
			tokens.forEach(request::putWriteToken);
			int count = jdbc.sql("SELECT count(*) FROM notes WHERE text = ?").param(text).query(Integer.class).single();
			int port = jdbc.sql("SELECT inet_server_port()").query(Integer.class).single();
			return new Read(count, port);
		}
		finally {
			PeerRouting.clear();
		}
	}

	record Read(int count, int port) {
	}

	private static void lagBothStandbys() {
		for (PostgresServer standby : pg.standbys()) {
			// well over probe-timeout, the longest a read waits for a standby to catch up
			pg.lag(standby, Duration.ofSeconds(5));
		}
	}

	@Test
	@Order(10)
	void controlWithoutReadYourWritesTheNextRequestReadsStaleDataFromALaggingStandby() {
		lagBothStandbys();
		try (PeerPoolDataSource pool = pool(Duration.ofSeconds(60), ReadYourWrites.NONE)) {
			JdbcClient jdbc = JdbcClient.create(pool);
			String text = "n" + names.incrementAndGet();
			post(jdbc, text);
			Read read = get(jdbc, text, Map.of());
			assertThat(read.port()).isIn(standbyPorts());
			assertThat(read.count()).as("the write, read back from a lagging standby").isZero();
		}
	}

	@Test
	@Order(11)
	void lsnModeReadsFromAStandbyThatHasReplayedTheWrite() {
		try (PeerPoolDataSource pool = pool(Duration.ofSeconds(60), ReadYourWrites.GTID)) {
			JdbcClient jdbc = JdbcClient.create(pool);
			String text = "n" + names.incrementAndGet();
			Map<String, String> tokens = post(jdbc, text);
			assertThat(tokens).containsKey("pg-rw");
			assertThat(tokens.get("pg-rw")).as("a WAL LSN").matches("[0-9A-F]+/[0-9A-F]+");
			Read read = get(jdbc, text, tokens);
			assertThat(read.count()).isEqualTo(1);
			assertThat(read.port()).as("served by a standby that caught up").isIn(standbyPorts());
		}
	}

	@Test
	@Order(12)
	void lsnModeFallsBackToThePrimaryWhenNoStandbyCatchesUpInTime() {
		lagBothStandbys();
		try (PeerPoolDataSource pool = pool(Duration.ofSeconds(60), ReadYourWrites.GTID)) {
			JdbcClient jdbc = JdbcClient.create(pool);
			String text = "n" + names.incrementAndGet();
			Map<String, String> tokens = post(jdbc, text);
			Read read = get(jdbc, text, tokens);
			assertThat(read.count()).isEqualTo(1);
			assertThat(read.port()).isEqualTo(pg.primary().port());
		}
	}

	@Test
	@Order(13)
	void lsnModeTakesThePositionAfterTheCommitOfATransaction() {
		lagBothStandbys();
		try (PeerPoolDataSource pool = pool(Duration.ofSeconds(60), ReadYourWrites.GTID)) {
			JdbcClient jdbc = JdbcClient.create(pool);
			TransactionTemplate transaction = new TransactionTemplate(new DataSourceTransactionManager(pool));
			String text = "n" + names.incrementAndGet();
			Map<String, String> tokens;
			try (RouteScope request = PeerRouting.open(RouteIntent.PRIMARY, RouteOrigin.HTTP_METHOD)) {
				transaction.executeWithoutResult((status) -> {
					jdbc.sql("INSERT INTO notes (text) VALUES (?)").param(text).update();
					jdbc.sql("INSERT INTO notes (text) VALUES (?)").param(text + "-2").update();
				});
				tokens = request.writeTokens();
			}
			finally {
				PeerRouting.clear();
			}
			assertThat(tokens.get("pg-rw")).as("a WAL LSN").matches("[0-9A-F]+/[0-9A-F]+");
			Read read = get(jdbc, text, tokens);
			assertThat(read.count()).isEqualTo(1);
			assertThat(read.port()).as("no standby replayed the commit within probe-timeout").isEqualTo(pg.primary().port());
		}
	}

	@Test
	@Order(100)
	void writesFollowAPromotedStandby() throws Exception {
		PostgresServer oldPrimary = pg.primary();
		PostgresServer promoted = pg.standbys().get(0);
		PostgresServer remaining = pg.standbys().get(1);
		try (PeerPoolDataSource pool = pool(Duration.ofSeconds(1), ReadYourWrites.PIN)) {
			JdbcClient jdbc = JdbcClient.create(pool);
			assertThat(port(pool, false)).isEqualTo(oldPrimary.port());
			// a failover: the primary dies, a standby is promoted
			oldPrimary.kill();
			pg.promote(promoted);
			// the probes find the old primary dead and the promoted standby writable; until then an
			// auto-commit write on a pooled connection to the dead primary fails (its outcome is unknown)
			await().atMost(Duration.ofSeconds(5))
				.until(() -> pool.peer(oldPrimary.name()).state() == PeerState.DOWN
						&& pool.peer(promoted.name()).role() == PeerRole.PRIMARY);
			assertThat(port(pool, false)).isEqualTo(promoted.port());
			String text = "n" + names.incrementAndGet();
			jdbc.sql("INSERT INTO notes (text) VALUES (?)").param(text).update();
			for (int i = 0; i < 10; i++) {
				jdbc.sql("INSERT INTO notes (text) VALUES ('after-promotion')").update();
				assertThat(port(pool, false)).isEqualTo(promoted.port());
				assertThat(port(pool, true)).as(() -> "the remaining standby keeps the reads; peers " + describe(pool))
					.isEqualTo(remaining.port());
			}
			// the remaining standby streams from the new primary: reads see writes made after the promotion
			await().atMost(Duration.ofSeconds(30)).until(() -> PeerRouting.replica(() -> JdbcClient.create(pool)
				.sql("SELECT count(*) FROM notes WHERE text = ?").param(text).query(Integer.class).single()) == 1);
		}
	}

}
