package io.peerpool;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.peerpool.PeerPoolSettings.PeerConfig;
import io.peerpool.actuate.PeerPoolEndpoint;
import io.peerpool.balance.Balance;
import io.peerpool.health.PeerPoolHealthIndicator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Routing over a Galera cluster from scripted probe results, over in-memory H2 peers (no database
 * process). One writer ({@code galera-writers: one}, the default): the first routable node in
 * declared order takes every write, the others serve reads as replicas, and a move off a node that
 * still commits waits for the transactions borrowed from it. Galera's passing states, with every node taking writes
 * ({@code all}) as the tests of them assume: a node that is ready but not Synced ({@code Donor/Desynced}, {@code Joined}) is
 * DESYNCED, gets no new connection, keeps its running transactions and its pool, and is back in
 * routing as soon as a probe finds it Synced, by the follow-up probes (probing of UP peers is off
 * and check-interval is 30 s here, so nothing else would probe it); a node that is not ready is
 * DOWN and its transactions are aborted.
 */
class GaleraRoutingTests {

	/** What each peer's probe answers, by the peer's H2 database name. */
	private final Map<String, ProbeResult> answers = new ConcurrentHashMap<>();

	/** Recovery probes (of a peer that is DOWN, or taken back but not yet in sync), by peer. */
	private final Map<String, AtomicInteger> recoveryProbes = new ConcurrentHashMap<>();

	/** Ordinary probes (of a peer that is UP and not rejoining), by peer. */
	private final Map<String, AtomicInteger> ordinaryProbes = new ConcurrentHashMap<>();

	private final List<Connection> open = new ArrayList<>();

	private PeerPoolDataSource pool;

	@AfterEach
	void close() {
		for (Connection connection : this.open) {
			try {
				connection.close();
			}
			catch (SQLException ex) {
				// closing is all that is left
			}
		}
		if (this.pool != null) {
			this.pool.close();
		}
	}

	private static ProbeResult synced() {
		return ProbeResult.ok(false, Duration.ZERO, galera());
	}

	private static ProbeResult desynced(String state) {
		return ProbeResult.desynced(false, galera(), state);
	}

	private static ProbeResult.Replication galera() {
		return new ProbeResult.Replication("MariaDB", null, false, true, 0, null, null);
	}

	/** The pool's clock: a test moves it past a DOWN peer's quarantine (check-interval). */
	private final MovableClock clock = new MovableClock();

	/** A pool where every node takes writes, as the tests of the passing states assume. */
	private PeerPoolDataSource start(String... peers) throws SQLException {
		return start(PeerPoolSettings.GaleraWriters.ALL, null, peers);
	}

	private PeerPoolDataSource start(PeerPoolSettings.GaleraWriters writers, Boolean readWriteSplit, String... peers)
			throws SQLException {
		// probing of UP peers off, check-interval 30 s: only the test's probes and the follow-up of a DESYNCED peer run
		PeerPoolSettings settings = new PeerPoolSettings("galera", Balance.ROUND_ROBIN, Duration.ofSeconds(30),
				Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), readWriteSplit,
				false, Duration.ofSeconds(10), ReadYourWrites.PIN, Duration.ofSeconds(5))
			.withGaleraWriters(writers);
		List<PeerConfig> configs = new ArrayList<>();
		for (String peer : peers) {
			String url = "jdbc:h2:mem:galera-" + peer + ";DB_CLOSE_DELAY=-1";
			try (Connection connection = DriverManager.getConnection(url, "sa", "");
					Statement statement = connection.createStatement()) {
				statement.execute("CREATE TABLE IF NOT EXISTS whoami (name VARCHAR(10))");
				statement.execute("DELETE FROM whoami");
				statement.execute("INSERT INTO whoami VALUES ('" + peer + "')");
				statement.execute("CREATE TABLE IF NOT EXISTS load_rows (seq BIGINT)");
				statement.execute("DELETE FROM load_rows");
			}
			this.answers.put(peer, synced());
			this.recoveryProbes.put(peer, new AtomicInteger());
			this.ordinaryProbes.put(peer, new AtomicInteger());
			configs.add(new PeerConfig("galera", peer, url, "sa", "", null, PeerRole.PRIMARY, 1, Duration.ofSeconds(1),
					Map.of("maximum-pool-size", "4", "minimum-idle", "0")));
		}
		PeerProbe probe = new PeerProbe() {
			@Override
			public ProbeResult probe(Connection connection, Duration timeout) throws SQLException {
				GaleraRoutingTests.this.ordinaryProbes.get(name(connection)).incrementAndGet();
				return GaleraRoutingTests.this.answers.get(name(connection));
			}

			@Override
			public ProbeResult probeRecovering(Connection connection, Duration timeout) throws SQLException {
				GaleraRoutingTests.this.recoveryProbes.get(name(connection)).incrementAndGet();
				return GaleraRoutingTests.this.answers.get(name(connection));
			}
		};
		this.pool = PeerPoolDataSource.builder(settings.name())
			.settings(settings)
			.peers(configs)
			.probe(probe)
			.clock(this.clock)
			.build();
		return this.pool;
	}

	private static String name(Connection connection) throws SQLException {
		String url = connection.getMetaData().getURL();
		return url.substring(url.indexOf("galera-") + 7).split(";")[0];
	}

	private void probe(String peer) {
		this.pool.probeNow(this.pool.peer(peer)).join();
	}

	private List<String> writers() {
		return List.of(this.pool.routingSnapshot(false));
	}

	private List<String> readers() {
		return List.of(this.pool.routingSnapshot(true));
	}

	/** The peers whose {@link PeerInfo#takesWrites()} says so, in declared order. */
	private List<String> takingWrites() {
		return this.pool.getPeers().stream().filter(PeerInfo::takesWrites).map(PeerInfo::name).toList();
	}

	private PeerInfo info(String peer) {
		return this.pool.getPeers().stream().filter((info) -> info.name().equals(peer)).findFirst().orElseThrow();
	}

	/** A transaction left open after its first insert; the peer that serves it, by its own data. */
	private Connection openTransaction() throws SQLException {
		Connection connection = this.pool.getConnection();
		this.open.add(connection);
		connection.setAutoCommit(false);
		try (Statement statement = connection.createStatement()) {
			statement.executeUpdate("INSERT INTO load_rows VALUES (1)");
		}
		return connection;
	}

	private static String servedBy(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT name FROM whoami")) {
			result.next();
			return result.getString(1);
		}
	}

	private static long rowsOn(String peer) throws SQLException {
		try (Connection connection = DriverManager.getConnection("jdbc:h2:mem:galera-" + peer + ";DB_CLOSE_DELAY=-1",
				"sa", ""); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT COUNT(*) FROM load_rows")) {
			result.next();
			return result.getLong(1);
		}
	}

	/** An open transaction on {@code peer} (round robin: one of the first three lands there). */
	private Connection transactionOn(String peer) throws SQLException {
		for (int i = 0; i < 3; i++) {
			Connection connection = openTransaction();
			if (servedBy(connection).equals(peer)) {
				return connection;
			}
		}
		throw new AssertionError("no transaction reached " + peer);
	}

	@Test
	void oneNodeTakesEveryWriteByDefaultAndTheOthersServeReads() throws SQLException {
		start(PeerPoolSettings.GaleraWriters.ONE, null, "n0", "n1", "n2");

		assertThat(writers()).containsExactly("n0");
		assertThat(readers()).containsExactly("n1", "n2");
		assertThat(this.pool.isReadWriteSplit()).as("reads split off although every node is declared primary").isTrue();
		assertThat(takingWrites()).as("what health and the endpoint show of the writer").containsExactly("n0");
		assertThat(health("n0")).containsEntry("role", "primary").containsEntry("takesWrites", true);
		assertThat(health("n1")).containsEntry("role", "primary").containsEntry("takesWrites", false);
		assertThat(this.pool.getPeers()).extracting(PeerInfo::role).containsOnly(PeerRole.PRIMARY);
		// each left open: the writer's 4 pooled connections
		for (int i = 0; i < 4; i++) {
			assertThat(servedBy(openTransaction())).as("a read-write transaction").isEqualTo("n0");
		}
		List<String> readFrom = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			try (Connection connection = this.pool.getConnection()) {
				connection.setReadOnly(true);
				connection.setAutoCommit(false);
				readFrom.add(servedBy(connection));
				connection.commit();
			}
		}
		assertThat(readFrom).as("read-only transactions").contains("n1", "n2").doesNotContain("n0");
	}

	@Test
	void aWriteBeyondTheWritersPoolIsToldThatWritesGoToOneNode() throws SQLException {
		start(PeerPoolSettings.GaleraWriters.ONE, null, "n0", "n1", "n2");
		for (int i = 0; i < 4; i++) {
			openTransaction();
		}

		NoAvailablePeerException failure = org.assertj.core.api.Assertions
			.catchThrowableOfType(NoAvailablePeerException.class, this::openTransaction);

		assertThat(failure.getMessage()).contains("are exhausted")
			.contains("Writes go to one Galera node, n0 (galera-writers: one): size maximum-pool-size");
	}

	@Test
	void aRequestKeepsReadingFromOneOfTheOtherNodes() throws SQLException {
		start(PeerPoolSettings.GaleraWriters.ONE, null, "n0", "n1", "n2");
		List<String> readFrom = new ArrayList<>();

		io.peerpool.routing.PeerRouting.replica(() -> {
			for (int i = 0; i < 4; i++) {
				try (Connection connection = this.pool.getConnection()) {
					readFrom.add(servedBy(connection));
				}
				catch (SQLException ex) {
					throw new IllegalStateException(ex);
				}
			}
		});

		assertThat(readFrom).as("monotonic reads: the nodes apply the writer's transactions each at its own pace")
			.hasSize(4)
			.containsOnly(readFrom.get(0))
			.doesNotContain("n0");
	}

	@Test
	void aReadWriteTransactionBegunOnAConnectionThatReadFromAnotherNodeRunsOnTheWriter() throws SQLException {
		start(PeerPoolSettings.GaleraWriters.ONE, null, "n0", "n1", "n2");
		Connection connection = this.pool.getConnection();
		this.open.add(connection);
		connection.setReadOnly(true);
		assertThat(servedBy(connection)).as("the read").isNotEqualTo("n0");

		connection.setReadOnly(false);
		connection.setAutoCommit(false);
		try (Statement statement = connection.createStatement()) {
			statement.executeUpdate("INSERT INTO load_rows VALUES (1)");
		}
		connection.commit();

		assertThat(rowsOn("n0")).as("the write, on the writer").isEqualTo(1);
		assertThat(rowsOn("n1") + rowsOn("n2")).as("on the other nodes").isZero();
	}

	@Test
	void theWritesMoveToTheNextNodeWhileTheWriterIsDownAndBackOnceItReturns() throws SQLException {
		start(PeerPoolSettings.GaleraWriters.ONE, null, "n0", "n1", "n2");

		this.answers.put("n0", ProbeResult.unhealthy("Galera node not ready: wsrep_ready=OFF"));
		probe("n0");
		assertThat(writers()).containsExactly("n1");
		assertThat(readers()).containsExactly("n2");
		assertThat(servedBy(openTransaction())).isEqualTo("n1");

		this.answers.put("n0", synced());
		this.clock.advance(Duration.ofSeconds(31));
		probe("n0");
		await().atMost(Duration.ofSeconds(5)).until(() -> info("n0").state() == PeerState.UP);
		assertThat(writers()).as("held while the transaction open on n1 may commit").isEmpty();
		assertThat(readers()).as("no new reads on n1 either, so that its connections come back").containsExactly("n0",
				"n2");
		this.open.get(this.open.size() - 1).commit();
		await().atMost(Duration.ofSeconds(5)).until(() -> writers().equals(List.of("n0")));
		assertThat(readers()).as("every instance of the application writes to the first node again")
			.containsExactly("n1", "n2");
	}

	@Test
	void aDrainedWriterHandsTheWritesToTheNextNode() throws SQLException {
		start(PeerPoolSettings.GaleraWriters.ONE, null, "n0", "n1", "n2");

		this.pool.drain("n0");

		assertThat(writers()).containsExactly("n1");
		assertThat(takingWrites()).containsExactly("n1");
		assertThat(servedBy(openTransaction())).isEqualTo("n1");
	}

	@Test
	void writesWaitForTheTransactionsStillOpenOnADrainedWriterBeforeTheyGoToTheNextNode() throws Exception {
		start(PeerPoolSettings.GaleraWriters.ONE, null, "n0", "n1", "n2");
		Connection open = openTransaction();
		assertThat(servedBy(open)).isEqualTo("n0");

		this.pool.drain("n0");

		assertThat(writers()).as("while a transaction on the old writer may still commit").isEmpty();
		java.util.concurrent.CompletableFuture<String> held = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
			try {
				return servedBy(openTransaction());
			}
			catch (SQLException ex) {
				throw new IllegalStateException(ex);
			}
		});
		await().atMost(Duration.ofSeconds(5)).until(() -> this.pool.holdingCallers() == 1);
		assertThat(held).isNotDone();
		assertThat(new PeerPoolHealthIndicator(this.pool).health().getDetails())
			.as("health: a handover's hold ends by itself, the pool can take writes")
			.containsEntry("writable", true);
		open.commit();
		assertThat(held.get(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("n1");
		assertThat(writers()).containsExactly("n1");
	}

	@Test
	void aDrainedWritersTransactionThatStaysOpenHoldsTheWritesForHalfOfAcquireTimeoutAtMost() throws Exception {
		start(PeerPoolSettings.GaleraWriters.ONE, null, "n0", "n1", "n2");
		assertThat(servedBy(openTransaction())).isEqualTo("n0");
		long drained = System.nanoTime();

		this.pool.drain("n0");
		String next = servedBy(openTransaction());

		assertThat(next).isEqualTo("n1");
		assertThat(Duration.ofNanos(System.nanoTime() - drained)).as("held until half of acquire-timeout (1 s)")
			.isGreaterThanOrEqualTo(Duration.ofMillis(500));
	}

	@Test
	void withAllEveryNodeTakesWritesAndReadsAreNotSplit() throws SQLException {
		start(PeerPoolSettings.GaleraWriters.ALL, null, "n0", "n1", "n2");

		assertThat(writers()).containsExactly("n0", "n1", "n2");
		assertThat(takingWrites()).containsExactly("n0", "n1", "n2");
		assertThat(this.pool.isReadWriteSplit()).isFalse();
		List<String> servedBy = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			servedBy.add(servedBy(openTransaction()));
		}
		assertThat(servedBy).as("read-write transactions, round robin").containsExactlyInAnyOrder("n0", "n1", "n2");
	}

	@Test
	void withTheSplitTurnedOffTheOneWriterAlsoTakesTheReads() throws SQLException {
		start(PeerPoolSettings.GaleraWriters.ONE, false, "n0", "n1", "n2");

		assertThat(writers()).containsExactly("n0");
		assertThat(readers()).containsExactly("n0");
		try (Connection connection = this.pool.getConnection()) {
			connection.setReadOnly(true);
			assertThat(servedBy(connection)).isEqualTo("n0");
		}
	}

	@Test
	void aDonorGetsNoNewWorkKeepsItsTransactionsAndPoolAndIsBackOnceSynced() throws SQLException {
		start("n0", "n1", "n2");
		Connection running = transactionOn("n1");
		HikariDataSource donorPool = this.pool.peer("n1").pool();
		long routedBefore = this.pool.peer("n1").routedConnections();

		this.answers.put("n1", desynced("Donor/Desynced"));
		probe("n1");

		PeerInfo donor = info("n1");
		assertThat(donor.state()).isEqualTo(PeerState.DESYNCED);
		assertThat(donor.desynced()).isEqualTo("Donor/Desynced");
		assertThat(donor.failureReason()).as("not DOWN").isNull();
		assertThat(this.pool.getPeer("n1").failureReason()).as("healthy: not DOWN").isNull();
		assertThat(writers()).containsExactly("n0", "n2");
		for (int i = 0; i < 30; i++) {
			try (Connection connection = this.pool.getConnection()) {
				assertThat(servedBy(connection)).as("a new connection").isNotEqualTo("n1");
			}
		}
		assertThat(this.pool.peer("n1").routedConnections()).as("connections routed to the donor").isEqualTo(routedBefore);

		// the transaction that was running on the donor goes on and commits there, on the pool it had
		try (Statement statement = running.createStatement()) {
			statement.executeUpdate("INSERT INTO load_rows VALUES (2)");
		}
		running.commit();
		assertThat(rowsOn("n1")).isEqualTo(2);
		assertThat(this.pool.peer("n1").pool()).as("the donor's pool").isSameAs(donorPool);
		assertThat(donorPool.isClosed()).isFalse();

		Map<String, Object> health = health("n1");
		assertThat(health).containsEntry("state", "DESYNCED").containsEntry("desynced", "Donor/Desynced");
		assertThat(new PeerPoolEndpoint(() -> List.of(this.pool)).pool("galera").peers())
			.filteredOn((peer) -> peer.name().equals("n1"))
			.singleElement()
			.satisfies((peer) -> {
				assertThat(peer.state()).isEqualTo("DESYNCED");
				assertThat(peer.desynced()).isEqualTo("Donor/Desynced");
			});

		// Synced again: back in routing by the follow-up probes, no probe of the test's, no quarantine
		this.answers.put("n1", synced());
		await().atMost(Duration.ofSeconds(5)).until(() -> writers().contains("n1"));
		assertThat(info("n1").state()).isEqualTo(PeerState.UP);
		assertThat(info("n1").desynced()).isNull();
		assertThat(this.recoveryProbes.get("n1")).as("a peer that was never DOWN needs no recovery probe").hasValue(0);
		assertThat(this.pool.getEvents()).extracting(PeerPoolEvent::peer, PeerPoolEvent::type)
			.contains(org.assertj.core.groups.Tuple.tuple("n1", PeerPoolEvent.Type.DESYNCED),
					org.assertj.core.groups.Tuple.tuple("n1", PeerPoolEvent.Type.SYNCED))
			.doesNotContain(org.assertj.core.groups.Tuple.tuple("n1", PeerPoolEvent.Type.DOWN));
		await().atMost(Duration.ofSeconds(5)).until(() -> {
			try (Connection connection = this.pool.getConnection()) {
				return servedBy(connection).equals("n1");
			}
		});
	}

	@Test
	void aNodeThatIsNotReadyIsDownAndItsTransactionsAreAborted() throws SQLException {
		start("n0", "n1", "n2");
		transactionOn("n1");
		HikariDataSource nodePool = this.pool.peer("n1").pool();

		this.answers.put("n1", ProbeResult.unhealthy("Galera node not ready: wsrep_ready=OFF"));
		probe("n1");

		assertThat(info("n1").state()).isEqualTo(PeerState.DOWN);
		assertThat(writers()).containsExactly("n0", "n2");
		// the pool is retired: HikariCP aborts the connection borrowed by the running transaction
		await().atMost(Duration.ofSeconds(5)).until(nodePool::isClosed);
		assertThat(this.pool.peer("n1").pool()).isNull();
	}

	@Test
	void aNodeTakenBackWhileJoinedGetsWorkOnlyOnceARecoveryProbeFindsItSynced() throws SQLException {
		start("n0", "n1", "n2");
		this.answers.put("n1", ProbeResult.unhealthy("Galera node not ready: wsrep_ready=OFF"));
		probe("n1");
		assertThat(info("n1").state()).isEqualTo(PeerState.DOWN);

		int ordinaryWhenDown = this.ordinaryProbes.get("n1").get();

		// restarted: ready, still applying what it missed; and its quarantine (check-interval, 30 s) is over
		this.answers.put("n1", desynced("Joined"));
		this.clock.advance(Duration.ofSeconds(31));
		probe("n1");

		assertThat(info("n1").state()).as("taken back, but not in sync").isEqualTo(PeerState.DESYNCED);
		assertThat(info("n1").desynced()).isEqualTo("Joined");
		assertThat(writers()).containsExactly("n0", "n2");
		assertThat(this.pool.getEvents()).filteredOn((event) -> event.type() == PeerPoolEvent.Type.UP)
			.singleElement()
			.satisfies((event) -> assertThat(event.to()).isEqualTo("DESYNCED"));

		this.answers.put("n1", synced());
		await().atMost(Duration.ofSeconds(5)).until(() -> writers().contains("n1"));
		assertThat(this.ordinaryProbes.get("n1")).as("every probe since it went DOWN was a recovery probe (Galera's"
				+ " causal read), also the one that found it Synced").hasValue(ordinaryWhenDown);
		assertThat(this.pool.peer("n1").isRejoining()).isFalse();
		assertThat(info("n1").state()).isEqualTo(PeerState.UP);
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> health(String peer) {
		Map<String, Object> peers = (Map<String, Object>) new PeerPoolHealthIndicator(this.pool).health()
			.getDetails()
			.get("peers");
		return (Map<String, Object>) peers.get(peer);
	}

	/** The system clock, moved forward by the test. */
	private static final class MovableClock extends Clock {

		private volatile Duration offset = Duration.ZERO;

		void advance(Duration by) {
			this.offset = this.offset.plus(by);
		}

		@Override
		public java.time.ZoneId getZone() {
			return java.time.ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			throw new UnsupportedOperationException();
		}

		@Override
		public java.time.Instant instant() {
			return Clock.systemUTC().instant().plus(this.offset);
		}

	}

}
