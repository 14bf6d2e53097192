package io.peerpool;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.peerpool.test.DatabaseServer;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.TransactionLoad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kill and freeze one of three real servers under 8 threads of short transactions; every product
 * and driver runs the same scenarios (subclasses give the servers).
 *
 * <p>Why the bounds cannot flake: what these tests guard against is unbounded (a frozen server
 * holds a thread for ever, HikariCP's default holds it 30 s, a killed peer keeps failing every
 * transaction routed to it). The assertions are about which transactions fail, not how fast; the
 * one duration bound (freeze) has seconds of margin over the configured detection time.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@org.junit.jupiter.api.TestInstance(org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractFailoverIntegrationTests {

	/** Three servers of one product. */
	abstract List<? extends DatabaseServer> servers();

	/** The drivers to run every scenario with. */
	abstract List<JdbcDriver> drivers();

	/** A query answering the port of the server that ran it. */
	abstract String portQuery();

	/** DDL of table {@code load_rows (id, seq)}. */
	abstract String createTable();

	@BeforeAll
	void createTables() throws SQLException {
		for (DatabaseServer server : servers()) {
			try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
				statement.execute(createTable());
			}
		}
	}

	@AfterEach
	void bringEveryPeerBack() {
		for (DatabaseServer server : servers()) {
			if (server.isFrozen()) {
				server.thaw();
			}
			if (!server.isRunning()) {
				server.restart();
			}
		}
	}

	@ParameterizedTest
	@MethodSource("drivers")
	void killedPeerIsInvisibleToEveryTransactionThatStartsAfterTheKill(JdbcDriver driver) throws Exception {
		DatabaseServer victim = servers().get(1);
		try (PeerPoolDataSource pool = TestPools.over(servers(), driver);
				TransactionLoad load = new TransactionLoad(pool, 8, portQuery())) {
			awaitTrafficOnEveryPeer(load);
			long beforeKill = System.nanoTime();
			victim.kill();
			long afterKill = System.nanoTime();

			await().atMost(Duration.ofSeconds(20)).until(() -> pool.peer(victim.name()).state() == PeerState.DOWN);
			long routedWhenMarked = pool.peer(victim.name()).routedConnections();
			LoadWaits.awaitStartedAfter(load, afterKill, 300, Duration.ofSeconds(60), pool);

			assertThat(load.startedAfter(afterKill)).as("transactions that started after the kill")
				.allSatisfy((outcome) -> assertThat((Throwable) outcome.failure()).isNull());
			assertThat(load.outcomes()).filteredOn(TransactionLoad.Outcome::failed)
				.as("only transactions running at the kill may fail")
				.allSatisfy((outcome) -> assertThat(outcome.started()).isLessThan(afterKill))
				.allSatisfy((outcome) -> assertThat(outcome.ended()).isGreaterThan(beforeKill));
			assertThat(pool.peer(victim.name()).routedConnections()).as("connections routed to the dead peer once marked")
				.isEqualTo(routedWhenMarked);

			victim.restart();
			long servedBefore = load.successfulOn(victim.port());
			await().atMost(Duration.ofSeconds(30)).until(() -> load.successfulOn(victim.port()) > servedBefore + 20);
			assertThat(pool.peer(victim.name()).state()).isEqualTo(PeerState.UP);
		}
	}

	@ParameterizedTest
	@MethodSource("drivers")
	void frozenPeerIsDetectedAndNoThreadStaysBlockedOnIt(JdbcDriver driver) throws Exception {
		DatabaseServer victim = servers().get(2);
		PeerPoolSettings settings = TestPools.fastSettings("freeze", io.peerpool.balance.Balance.ROUND_ROBIN);
		try (PeerPoolDataSource pool = TestPools.over(settings, servers(), driver);
				TransactionLoad load = new TransactionLoad(pool, 8, portQuery())) {
			awaitTrafficOnEveryPeer(load);
			// before the SIGSTOP: on a loaded machine the heartbeat marked the peer DOWN (and its running
			// transactions failed) before freeze() returned, so an instant taken after it came too late
			long frozeAt = System.nanoTime();
			victim.freeze();

			await().atMost(Duration.ofSeconds(20)).until(() -> pool.peer(victim.name()).state() == PeerState.DOWN);
			long detectedAt = System.nanoTime();
			LoadWaits.awaitStartedAfter(load, detectedAt, 300, Duration.ofSeconds(60), pool);
			// a thread still blocked on the frozen server would not finish anything after detection
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(load.threadsThatFinishedATransactionStartedAfter(detectedAt))
					.as("threads that moved on after detection (none may stay blocked on the frozen peer)")
					.isEqualTo(load.threadCount()));

			assertThat(load.startedAfter(detectedAt)).as("transactions that started after detection")
				.allSatisfy((outcome) -> assertThat((Throwable) outcome.failure()).isNull());
			// detection bound: probe-interval + probe-timeout + connect-timeout = 2.5 s; a driver hanging
			// on the frozen server would hold its thread for ever (or HikariCP's 30 s)
			long bound = settings.probeInterval().plus(settings.probeTimeout()).plus(settings.connectTimeout())
				.plusSeconds(5)
				.toMillis();
			assertThat(load.maxMillis()).as("longest transaction, ms").isLessThan(bound);
			assertThat(load.outcomes()).filteredOn(TransactionLoad.Outcome::failed)
				.as("only transactions running on the frozen peer may fail")
				.allSatisfy((outcome) -> assertThat(outcome.started()).isLessThan(detectedAt))
				.allSatisfy((outcome) -> assertThat(outcome.ended()).isGreaterThan(frozeAt));

			victim.thaw();
			long servedBefore = load.successfulOn(victim.port());
			await().atMost(Duration.ofSeconds(30)).until(() -> load.successfulOn(victim.port()) > servedBefore + 20);
		}
	}

	@ParameterizedTest
	@MethodSource("drivers")
	void allPeersDownFailsWithinAcquireTimeoutNamingEveryPeerAndRecoversWithoutRestart(JdbcDriver driver)
			throws Exception {
		try (PeerPoolDataSource pool = TestPools.over(servers(), driver)) {
			assertThat(queryPort(pool)).isPositive();
			servers().forEach(DatabaseServer::kill);

			long started = System.nanoTime();
			SQLException failure = null;
			try {
				queryPort(pool);
			}
			catch (SQLException ex) {
				failure = ex;
			}
			long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
			assertThat((Throwable) failure).isInstanceOf(NoAvailablePeerException.class);
			assertThat(failure.getMessage()).contains("'test'", "DOWN", "retry at").contains(servers().stream().map(DatabaseServer::name).toList());
			assertThat(elapsedMillis).as("time to fail, ms")
				.isLessThan(pool.getSettings().acquireTimeout().toMillis() + 2000);

			// once every peer is known down, a caller still gets the error (after waiting for a peer up to acquire-timeout)
			await().atMost(Duration.ofSeconds(10)).until(() -> pool.getPeers().stream().noneMatch(PeerInfo::isUp));
			assertThat(org.assertj.core.api.Assertions.catchThrowable(pool::getConnection))
				.isInstanceOf(NoAvailablePeerException.class);

			servers().get(0).restart();
			await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> queryPort(pool) == servers().get(0).port());
		}
	}

	int queryPort(PeerPoolDataSource pool) throws SQLException {
		try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
				var result = statement.executeQuery(portQuery())) {
			result.next();
			return result.getInt(1);
		}
	}

	private void awaitTrafficOnEveryPeer(TransactionLoad load) {
		List<Integer> ports = servers().stream().map(DatabaseServer::port).toList();
		await().atMost(Duration.ofSeconds(30))
			.until(() -> ports.stream().allMatch((port) -> load.successfulOn(port) > 20));
	}

}
