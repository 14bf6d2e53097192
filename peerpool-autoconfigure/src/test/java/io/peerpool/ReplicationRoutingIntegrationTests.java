package io.peerpool;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.peerpool.balance.Balance;
import io.peerpool.routing.PeerRouting;
import io.peerpool.routing.RouteIntent;
import io.peerpool.routing.RouteOrigin;
import io.peerpool.routing.RouteScope;
import io.peerpool.test.DatabaseServer;
import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.MariaDbServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Read/write split on a real MariaDB primary with two GTID replicas: which server answers
 * ({@code @@server_id}) for each kind of intent, lag, a frozen replica, and roles discovered from
 * the servers themselves.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ReplicationRoutingIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.primaryWithReplicas(2);

	private static final PeerPoolSettings SETTINGS = new PeerPoolSettings("rw", Balance.ROUND_ROBIN,
			Duration.ofSeconds(1), Duration.ofMillis(300), Duration.ofSeconds(1), Duration.ofSeconds(1),
			Duration.ofSeconds(5), null, false, Duration.ofSeconds(1), ReadYourWrites.PIN, Duration.ofSeconds(5));

	@BeforeAll
	static void createTable() throws SQLException {
		try (Connection connection = db.primary().connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS items (id BIGINT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(40))");
		}
	}

	@AfterEach
	void noLagAndEveryReplicaRunning() {
		for (MariaDbServer replica : db.replicas()) {
			if (replica.isFrozen()) {
				replica.thaw();
			}
			db.lag(replica, Duration.ZERO);
		}
	}

	private static PeerPoolDataSource declaredRoles() {
		return TestPools.over(SETTINGS, db.servers(), JdbcDriver.MARIADB,
				(server) -> server == db.primary() ? PeerRole.PRIMARY : PeerRole.REPLICA);
	}

	private static int serverId(javax.sql.DataSource dataSource, boolean readOnly) throws SQLException {
		try (Connection connection = dataSource.getConnection()) {
			connection.setReadOnly(readOnly);
			return serverId(connection);
		}
	}

	private static int serverId(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery("SELECT @@server_id")) {
			result.next();
			return result.getInt(1);
		}
	}

	private static Set<Integer> replicaIds() {
		return db.replicas().stream().map(MariaDbServer::serverId).collect(Collectors.toSet());
	}

	@Test
	void writesGoToThePrimaryAndReadOnlyConnectionsToTheReplicas() throws SQLException {
		try (PeerPoolDataSource pool = declaredRoles()) {
			for (int i = 0; i < 10; i++) {
				assertThat(serverId(pool, false)).as("default intent is write").isEqualTo(db.primary().serverId());
				assertThat(serverId(pool, true)).as("setReadOnly(true) before first use").isIn(replicaIds());
				assertThat(PeerRouting.replica(() -> uncheckedServerId(pool))).isIn(replicaIds());
				assertThat(PeerRouting.primary(() -> uncheckedServerId(pool))).isEqualTo(db.primary().serverId());
			}
		}
	}

	@Test
	void readOnlyTransactionsReachAReplicaWithJdbcTemplateAndJdbcClientAndReadWriteTransactionsThePrimary() {
		try (PeerPoolDataSource pool = declaredRoles()) {
			TransactionTemplate readOnly = new TransactionTemplate(new DataSourceTransactionManager(pool));
			readOnly.setReadOnly(true);
			TransactionTemplate readWrite = new TransactionTemplate(new DataSourceTransactionManager(pool));
			JdbcTemplate jdbcTemplate = new JdbcTemplate(pool);
			JdbcClient jdbcClient = JdbcClient.create(pool);
			for (int i = 0; i < 5; i++) {
				assertThat(readOnly.<Integer>execute((status) -> jdbcTemplate.queryForObject("SELECT @@server_id", Integer.class)))
					.isIn(replicaIds());
				assertThat(readOnly.<Integer>execute((status) -> jdbcClient.sql("SELECT @@server_id").query(Integer.class).single()))
					.isIn(replicaIds());
				assertThat(readWrite.<Integer>execute((status) -> {
					jdbcClient.sql("INSERT INTO items (name) VALUES ('rw')").update();
					return jdbcClient.sql("SELECT @@server_id").query(Integer.class).single();
				})).as("a read-write transaction's reads run on the primary").isEqualTo(db.primary().serverId());
				assertThat(readWrite.<Integer>execute((status) -> jdbcTemplate.queryForObject("SELECT @@server_id", Integer.class)))
					.as("a read-write transaction that only reads").isEqualTo(db.primary().serverId());
			}
		}
	}

	@Test
	void writeInsideAnExplicitReplicaScopeFailsFastWithAClearError() {
		try (PeerPoolDataSource pool = declaredRoles()) {
			JdbcClient jdbcClient = JdbcClient.create(pool);
			assertThatExceptionOfType(org.springframework.dao.DataAccessException.class)
				.isThrownBy(() -> PeerRouting.replica(() -> jdbcClient.sql("INSERT INTO items (name) VALUES ('x')").update()))
				.havingRootCause()
				.withMessageContaining("write guard")
				.withMessageContaining("PeerRouting.replica");
			assertThat(PeerRouting.current()).as("the scope is restored after the failure").isNull();
		}
	}

	@Test
	void writeGuardCoversEveryWayOfSendingAWrite() throws SQLException {
		try (PeerPoolDataSource pool = declaredRoles()) {
			PeerRouting.replica(() -> {
				try (Connection connection = pool.getConnection()) {
					assertThatExceptionOfType(SQLException.class)
						.isThrownBy(() -> connection.prepareStatement("UPDATE items SET name = 'x'",
								java.sql.ResultSet.TYPE_FORWARD_ONLY, java.sql.ResultSet.CONCUR_READ_ONLY))
						.withMessageContaining("write guard");
					try (Statement statement = connection.createStatement()) {
						assertThatExceptionOfType(SQLException.class)
							.isThrownBy(() -> statement.addBatch("INSERT INTO items (name) VALUES ('batch')"))
							.withMessageContaining("write guard");
					}
				}
				catch (SQLException ex) {
					throw new IllegalStateException(ex);
				}
			});
		}
	}

	@Test
	void incidentalWriteUnderReadIntentFromTheHttpMethodGoesToThePrimaryAndPinsLaterReads() throws SQLException {
		try (PeerPoolDataSource pool = declaredRoles()) {
			JdbcClient jdbcClient = JdbcClient.create(pool);
			try (RouteScope request = PeerRouting.open(RouteIntent.REPLICA, RouteOrigin.HTTP_METHOD)) {
				assertThat(jdbcClient.sql("SELECT @@server_id").query(Integer.class).single()).isIn(replicaIds());
				// auto-commit write in a "GET": no read-only error, it runs on the primary
				jdbcClient.sql("INSERT INTO items (name) VALUES ('last-login')").update();
				assertThat(request.hasWritten()).isTrue();
				assertThat(jdbcClient.sql("SELECT @@server_id").query(Integer.class).single())
					.as("reads after a write in the same request").isEqualTo(db.primary().serverId());
			}
			finally {
				PeerRouting.clear();
			}
		}
	}

	@Test
	void aRequestKeepsReadingFromOneReplica() {
		try (PeerPoolDataSource pool = declaredRoles()) {
			JdbcClient jdbcClient = JdbcClient.create(pool);
			for (int request = 0; request < 5; request++) {
				try (RouteScope scope = PeerRouting.open(RouteIntent.REPLICA, RouteOrigin.HTTP_METHOD)) {
					Set<Integer> answered = new java.util.HashSet<>();
					for (int i = 0; i < 10; i++) {
						answered.add(jdbcClient.sql("SELECT @@server_id").query(Integer.class).single());
					}
					assertThat(answered).as("servers that answered one request's reads").hasSize(1);
				}
			}
		}
	}

	@Test
	void laggingReplicaGetsNoReadsAndComesBackWhenItCatchesUp() throws Exception {
		MariaDbServer lagging = db.replicas().get(1);
		MariaDbServer healthy = db.replicas().get(0);
		try (PeerPoolDataSource pool = declaredRoles()) {
			db.lag(lagging, Duration.ofSeconds(4));
			// a steady stream of writes makes Seconds_Behind_Master grow on the delayed replica
			JdbcClient jdbcClient = JdbcClient.create(pool);
			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
				jdbcClient.sql("INSERT INTO items (name) VALUES ('tick')").update();
				return pool.peer(lagging.name()).displayState() == PeerState.LAGGING;
			});
			for (int i = 0; i < 10; i++) {
				assertThat(serverId(pool, true)).isEqualTo(healthy.serverId());
			}
			db.lag(lagging, Duration.ZERO);
			await().atMost(Duration.ofSeconds(30)).until(() -> pool.peer(lagging.name()).displayState() == PeerState.UP);
			await().atMost(Duration.ofSeconds(10)).until(() -> serverId(pool, true) == lagging.serverId());
		}
	}

	@Test
	void frozenReplicaIsLeftAndReadsContinueOnTheOther() throws Exception {
		MariaDbServer frozen = db.replicas().get(0);
		try (PeerPoolDataSource pool = declaredRoles()) {
			frozen.freeze();
			await().atMost(Duration.ofSeconds(15)).until(() -> pool.peer(frozen.name()).state() == PeerState.DOWN);
			for (int i = 0; i < 20; i++) {
				assertThat(serverId(pool, true)).isEqualTo(db.replicas().get(1).serverId());
			}
			frozen.thaw();
			await().atMost(Duration.ofSeconds(20)).until(() -> pool.peer(frozen.name()).state() == PeerState.UP);
		}
	}

	@Test
	void autoRolesComeFromTheServers() throws SQLException {
		try (PeerPoolDataSource pool = TestPools.over(SETTINGS, db.servers(), JdbcDriver.MARIADB, (s) -> PeerRole.AUTO)) {
			assertThat(pool.peer(db.primary().name()).role()).isEqualTo(PeerRole.PRIMARY);
			for (DatabaseServer replica : db.replicas()) {
				assertThat(pool.peer(replica.name()).role()).isEqualTo(PeerRole.REPLICA);
			}
			for (int i = 0; i < 10; i++) {
				assertThat(serverId(pool, false)).isEqualTo(db.primary().serverId());
				assertThat(serverId(pool, true)).isIn(replicaIds());
			}
		}
	}

	@Test
	void declaredPrimaryThatReportsReadOnlyNeverGetsAWrite() throws SQLException {
		try (PeerPoolDataSource pool = TestPools.over(SETTINGS, db.servers(), JdbcDriver.MARIADB, (s) -> PeerRole.PRIMARY)) {
			for (int i = 0; i < 10; i++) {
				assertThat(serverId(pool, false)).isEqualTo(db.primary().serverId());
			}
		}
	}

	private static int uncheckedServerId(javax.sql.DataSource dataSource) {
		try (Connection connection = dataSource.getConnection()) {
			return serverId(connection);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
