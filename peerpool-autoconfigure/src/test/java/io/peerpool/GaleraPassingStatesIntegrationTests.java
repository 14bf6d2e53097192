package io.peerpool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.peerpool.PeerPoolSettings.PeerConfig;
import io.peerpool.balance.Balance;
import io.peerpool.health.PeerPoolHealthIndicator;
import io.peerpool.test.EmbeddedGalera;
import io.peerpool.test.GaleraNode;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.TransactionLoad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Galera's passing states on a real three-node cluster: a node that is ready but not Synced (the
 * donor of a state transfer in {@code Donor/Desynced}, a node desynced by {@code wsrep_desync})
 * still commits what runs on it. peerpool sends it no new work, aborts nothing there, never marks
 * it DOWN, and routes to it again as soon as it is Synced, not after {@code check-interval}
 * (30 s here, the default). Each transaction reads {@code @@port} to say which node ran it.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class GaleraPassingStatesIntegrationTests {

	@RegisterExtension
	static final EmbeddedGalera galera = EmbeddedGalera.nodes(3);

	private static final String PORT_QUERY = "SELECT @@port";

	/** The default: a peer DOWN stays out this long, which a passing state must never cost. */
	private static final Duration CHECK_INTERVAL = Duration.ofSeconds(30);

	private final List<AutoCloseable> resources = new ArrayList<>();

	private final List<PeerPoolEvent> events = new CopyOnWriteArrayList<>();

	@BeforeAll
	static void createTable() throws SQLException {
		// the client's key (TransactionLoad's seq, unique over the JVM; this class's own rows are negative), not one a
		// node makes: AUTO_INCREMENT or UUID() made on two nodes at the same moment can be the same, and certification
		// aborts one of the two inserts (see GaleraRoutingIntegrationTests)
		try (Connection connection = galera.node(0).connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE load_rows (seq BIGINT PRIMARY KEY)");
		}
	}

	@AfterEach
	void closePoolsAndHealCluster() throws Exception {
		Exception failure = null;
		for (int i = this.resources.size() - 1; i >= 0; i--) {
			try {
				this.resources.get(i).close();
			}
			catch (Exception ex) {
				failure = (failure != null) ? failure : ex;
			}
		}
		for (GaleraNode node : galera.nodes()) {
			if (!node.isRunning()) {
				node.restart();
			}
			try (Connection connection = node.connectAsAdmin(); Statement statement = connection.createStatement()) {
				statement.execute("SET GLOBAL wsrep_desync = OFF");
			}
		}
		galera.awaitSynced();
		if (failure != null) {
			throw failure;
		}
	}

	@Test
	void theDonorOfAnIstRejoinUnderLoadKeepsItsTransactionsIsNeverDownAndIsBackOnceSynced() throws Exception {
		GaleraNode joiner = galera.node(2);
		List<GaleraNode> donors = List.of(galera.node(0), galera.node(1));
		// the donor is Donor/Desynced for 0.3 to 0.5 s here: probes often enough to see it every time
		PeerPoolDataSource pool = pool("ist", Duration.ofMillis(100));
		TransactionLoad load = load(pool);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> galera.nodes().stream().allMatch((node) -> load.successfulOn(node.port()) > 20));
		StateSampler sampler = new StateSampler(donors);
		this.resources.add(sampler);

		long beforeKill = System.nanoTime();
		joiner.kill();
		// kill() returns once the process is gone: a transaction that started before may have run on it
		long killedAt = System.nanoTime();
		await().atMost(Duration.ofSeconds(20)).until(() -> pool.peer(joiner.name()).state() == PeerState.DOWN);
		// writes the joiner misses, for it to receive by IST
		LoadWaits.awaitStartedAfter(load, killedAt, 1500, Duration.ofSeconds(60), pool);
		long logStart = Files.size(log(joiner));
		// same data directory, moments later, from the position it recovers (as the packaged service does): the
		// donor's gcache still holds what the joiner missed
		joiner.restartFromRecoveredPosition();
		String joinerLog = Files.readString(log(joiner), StandardCharsets.ISO_8859_1).substring((int) logStart);
		assertThat(joinerLog).as("the joiner's log: a rejoin by IST").contains("Receiving IST").contains("IST received")
			// a full state transfer (SST) asks for the state of the null cluster
			.doesNotContain("IST uuid:00000000-0000-0000-0000-000000000000");
		long syncedAt = System.nanoTime();

		assertThat(sampler.seen()).as("states the donors went through (sampled every 20 ms)")
			.anySatisfy((node, states) -> assertThat(states).contains("Donor/Desynced"));
		GaleraNode donor = donors.stream()
			.filter((node) -> sampler.seen().get(node.name()).contains("Donor/Desynced"))
			.findFirst()
			.orElseThrow();
		LoadWaits.awaitStartedAfter(load, syncedAt, 200, Duration.ofSeconds(30), pool);

		SoftAssertions softly = new SoftAssertions();
		softly.assertThat(load.outcomes())
			.filteredOn(TransactionLoad.Outcome::failed)
			.as("failed transactions: only those running on the joiner when it was killed; none on the donor")
			.allSatisfy((outcome) -> assertThat(outcome.started()).isLessThan(killedAt))
			.allSatisfy((outcome) -> assertThat(outcome.ended()).isGreaterThan(beforeKill));
		softly.assertThat(this.events)
			.as("events of the donors")
			.filteredOn((event) -> donors.stream().anyMatch((node) -> node.name().equals(event.peer())))
			.noneMatch((event) -> event.type() == PeerPoolEvent.Type.DOWN);
		softly.assertThat(this.events)
			.as("the donor's passing state as peerpool saw it")
			.filteredOn((event) -> donor.name().equals(event.peer()))
			.extracting(PeerPoolEvent::type)
			.containsSubsequence(PeerPoolEvent.Type.DESYNCED, PeerPoolEvent.Type.SYNCED);
		softly.assertAll();
		// back in routing once Synced (the joiner is DOWN until its check-interval, 30 s after the kill)
		await().atMost(Duration.ofSeconds(10)).until(() -> List.of(pool.routingSnapshot(false)).contains(donor.name())
				&& pool.peer(donor.name()).displayState() == PeerState.UP);
		long servedByDonor = load.successfulOn(donor.port());
		await().atMost(Duration.ofSeconds(10)).until(() -> load.successfulOn(donor.port()) > servedByDonor + 20);
	}

	@Test
	void aNodeDesyncedWithAnOpenTransactionCommitsItGetsNoNewWorkAndTakesWorkAgainOnceSynced() throws Exception {
		GaleraNode node = galera.node(1);
		PeerPoolDataSource pool = pool("desync", Duration.ofMillis(500));
		Connection open = transactionOn(pool, node);

		try (Connection admin = node.connectAsAdmin(); Statement statement = admin.createStatement()) {
			statement.execute("SET GLOBAL wsrep_desync = ON");
		}
		// control: a real server state, the one a donor has during a state transfer
		assertThat(node.wsrepStatus("wsrep_local_state_comment")).isEqualTo("Donor/Desynced");
		assertThat(node.wsrepStatus("wsrep_ready")).isEqualTo("ON");
		await().atMost(Duration.ofSeconds(10)).until(() -> pool.peer(node.name()).displayState() == PeerState.DESYNCED);
		assertThat(health(pool, node)).containsEntry("state", "DESYNCED").containsEntry("desynced", "Donor/Desynced");
		long routedWhenDesynced = pool.peer(node.name()).routedConnections();

		TransactionLoad load = load(pool);
		long loadStarted = System.nanoTime();
		LoadWaits.awaitStartedAfter(load, loadStarted, 200, Duration.ofSeconds(30), pool);
		assertThat(load.startedAfter(loadStarted)).as("transactions while the node is desynced")
			.allSatisfy((outcome) -> assertThat((Throwable) outcome.failure()).isNull())
			.allSatisfy((outcome) -> assertThat(outcome.port()).isNotEqualTo(node.port()));
		assertThat(pool.peer(node.name()).routedConnections()).isEqualTo(routedWhenDesynced);

		// the transaction that was open on it goes on there and commits
		try (Statement statement = open.createStatement()) {
			statement.executeUpdate("INSERT INTO load_rows (seq) VALUES (-2)");
			try (ResultSet result = statement.executeQuery(PORT_QUERY)) {
				result.next();
				assertThat(result.getInt(1)).isEqualTo(node.port());
			}
		}
		open.commit();
		// certified at the commit, applied on the other nodes a moment later (Galera's apply is asynchronous)
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(rows(galera.node(0), "seq IN (-1, -2)"))
				.as("rows of the open transaction, replicated")
				.isEqualTo(2));

		try (Connection admin = node.connectAsAdmin(); Statement statement = admin.createStatement()) {
			statement.execute("SET GLOBAL wsrep_desync = OFF");
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> "Synced".equals(node.wsrepStatus("wsrep_local_state_comment")));
		// a few probe intervals, far from check-interval
		await().atMost(Duration.ofSeconds(5)).until(() -> pool.peer(node.name()).displayState() == PeerState.UP);
		long served = load.successfulOn(node.port());
		await().atMost(Duration.ofSeconds(10)).until(() -> load.successfulOn(node.port()) > served + 20);
		assertThat(load.outcomes()).filteredOn(TransactionLoad.Outcome::failed).as("failed transactions").isEmpty();
		assertThat(this.events).filteredOn((event) -> node.name().equals(event.peer()))
			.extracting(PeerPoolEvent::type)
			.containsSubsequence(PeerPoolEvent.Type.DESYNCED, PeerPoolEvent.Type.SYNCED)
			.doesNotContain(PeerPoolEvent.Type.DOWN);
	}

	/** A transaction left open on {@code node} after one insert (round robin: one of the first three lands there). */
	private Connection transactionOn(PeerPoolDataSource pool, GaleraNode node) throws SQLException {
		for (int i = 0; i < 6; i++) {
			Connection connection = pool.getConnection();
			connection.setAutoCommit(false);
			try (Statement statement = connection.createStatement()) {
				statement.executeUpdate("INSERT INTO load_rows (seq) VALUES (-1)");
				try (ResultSet result = statement.executeQuery(PORT_QUERY)) {
					result.next();
					if (result.getInt(1) == node.port()) {
						this.resources.add(connection);
						return connection;
					}
				}
			}
			connection.rollback();
			connection.close();
		}
		throw new AssertionError("no transaction reached " + node);
	}

	private static long rows(GaleraNode node, String condition) throws SQLException {
		try (Connection connection = node.connect(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT COUNT(*) FROM load_rows WHERE " + condition)) {
			result.next();
			return result.getLong(1);
		}
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> health(PeerPoolDataSource pool, GaleraNode node) {
		Map<String, Object> peers = (Map<String, Object>) new PeerPoolHealthIndicator(pool).health()
			.getDetails()
			.get("peers");
		return (Map<String, Object>) peers.get(node.name());
	}

	private static Path log(GaleraNode node) {
		return node.dataDirectory().resolve("server.log");
	}

	private PeerPoolDataSource pool(String name, Duration probeInterval) {
		PeerPoolSettings settings = new PeerPoolSettings(name, Balance.ROUND_ROBIN, CHECK_INTERVAL, probeInterval,
				Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5));
		List<PeerConfig> peers = new ArrayList<>();
		for (GaleraNode node : galera.nodes()) {
			peers.add(new PeerConfig(name, node.name(), node.jdbcUrl(JdbcDriver.MARIADB), node.username(),
					node.password(), null, PeerRole.PRIMARY, 1, settings.connectTimeout(),
					Map.of("maximum-pool-size", "4", "minimum-idle", "2")));
		}
		// every node takes writes, so that a node's passing state shows in the load it gets (one writer:
		// GaleraWriteConflictIntegrationTests)
		PeerPoolDataSource pool = PeerPoolDataSource.builder(settings.name())
			.settings(settings)
			.galeraWriters(PeerPoolSettings.GaleraWriters.ALL)
			.peers(peers)
			.probe(PeerProbe.standard())
			.buildUnstarted();
		pool.addListener(new PeerPoolListener() {
			@Override
			public void onEvent(PeerPoolEvent event) {
				GaleraPassingStatesIntegrationTests.this.events.add(event);
			}
		});
		this.resources.add(pool);
		pool.start();
		return pool;
	}

	private TransactionLoad load(PeerPoolDataSource pool) {
		TransactionLoad load = new TransactionLoad(pool, 4, PORT_QUERY);
		this.resources.add(load);
		return load;
	}

	/**
	 * Samples {@code wsrep_local_state_comment} of some nodes every 20 ms over one kept admin
	 * connection each, to tell which node was the donor and that it really was in
	 * {@code Donor/Desynced}; independent of peerpool's probes.
	 */
	private static final class StateSampler implements AutoCloseable {

		private final Map<String, Set<String>> seen = new ConcurrentHashMap<>();

		private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "galera-state-sampler");
			thread.setDaemon(true);
			return thread;
		});

		private final List<Connection> connections = new ArrayList<>();

		StateSampler(List<GaleraNode> nodes) throws SQLException {
			for (GaleraNode node : nodes) {
				Connection connection = node.connectAsAdmin();
				this.connections.add(connection);
				Set<String> states = ConcurrentHashMap.newKeySet();
				this.seen.put(node.name(), states);
				this.scheduler.scheduleAtFixedRate(() -> sample(connection, states), 0, 20, TimeUnit.MILLISECONDS);
			}
		}

		private static void sample(Connection connection, Set<String> states) {
			try (Statement statement = connection.createStatement();
					ResultSet result = statement.executeQuery("SHOW GLOBAL STATUS LIKE 'wsrep_local_state_comment'")) {
				if (result.next()) {
					states.add(result.getString(2));
				}
			}
			catch (SQLException ex) {
				states.add("error: " + ex.getMessage());
			}
		}

		Map<String, Set<String>> seen() {
			return this.seen;
		}

		@Override
		public void close() throws IOException {
			this.scheduler.shutdownNow();
			for (Connection connection : this.connections) {
				try {
					connection.close();
				}
				catch (SQLException ex) {
					// the sampler's own connection: nothing to report
				}
			}
		}

	}

}
