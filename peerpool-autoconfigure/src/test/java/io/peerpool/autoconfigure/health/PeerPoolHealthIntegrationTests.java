package io.peerpool.autoconfigure.health;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.peerpool.PeerState;
import io.peerpool.autoconfigure.observability.ObservedApp;
import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.MariaDbServer;

import static io.peerpool.autoconfigure.observability.ObservedApp.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /actuator/health} of a real web application over three real MariaDB peers that are
 * killed and restarted. Waits are condition-based (see {@link ObservedApp} for the timings).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PeerPoolHealthIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.peers(3);

	private static ObservedApp app;

	@BeforeAll
	static void startApp() {
		app = ObservedApp.start(ObservedApp.Open.class, db);
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
	void healthShowsEveryPeerWithoutCredentials() {
		Map<String, Object> health = app.get("/actuator/health").json();
		assertThat(path(health, "status").toString()).isEqualTo("UP");
		Map<String, Object> pool = path(health, "components.peerpool.components.default");
		assertThat(path(pool, "status").toString()).isEqualTo("UP");
		assertThat((Integer) path(pool, "details.healthy")).isEqualTo(3);
		assertThat((Integer) path(pool, "details.total")).isEqualTo(3);
		Map<String, Object> peers = path(pool, "details.peers");
		assertThat(peers).containsOnlyKeys("peer0", "peer1", "peer2");
		Map<String, Object> peer0 = path(pool, "details.peers.peer0");
		assertThat(peer0).containsKeys("state", "role", "url", "active", "idle", "since");
		assertThat(peer0.get("state")).isEqualTo("UP");
		assertThat(peer0.get("role")).isEqualTo("primary");
		assertThat(peer0.get("url").toString()).startsWith("jdbc:mariadb://127.0.0.1:" + db.server(0).port())
			.doesNotContain("password");
		assertThat(peer0).doesNotContainKeys("retryAt", "lastError");
		assertThat(peer0.get("server").toString()).as("the server behind the peer")
			.startsWith("MariaDB 11.4")
			.endsWith("(server_id=" + db.server(0).serverId() + ")");
		assertThat(peer0).as("a primary is behind no one").doesNotContainKey("lagSeconds");
		assertThat(health.toString()).doesNotContain("password=" + db.server(0).password());
	}

	@Test
	void applicationStaysUpWithOneOfThreePeersKilled() {
		db.server(1).kill();
		await().atMost(Duration.ofSeconds(30))
			.until(() -> "DOWN".equals(path(app.get("/actuator/health").json(),
					"components.peerpool.components.default.details.peers.peer1.state")));
		ObservedApp.Response response = app.get("/actuator/health");
		Map<String, Object> health = response.json();
		assertThat(response.status()).isEqualTo(200);
		assertThat(path(health, "status").toString()).isEqualTo("UP");
		assertThat(path(health, "components.peerpool.status").toString()).isEqualTo("UP");
		assertThat(path(health, "components.db.status").toString())
			.as("Boot's db health checks the pool as one DataSource, not each peer")
			.isEqualTo("UP");
		Map<String, Object> pool = path(health, "components.peerpool.components.default.details");
		assertThat((Integer) pool.get("healthy")).isEqualTo(2);
		Map<String, Object> peer1 = path(pool, "peers.peer1");
		assertThat(peer1).containsKeys("since", "retryAt", "lastError", "failureReason");
		assertThat(peer1.get("server").toString()).as("the server last seen behind a DOWN peer")
			.contains("server_id=" + db.server(1).serverId());
		assertThat(peer1.get("lastError").toString()).doesNotContain("password=" + db.server(1).password());
	}

	@Test
	void applicationIsDownWithAllPeersKilledAndUpAgainAfterRestart() {
		for (MariaDbServer server : db.servers()) {
			server.kill();
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> app.get("/actuator/health").status() == 503);
		Map<String, Object> health = app.get("/actuator/health").json();
		assertThat(path(health, "status").toString()).isEqualTo("DOWN");
		assertThat(path(health, "components.peerpool.components.default.status").toString()).isEqualTo("DOWN");
		assertThat((Integer) path(health, "components.peerpool.components.default.details.healthy")).isZero();
		for (MariaDbServer server : db.servers()) {
			server.restart();
		}
		// UP again as soon as one peer is back; the others follow as their probes succeed
		await().atMost(Duration.ofSeconds(60)).until(() -> app.get("/actuator/health").status() == 200);
		await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
			Map<String, Object> recovered = app.get("/actuator/health").json();
			assertThat(path(recovered, "status").toString()).isEqualTo("UP");
			assertThat((Integer) path(recovered, "components.peerpool.components.default.details.healthy")).isEqualTo(3);
		});
	}

	/**
	 * Why peerpool replaces Boot's {@code db} contributor: Boot's own checks every peer of a routing
	 * data source on its own, so one dead peer makes the whole application DOWN.
	 */
	@Test
	void withBootsOwnDbHealthOneDeadPeerWouldMakeTheApplicationDown() {
		try (ObservedApp bootDb = ObservedApp.start(ObservedApp.Open.class, db,
				"spring.autoconfigure.exclude=io.peerpool.autoconfigure.health.PeerPoolDbHealthContributorAutoConfiguration")) {
			assertThat(bootDb.get("/actuator/health").status()).isEqualTo(200);
			db.server(2).kill();
			await().atMost(Duration.ofSeconds(30)).until(() -> bootDb.pool().getPeer("peer2").state() == PeerState.DOWN);
			Map<String, Object> health = bootDb.get("/actuator/health").json();
			assertThat(path(health, "components.peerpool.status").toString()).isEqualTo("UP");
			assertThat(path(health, "components.db.components.peer2.status").toString()).isEqualTo("DOWN");
			assertThat(path(health, "status").toString()).isEqualTo("DOWN");
		}
	}

}
