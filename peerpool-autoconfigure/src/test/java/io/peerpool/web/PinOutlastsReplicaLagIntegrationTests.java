package io.peerpool.web;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.MariaDbServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client's pin outlasts the lag a replica that serves reads may have: with {@code pin-duration}
 * 1 s, {@code max-replica-lag} 10 s and a replica 3 s behind (within the limit, so it serves reads),
 * a client that reads 1.3 s after its write, once the configured pin has run out, still reads it.
 * On the old code the cookie was gone after 1 s, and the read went to the replica, which had not
 * applied the write yet.
 */
@SpringBootTest(classes = RoutingTestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.main.banner-mode=off", "spring.datasource.peerpool.check-interval=1s",
				"spring.datasource.peerpool.probe-interval=300ms", "spring.datasource.peerpool.probe-timeout=1s",
				"spring.datasource.peerpool.connect-timeout=1s", "spring.datasource.peerpool.pin-duration=1s",
				"spring.datasource.peerpool.max-replica-lag=10s",
				"spring.datasource.peerpool.web.pin-cookie.secret=" + WebRoutingIntegrationTests.SECRET })
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PinOutlastsReplicaLagIntegrationTests {

	private static final Duration PIN_DURATION = Duration.ofSeconds(1);

	private static final Duration REPLICA_DELAY = Duration.ofSeconds(3);

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.primaryWithReplicas(1);

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void peers(DynamicPropertyRegistry registry) {
		WebRoutingIntegrationTests.peers(registry, db);
	}

	@BeforeAll
	static void createTableAndDelayTheReplica() throws SQLException {
		try (Connection connection = db.primary().connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS items (name VARCHAR(100) PRIMARY KEY)");
			statement.execute("CREATE TABLE IF NOT EXISTS visits (id INT AUTO_INCREMENT PRIMARY KEY, who VARCHAR(100))");
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> tableOnReplica());
		db.lag(db.replicas().get(0), REPLICA_DELAY);
	}

	@Test
	void aReadOnceThePinDurationRanOutStillSeesTheWriteWhileAReplicaMayBeFurtherBehind() {
		MariaDbServer replica = db.replicas().get(0);
		WebClient reader = WebClient.withoutCookies(this.port);
		await().atMost(Duration.ofSeconds(20)).until(() -> reader.get("/server").serverId() == replica.serverId());
		for (int attempt = 1;; attempt++) {
			WebClient browser = WebClient.browser(this.port);
			String name = "pin-" + UUID.randomUUID().toString().substring(0, 8);
			long posted = System.nanoTime();
			WebClient.Answer write = browser.postJson("/items", "{\"name\":\"" + name + "\"}");
			assertThat(write.status()).isEqualTo(200);
			// 10 s + 2 x (0.3 + 1 + 1 s), in whole seconds
			assertThat(write.setCookie()).hasValueSatisfying((cookie) -> assertThat(cookie).contains("Max-Age=15"));
			// the configured pin runs out: the behaviour under test is what comes after it
			await().atMost(Duration.ofSeconds(5))
				.until(() -> System.nanoTime() - posted > PIN_DURATION.plusMillis(300).toNanos());
			WebClient.Answer read = browser.get("/items/" + name);
			if (System.nanoTime() - posted < REPLICA_DELAY.toNanos()) {
				// the replica had not applied the write yet: only a primary could answer with it
				assertThat(read.found()).as("the client's write, read " + (System.nanoTime() - posted) / 1_000_000
						+ " ms after it (the replica is " + REPLICA_DELAY.toMillis() + " ms behind)").isEqualTo(1);
				assertThat(read.serverId()).isEqualTo(db.primary().serverId());
				assertThat(browser.hasCookie("peerpool-pin")).as("the pin cookie, past pin-duration").isTrue();
				return;
			}
			assertThat(attempt).as("too slow to read before the replica applied the write, in " + attempt + " attempts")
				.isLessThan(5);
		}
	}

	private static boolean tableOnReplica() throws SQLException {
		try (Connection connection = db.replicas().get(0).connect(); Statement statement = connection.createStatement()) {
			return statement.executeQuery("SELECT COUNT(*) FROM visits").next();
		}
		catch (SQLException ex) {
			return false;
		}
	}

}
