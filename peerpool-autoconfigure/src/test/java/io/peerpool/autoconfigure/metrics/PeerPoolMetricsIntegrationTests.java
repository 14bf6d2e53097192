package io.peerpool.autoconfigure.metrics;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.jdbc.core.JdbcTemplate;

import io.peerpool.PeerInfo;
import io.peerpool.autoconfigure.observability.ObservedApp;
import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.MariaDbServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * peerpool's meters and HikariCP's per-peer meters in a real application over three real MariaDB
 * peers that are killed and restarted. Waits are condition-based (see {@link ObservedApp}).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PeerPoolMetricsIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.peers(3);

	private static ObservedApp app;

	private static MeterRegistry registry;

	@BeforeAll
	static void startApp() {
		app = ObservedApp.start(ObservedApp.Open.class, db);
		registry = app.context().getBean(MeterRegistry.class);
	}

	@AfterAll
	static void stopApp() {
		if (app != null) {
			app.close();
		}
	}

	@AfterEach
	void restartKilledPeers() {
		for (MariaDbServer server : db.servers()) {
			if (!server.isRunning()) {
				server.restart();
			}
		}
		await().atMost(Duration.ofSeconds(60)).until(app::allPeersUp);
	}

	@Test
	void everyPeerHasItsMetersTaggedWithPoolPeerAndRole() {
		for (String peer : new String[] { "peer0", "peer1", "peer2" }) {
			assertThat(registry.get("peerpool.peer.up").tags("pool", "default", "peer", peer, "role", "primary").gauge()
				.value()).isEqualTo(1.0);
			assertThat(registry.get("peerpool.connections.routed").tags("pool", "default", "peer", peer).functionCounter())
				.isNotNull();
			assertThat(registry.get("peerpool.peer.failures").tags("peer", peer, "reason", "connect").counter())
				.isNotNull();
			assertThat(registry.get("peerpool.failovers").tags("peer", peer).counter()).isNotNull();
			assertThat(registry.get("peerpool.replica.lag").tags("pool", "default", "peer", peer, "role", "primary")
				.gauge()
				.value()).as("a primary is behind no one").isZero();
			assertThat(registry.get("peerpool.peer.server.changes").tags("pool", "default", "peer", peer, "role",
					"primary").counter().count()).isZero();
			for (String outcome : new String[] { "success", "failure", "timeout" }) {
				assertThat(registry.get("peerpool.probe").tags("pool", "default", "peer", peer, "role", "primary",
						"outcome", outcome).timer()).isNotNull();
			}
		}
	}

	@Test
	void thePoolHasItsReplayCounterForEveryReasonAndOutcomeFromTheStart() {
		// registered when bound, before any replay: an alert on a rate works from the start (other tests of this
		// app may have replayed transactions by now, so the count is not asserted)
		for (String reason : new String[] { "connection_lost", "read_only", "recovery_conflict", "conflict" }) {
			for (String outcome : new String[] { "replayed", "failed" }) {
				assertThat(registry.find("peerpool.transactions.replayed")
					.tags("pool", "default", "reason", reason, "outcome", outcome)
					.counter()).as("%s %s", reason, outcome).isNotNull();
			}
		}
	}

	@Test
	void probeTimerCountsSuccessfulProbesWithTheirDuration() {
		long before = probes("peer0", "success");
		// probe-interval is 500ms
		await().atMost(Duration.ofSeconds(20)).until(() -> probes("peer0", "success") >= before + 2);
		Timer timer = registry.get("peerpool.probe").tags("peer", "peer0", "outcome", "success").timer();
		assertThat(timer.totalTime(TimeUnit.NANOSECONDS)).isPositive();
		assertThat(timer.max(TimeUnit.SECONDS)).as("bounded by connect-timeout + probe-timeout").isLessThan(3.0);
		assertThat(probes("peer0", "failure")).isZero();
		assertThat(probes("peer0", "timeout")).isZero();
	}

	@Test
	void frozenPeerProbesTimeOut() {
		long before = probes("peer1", "timeout");
		db.server(1).freeze();
		try {
			await().atMost(Duration.ofSeconds(30)).until(() -> probes("peer1", "timeout") > before);
			assertThat(upGauge("peer1")).isZero();
			assertThat(registry.get("peerpool.replica.lag").tags("peer", "peer1").gauge().value())
				.as("unknown while DOWN").isNaN();
		}
		finally {
			db.server(1).thaw();
		}
		await().atMost(Duration.ofSeconds(60)).until(() -> upGauge("peer1") == 1.0);
		assertThat(registry.get("peerpool.replica.lag").tags("peer", "peer1").gauge().value()).isZero();
	}

	@Test
	void routedCounterFollowsTheConnectionsEachPeerGot() {
		JdbcTemplate jdbc = new JdbcTemplate(app.pool());
		for (int i = 0; i < 30; i++) {
			jdbc.queryForObject("SELECT 1", Integer.class);
		}
		long total = 0;
		for (PeerInfo peer : app.pool().getPeers()) {
			double routed = registry.get("peerpool.connections.routed").tags("peer", peer.name()).functionCounter().count();
			assertThat(routed).isEqualTo((double) app.pool().getPeers()
				.stream()
				.filter((info) -> info.name().equals(peer.name()))
				.findFirst()
				.orElseThrow()
				.routed());
			total += (long) routed;
		}
		assertThat(total).isGreaterThanOrEqualTo(30);
	}

	@Test
	void killedPeerIsDownInMetersCountsAFailureAndAFailoverAndComesBackAfterRestart() {
		double failuresBefore = failures("peer2");
		double failoversBefore = registry.get("peerpool.failovers").tags("peer", "peer2").counter().count();
		assertThat(registry.find("hikaricp.connections").tag("pool", "default.peer2").gauge()).isNotNull();

		long failedProbesBefore = probes("peer2", "failure");
		db.server(2).kill();
		await().atMost(Duration.ofSeconds(30)).until(() -> upGauge("peer2") == 0.0);
		await().atMost(Duration.ofSeconds(30)).until(() -> probes("peer2", "failure") > failedProbesBefore);
		assertThat(failures("peer2")).isEqualTo(failuresBefore + 1);
		assertThat(registry.get("peerpool.failovers").tags("peer", "peer2").counter().count())
			.isEqualTo(failoversBefore + 1);
		assertThat(upGauge("peer0")).isEqualTo(1.0);
		// the DOWN peer's Hikari pool is closed (in the background), which removes its meters
		await().atMost(Duration.ofSeconds(30))
			.until(() -> registry.find("hikaricp.connections").tag("pool", "default.peer2").gauge() == null);

		db.server(2).restart();
		await().atMost(Duration.ofSeconds(60)).until(() -> upGauge("peer2") == 1.0);
		assertThat(failures("peer2")).isEqualTo(failuresBefore + 1);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> registry.find("hikaricp.connections").tag("pool", "default.peer2").gauge() != null);
	}

	@Test
	void everyPeerPoolHasHikariMetersNamedPoolDotPeer() {
		for (String pool : new String[] { "default.peer0", "default.peer1", "default.peer2" }) {
			assertThat(registry.get("hikaricp.connections").tag("pool", pool).gauge()).isNotNull();
			assertThat(registry.get("hikaricp.connections.active").tag("pool", pool).gauge()).isNotNull();
			assertThat(registry.get("hikaricp.connections.max").tag("pool", pool).gauge().value()).isEqualTo(10.0);
		}
	}

	private static double upGauge(String peer) {
		return registry.get("peerpool.peer.up").tags("peer", peer).gauge().value();
	}

	private static long probes(String peer, String outcome) {
		return registry.get("peerpool.probe").tags("peer", peer, "outcome", outcome).timer().count();
	}

	private static double failures(String peer) {
		return registry.get("peerpool.peer.failures").tags("peer", peer).counters().stream()
			.mapToDouble(Counter::count).sum();
	}

}
