package io.peerpool;

import java.sql.SQLException;
import java.time.Duration;
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
 * PostgreSQL behind a proxy that resets every live connection, the server fine: the broken
 * connections (pooled, the heartbeat's, a probe's, one in its startup or SCRAM exchange) are
 * confirmed by a new probe, and the peer stays UP. The control: the same resets on a server that
 * is gone (refused) mark it DOWN.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PostgresConnectionResetIntegrationTests extends AbstractProxiedPostgresIntegrationTests {

	@RegisterExtension
	static final EmbeddedPostgres pg = EmbeddedPostgres.of(PostgresMajor.V17);

	@BeforeAll
	static void createTable() throws SQLException {
		createLoadTable(pg.server(0));
	}

	@Test
	void resetsOfEveryConnectionUnderLoadLeaveThePeerUp() throws Exception {
		PostgresServer server = pg.server(0);
		try (FaultProxy proxy = FaultProxy.to(server).start(); PeerPoolDataSource pool = pool(proxy, server);
				TransactionLoad load = new TransactionLoad(pool, 8, "SELECT inet_server_port()")) {
			long from = System.nanoTime();
			await().atMost(Duration.ofSeconds(30)).until(() -> successesAfter(load, from) > 200);
			for (int i = 0; i < 10; i++) {
				proxy.resetConnections();
				long reset = System.nanoTime();
				await().atMost(Duration.ofSeconds(30)).until(() -> successesAfter(load, reset) > 50);
			}
			long settled = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
			await().atMost(Duration.ofSeconds(30)).until(() -> successesAfter(load, settled) > 200);

			assertThat(this.downs).as("DOWN transitions of a healthy server behind resets").isEmpty();
			assertThat(load.startedAfter(settled)).as("transactions after the last reset")
				.noneMatch(TransactionLoad.Outcome::failed);
		}
	}

	@Test
	void aResetOfAProbesConnectionBeforeItsValidityCheckLeavesThePeerUp() throws Exception {
		PostgresServer server = pg.server(0);
		java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
		java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
		java.util.concurrent.atomic.AtomicBoolean hold = new java.util.concurrent.atomic.AtomicBoolean();
		java.util.concurrent.atomic.AtomicInteger healthy = new java.util.concurrent.atomic.AtomicInteger();
		PeerProbe standard = PeerProbe.standard();
		// the standard probe, held on its open connection when asked to (PgJDBC's isValid swallows a reset)
		PeerProbe held = (connection, timeout) -> {
			if (hold.getAndSet(false)) {
				entered.countDown();
				try {
					go.await(20, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			ProbeResult result = standard.probe(connection, timeout);
			if (result.healthy()) {
				healthy.incrementAndGet();
			}
			return result;
		};
		try (FaultProxy proxy = FaultProxy.to(server).start();
				PeerPoolDataSource pool = pool(proxy, server, held, Duration.ZERO)) {
			hold.set(true);
			healthy.set(0);
			var probed = pool.probeNow(pool.peer(server.name()));
			assertThat(entered.await(20, TimeUnit.SECONDS)).as("the probe holds its connection").isTrue();
			proxy.resetConnections();
			go.countDown();
			probed.get(20, TimeUnit.SECONDS);

			await().atMost(Duration.ofSeconds(10)).until(() -> healthy.get() > 0);
			assertThat(pool.peer(server.name()).state()).isEqualTo(PeerState.UP);
			assertThat(this.downs).as("DOWN transitions").isEmpty();
		}
	}

	@Test
	void controlResetsOfAServerThatIsGoneMarkItDown() throws Exception {
		PostgresServer server = pg.server(0);
		try (FaultProxy proxy = FaultProxy.to(server).start(); PeerPoolDataSource pool = pool(proxy, server)) {
			proxy.refuse();
			proxy.resetConnections();
			await().atMost(Duration.ofSeconds(10)).until(() -> pool.peer(server.name()).state() == PeerState.DOWN);
			proxy.pass();
		}
	}

	private PeerPoolDataSource pool(FaultProxy proxy, PostgresServer server) {
		// probes every 100 ms: the resets often hit one of their connections too
		return pool(proxy, server, PeerProbe.standard(), Duration.ofMillis(100));
	}

	/** @param interval between probes, and between heartbeats; zero for none */
	private PeerPoolDataSource pool(FaultProxy proxy, PostgresServer server, PeerProbe probe, Duration interval) {
		// a long quarantine: a DOWN would show
		PeerPoolSettings settings = new PeerPoolSettings("reset", Balance.ROUND_ROBIN, Duration.ofSeconds(30), interval,
				Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(10), null, false, Duration.ofSeconds(10),
				ReadYourWrites.NONE, Duration.ofSeconds(5), UnknownLag.EXCLUDE, interval, Duration.ofSeconds(2));
		return pool(settings, probe, proxy, server, null);
	}

}
