package io.peerpool.sample;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import io.peerpool.sample.cluster.EmbeddedCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample app with its embedded cluster (a primary, two replicas), through its HTTP API: where
 * reads and writes go, read-your-writes with the pin cookie, and a real replica killed.
 */
@SampleAppIntegrationTest
class SampleApplicationIntegrationTests {

	private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
	};

	private static final List<String> REPLICAS = List.of("replica0", "replica1");

	@LocalServerPort
	int port;

	@Autowired
	EmbeddedCluster cluster;

	RestClient http;

	@BeforeEach
	void client() {
		// no cookie store: each request carries exactly the cookies a test gives it
		this.http = RestClient.builder()
			.baseUrl("http://127.0.0.1:" + this.port)
			.defaultStatusHandler(HttpStatusCode::isError, (request, response) -> {
			})
			.build();
		// a previous test may have left a peer restarting
		await().atMost(Duration.ofSeconds(60)).until(() -> states("main").stream().allMatch("UP"::equals));
	}

	@Test
	void clusterListsAPrimaryAndTwoReplicasWithEveryPeerUp() {
		Map<String, Object> cluster = cluster();
		assertThat(cluster).containsEntry("embedded", true);
		assertThat(pool("main")).containsEntry("total", 3).containsEntry("healthy", 3);
		assertThat(peers("main")).extracting((peer) -> peer.get("name"))
			.containsExactly("primary", "replica0", "replica1");
		assertThat(peers("main")).allSatisfy((peer) -> {
			assertThat(peer).containsEntry("state", "UP").containsEntry("process", "running");
			assertThat((String) peer.get("url")).startsWith("jdbc:mariadb://127.0.0.1:").doesNotContain("password");
			assertThat((String) peer.get("server")).startsWith("MariaDB 11.4.5").contains("server_id=");
		});
		// role: auto, found out by the probe from each server's read_only
		assertThat(peer("main", "primary")).containsEntry("role", "PRIMARY");
		assertThat(REPLICAS).allSatisfy((replica) -> {
			assertThat(peer("main", replica)).containsEntry("role", "REPLICA");
			assertThat(peer("main", replica).get("lagSeconds")).isNotNull();
		});
		assertThat(peers("audit")).extracting((peer) -> peer.get("name"))
			.containsExactly("primary", "replica0", "replica1");
	}

	@Test
	void aPostWritesOnThePrimaryAndAGetReadsFromAReplica() {
		ResponseEntity<Map<String, Object>> created = addNote("hello peerpool");
		assertThat(servedBy(created.getBody())).isEqualTo("primary");
		assertThat(serverId(created.getBody())).isEqualTo(this.cluster.server("main", "primary").serverId());
		@SuppressWarnings("unchecked")
		Map<String, Object> note = (Map<String, Object>) created.getBody().get("note");
		assertThat(note).containsEntry("text", "hello peerpool");

		// a client that has not written (no pin cookie) reads from a replica
		Map<String, Object> notes = notes(null);
		assertThat(servedBy(notes)).isIn(REPLICAS);
		assertThat(serverId(notes)).isEqualTo(this.cluster.server("main", servedBy(notes)).serverId());
	}

	@Test
	void aGetWithThePinCookieOfAPostSeesTheNewNote() {
		ResponseEntity<Map<String, Object>> created = addNote("read your writes");
		List<String> setCookies = created.getHeaders().get(HttpHeaders.SET_COOKIE);
		assertThat(setCookies).as("the write sets the pin cookie").anySatisfy((cookie) -> assertThat(cookie)
			.startsWith("peerpool-pin=")
			.containsIgnoringCase("HttpOnly"));
		String pin = setCookies.stream()
			.filter((cookie) -> cookie.startsWith("peerpool-pin="))
			.findFirst()
			.orElseThrow()
			.split(";", 2)[0];
		@SuppressWarnings("unchecked")
		Object id = ((Map<String, Object>) created.getBody().get("note")).get("id");

		Map<String, Object> notes = notes(pin);
		assertThat(noteIds(notes)).contains(id);
		// pin mode: the client that just wrote reads from the primary
		assertThat(servedBy(notes)).isEqualTo("primary");
	}

	@Test
	void aKilledReplicaGoesDownAndReadsContinueOnTheOther() {
		try {
			assertThat(action("main", "replica0", "kill")).isEqualTo(HttpStatus.OK);
			assertThat(this.cluster.server("main", "replica0").isRunning()).isFalse();
			await().atMost(Duration.ofSeconds(30)).until(() -> state("main", "replica0").equals("DOWN"));
			assertThat(peer("main", "replica0")).containsEntry("process", "killed");
			assertThat(pool("main")).containsEntry("healthy", 2);

			for (int i = 0; i < 10; i++) {
				assertThat(servedBy(notes(null))).as("read %d", i).isEqualTo("replica1");
			}
			assertThat(servedBy(addNote("while a replica is down").getBody())).isEqualTo("primary");
		}
		finally {
			assertThat(action("main", "replica0", "restart")).isEqualTo(HttpStatus.OK);
		}
		await().atMost(Duration.ofSeconds(60)).until(() -> state("main", "replica0").equals("UP"));
		assertThat(peer("main", "replica0")).containsEntry("process", "running").containsEntry("role", "REPLICA");
	}

	@Test
	void drainAndResumeGoThroughPeerPool() {
		assertThat(action("main", "replica1", "drain")).isEqualTo(HttpStatus.OK);
		assertThat(state("main", "replica1")).isIn("DRAINING", "DRAINED");
		assertThat(action("main", "replica1", "resume")).isEqualTo(HttpStatus.OK);
		assertThat(state("main", "replica1")).isEqualTo("UP");
	}

	@Test
	void unknownPeersAndActionsAreNotFoundAndThePrimaryCannotBePromoted() {
		assertThat(action("main", "peer9", "kill")).isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(action("nope", "primary", "drain")).isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(action("main", "primary", "explode")).isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(action("main", "primary", "promote")).isEqualTo(HttpStatus.CONFLICT);
		assertThat(state("main", "primary")).isEqualTo("UP");
	}

	private ResponseEntity<Map<String, Object>> addNote(String text) {
		ResponseEntity<Map<String, Object>> response = this.http.post()
			.uri("/api/notes")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("text", text))
			.retrieve()
			.toEntity(JSON);
		assertThat(response.getStatusCode()).as("POST /api/notes").isEqualTo(HttpStatus.CREATED);
		return response;
	}

	/** GET /api/notes, with a pin cookie ({@code name=value}) or none. */
	private Map<String, Object> notes(String pinCookie) {
		ResponseEntity<Map<String, Object>> response = this.http.get()
			.uri("/api/notes")
			.headers((headers) -> {
				if (pinCookie != null) {
					headers.add(HttpHeaders.COOKIE, pinCookie);
				}
			})
			.retrieve()
			.toEntity(JSON);
		assertThat(response.getStatusCode()).as("GET /api/notes").isEqualTo(HttpStatus.OK);
		return response.getBody();
	}

	@SuppressWarnings("unchecked")
	private static String servedBy(Map<String, Object> body) {
		return (String) ((Map<String, Object>) body.get("servedBy")).get("peer");
	}

	@SuppressWarnings("unchecked")
	private static int serverId(Map<String, Object> body) {
		return ((Number) ((Map<String, Object>) body.get("servedBy")).get("serverId")).intValue();
	}

	@SuppressWarnings("unchecked")
	private static List<Object> noteIds(Map<String, Object> body) {
		return ((List<Map<String, Object>>) body.get("notes")).stream().map((note) -> note.get("id")).toList();
	}

	private HttpStatusCode action(String pool, String peer, String action) {
		return this.http.post()
			.uri("/api/cluster/{pool}/{peer}/{action}", pool, peer, action)
			.retrieve()
			.toBodilessEntity()
			.getStatusCode();
	}

	private Map<String, Object> cluster() {
		return this.http.get().uri("/api/cluster").retrieve().body(JSON);
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> pool(String name) {
		return ((List<Map<String, Object>>) cluster().get("pools")).stream()
			.filter((pool) -> name.equals(pool.get("name")))
			.findFirst()
			.orElseThrow();
	}

	@SuppressWarnings("unchecked")
	private List<Map<String, Object>> peers(String pool) {
		return (List<Map<String, Object>>) pool(pool).get("peers");
	}

	private Map<String, Object> peer(String pool, String name) {
		return peers(pool).stream().filter((peer) -> name.equals(peer.get("name"))).findFirst().orElseThrow();
	}

	private String state(String pool, String peer) {
		return (String) peer(pool, peer).get("state");
	}

	private List<String> states(String pool) {
		return peers(pool).stream().map((peer) -> (String) peer.get("state")).toList();
	}

}
