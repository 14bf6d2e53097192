package io.peerpool.sample;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

import io.peerpool.sample.cluster.EmbeddedCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The sample app with its embedded cluster, through its HTTP API, with a real server killed. */
@SampleAppTest
class SampleApplicationTests {

	private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
	};

	@LocalServerPort
	int port;

	@Autowired
	EmbeddedCluster cluster;

	RestClient http;

	@BeforeEach
	void client() {
		this.http = RestClient.builder()
			.baseUrl("http://127.0.0.1:" + this.port)
			.defaultStatusHandler(HttpStatusCode::isError, (request, response) -> {
			})
			.build();
		// a previous test may have left a peer restarting
		await().atMost(Duration.ofSeconds(60)).until(() -> states("main").stream().allMatch("UP"::equals));
	}

	@Test
	void clusterListsTheEmbeddedPoolsWithEveryPeerUp() {
		Map<String, Object> cluster = cluster();
		assertThat(cluster).containsEntry("embedded", true);
		assertThat(pool("main")).containsEntry("total", 3).containsEntry("healthy", 3);
		assertThat(peers("main")).extracting((peer) -> peer.get("name")).containsExactly("peer0", "peer1", "peer2");
		assertThat(peers("main")).allSatisfy((peer) -> {
			assertThat(peer).containsEntry("state", "UP").containsEntry("server", "running");
			assertThat((String) peer.get("url")).startsWith("jdbc:mariadb://127.0.0.1:").doesNotContain("password");
		});
		assertThat(peers("audit")).extracting((peer) -> peer.get("name")).containsExactly("peer0", "peer1");
	}

	@Test
	void notesAreWrittenToMainAndAudited() {
		Map<String, Object> created = addNote("hello peerpool");
		assertThat(created).containsKey("peer");
		@SuppressWarnings("unchecked")
		Map<String, Object> note = (Map<String, Object>) created.get("note");
		assertThat(note).containsEntry("text", "hello peerpool");
		List<Map<String, Object>> notes = this.http.get().uri("/api/notes").retrieve().body(new ParameterizedTypeReference<>() {
		});
		assertThat(notes).extracting((n) -> n.get("text")).contains("hello peerpool");
	}

	@Test
	void aKilledPeerGoesDownNotesStillWorkAndItComesBackAfterRestart() {
		String writer = (String) addNote("before the kill").get("peer");
		try {
			assertThat(action("main", writer, "kill")).isEqualTo(HttpStatus.OK);
			assertThat(this.cluster.server("main", writer).isRunning()).isFalse();

			// the first transaction after the kill finds the dead peer, and still succeeds elsewhere
			Map<String, Object> after = addNote("after the kill");
			assertThat(after.get("peer")).isNotEqualTo(writer);
			await().atMost(Duration.ofSeconds(30)).until(() -> state("main", writer).equals("DOWN"));
			assertThat(peer("main", writer)).containsEntry("server", "killed");
			assertThat(pool("main")).containsEntry("healthy", 2);
			assertThat(addNote("while it is down").get("peer")).isNotEqualTo(writer);
		}
		finally {
			assertThat(action("main", writer, "restart")).isEqualTo(HttpStatus.OK);
		}
		await().atMost(Duration.ofSeconds(60)).until(() -> state("main", writer).equals("UP"));
		assertThat(peer("main", writer)).containsEntry("server", "running");
	}

	@Test
	void drainAndResumeGoThroughPeerPool() {
		assertThat(action("main", "peer2", "drain")).isEqualTo(HttpStatus.OK);
		assertThat(state("main", "peer2")).isIn("DRAINING", "DRAINED");
		assertThat(action("main", "peer2", "resume")).isEqualTo(HttpStatus.OK);
		assertThat(state("main", "peer2")).isEqualTo("UP");
	}

	@Test
	void unknownPeersAndActionsAreNotFound() {
		assertThat(action("main", "peer9", "kill")).isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(action("nope", "peer0", "drain")).isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(action("main", "peer0", "explode")).isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(state("main", "peer0")).isEqualTo("UP");
	}

	private Map<String, Object> addNote(String text) {
		return this.http.post()
			.uri("/api/notes")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("text", text))
			.exchange((request, response) -> {
				assertThat(response.getStatusCode()).as("POST /api/notes").isEqualTo(HttpStatus.CREATED);
				return response.bodyTo(JSON);
			});
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
