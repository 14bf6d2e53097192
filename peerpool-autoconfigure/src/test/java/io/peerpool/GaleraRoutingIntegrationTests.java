package io.peerpool;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.peerpool.PeerPoolSettings.PeerConfig;
import io.peerpool.balance.Balance;
import io.peerpool.failure.DefaultPeerFailureClassifier;
import io.peerpool.failure.FailureReason;
import io.peerpool.test.EmbeddedGalera;
import io.peerpool.test.GaleraNode;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.PrimaryComponentWatch;
import io.peerpool.test.TransactionLoad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Routing over a real three-node Galera cluster (multi-primary) with peerpool's default probe and
 * every node taking writes ({@code galera-writers: all}): writes spread over the Synced nodes, a frozen node is excluded and comes back after thaw, a node
 * that lost quorum is excluded although it still answers {@code SELECT 1}, and {@code sequential}
 * keeps a single writer. Each transaction reads {@code @@port} to say which node ran it.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class GaleraRoutingIntegrationTests {

	@RegisterExtension
	static final EmbeddedGalera galera = EmbeddedGalera.nodes(3);

	private static final String PORT_QUERY = "SELECT @@port";

	private static final int THREADS = 6;

	private static final String STUCK = "connections still in use on the frozen node 5 s after it was marked DOWN"
			+ " (threads blocked on it although its connections were aborted)";

	private final List<AutoCloseable> resources = new ArrayList<>();

	@BeforeAll
	static void createTable() throws SQLException {
		// one node is enough: Galera replicates the DDL. The key is the client's (TransactionLoad's seq, unique
		// over the JVM): a key a node makes can be made by another node at the same moment, and certification then
		// aborts one of the two inserts with 1213 "Deadlock found", a multi-master write conflict that is not what
		// these tests are about. AUTO_INCREMENT does so when a node leaves (Galera changes the other nodes'
		// offsets); UUID() most likely did once in CI: the table has no other key to certify, and every node here
		// makes UUIDs with the same host part and close clock sequences
		try (Connection connection = galera.node(0).connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE load_rows (seq BIGINT PRIMARY KEY)");
		}
	}

	@AfterEach
	void closePoolsAndHealCluster() throws Exception {
		// thaw first: a thread still blocked on a frozen node is released, so closing its load cannot hang
		for (GaleraNode node : galera.nodes()) {
			if (node.isFrozen()) {
				node.thaw();
			}
		}
		Exception failure = null;
		// each load before its pool, every one even when another fails
		for (int i = this.resources.size() - 1; i >= 0; i--) {
			try {
				this.resources.get(i).close();
			}
			catch (Exception ex) {
				failure = (failure != null) ? failure : ex;
			}
		}
		// every test starts from a whole cluster, whatever the previous one broke
		for (GaleraNode node : galera.nodes()) {
			if (!node.isRunning()) {
				node.restart();
			}
		}
		galera.awaitSynced();
		if (failure != null) {
			throw failure;
		}
	}

	@ParameterizedTest
	@EnumSource(value = Balance.class, names = { "RANDOM", "ROUND_ROBIN" })
	void writesAreBalancedOverEverySyncedNode(Balance balance) {
		PeerPoolDataSource pool = pool("balanced", balance, PeerProbe.standard());
		TransactionLoad load = load(pool);

		awaitTrafficOn(load, galera.nodes());

		assertThat(load.outcomes()).filteredOn(TransactionLoad.Outcome::failed).as("failed transactions").isEmpty();
		assertThat(pool.getPeers()).as("peers").allSatisfy((peer) -> {
			assertThat(peer.state()).isEqualTo(PeerState.UP);
			assertThat(peer.routed()).isPositive();
		});
	}

	@Test
	void frozenNodeIsExcludedTrafficContinuesOnTheOthersAndAfterThawItRejoins() throws Exception {
		GaleraNode victim = galera.node(2);
		List<GaleraNode> others = List.of(galera.node(0), galera.node(1));
		PeerPoolDataSource pool = pool("freeze", Balance.ROUND_ROBIN, PeerProbe.standard());
		TransactionLoad load = load(pool);
		awaitTrafficOn(load, galera.nodes());

		long beforeFreeze = System.nanoTime();
		victim.freeze();
		await().atMost(Duration.ofSeconds(20)).until(() -> pool.peer(victim.name()).state() == PeerState.DOWN);
		long detectedAt = System.nanoTime();
		// a probe that timed out, or a request whose new connection could not be opened (seen on a loaded
		// machine), and later probes may report the socket peerpool closed: a connectivity reason either way,
		// never the Galera states (not_ready) or auth
		assertThat(info(pool, victim.name()).failureReason()).as("why the frozen node is DOWN")
			.isIn("timeout", "connect", "connection_lost");
		long routedWhenMarked = pool.peer(victim.name()).routedConnections();
		LoadWaits.awaitStartedAfter(load, detectedAt, 200, Duration.ofSeconds(60), pool);

		assertThat(load.startedAfter(detectedAt)).as("transactions that started after detection")
			.allSatisfy((outcome) -> assertThat((Throwable) outcome.failure()).isNull())
			.allSatisfy((outcome) -> assertThat(outcome.port()).isNotEqualTo(victim.port()));
		assertThat(others).as("the two other nodes take the traffic")
			.allSatisfy((node) -> assertThat(load.startedAfter(detectedAt)).anySatisfy((o) -> assertThat(o.port()).isEqualTo(node.port())));
		assertThat(load.outcomes()).filteredOn(TransactionLoad.Outcome::failed)
			.as("only transactions running when the node froze may fail")
			.allSatisfy((outcome) -> assertThat(outcome.started()).isLessThan(detectedAt))
			.allSatisfy((outcome) -> assertThat(outcome.ended()).isGreaterThan(beforeFreeze));
		assertThat(pool.peer(victim.name()).routedConnections()).as("connections routed to the frozen node once marked")
			.isEqualTo(routedWhenMarked);
		int stuck = connectionsStillInUse(pool, victim);

		// the merge after the thaw can cost the whole cluster its Primary Component for a moment on a
		// loaded machine (seen: every node non-Primary for about 1.5 s); no pool can hide a cluster
		// without quorum, so the nodes' own view tells those failures from peerpool's
		PrimaryComponentWatch watch = galera.watchPrimaryComponent();
		this.resources.add(watch);
		long thawedAt = System.nanoTime();
		victim.thaw();
		// right after SIGCONT the node still reports its old view as Synced and ready; the causal read of
		// the recovery probe keeps it DOWN until it has really rejoined, so nothing routed to it fails with 1180
		galera.awaitSynced();
		long healedAt = System.nanoTime();
		long servedBefore = load.successfulOn(victim.port());
		await().atMost(Duration.ofSeconds(60)).until(() -> load.successfulOn(victim.port()) > servedBefore + 20);
		assertThat(victim.wsrepStatus("wsrep_local_state_comment")).isEqualTo("Synced");
		assertThat(pool.peer(victim.name()).state()).isEqualTo(PeerState.UP);
		watch.close();
		assertThat(galera.nodes()).as("nodes whose Primary Component status was sampled after the thaw")
			.allSatisfy((node) -> assertThat(watch.answeredAfter(node.name(), thawedAt)).isPositive());
		assertThat(load.startedAfter(thawedAt)).filteredOn(TransactionLoad.Outcome::failed)
			.filteredOn((outcome) -> !abortedByTheCluster(outcome))
			.as("failed transactions that started after the thaw, each while the whole cluster had no Primary"
					+ " Component (%s)", watch.describe(thawedAt))
			.allSatisfy((outcome) -> assertThat(watch.withoutPrimaryComponentDuring(outcome.started(), outcome.ended()))
				.as("cluster without a Primary Component during the transaction [%d, %d] ms that failed with %s",
						TimeUnit.NANOSECONDS.toMillis(outcome.started() - thawedAt),
						TimeUnit.NANOSECONDS.toMillis(outcome.ended() - thawedAt), outcome.error())
				.isTrue());
		assertThat(load.startedAfter(healedAt)).as("transactions once the cluster healed").isNotEmpty();
		assertThat(stuck).as(STUCK).isZero();
	}

	/**
	 * A transaction the cluster itself rolled back: Galera reports a certification conflict, or a local
	 * transaction aborted for a replicated one (brute-force abort), as a deadlock (SQLState 40001, error 1213;
	 * seen once in CI 125 ms after the rejoined node took work again). Any Galera application retries those;
	 * no pool can prevent them, and they say nothing of routing.
	 */
	private static boolean abortedByTheCluster(TransactionLoad.Outcome outcome) {
		return outcome.failure() instanceof SQLException ex && "40001".equals(ex.getSQLState());
	}

	/**
	 * A node waking up from a freeze still says Synced, ready and Primary for a few seconds after the
	 * others evicted it (the control: its own status); the standard probe must not believe it.
	 */
	@Test
	void thawedNodeThatStillReportsSyncedFailsTheProbe() throws Exception {
		GaleraNode victim = galera.node(2);
		victim.freeze();
		await().atMost(Duration.ofSeconds(30))
			.until(() -> "2".equals(galera.node(0).wsrepStatus("wsrep_cluster_size")));

		victim.thaw();
		try (Connection connection = victim.connect()) {
			connection.setNetworkTimeout(Runnable::run, 1000);
			assertThat(status(connection, "wsrep_local_state_comment")).as("the thawed node's own, stale view")
				.isEqualTo("Synced");
			assertThat(status(connection, "wsrep_cluster_status")).isEqualTo("Primary");
			assertThat(PeerProbe.standard().probe(connection, Duration.ofSeconds(1)).healthy())
				.as("the ordinary probe of a healthy peer, which only reads that status").isTrue();

			assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> PeerProbe.standard().probeRecovering(connection, Duration.ofSeconds(1)))
				.satisfies((ex) -> assertThat(new DefaultPeerFailureClassifier().classify(ex))
					.isEqualTo(FailureReason.NOT_READY));
		}
	}

	private static String status(Connection connection, String variable) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SHOW GLOBAL STATUS LIKE '" + variable + "'")) {
			return result.next() ? result.getString(2) : null;
		}
	}

	@Test
	void nodeWithoutQuorumIsExcludedAlthoughItAnswersSelectOne() throws Exception {
		GaleraNode survivor = galera.node(0);
		PeerPoolDataSource pool = pool("quorum", Balance.ROUND_ROBIN, PeerProbe.standard());
		// control: the same pool with a plain validity check, to show that SELECT 1 alone is fooled
		PeerPoolDataSource validityOnly = pool("validity", Balance.ROUND_ROBIN, PeerProbe.validity());
		await().atMost(Duration.ofSeconds(10))
			.until(() -> pool.getPeers().stream().allMatch(PeerInfo::isUp)
					&& validityOnly.getPeers().stream().allMatch(PeerInfo::isUp));

		galera.node(1).freeze();
		galera.node(2).freeze();
		await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(250))
			.ignoreExceptions()
			.until(() -> "OFF".equals(survivor.wsrepStatus("wsrep_ready")));
		// the survivor still answers, but refuses every table access
		try (Connection connection = survivor.connect(); Statement statement = connection.createStatement()) {
			try (ResultSet result = statement.executeQuery("SELECT 1")) {
				assertThat(result.next()).isTrue();
			}
			assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> statement.executeQuery("SELECT COUNT(*) FROM load_rows"))
				.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(1047));
		}

		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			PeerInfo peer = info(pool, survivor.name());
			assertThat(peer.state()).isEqualTo(PeerState.DOWN);
			assertThat(peer.failureReason()).isEqualTo("not_ready");
			assertThat(peer.lastError()).contains("wsrep_ready=OFF");
		});
		assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> queryPort(pool)))
			.as("no connection reaches the node without quorum")
			.isInstanceOf(NoAvailablePeerException.class);
		// control: the validity probe has seen the frozen nodes fail, and keeps the survivor UP
		await().atMost(Duration.ofSeconds(10))
			.until(() -> validityOnly.peer(galera.node(1).name()).state() == PeerState.DOWN
					&& validityOnly.peer(galera.node(2).name()).state() == PeerState.DOWN);
		await().during(Duration.ofSeconds(2))
			.atMost(Duration.ofSeconds(5))
			.until(() -> validityOnly.peer(survivor.name()).state() == PeerState.UP);

		galera.node(1).thaw();
		galera.node(2).thaw();
		galera.awaitSynced();
		await().atMost(Duration.ofSeconds(30)).until(() -> pool.getPeers().stream().allMatch(PeerInfo::isUp));
		assertThat(queryPort(pool)).isIn(galera.nodes().stream().map(GaleraNode::port).toList());
	}

	@Test
	void sequentialKeepsASingleWriterAndMovesToTheNextNodeWhenItFreezes() throws Exception {
		GaleraNode first = galera.node(0);
		GaleraNode second = galera.node(1);
		PeerPoolDataSource pool = pool("sequential", Balance.SEQUENTIAL, PeerProbe.standard());
		TransactionLoad load = load(pool);
		await().atMost(Duration.ofSeconds(30)).until(() -> load.successes() > 100);

		assertThat(load.outcomes()).as("transactions before the freeze")
			.allSatisfy((outcome) -> assertThat((Throwable) outcome.failure()).isNull())
			.allSatisfy((outcome) -> assertThat(outcome.port()).isEqualTo(first.port()));

		first.freeze();
		await().atMost(Duration.ofSeconds(20)).until(() -> pool.peer(first.name()).state() == PeerState.DOWN);
		long detectedAt = System.nanoTime();
		LoadWaits.awaitStartedAfter(load, detectedAt, 100, Duration.ofSeconds(60), pool);

		assertThat(load.startedAfter(detectedAt)).as("transactions that started after detection")
			.allSatisfy((outcome) -> assertThat((Throwable) outcome.failure()).isNull())
			.allSatisfy((outcome) -> assertThat(outcome.port()).isEqualTo(second.port()));
		assertThat(pool.peer(galera.node(2).name()).routedConnections()).as("connections routed to the third node")
			.isZero();
		assertThat(connectionsStillInUse(pool, first)).as(STUCK).isZero();
	}

	/**
	 * Connections of the frozen node's peer that are still borrowed a few seconds after it was
	 * marked DOWN: threads blocked on it, which aborting its connections should have released.
	 */
	private static int connectionsStillInUse(PeerPoolDataSource pool, GaleraNode frozen) {
		try {
			await().atMost(Duration.ofSeconds(5)).until(() -> pool.peer(frozen.name()).activeConnections() == 0);
		}
		catch (org.awaitility.core.ConditionTimeoutException ex) {
			// reported by the caller, after the rest of the scenario ran
		}
		return pool.peer(frozen.name()).activeConnections();
	}

	private PeerPoolDataSource pool(String name, Balance balance, PeerProbe probe) {
		// detection within probe-interval + probe-timeout + connect-timeout, retry after 1 s
		PeerPoolSettings settings = new PeerPoolSettings(name, balance, Duration.ofSeconds(1), Duration.ofMillis(300),
				Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(5));
		List<PeerConfig> peers = new ArrayList<>();
		for (GaleraNode node : galera.nodes()) {
			peers.add(new PeerConfig(name, node.name(), node.jdbcUrl(JdbcDriver.MARIADB), node.username(),
					node.password(), null, PeerRole.PRIMARY, 1, settings.connectTimeout(),
					Map.of("maximum-pool-size", "4", "minimum-idle", "2")));
		}
		// every node takes writes: what these tests are about (GaleraWriteConflictIntegrationTests: one writer)
		PeerPoolDataSource pool = PeerPoolDataSource.builder(settings.name())
			.settings(settings)
			.galeraWriters(PeerPoolSettings.GaleraWriters.ALL)
			.peers(peers)
			.probe(probe)
			.buildUnstarted();
		this.resources.add(pool);
		pool.start();
		return pool;
	}

	private TransactionLoad load(PeerPoolDataSource pool) {
		TransactionLoad load = new TransactionLoad(pool, THREADS, PORT_QUERY);
		this.resources.add(load);
		return load;
	}

	private static void awaitTrafficOn(TransactionLoad load, List<GaleraNode> nodes) {
		await().atMost(Duration.ofSeconds(30))
			.until(() -> nodes.stream().allMatch((node) -> load.successfulOn(node.port()) > 20));
	}

	private static PeerInfo info(PeerPoolDataSource pool, String peer) {
		return pool.getPeers().stream().filter((info) -> info.name().equals(peer)).findFirst().orElseThrow();
	}

	private static int queryPort(PeerPoolDataSource pool) throws SQLException {
		try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(PORT_QUERY)) {
			result.next();
			return result.getInt(1);
		}
	}

}
