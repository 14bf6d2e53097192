package io.peerpool;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import io.peerpool.PeerPoolSettings.PeerConfig;
import io.peerpool.routing.PeerRouting;
import io.peerpool.routing.RouteIntent;
import io.peerpool.routing.RouteOrigin;
import io.peerpool.routing.RouteScope;
import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.MariaDbServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Where the work of ordinary Spring code runs, on a real MariaDB primary and a read-only replica
 * 3 s behind: a read-write transaction under a GET's read intent (every isolation level, every
 * Spring data access style, JPA with and without open-in-view), writes through any statement
 * (pin and write position), session state set by SQL, {@code hikari.auto-commit: false} and
 * {@code unwrap()}. The GET and POST of a request are the scopes the web filter opens for them.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class IntentRoutingIntegrationTests extends AbstractIntentRoutingIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.primaryWithReplicas(1);

	@BeforeAll
	static void createTablesAndDelayTheReplica() throws SQLException {
		try (Connection connection = db.primary().connectAsAdmin(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS " + db.primary().database() + ".items (id BIGINT AUTO_INCREMENT PRIMARY KEY,"
					+ " name VARCHAR(60), tenant VARCHAR(20))");
			statement.execute("CREATE DATABASE IF NOT EXISTS other");
			statement.execute("CREATE TABLE IF NOT EXISTS other.items (id BIGINT AUTO_INCREMENT PRIMARY KEY,"
					+ " name VARCHAR(60), tenant VARCHAR(20))");
			statement.execute("GRANT ALL ON other.* TO '" + db.primary().username() + "'@'%'");
		}
		awaitQueryRuns(replica(), "SELECT 1 FROM other.items LIMIT 0");
		db.lag(replica(), Duration.ofSeconds(3));
	}

	private static MariaDbServer replica() {
		return db.replicas().get(0);
	}

	static PeerPoolDataSource pool(ReadYourWrites mode, Map<String, String> hikari) {
		PeerPoolSettings settings = settings("intent", mode);
		List<PeerConfig> peers = new ArrayList<>();
		for (MariaDbServer server : db.servers()) {
			Map<String, String> settingsOfPeer = new HashMap<>(Map.of("maximum-pool-size", "4", "minimum-idle", "1"));
			settingsOfPeer.putAll(hikari);
			peers.add(new PeerConfig(settings.name(), server.name(), server.jdbcUrl(JdbcDriver.MARIADB),
					server.username(), server.password(), null,
					(server == db.primary()) ? PeerRole.PRIMARY : PeerRole.REPLICA, 1, settings.connectTimeout(),
					Map.copyOf(settingsOfPeer)));
		}
		PeerPoolDataSource pool = PeerPoolDataSource.builder(settings.name())
			.settings(settings)
			.peers(peers)
			.probe(PeerProbe.standard())
			.build();
		return awaitEveryPeerUp(pool);
	}

	static PeerPoolDataSource pool(ReadYourWrites mode) {
		return pool(mode, Map.of());
	}

	static int serverId(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT @@server_id")) {
			result.next();
			return result.getInt(1);
		}
	}

	static int countOn(MariaDbServer server, String schema, String where) throws SQLException {
		try (Connection connection = server.connect(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT count(*) FROM " + schema + ".items WHERE " + where)) {
			result.next();
			return result.getInt(1);
		}
	}

	private static TransactionTemplate transactions(PlatformTransactionManager manager, int isolation) {
		TransactionTemplate template = new TransactionTemplate(manager);
		template.setIsolationLevel(isolation);
		return template;
	}

	// --- the peer is decided when the intent is known

	/**
	 * The first user report: a read-write transaction with an isolation level, called in a GET.
	 * Spring reads the isolation level before it sets {@code autoCommit=false}.
	 */
	@Test
	void readWriteTransactionInAGetRunsOnThePrimaryAtEveryIsolationLevelWithJdbcTemplateAndJdbcClient() {
		try (PeerPoolDataSource pool = pool(ReadYourWrites.PIN)) {
			DataSourceTransactionManager manager = new DataSourceTransactionManager(pool);
			JdbcTemplate jdbcTemplate = new JdbcTemplate(pool);
			JdbcClient jdbcClient = JdbcClient.create(pool);
			for (int isolation : ISOLATION_LEVELS) {
				TransactionTemplate transaction = transactions(manager, isolation);
				Integer withTemplate = inGet(() -> transaction.execute((status) -> {
					jdbcTemplate.update("INSERT INTO items (name) VALUES (?)", unique("iso-template"));
					return jdbcTemplate.queryForObject("SELECT @@server_id", Integer.class);
				}));
				Integer withClient = inGet(() -> transaction.execute((status) -> {
					int server = jdbcClient.sql("SELECT @@server_id").query(Integer.class).single();
					jdbcClient.sql("INSERT INTO items (name) VALUES (?)").param(unique("iso-client")).update();
					return server;
				}));
				assertThat(withTemplate).as("JdbcTemplate, isolation %d", isolation).isEqualTo(db.primary().serverId());
				assertThat(withClient).as("JdbcClient, isolation %d", isolation).isEqualTo(db.primary().serverId());
			}
			TransactionTemplate readOnly = transactions(manager, TransactionDefinition.ISOLATION_READ_COMMITTED);
			readOnly.setReadOnly(true);
			Integer readOnlyServer = inGet(() -> readOnly.execute((status) -> jdbcTemplate.queryForObject("SELECT @@server_id",
					Integer.class)));
			assertThat(readOnlyServer)
				.as("control: a read-only transaction with an isolation level still reads from the replica")
				.isEqualTo(replica().serverId());
		}
	}

	/** Calls that need no decision do not bind the connection: the transaction that follows decides. */
	@Test
	void earlyTouchesDoNotBindAReadWriteTransactionToTheReplica() throws Exception {
		ExecutorService executor = Executors.newSingleThreadExecutor();
		try (PeerPoolDataSource pool = pool(ReadYourWrites.PIN)) {
			String name = unique("early");
			int server = inGet(() -> {
				try (Connection connection = pool.getConnection()) {
					assertThat(connection.getMetaData().getDatabaseProductName()).isNotEmpty();
					assertThat(connection.getTransactionIsolation()).isPositive();
					connection.getHoldability();
					connection.getNetworkTimeout();
					connection.getClientInfo();
					connection.setClientInfo("ApplicationName", "peerpool-test");
					connection.setNetworkTimeout(executor, 12_345);
					connection.setAutoCommit(false);
					try (PreparedStatement insert = connection.prepareStatement("INSERT INTO items (name) VALUES (?)")) {
						insert.setString(1, name);
						insert.executeUpdate();
					}
					int answered = serverId(connection);
					connection.commit();
					assertThat(connection.getNetworkTimeout()).as("network timeout carried to the primary's connection")
						.isEqualTo(12_345);
					assertThat(connection.getClientInfo("ApplicationName")).as("client info carried")
						.isEqualTo("peerpool-test");
					connection.setAutoCommit(true);
					return answered;
				}
				catch (SQLException ex) {
					throw new IllegalStateException(ex);
				}
			});
			assertThat(server).isEqualTo(db.primary().serverId());
			assertThat(countOn(db.primary(), db.primary().database(), "name = '" + name + "'")).isEqualTo(1);
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void jpaReadWriteTransactionInAGetRunsOnThePrimaryAtEveryIsolationLevelWithAndWithoutOpenInView() {
		try (PeerPoolDataSource pool = pool(ReadYourWrites.PIN);
				JpaWork jpa = new JpaWork(pool, "org.hibernate.dialect.MariaDBDialect", false)) {
			for (boolean openInView : new boolean[] { false, true }) {
				for (int isolation : ISOLATION_LEVELS) {
					TransactionTemplate transaction = jpa.transactions(isolation, false);
					int[] answered = new int[2];
					Runnable request = () -> {
						if (openInView) {
							// the view reads before the service's transaction, on the same held connection
							answered[1] = ((Number) jpa.single("SELECT @@server_id")).intValue();
						}
						answered[0] = transaction.execute((status) -> {
							jpa.entityManager.createNativeQuery("INSERT INTO items (name) VALUES (?)")
								.setParameter(1, unique("jpa-iso"))
								.executeUpdate();
							return ((Number) jpa.single("SELECT @@server_id")).intValue();
						});
					};
					inGet(() -> {
						if (openInView) {
							jpa.inView(request);
						}
						else {
							request.run();
						}
						return null;
					});
					assertThat(answered[0]).as("open-in-view %s, isolation %d", openInView, isolation)
						.isEqualTo(db.primary().serverId());
					if (openInView) {
						assertThat(answered[1]).as("the view's read outside the transaction").isEqualTo(replica().serverId());
					}
				}
			}
			TransactionTemplate readOnly = jpa.transactions(TransactionDefinition.ISOLATION_READ_COMMITTED, true);
			Integer readOnlyServer = inGet(() -> readOnly.execute((status) -> ((Number) jpa.single("SELECT @@server_id")).intValue()));
			assertThat(readOnlyServer)
				.as("control: a read-only JPA transaction reads from the replica")
				.isEqualTo(replica().serverId());
		}
	}

	// --- every write counts, through any statement

	/**
	 * The second user report: a POST whose transaction first reads with a plain statement and then
	 * writes with {@code JdbcTemplate.update(String)}; the redirect's GET must see the write.
	 */
	@ParameterizedTest
	@EnumSource(value = ReadYourWrites.class, names = { "PIN", "GTID" })
	void postThatReadsThenWritesWithAPlainStatementIsSeenByTheRedirectWithJdbcTemplate(ReadYourWrites mode)
			throws SQLException {
		try (PeerPoolDataSource pool = pool(mode)) {
			JdbcTemplate jdbcTemplate = new JdbcTemplate(pool);
			TransactionTemplate transaction = new TransactionTemplate(new DataSourceTransactionManager(pool));
			String name = unique("post-" + mode);
			postThenRedirect(pool, mode, () -> transaction.executeWithoutResult((status) -> {
				jdbcTemplate.queryForObject("SELECT count(*) FROM items", Integer.class);
				jdbcTemplate.update("INSERT INTO items (name) VALUES ('" + name + "')");
			}), () -> jdbcTemplate.queryForObject("SELECT count(*) FROM items WHERE name = ?", Integer.class, name));
		}
	}

	@ParameterizedTest
	@EnumSource(value = ReadYourWrites.class, names = { "PIN", "GTID" })
	void postThatReadsThenWritesWithAPlainStatementIsSeenByTheRedirectWithJpa(ReadYourWrites mode)
			throws SQLException {
		try (PeerPoolDataSource pool = pool(mode);
				JpaWork jpa = new JpaWork(pool, "org.hibernate.dialect.MariaDBDialect", false)) {
			JdbcTemplate jdbcTemplate = new JdbcTemplate(pool);
			TransactionTemplate transaction = jpa.transactions(TransactionDefinition.ISOLATION_DEFAULT, false);
			String name = unique("jpa-post-" + mode);
			postThenRedirect(pool, mode, () -> transaction.executeWithoutResult((status) -> {
				jpa.single("SELECT count(*) FROM items");
				jdbcTemplate.update("INSERT INTO items (name) VALUES ('" + name + "')");
			}), () -> ((Number) jpa.single("SELECT count(*) FROM items WHERE name = '" + name + "'")).intValue());
		}
	}

	@Test
	void laterPlainStatementsAreGuardedInAReplicaScope() {
		try (PeerPoolDataSource pool = pool(ReadYourWrites.PIN)) {
			PeerRouting.replica(() -> {
				try (Connection connection = pool.getConnection()) {
					assertThat(serverId(connection)).isEqualTo(replica().serverId());
					try (Statement statement = connection.createStatement()) {
						assertThatExceptionOfType(SQLException.class)
							.isThrownBy(() -> statement.executeUpdate("INSERT INTO items (name) VALUES ('guarded')"))
							.withMessageContaining("write guard");
					}
				}
				catch (SQLException ex) {
					throw new IllegalStateException(ex);
				}
			});
		}
	}

	/** With a write position, a GET's reads go to a replica that applied it; its writes still go to the primary. */
	@Test
	void autoCommitWriteInAGetThatHoldsAWritePositionGoesToThePrimary() throws SQLException {
		try (PeerPoolDataSource pool = pool(ReadYourWrites.GTID)) {
			JdbcClient jdbcClient = JdbcClient.create(pool);
			String positionName = unique("position");
			Map<String, String> tokens;
			try (RouteScope post = PeerRouting.open(RouteIntent.PRIMARY, RouteOrigin.HTTP_METHOD)) {
				jdbcClient.sql("INSERT INTO items (name) VALUES (?)").param(positionName).update();
				tokens = new HashMap<>(post.writeTokens());
			}
			finally {
				PeerRouting.clear();
			}
			assertThat(tokens).containsKey(pool.getName());
			// the replica has applied the position: the GET's connection may go to it
			await().atMost(Duration.ofSeconds(30)).until(() -> countOn(replica(), replica().database(),
					"name = '" + positionName + "'") == 1);
			String name = unique("gtid-get-write");
			try (RouteScope get = PeerRouting.open(RouteIntent.REPLICA, RouteOrigin.HTTP_METHOD)) {
				tokens.forEach(get::putWriteToken);
				jdbcClient.sql("INSERT INTO items (name) VALUES (?)").param(name).update();
			}
			finally {
				PeerRouting.clear();
			}
			assertThat(countOn(db.primary(), db.primary().database(), "name = '" + name + "'")).isEqualTo(1);
		}
	}

	// --- session state set by SQL keeps the connection on its peer

	@ParameterizedTest
	@ValueSource(strings = { "SET @tenant = 'acme'", "USE other" })
	void sessionStateSetBySqlIsNeverLeftBehindByAMove(String sessionSql) throws SQLException {
		try (PeerPoolDataSource pool = pool(ReadYourWrites.PIN)) {
			String name = unique("session");
			inGet(() -> {
				try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
					statement.execute(sessionSql);
					int before = serverId(connection);
					try (PreparedStatement insert = connection
						.prepareStatement("INSERT INTO items (name, tenant) VALUES (?, @tenant)")) {
						insert.setString(1, name);
						insert.executeUpdate();
					}
					catch (SQLException ex) {
						// the write stays with the session, on its read-only replica
						assertThat(ex.getMessage()).containsIgnoringCase("read-only");
					}
					assertThat(serverId(connection)).as("the session is still the one that ran " + sessionSql)
						.isEqualTo(before);
				}
				catch (SQLException ex) {
					throw new IllegalStateException(ex);
				}
				return null;
			});
			assertThat(countOn(db.primary(), db.primary().database(), "name = '" + name + "'"))
				.as("no write in the URL's default schema without the session's tenant")
				.isZero();
			assertThat(countOn(db.primary(), "other", "name = '" + name + "' AND tenant IS NULL")).isZero();
		}
	}

	/** A move of an auto-commit write to the primary does not close what the application prepared. */
	@Test
	void statementsPreparedBeforeAMoveStayUsable() throws SQLException {
		try (PeerPoolDataSource pool = pool(ReadYourWrites.PIN)) {
			String name = unique("kept");
			inGet(() -> {
				try (Connection connection = pool.getConnection();
						PreparedStatement read = connection.prepareStatement("SELECT @@server_id")) {
					try (ResultSet result = read.executeQuery()) {
						result.next();
						assertThat(result.getInt(1)).isEqualTo(replica().serverId());
					}
					try (Statement write = connection.createStatement()) {
						write.executeUpdate("INSERT INTO items (name) VALUES ('" + name + "')");
					}
					try (ResultSet result = read.executeQuery()) {
						assertThat(result.next()).isTrue();
					}
				}
				catch (SQLException ex) {
					throw new IllegalStateException(ex);
				}
				return null;
			});
			assertThat(countOn(db.primary(), db.primary().database(), "name = '" + name + "'")).isEqualTo(1);
		}
	}

	// --- hikari.auto-commit

	@Test
	void hikariAutoCommitFalseIsHonouredAndAReadWriteTransactionInAGetRunsOnThePrimary() throws SQLException {
		try (PeerPoolDataSource pool = pool(ReadYourWrites.PIN, Map.of("auto-commit", "false"));
				JpaWork jpa = new JpaWork(pool, "org.hibernate.dialect.MariaDBDialect", true)) {
			try (Connection connection = pool.getConnection()) {
				assertThat(connection.getAutoCommit()).as("before first use").isFalse();
				serverId(connection);
				assertThat(connection.getAutoCommit()).as("after first use").isFalse();
				connection.rollback();
			}
			String name = unique("no-autocommit");
			TransactionTemplate transaction = jpa.transactions(TransactionDefinition.ISOLATION_DEFAULT, false);
			int server = inGet(() -> transaction.execute((status) -> {
				int answered = ((Number) jpa.single("SELECT @@server_id")).intValue();
				jpa.entityManager.createNativeQuery("INSERT INTO items (name) VALUES (?)").setParameter(1, name)
					.executeUpdate();
				return answered;
			}));
			assertThat(server).as("the transaction's read").isEqualTo(db.primary().serverId());
			assertThat(countOn(db.primary(), db.primary().database(), "name = '" + name + "'")).isEqualTo(1);
		}
	}

	// --- unwrap

	/** Unwrapping binds the connection to the physical connection handed out, for the rest of the borrow. */
	@Test
	void unwrapBindsTheConnectionToThePhysicalConnectionHandedOut() {
		try (PeerPoolDataSource pool = pool(ReadYourWrites.PIN)) {
			inGet(() -> {
				try (Connection connection = pool.getConnection()) {
					connection.getTransactionIsolation();
					Connection physical = connection.unwrap(org.mariadb.jdbc.Connection.class);
					connection.setAutoCommit(false);
					assertThat(connectionId(connection)).as("the wrapper and the unwrapped connection are one session")
						.isEqualTo(connectionId(physical));
					connection.rollback();
					connection.setAutoCommit(true);
				}
				catch (SQLException ex) {
					throw new IllegalStateException(ex);
				}
				return null;
			});
		}
	}

	private static long connectionId(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT CONNECTION_ID()")) {
			result.next();
			return result.getLong(1);
		}
	}

}
