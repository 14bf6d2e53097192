package io.peerpool;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.peerpool.balance.Balance;
import io.peerpool.test.DatabaseServer;
import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.EmbeddedPostgres;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.PostgresMajor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * A server at its connection limit is busy, not dead: another application (or this one's other
 * instances) holds every connection the server allows, so each new connection, the probe's
 * included, is refused with "too many connections" (MariaDB's {@code max_connections}, 1040;
 * PostgreSQL's role {@code CONNECTION LIMIT}, 53300). The connections the pool already has keep
 * working: the peer stays UP, a transaction open on it commits, and its pooled connections keep
 * serving. Marking it DOWN would abort that transaction and every other running one, move their
 * load onto the other servers (which may then reach their limit too), and take the peer back only
 * to fill it again. Run by the application user, without privileges, as in production.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ConnectionLimitIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb mariadb = EmbeddedMariaDb.peers(2);

	@RegisterExtension
	static final EmbeddedMariaDb replicated = EmbeddedMariaDb.primaryWithReplicas(1);

	@RegisterExtension
	static final EmbeddedPostgres postgres = EmbeddedPostgres.of(PostgresMajor.V17, PostgresMajor.V17);

	@Test
	void aMariaDbPeerAtMaxConnectionsStaysUpAndItsOpenTransactionCommits() throws Exception {
		DatabaseServer busy = mariadb.servers().get(0);
		createTable(busy);
		try (MaxConnections limit = new MaxConnections(busy)) {
			// the server allows as many connections as it has now and two more: another client takes those
			assertBusyPeerStaysUp(mariadb.servers(), JdbcDriver.MARIADB, "SELECT @@port",
					"INSERT INTO limit_rows (id) VALUES (1)", "SELECT COUNT(*) FROM limit_rows WHERE id = 1",
					() -> limit.allow(2), limit::lift, "1040");
		}
	}

	@Test
	void aPostgresPeerAtItsRolesConnectionLimitStaysUpAndItsOpenTransactionCommits() throws Exception {
		DatabaseServer busy = postgres.servers().get(0);
		createTable(busy);
		try (Connection admin = busy.connectAsAdmin(); Statement adminStatement = admin.createStatement()) {
			try {
				assertBusyPeerStaysUp(postgres.servers(), JdbcDriver.POSTGRESQL, "SELECT inet_server_port()",
						"INSERT INTO limit_rows (id) VALUES (1)", "SELECT COUNT(*) FROM limit_rows WHERE id = 1", () -> {
							// the role may have as many connections as it has now and two more: another client takes those
							adminStatement.execute("ALTER ROLE " + busy.username() + " CONNECTION LIMIT "
									+ (intOf(adminStatement, "SELECT COUNT(*) FROM pg_stat_activity WHERE usename = '"
											+ busy.username() + "'") + 2));
						}, () -> adminStatement.execute("ALTER ROLE " + busy.username() + " CONNECTION LIMIT -1"), "53300");
			}
			finally {
				adminStatement.execute("ALTER ROLE " + busy.username() + " CONNECTION LIMIT -1");
			}
		}
	}

	/**
	 * When the server refuses the probe a connection and this application holds every pooled
	 * connection of the replica (longer than {@code probe-timeout}), its lag cannot be measured:
	 * the replica stays UP and its open connections work, but it gets no new reads until a probe
	 * measures its lag again (unknown-lag exclude, the default), rather than serve them by a lag
	 * last measured before the limit.
	 */
	@Test
	void aReplicaAtMaxConnectionsWhosePooledConnectionsAreAllInUseGetsNoNewReadsUntilItsLagIsMeasuredAgain()
			throws Exception {
		DatabaseServer primary = replicated.primary();
		DatabaseServer replica = replicated.replicas().get(0);
		PeerPoolSettings settings = TestPools.fastSettings("limit", Balance.ROUND_ROBIN);
		List<String> downs = new CopyOnWriteArrayList<>();
		List<Connection> held = new ArrayList<>();
		try (MaxConnections limit = new MaxConnections(replica)) {
			try (PeerPoolDataSource pool = TestPools.over(settings, replicated.servers(), JdbcDriver.MARIADB,
					(server) -> (server == primary) ? PeerRole.PRIMARY : PeerRole.REPLICA, PeerProbe.standard(),
					Map.of("maximum-pool-size", "2", "minimum-idle", "2"))) {
				PoolEvents.onDown(pool, (event) -> downs.add(PoolEvents.describeDown(event)));
				await().atMost(Duration.ofSeconds(30)).until(() -> pool.getPeer(replica.name()).state() == PeerState.UP
						&& pool.getPeer(primary.name()).state() == PeerState.UP);
				// this application's reads hold both of the replica's pooled connections
				for (int i = 0; i < 2; i++) {
					Connection read = pool.getConnection();
					read.setReadOnly(true);
					held.add(read);
					assertThat(port(read)).as("a read").isEqualTo(replica.port());
				}
				limit.reach(2);
				await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(pool.getPeer(replica.name()))
					.extracting(PeerInfo::state).as("%s", pool.getPeer(replica.name())).isEqualTo(PeerState.LAGGING));
				assertThat(pool.getPeer(replica.name()).lagSeconds()).as("lag unknown").isNull();
				assertThat(pool.getPeer(replica.name()).lagUnknown()).contains("connection limit");
				for (Connection read : held) {
					assertThat(port(read)).as("a read on a connection open before the limit").isEqualTo(replica.port());
				}
				try (Connection read = pool.getConnection()) {
					read.setReadOnly(true);
					assertThat(port(read)).as("a new read while the replica's lag is unknown").isEqualTo(primary.port());
				}
				closeAll(held);
				// a pooled connection is free again: the probe measures the lag on it
				await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(pool.getPeer(replica.name()))
					.extracting(PeerInfo::state).as("%s", pool.getPeer(replica.name())).isEqualTo(PeerState.UP));
				try (Connection read = pool.getConnection()) {
					read.setReadOnly(true);
					assertThat(port(read)).as("a read once the lag is measured again").isEqualTo(replica.port());
				}
				assertThat(downs).as("peers marked DOWN").isEmpty();
			}
			finally {
				closeAll(held);
			}
		}
	}

	/**
	 * This application needs more connections than the server allows (the pools of all its
	 * instances are larger than {@code max_connections}): a caller beyond the connections it has
	 * waits for one of them up to {@code acquire-timeout}, then is told that the pools are exhausted
	 * and that the server refuses new connections at its limit, with the fix. The peer stays UP and
	 * the connection in use keeps working.
	 */
	@Test
	void aCallerBeyondTheConnectionsTheServerAllowsIsToldWhyAndThePeerStaysUp() throws Exception {
		DatabaseServer busy = mariadb.servers().get(1);
		List<String> downs = new CopyOnWriteArrayList<>();
		Map<String, AtomicInteger> probes = new ConcurrentHashMap<>();
		try (MaxConnections limit = new MaxConnections(busy)) {
			try (PeerPoolDataSource pool = TestPools.over(TestPools.fastSettings("limit", Balance.ROUND_ROBIN), List.of(busy),
					JdbcDriver.MARIADB, (server) -> PeerRole.PRIMARY, PeerProbe.standard(),
					Map.of("maximum-pool-size", "4", "minimum-idle", "1"));
					Connection inUse = pool.getConnection()) {
				PoolEvents.onDown(pool, (event) -> downs.add(PoolEvents.describeDown(event)));
				countProbes(pool, probes);
				assertThat(port(inUse)).isEqualTo(busy.port());
				// no connection more than the server has now: the pool keeps the one in use, and gets no other
				assertThat(codes(limit.reach(0))).contains("1040");
				AtomicInteger probesOfBusy = probes.computeIfAbsent(busy.name(), (name) -> new AtomicInteger());
				int probed = probesOfBusy.get();
				await().atMost(Duration.ofSeconds(20)).until(() -> probesOfBusy.get() >= probed + 2);
				// the connections the pool has (the one in use, what HikariCP kept idle), then one more
				Throwable failure = null;
				List<Connection> held = new ArrayList<>();
				try {
					while (failure == null) {
						assertThat(held).as("connections the pool had when the limit was reached").hasSizeLessThan(4);
						Connection next = pool.getConnection();
						held.add(next);
						failure = catchThrowable(() -> port(next));
					}
				}
				finally {
					closeAll(held);
				}
				assertThat(failure).isInstanceOf(NoAvailablePeerException.class)
					.hasMessageContaining("exhausted")
					.hasMessageContaining("refuses new connections at its connection limit (raise max_connections");
				assertThat(port(inUse)).as("the connection in use").isEqualTo(busy.port());
				assertThat(pool.getPeer(busy.name()).state()).isEqualTo(PeerState.UP);
				assertThat(downs).as("peers marked DOWN").isEmpty();
			}
		}
	}

	/**
	 * While a server refuses new connections at its limit and every connection this application
	 * has to it is in use, a caller whose turn comes to that peer goes to the other one at once,
	 * instead of waiting inside HikariCP up to {@code connect-timeout} for a connection the server
	 * will not let it open (5 s here, so that the wait shows).
	 */
	@Test
	void callersPassOverAPeerAtItsLimitWhoseConnectionsAreAllInUseWithoutWaitingForANewOne() throws Exception {
		DatabaseServer busy = mariadb.servers().get(0);
		DatabaseServer other = mariadb.servers().get(1);
		PeerPoolSettings settings = new PeerPoolSettings("limit", Balance.ROUND_ROBIN, Duration.ofSeconds(2),
				Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(20));
		List<Connection> held = new ArrayList<>();
		try (MaxConnections limit = new MaxConnections(busy)) {
			try (PeerPoolDataSource pool = TestPools.over(settings, mariadb.servers(), JdbcDriver.MARIADB,
					(server) -> PeerRole.PRIMARY, PeerProbe.standard(), Map.of("maximum-pool-size", "4", "minimum-idle", "1"))) {
				await().atMost(Duration.ofSeconds(30))
					.until(() -> pool.getPeers().stream().allMatch((peer) -> peer.state() == PeerState.UP));
				assertThat(codes(limit.reach(0))).contains("1040");
				await().atMost(Duration.ofSeconds(20)).until(() -> pool.getPeer(busy.name()).refusingConnections() != null);
				// this application's connections to the busy peer, all in use
				while (pool.getPeer(busy.name()).idle() > 0) {
					assertThat(held).as("connections held").hasSizeLessThan(10);
					Connection connection = pool.getConnection();
					if (port(connection) == busy.port()) {
						held.add(connection);
					}
					else {
						connection.close();
					}
				}
				long started = System.nanoTime();
				for (int i = 0; i < 6; i++) {
					try (Connection connection = pool.getConnection()) {
						assertThat(port(connection)).isEqualTo(other.port());
					}
				}
				assertThat(Duration.ofNanos(System.nanoTime() - started))
					.as("6 borrows, half of them the busy peer's turn: none waited connect-timeout (5 s)")
					.isLessThan(Duration.ofSeconds(5));
				assertThat(pool.getPeer(busy.name()).state()).isEqualTo(PeerState.UP);
			}
			finally {
				closeAll(held);
			}
		}
	}

	/** Counts every background probe of {@code pool} by peer name. */
	private static void countProbes(PeerPool pool, Map<String, AtomicInteger> probes) {
		PoolEvents.onProbe(pool, (peer) -> probes.computeIfAbsent(peer, (name) -> new AtomicInteger()).incrementAndGet());
	}

	/**
	 * A primary at its connection limit whose pooled connections this application holds cannot be
	 * sampled: it may commit meanwhile, so its replica, measured by position (the application user
	 * may not see the server's own figure), is no longer taken as caught up: it is as far behind as
	 * the primary's last sample is old, and past {@code max-replica-lag} it gets no reads, until the
	 * primary is sampled again.
	 */
	@Test
	void aReplicaOfAPrimaryThatCannotBeSampledAtItsLimitLagsByTheAgeOfThePrimarysLastSample() throws Exception {
		DatabaseServer primary = replicated.primary();
		DatabaseServer replica = replicated.replicas().get(0);
		PeerPoolSettings settings = new PeerPoolSettings("limit", Balance.ROUND_ROBIN, Duration.ofSeconds(2),
				Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(5), null, false,
				Duration.ofSeconds(2), ReadYourWrites.NONE, Duration.ofSeconds(5));
		List<Connection> held = new ArrayList<>();
		try (MaxConnections limit = new MaxConnections(primary)) {
			try (PeerPoolDataSource pool = TestPools.over(settings, replicated.servers(), JdbcDriver.MARIADB,
					(server) -> (server == primary) ? PeerRole.PRIMARY : PeerRole.REPLICA, PeerProbe.standard(),
					Map.of("maximum-pool-size", "2", "minimum-idle", "2"))) {
				await().atMost(Duration.ofSeconds(30)).until(() -> pool.getPeer(replica.name()).state() == PeerState.UP
						&& "position".equals(pool.getPeer(replica.name()).lagSource()));
				// this application's writes hold both of the primary's pooled connections
				for (int i = 0; i < 2; i++) {
					Connection write = pool.getConnection();
					held.add(write);
					assertThat(port(write)).as("a write").isEqualTo(primary.port());
				}
				assertThat(codes(limit.reach(0))).contains("1040");
				await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(pool.getPeer(replica.name()))
					.extracting(PeerInfo::state).as("%s", pool.getPeer(replica.name())).isEqualTo(PeerState.LAGGING));
				assertThat(pool.getPeer(primary.name()).state()).isEqualTo(PeerState.UP);
				closeAll(held);
				// a pooled connection of the primary is free again: the probe samples it on that connection
				await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(pool.getPeer(replica.name()))
					.extracting(PeerInfo::state).as("%s", pool.getPeer(replica.name())).isEqualTo(PeerState.UP));
			}
			finally {
				closeAll(held);
			}
		}
	}

	/**
	 * MariaDB's {@code max_connections} on one server, set through a root connection kept for it
	 * (root, with SUPER, keeps its connection beyond the limit), with another client's connections
	 * that reach it; set back and closed by {@link #lift} and {@link #close}.
	 */
	private static final class MaxConnections implements AutoCloseable {

		private final DatabaseServer server;

		private final Connection admin;

		private final Statement statement;

		private final int before;

		private final List<Connection> others = new ArrayList<>();

		MaxConnections(DatabaseServer server) throws SQLException {
			this.server = server;
			this.admin = server.connectAsAdmin();
			this.statement = this.admin.createStatement();
			this.before = intOf(this.statement, "SELECT @@max_connections");
		}

		/** Allows as many connections as the server has now and {@code more}. */
		void allow(int more) throws SQLException {
			this.statement.execute("SET GLOBAL max_connections = " + (intOf(this.statement,
					"SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'THREADS_CONNECTED'")
					+ more));
		}

		/** {@link #allow}, then another client takes those connections: its refusal of one more. */
		SQLException reach(int more) throws SQLException {
			allow(more);
			return fill(this.server, this.others);
		}

		/** The other client's connections closed and the limit set back. */
		void lift() throws SQLException {
			closeAll(this.others);
			this.statement.execute("SET GLOBAL max_connections = " + this.before);
		}

		@Override
		public void close() throws SQLException {
			try {
				lift();
			}
			finally {
				this.admin.close();
			}
		}

	}

	private static void closeAll(List<Connection> connections) throws SQLException {
		for (Connection connection : connections) {
			connection.close();
		}
		connections.clear();
	}

	/** Another client opens connections to {@code server} as the application's user until it is refused one. */
	private static SQLException fill(DatabaseServer server, List<Connection> others) {
		while (true) {
			try {
				others.add(server.connect());
				assertThat(others).as("connections another client opened before the limit").hasSizeLessThan(50);
			}
			catch (SQLException ex) {
				return ex;
			}
		}
	}

	private static int port(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery("SELECT @@port")) {
			result.next();
			return result.getInt(1);
		}
	}

	private static void createTable(DatabaseServer server) throws SQLException {
		try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS limit_rows (id INT PRIMARY KEY)");
			statement.execute("DELETE FROM limit_rows");
		}
	}

	@FunctionalInterface
	private interface Limit {

		void set() throws SQLException;

	}

	private static void assertBusyPeerStaysUp(List<? extends DatabaseServer> servers, JdbcDriver driver,
			String portQuery, String write, String count, Limit limit, Limit lift, String refusal) throws Exception {
		DatabaseServer busy = servers.get(0);
		PeerPoolSettings settings = TestPools.fastSettings("limit", Balance.ROUND_ROBIN);
		List<String> downs = new CopyOnWriteArrayList<>();
		Map<String, AtomicInteger> probes = new ConcurrentHashMap<>();
		List<Connection> others = new ArrayList<>();
		try (PeerPoolDataSource pool = TestPools.over(settings, servers, driver, (server) -> PeerRole.PRIMARY,
				PeerProbe.standard(), Map.of("maximum-pool-size", "4", "minimum-idle", "4"))) {
			PoolEvents.onDown(pool, (event) -> downs.add(PoolEvents.describeDown(event)));
			countProbes(pool, probes);
			await().atMost(Duration.ofSeconds(30))
				.until(() -> pool.getPeers().stream().allMatch((peer) -> peer.state() == PeerState.UP));
			// a transaction of this application open on the peer that reaches its limit
			Connection open = connectionOn(pool, busy, portQuery);
			open.setAutoCommit(false);
			try (Statement statement = open.createStatement()) {
				statement.executeUpdate(write);
			}
			limit.set();
			SQLException refused = fill(busy, others);
			assertThat(codes(refused)).as("the server's refusal of one more connection").contains(refusal);
			// several probes of the busy peer, each refused a connection
			AtomicInteger probesOfBusy = probes.computeIfAbsent(busy.name(), (name) -> new AtomicInteger());
			int probed = probesOfBusy.get();
			await().atMost(Duration.ofSeconds(20)).until(() -> probesOfBusy.get() >= probed + 3);
			assertThat(downs).as("peers marked DOWN").isEmpty();
			assertThat(pool.getPeer(busy.name()).state()).isEqualTo(PeerState.UP);
			assertThat(pool.getPeer(busy.name()).refusingConnections()).as("health and the endpoint show it")
				.containsIgnoringCase("too many connections");
			open.commit();
			open.close();
			// the peer's pooled connections serve as before
			Set<Integer> ports = ConcurrentHashMap.newKeySet();
			for (int i = 0; i < 20; i++) {
				try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
						ResultSet result = statement.executeQuery(portQuery)) {
					result.next();
					ports.add(result.getInt(1));
				}
			}
			assertThat(ports).contains(busy.port());
			assertThat(downs).as("peers marked DOWN").isEmpty();
			closeAll(others);
			lift.set();
			await().atMost(Duration.ofSeconds(20)).until(() -> pool.getPeer(busy.name()).refusingConnections() == null);
		}
		finally {
			closeAll(others);
		}
		try (Connection check = busy.connect(); Statement statement = check.createStatement()) {
			assertThat(intOf(statement, count)).as("the transaction open when the limit was reached").isEqualTo(1);
		}
	}

	/** A connection of {@code pool} whose first statement ran on {@code server} (round robin: within a few borrows). */
	private static Connection connectionOn(PeerPoolDataSource pool, DatabaseServer server, String portQuery)
			throws SQLException {
		for (int i = 0; i < 10; i++) {
			Connection connection = pool.getConnection();
			try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(portQuery)) {
				result.next();
				if (result.getInt(1) == server.port()) {
					return connection;
				}
			}
			connection.close();
		}
		throw new AssertionError("no connection on " + server.name() + " in 10 borrows");
	}

	/** The SQLStates and vendor codes of {@code failure} and its causes. */
	private static List<String> codes(Throwable failure) {
		List<String> codes = new ArrayList<>();
		for (Throwable current = failure; current != null; current = current.getCause()) {
			if (current instanceof SQLException sql) {
				codes.add(sql.getSQLState());
				codes.add(Integer.toString(sql.getErrorCode()));
			}
		}
		return codes;
	}

	private static int intOf(Statement statement, String sql) throws SQLException {
		try (ResultSet result = statement.executeQuery(sql)) {
			result.next();
			return result.getInt(1);
		}
	}

}
