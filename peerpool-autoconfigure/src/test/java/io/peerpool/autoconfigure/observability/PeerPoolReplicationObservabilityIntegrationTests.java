package io.peerpool.autoconfigure.observability;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.MariaDbServer;

import static io.peerpool.autoconfigure.observability.ObservedApp.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Health, endpoint and meters of a read/write split pool over a real MariaDB primary and two
 * replicas: the role each peer plays now, replica lag ({@code MASTER_DELAY} with writes going on)
 * and LAGGING, and the pool DOWN when no peer takes writes.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PeerPoolReplicationObservabilityIntegrationTests {

	private static final String POOL = "components.peerpool.components.default";

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.primaryWithReplicas(2);

	private static ObservedApp app;

	private static MeterRegistry registry;

	@BeforeAll
	static void startApp() {
		List<String> properties = new ArrayList<>();
		for (MariaDbServer server : db.servers()) {
			properties.addAll(ObservedApp.peer(server.name(), server.jdbcUrl(JdbcDriver.MARIADB), server));
			properties.add("spring.datasource.peerpool.peers." + server.name() + ".role="
					+ ((server == db.primary()) ? "primary" : "replica"));
		}
		properties.add("spring.datasource.peerpool.max-replica-lag=1s");
		properties.add("management.endpoints.web.exposure.include=health,peerpool");
		app = ObservedApp.start(ObservedApp.Open.class, properties);
		registry = app.context().getBean(MeterRegistry.class);
	}

	@AfterAll
	static void stopApp() {
		if (app != null) {
			app.close();
		}
	}

	@AfterEach
	void everyPeerBackToNormal() {
		db.primary().executeAsAdmin("SET GLOBAL read_only = 0");
		for (MariaDbServer replica : db.replicas()) {
			db.lag(replica, Duration.ZERO);
		}
		await().atMost(Duration.ofSeconds(60))
			.until(() -> app.pool().getPeers().stream().allMatch((peer) -> peer.state().name().equals("UP")));
	}

	@Test
	void healthShowsRolesServersAndTheLagOfReplicas() {
		Map<String, Object> health = app.get("/actuator/health").json();
		assertThat(path(health, "status").toString()).isEqualTo("UP");
		Map<String, Object> primary = path(health, POOL + ".details.peers.primary");
		assertThat(primary).containsEntry("state", "UP").containsEntry("role", "primary").containsEntry("takesWrites", true)
			.doesNotContainKey("lagSeconds");
		assertThat(primary.get("server").toString()).contains("server_id=" + db.primary().serverId());
		for (MariaDbServer replica : db.replicas()) {
			Map<String, Object> peer = path(health, POOL + ".details.peers." + replica.name());
			assertThat(peer).containsEntry("state", "UP").containsEntry("role", "replica").containsEntry("takesWrites", false);
			assertThat(((Number) peer.get("lagSeconds")).doubleValue()).isZero();
			assertThat(peer.get("server").toString()).contains("server_id=" + replica.serverId());
		}
		Map<String, Object> endpoint = app.get("/actuator/peerpool/default").json();
		assertThat(endpoint.toString()).contains("lagSeconds=0.0").contains("server=MariaDB");
	}

	@Test
	void replicaBehindMaxReplicaLagIsLaggingWithItsLagInHealthAndMetersAndThePoolStaysUp() throws Exception {
		MariaDbServer replica = db.replicas().get(0);
		try (Connection primary = db.primary().connect(); Statement statement = primary.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS ticks (id INT AUTO_INCREMENT PRIMARY KEY)");
			db.lag(replica, Duration.ofSeconds(3));
			// with MASTER_DELAY the replica is behind only while the primary writes; while replication
			// restarts its lag is unknown (LAGGING too, without lagSeconds), so wait for a measured lag
			await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
				tick(statement);
				Map<String, Object> health = app.get("/actuator/health").json();
				Map<String, Object> peer = path(health, POOL + ".details.peers." + replica.name());
				assertThat(peer).containsEntry("state", "LAGGING").containsKey("lagSeconds");
				assertThat(((Number) peer.get("lagSeconds")).doubleValue()).isGreaterThan(1.0);
				assertThat(path(health, "status").toString()).as("a lagging replica does not make the application DOWN")
					.isEqualTo("UP");
				assertThat(registry.get("peerpool.replica.lag").tags("peer", replica.name(), "role", "replica").gauge()
					.value()).isGreaterThan(1.0);
			});
			assertThat(registry.get("peerpool.replica.lag").tags("peer", "primary").gauge().value()).isZero();
			assertThat(registry.get("peerpool.peer.up").tags("peer", replica.name()).gauge().value())
				.as("lag is not a failure").isEqualTo(1.0);

			db.lag(replica, Duration.ZERO);
			await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
				tick(statement);
				return "UP".equals(path(app.get("/actuator/health").json(),
						POOL + ".details.peers." + replica.name() + ".state"));
			});
			assertThat(registry.get("peerpool.replica.lag").tags("peer", replica.name()).gauge().value())
				.isLessThanOrEqualTo(1.0);
		}
	}

	@Test
	void poolIsDownWhenItsPrimaryTurnsReadOnlyAndUpWhenItTakesWritesAgain() {
		db.primary().executeAsAdmin("SET GLOBAL read_only = 1");
		await().atMost(Duration.ofSeconds(30)).until(() -> app.get("/actuator/health").status() == 503);
		Map<String, Object> health = app.get("/actuator/health").json();
		assertThat(path(health, POOL + ".status").toString()).isEqualTo("DOWN");
		assertThat((Integer) path(health, POOL + ".details.healthy")).as("every peer answers").isEqualTo(3);
		assertThat(path(health, POOL + ".details.peers.primary.role").toString())
			.as("the role it plays now: a read-only primary takes no writes")
			.isEqualTo("replica");
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertMetersTaggedWithRole("primary", "replica"));

		db.primary().executeAsAdmin("SET GLOBAL read_only = 0");
		await().atMost(Duration.ofSeconds(30)).until(() -> app.get("/actuator/health").status() == 200);
		assertThat(path(app.get("/actuator/health").json(), POOL + ".details.peers.primary.role").toString())
			.isEqualTo("primary");
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertMetersTaggedWithRole("primary", "primary"));
	}

	/** Every meter of the peer carries the role it plays now, and none the other one. */
	private static void assertMetersTaggedWithRole(String peer, String role) {
		List<String> roles = registry.find("peerpool.peer.up").tag("peer", peer).gauges().stream()
			.map((gauge) -> gauge.getId().getTag("role"))
			.toList();
		assertThat(roles).as("role tags of peerpool.peer.up of " + peer).containsExactly(role);
		assertThat(registry.find("peerpool.peer.failures").tag("peer", peer).counters())
			.as("peerpool.peer.failures of " + peer)
			.isNotEmpty()
			.allSatisfy((counter) -> assertThat(counter.getId().getTag("role")).isEqualTo(role));
		assertThat(registry.find("peerpool.probe").tag("peer", peer).timers()).isNotEmpty()
			.allSatisfy((timer) -> assertThat(timer.getId().getTag("role")).isEqualTo(role));
	}

	private static void tick(Statement statement) throws SQLException {
		statement.execute("INSERT INTO ticks VALUES ()");
	}

}
