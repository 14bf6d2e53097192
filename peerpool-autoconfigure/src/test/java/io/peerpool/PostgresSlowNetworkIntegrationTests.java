package io.peerpool;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.peerpool.PeerPoolSettings.UnknownLag;
import io.peerpool.balance.Balance;
import io.peerpool.test.EmbeddedPostgres;
import io.peerpool.test.FaultProxy;
import io.peerpool.test.PostgresMajor;
import io.peerpool.test.PostgresServer;
import io.peerpool.test.TransactionLoad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A slow network is not a dead server: with 120 ms of latency per packet, opening a PostgreSQL
 * connection (startup, SCRAM, the probe's queries) takes longer than {@code connect-timeout}, while
 * the heartbeat on its kept connection still answers within its timeout. The peer stays UP and the
 * transactions on its pooled connections commit; once the latency is gone, everything is as
 * before. The control: a server that stops answering (a black hole) is DOWN.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PostgresSlowNetworkIntegrationTests extends AbstractProxiedPostgresIntegrationTests {

	@RegisterExtension
	static final EmbeddedPostgres pg = EmbeddedPostgres.of(PostgresMajor.V17);

	@BeforeAll
	static void createTable() throws SQLException {
		createLoadTable(pg.server(0));
	}

	@Test
	void latencyThatMakesOpeningAConnectionSlowerThanConnectTimeoutLeavesThePeerUp() throws Exception {
		PostgresServer server = pg.server(0);
		try (FaultProxy proxy = FaultProxy.to(server).start(); PeerPoolDataSource pool = pool(proxy, server);
				TransactionLoad load = new TransactionLoad(pool, 4, "SELECT inet_server_port()")) {
			long from = System.nanoTime();
			await().atMost(Duration.ofSeconds(30)).until(() -> successesAfter(load, from) > 100);
			proxy.latency(Duration.ofMillis(120));
			long slow = System.nanoTime();
			// several probes, each opening a new connection: none within connect-timeout (1 s)
			await().atMost(Duration.ofSeconds(30)).until(() -> successesAfter(load, slow) > 20 && probesSince(slow) >= 4);
			proxy.latency(Duration.ZERO);
			assertThat(this.failedProbes).as("probes that could not open a connection in time").isNotEmpty();
			long fast = System.nanoTime();
			await().atMost(Duration.ofSeconds(30)).until(() -> successesAfter(load, fast) > 200);

			assertThat(this.downs).as("DOWN transitions of a slow but answering server").isEmpty();
			assertThat(load.startedAfter(fast)).as("transactions once the latency is gone")
				.noneMatch(TransactionLoad.Outcome::failed);
		}
	}

	@Test
	void withoutHeartbeatsASlowPeerIsDownAndBackAsSoonAsAProbeSucceedsNotAfterCheckInterval() throws Exception {
		PostgresServer server = pg.server(0);
		try (FaultProxy proxy = FaultProxy.to(server).start();
				PeerPoolDataSource pool = pool(proxy, server, Duration.ZERO);
				TransactionLoad load = new TransactionLoad(pool, 4, "SELECT inet_server_port()")) {
			long from = System.nanoTime();
			await().atMost(Duration.ofSeconds(30)).until(() -> successesAfter(load, from) > 100);
			// nothing tells slow from dead: a probe that cannot open a connection within connect-timeout fails
			proxy.latency(Duration.ofMillis(120));
			await().atMost(Duration.ofSeconds(20)).until(() -> pool.peer(server.name()).state() == PeerState.DOWN);
			proxy.latency(Duration.ZERO);

			// callers wait for it, and the probes they hurry take it back (the quarantine is 30 s)
			await().atMost(Duration.ofSeconds(10)).until(() -> pool.peer(server.name()).state() == PeerState.UP);
			long back = System.nanoTime();
			await().atMost(Duration.ofSeconds(30)).until(() -> successesAfter(load, back) > 100);
		}
	}

	@Test
	void controlAServerThatStopsAnsweringIsDown() throws Exception {
		PostgresServer server = pg.server(0);
		try (FaultProxy proxy = FaultProxy.to(server).start(); PeerPoolDataSource pool = pool(proxy, server)) {
			proxy.blackhole();
			await().atMost(Duration.ofSeconds(10)).until(() -> pool.peer(server.name()).state() == PeerState.DOWN);
			proxy.pass();
		}
	}

	private final ConcurrentLinkedQueue<Long> probes = new ConcurrentLinkedQueue<>();

	private final ConcurrentLinkedQueue<String> failedProbes = new ConcurrentLinkedQueue<>();

	private long probesSince(long nanoTime) {
		return this.probes.stream().filter((at) -> at > nanoTime).count();
	}

	private PeerPoolDataSource pool(FaultProxy proxy, PostgresServer server) {
		return pool(proxy, server, PeerPoolSettings.DEFAULT_HEARTBEAT_INTERVAL);
	}

	private PeerPoolDataSource pool(FaultProxy proxy, PostgresServer server, Duration heartbeatInterval) {
		// the test settings of the chaos run (connect-timeout 1 s), with a long quarantine
		PeerPoolSettings settings = new PeerPoolSettings("slow", Balance.ROUND_ROBIN, Duration.ofSeconds(30),
				Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(2), null, false,
				Duration.ofSeconds(10), ReadYourWrites.NONE, Duration.ofSeconds(5), UnknownLag.EXCLUDE, heartbeatInterval,
				PeerPoolSettings.DEFAULT_HEARTBEAT_TIMEOUT);
		return pool(settings, PeerProbe.standard(), proxy, server, new PeerPoolListener() {
			@Override
			public void probed(PeerInfo peer, Duration elapsed, PeerPoolListener.ProbeOutcome outcome) {
				PostgresSlowNetworkIntegrationTests.this.probes.add(System.nanoTime());
				if (outcome != PeerPoolListener.ProbeOutcome.SUCCESS) {
					PostgresSlowNetworkIntegrationTests.this.failedProbes.add(outcome.tag());
				}
			}
		});
	}

}
