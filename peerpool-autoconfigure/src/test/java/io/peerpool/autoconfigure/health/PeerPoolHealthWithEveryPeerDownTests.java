package io.peerpool.autoconfigure.health;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import io.peerpool.autoconfigure.observability.ObservedApp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A full web application (actuator, metrics, security) whose peers are all unreachable from the
 * start: it must start, report DOWN quickly and serve the endpoint.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PeerPoolHealthWithEveryPeerDownTests {

	@Test
	void applicationStartsAndReportsDownWhenNoPeerIsReachable() throws Exception {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ObservedApp.Open.class)
			.properties("server.port=0", "spring.main.banner-mode=off",
					"spring.datasource.peerpool.peers.peer0.url=jdbc:mariadb://127.0.0.1:1/app",
					"spring.datasource.peerpool.peers.peer1.url=jdbc:mariadb://127.0.0.1:2/app",
					"spring.datasource.peerpool.check-interval=1h", "spring.datasource.peerpool.acquire-timeout=1s",
					"management.endpoints.web.exposure.include=health,peerpool,metrics")
			.run()) {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			HttpClient http = HttpClient.newHttpClient();
			HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
				.timeout(Duration.ofSeconds(10))
				.build();
			await().atMost(Duration.ofSeconds(30))
				.until(() -> http.send(health, HttpResponse.BodyHandlers.ofString()).statusCode() == 503);
			long start = System.nanoTime();
			HttpResponse<String> response = http.send(health, HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).isEqualTo(503);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
			HttpRequest endpoint = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/peerpool"))
				.timeout(Duration.ofSeconds(10))
				.build();
			HttpResponse<String> pools = http.send(endpoint, HttpResponse.BodyHandlers.ofString());
			assertThat(pools.statusCode()).isEqualTo(200);
			assertThat(pools.body()).contains("\"healthy\":0").contains("DOWN");
		}
	}

}
