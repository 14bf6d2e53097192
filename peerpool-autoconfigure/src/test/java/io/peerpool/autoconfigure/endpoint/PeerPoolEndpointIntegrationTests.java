package io.peerpool.autoconfigure.endpoint;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

import io.peerpool.PeerInfo;
import io.peerpool.autoconfigure.observability.ObservedApp;
import io.peerpool.test.EmbeddedMariaDb;

import static io.peerpool.autoconfigure.observability.ObservedApp.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code peerpool} actuator endpoint over HTTP in real applications over three real MariaDB
 * peers: listing, client errors, drain and resume under load, exposure and security.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PeerPoolEndpointIntegrationTests {

	private static final String EXPOSED = "management.endpoints.web.exposure.include=health,peerpool";

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.peers(3);

	private static ObservedApp app;

	@BeforeAll
	static void startApp() {
		app = ObservedApp.start(ObservedApp.Open.class, db, EXPOSED);
	}

	@AfterAll
	static void stopApp() {
		if (app != null) {
			app.close();
		}
	}

	@AfterEach
	void resumeEveryPeer() {
		for (PeerInfo peer : app.pool().getPeers()) {
			app.pool().resume(peer.name());
		}
	}

	@Test
	void listsPoolsAndPeers() {
		ObservedApp.Response response = app.get("/actuator/peerpool");
		assertThat(response.status()).isEqualTo(200);
		List<Map<String, Object>> pools = path(response.json(), "pools");
		assertThat(pools).hasSize(1);
		Map<String, Object> pool = pools.get(0);
		assertThat(pool).containsEntry("name", "default").containsEntry("healthy", 3).containsEntry("total", 3);
		List<Map<String, Object>> peers = path(pool, "peers");
		assertThat(peers).extracting((peer) -> peer.get("name")).containsExactly("peer0", "peer1", "peer2");
		assertThat(peers.get(0)).containsKeys("name", "state", "role", "url", "active", "idle", "since", "routed")
			.containsEntry("state", "UP")
			.containsEntry("role", "primary");
		assertThat(peers.get(0).get("url").toString()).doesNotContain("password");
	}

	@Test
	void selectsOnePoolAndAnswers404ForAnUnknownPool() {
		ObservedApp.Response pool = app.get("/actuator/peerpool/default");
		assertThat(pool.status()).isEqualTo(200);
		assertThat(pool.json()).containsEntry("name", "default");
		assertThat(app.get("/actuator/peerpool/nosuchpool").status()).isEqualTo(404);
	}

	@Test
	void unknownPoolPeerOrActionIsAClientError() {
		assertThat(app.post("/actuator/peerpool/nosuchpool/peer0", "{\"action\":\"drain\"}", null).status())
			.isEqualTo(400);
		assertThat(app.post("/actuator/peerpool/default/nosuchpeer", "{\"action\":\"drain\"}", null).status())
			.isEqualTo(400);
		assertThat(app.post("/actuator/peerpool/default/peer0", "{\"action\":\"explode\"}", null).status())
			.isEqualTo(400);
		assertThat(app.post("/actuator/peerpool/default/peer0", "{}", null).status()).isEqualTo(400);
		assertThat(app.pool().getPeers()).allMatch(PeerInfo::isUp);
	}

	/**
	 * Eight threads query without pause while peer1 is drained and resumed. Why this cannot flake:
	 * the routed count of peer1 is read only after 200 more connections went to the other peers
	 * once it is DRAINED, so no thread can still be between choosing peer1 and borrowing from it.
	 */
	@Test
	void drainUnderLoadFailsNothingRoutesNothingNewToThePeerAndResumeBringsTrafficBack() throws Exception {
		JdbcTemplate jdbc = new JdbcTemplate(app.pool());
		AtomicBoolean stop = new AtomicBoolean();
		AtomicLong succeeded = new AtomicLong();
		ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
		ExecutorService threads = Executors.newFixedThreadPool(8);
		List<Future<?>> load = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			load.add(threads.submit(() -> {
				while (!stop.get()) {
					try {
						jdbc.queryForObject("SELECT SLEEP(0.002) + @@port", Integer.class);
						succeeded.incrementAndGet();
					}
					catch (RuntimeException ex) {
						failures.add(ex);
					}
				}
			}));
		}
		try {
			await().atMost(Duration.ofSeconds(30)).until(() -> routed("peer1") > 50);

			ObservedApp.Response drained = app.post("/actuator/peerpool/default/peer1", "{\"action\":\"drain\"}", null);
			assertThat(drained.status()).isEqualTo(200);
			assertThat(drained.json().get("state")).isIn("DRAINING", "DRAINED");
			await().atMost(Duration.ofSeconds(30)).until(() -> "DRAINED".equals(peerState("peer1")));
			long others = routed("peer0") + routed("peer2");
			await().atMost(Duration.ofSeconds(30)).until(() -> routed("peer0") + routed("peer2") > others + 200);
			long routedWhileDrained = routed("peer1");
			long othersNow = routed("peer0") + routed("peer2");
			await().atMost(Duration.ofSeconds(30)).until(() -> routed("peer0") + routed("peer2") > othersNow + 500);
			assertThat(routed("peer1")).as("connections routed to the drained peer").isEqualTo(routedWhileDrained);
			assertThat(peerState("peer1")).isEqualTo("DRAINED");

			ObservedApp.Response resumed = app.post("/actuator/peerpool/default/peer1", "{\"action\":\"resume\"}",
					null);
			assertThat(resumed.status()).isEqualTo(200);
			assertThat(resumed.json().get("state")).isEqualTo("UP");
			await().atMost(Duration.ofSeconds(30)).until(() -> routed("peer1") > routedWhileDrained + 50);
		}
		finally {
			stop.set(true);
			for (Future<?> thread : load) {
				thread.get(30, TimeUnit.SECONDS);
			}
			threads.shutdown();
		}
		assertThat(failures).as("failed queries during drain and resume").isEmpty();
		assertThat(succeeded.get()).isGreaterThan(1000);
	}

	@Test
	void endpointIsNotExposedUnlessConfigured() {
		try (ObservedApp unexposed = ObservedApp.start(ObservedApp.Open.class, db)) {
			assertThat(unexposed.get("/actuator/health").status()).isEqualTo(200);
			assertThat(unexposed.get("/actuator/peerpool").status()).isEqualTo(404);
			assertThat(unexposed.post("/actuator/peerpool/default/peer0", "{\"action\":\"drain\"}", null).status())
				.isEqualTo(404);
			assertThat(unexposed.pool().getPeers()).allMatch(PeerInfo::isUp);
		}
	}

	@Test
	void withSpringSecurityTheWriteOperationNeedsTheActuatorRole() {
		try (ObservedApp secured = ObservedApp.start(Secured.class, db, EXPOSED)) {
			String drain = "{\"action\":\"drain\"}";
			assertThat(secured.post("/actuator/peerpool/default/peer0", drain, null).status()).isEqualTo(401);
			assertThat(secured.post("/actuator/peerpool/default/peer0", drain, "viewer").status()).isEqualTo(403);
			assertThat(secured.get("/actuator/peerpool", "viewer").status()).isEqualTo(403);
			assertThat(secured.pool().getPeers()).allMatch(PeerInfo::isUp);

			assertThat(secured.get("/actuator/peerpool", "ops").status()).isEqualTo(200);
			ObservedApp.Response drained = secured.post("/actuator/peerpool/default/peer0", drain, "ops");
			assertThat(drained.status()).isEqualTo(200);
			assertThat(drained.json().get("state")).isIn("DRAINING", "DRAINED");
			assertThat(secured.post("/actuator/peerpool/default/peer0", "{\"action\":\"resume\"}", "ops").status())
				.isEqualTo(200);
			assertThat(secured.get("/actuator/health").status()).as("health stays public").isEqualTo(200);
		}
	}

	private static long routed(String peer) {
		return app.pool().getPeer(peer).routed();
	}

	private static String peerState(String peer) {
		List<Map<String, Object>> peers = path(app.get("/actuator/peerpool/default").json(), "peers");
		return peers.stream().filter((p) -> peer.equals(p.get("name"))).findFirst().orElseThrow().get("state").toString();
	}

	/** Actuator endpoints need the role ACTUATOR (user {@code ops}); {@code viewer} lacks it. */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Secured {

		@Bean
		SecurityFilterChain actuatorSecurity(HttpSecurity http) throws Exception {
			return http.securityMatcher(EndpointRequest.toAnyEndpoint())
				.authorizeHttpRequests((requests) -> requests.requestMatchers(EndpointRequest.to(HealthEndpoint.class))
					.permitAll()
					.anyRequest()
					.hasRole("ACTUATOR"))
				.httpBasic(Customizer.withDefaults())
				// a JSON API called with basic auth: no browser session to forge requests with
				.csrf((csrf) -> csrf.disable())
				.build();
		}

		@Bean
		InMemoryUserDetailsManager users() {
			return new InMemoryUserDetailsManager(User.withUsername("ops").password("{noop}ops").roles("ACTUATOR").build(),
					User.withUsername("viewer").password("{noop}viewer").roles("USER").build());
		}

	}

}
