package io.peerpool.autoconfigure.endpoint;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

import io.peerpool.NoAvailablePeerException;
import io.peerpool.PeerPoolEvent;
import io.peerpool.PeerPoolListener;
import io.peerpool.PeerState;
import io.peerpool.autoconfigure.observability.ObservedApp;
import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.MariaDbServer;

import static io.peerpool.autoconfigure.observability.ObservedApp.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * The pool's timeline after real faults: a MariaDB peer killed (SIGKILL) and restarted shows as
 * DOWN then UP on {@code GET /actuator/peerpool}, a {@code PeerPoolListener} bean sees both as
 * they happen, the all-peers-down error tells the events that led to it, and an operator's drain
 * and resume are on it too.
 *
 * <p>Timing: the app probes every 500 ms with a 1 s check-interval (see {@link ObservedApp}); tests
 * wait for states with Awaitility and generous bounds, so a slow machine only makes them slower.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PeerPoolTimelineIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.peers(2);

	private static ObservedApp app;

	@BeforeAll
	static void startApp() {
		app = ObservedApp.start(WithListener.class, db,
				"management.endpoints.web.exposure.include=health,peerpool",
				"spring.datasource.peerpool.acquire-timeout=2s");
	}

	@AfterAll
	static void stopApp() {
		if (app != null) {
			app.close();
		}
	}

	@AfterEach
	void everyPeerRunsAndIsUpAgain() {
		for (MariaDbServer server : db.servers()) {
			if (!server.isRunning()) {
				server.restart();
			}
		}
		await().atMost(Duration.ofSeconds(60)).until(app::allPeersUp);
	}

	@Test
	void aKilledAndRestartedPeerShowsAsDownThenUpWithTimesAndReasons() {
		Instant killed = Instant.now();
		db.server(1).kill();
		await().atMost(Duration.ofSeconds(30)).until(() -> app.pool().getPeer("peer1").state() == PeerState.DOWN);
		db.server(1).restart();
		await().atMost(Duration.ofSeconds(60)).until(() -> app.pool().getPeer("peer1").state() != PeerState.DOWN);

		List<Map<String, Object>> pools = path(app.get("/actuator/peerpool").json(), "pools");
		List<Map<String, Object>> events = path(pools.get(0), "events");
		List<Map<String, Object>> peer1 = events.stream()
			.filter((event) -> "peer1".equals(event.get("peer")))
			.filter((event) -> Instant.parse((String) event.get("time")).isAfter(killed.minusSeconds(1)))
			.toList();
		assertThat(peer1).extracting((event) -> event.get("type")).containsSubsequence("down", "up");
		Map<String, Object> down = peer1.stream().filter((event) -> "down".equals(event.get("type"))).findFirst().orElseThrow();
		assertThat(down).containsEntry("from", "UP").containsEntry("to", "DOWN");
		assertThat((String) down.get("reason")).as("why peer1 went down").isIn("connect", "connection_lost", "timeout",
				"shutdown");
		assertThat((String) down.get("detail")).isNotBlank().doesNotContain(db.server(1).password());
		Map<String, Object> up = peer1.stream().filter((event) -> "up".equals(event.get("type"))).reduce((a, b) -> b).orElseThrow();
		assertThat(up).containsEntry("from", "DOWN").containsEntry("to", "UP").containsEntry("reason", "probe succeeded");
		assertThat(Instant.parse((String) up.get("time"))).isAfterOrEqualTo(Instant.parse((String) down.get("time")));
		assertThat(((Number) up.get("durationMillis")).longValue()).isPositive();

		assertThat(WithListener.seen).as("events the PeerPoolListener bean saw as they happened")
			.filteredOn((event) -> "peer1".equals(event.peer()) && !event.time().isBefore(killed.minusSeconds(1)))
			.extracting(PeerPoolEvent::type)
			.containsSubsequence(PeerPoolEvent.Type.DOWN, PeerPoolEvent.Type.UP);
	}

	@Test
	void drainAndResumeThroughTheEndpointAreOnTheTimeline() {
		assertThat(app.post("/actuator/peerpool/default/peer0", "{\"action\":\"drain\"}", null).status()).isEqualTo(200);
		assertThat(app.post("/actuator/peerpool/default/peer0", "{\"action\":\"resume\"}", null).status()).isEqualTo(200);

		List<Map<String, Object>> events = path(app.get("/actuator/peerpool/default").json(), "events");
		List<Map<String, Object>> last = events.subList(events.size() - 2, events.size());
		assertThat(last).extracting((event) -> event.get("type")).containsExactly("drain", "resume");
		assertThat(last).allSatisfy((event) -> assertThat(event).containsEntry("peer", "peer0")
			.containsEntry("reason", "operator"));
		assertThat(last.get(0)).containsEntry("from", "UP");
		assertThat((String) last.get(0).get("to")).isIn("DRAINING", "DRAINED");
		assertThat(last.get(1)).containsEntry("to", "UP");
	}

	@Test
	void theAllPeersDownErrorTellsTheLastEvents() throws Exception {
		db.server(0).kill();
		db.server(1).kill();
		await().atMost(Duration.ofSeconds(30)).until(() -> app.pool().getPeers().stream().noneMatch((p) -> p.isUp()));

		NoAvailablePeerException error = catchThrowableOfType(NoAvailablePeerException.class, () -> {
			try (Connection connection = app.pool().getConnection()) {
				connection.createStatement().execute("SELECT 1");
			}
		});
		assertThat((Throwable) error).as("error with every peer down").isNotNull();
		assertThat(error.getMessage()).contains("Last events: ")
			.containsPattern("peer0 down UP -> DOWN \\(\\w+")
			.containsPattern("peer1 down UP -> DOWN \\(\\w+")
			.doesNotContain(db.server(0).password());
		List<PeerPoolEvent> events = error.getEvents();
		assertThat(events).isNotEmpty();
		assertThat(events).filteredOn((event) -> event.type() == PeerPoolEvent.Type.DOWN)
			.extracting(PeerPoolEvent::peer)
			.contains("peer0", "peer1");
		// the caller was held for acquire-timeout before it got the error: the hold ends the timeline
		assertThat(events.get(events.size() - 1).type()).isEqualTo(PeerPoolEvent.Type.HOLD_END);
		assertThat(events.get(events.size() - 1).reason()).isEqualTo("acquire-timeout passed");
	}

	/** The test application with a listener bean, which the auto-configuration registers on the pool. */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class WithListener extends ObservedApp.Open {

		static final List<PeerPoolEvent> seen = new CopyOnWriteArrayList<>();

		@Bean
		PeerPoolListener recordingListener() {
			return new PeerPoolListener() {
				@Override
				public void onEvent(PeerPoolEvent event) {
					seen.add(event);
				}
			};
		}

	}

}
