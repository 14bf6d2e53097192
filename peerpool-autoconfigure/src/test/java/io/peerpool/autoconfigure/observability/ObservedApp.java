package io.peerpool.autoconfigure.observability;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

import io.peerpool.PeerPoolDataSource;
import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.MariaDbServer;

/**
 * A real web application on a random port with peerpool over the servers of an
 * {@link EmbeddedMariaDb}, and a small HTTP client for its actuator endpoints.
 *
 * <p>Timing: check-interval 1s and probe-interval 500ms make a killed peer DOWN within about a
 * second and a restarted one UP within about two; tests wait for states with Awaitility and
 * generous bounds, so a slow CI machine only makes them slower, not red.
 */
public final class ObservedApp implements AutoCloseable {

	private static final JsonMapper json = JsonMapper.builder().build();

	private final ConfigurableApplicationContext context;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private ObservedApp(ConfigurableApplicationContext context) {
		this.context = context;
	}

	/** Starts {@code configuration} with peerpool over every server of {@code db} plus {@code properties}. */
	public static ObservedApp start(Class<?> configuration, EmbeddedMariaDb db, String... properties) {
		List<String> all = new ArrayList<>();
		for (MariaDbServer server : db.servers()) {
			all.addAll(peer(server.name(), server.jdbcUrl(JdbcDriver.MARIADB), server));
		}
		all.addAll(List.of(properties));
		return start(configuration, all);
	}

	/** Starts {@code configuration} with the test timings plus {@code properties} (peers included). */
	public static ObservedApp start(Class<?> configuration, List<String> properties) {
		List<String> all = new ArrayList<>(List.of("server.port=0", "spring.main.banner-mode=off",
				"spring.datasource.peerpool.check-interval=1s", "spring.datasource.peerpool.probe-interval=500ms",
				"spring.datasource.peerpool.probe-timeout=1s", "spring.datasource.peerpool.connect-timeout=1s",
				"spring.datasource.peerpool.hikari.maximum-pool-size=10",
				"management.endpoint.health.show-details=always"));
		all.addAll(properties);
		return new ObservedApp(new SpringApplicationBuilder(configuration).properties(all.toArray(String[]::new)).run());
	}

	/** The properties of peer {@code name} at {@code url} with {@code server}'s credentials. */
	public static List<String> peer(String name, String url, MariaDbServer server) {
		String prefix = "spring.datasource.peerpool.peers." + name + ".";
		return List.of(prefix + "url=" + url, prefix + "username=" + server.username(),
				prefix + "password=" + server.password());
	}

	public ConfigurableApplicationContext context() {
		return this.context;
	}

	public PeerPoolDataSource pool() {
		return this.context.getBean(PeerPoolDataSource.class);
	}

	/** Whether every peer of the pool is UP again (after a test restarted what it killed). */
	public boolean allPeersUp() {
		return pool().getPeers().stream().allMatch((peer) -> peer.isUp());
	}

	public Response get(String path) {
		return send(HttpRequest.newBuilder(uri(path)).GET(), null);
	}

	public Response get(String path, String user) {
		return send(HttpRequest.newBuilder(uri(path)).GET(), user);
	}

	public Response post(String path, String jsonBody, String user) {
		return send(HttpRequest.newBuilder(uri(path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(jsonBody)), user);
	}

	private URI uri(String path) {
		int port = ((WebServerApplicationContext) this.context).getWebServer().getPort();
		return URI.create("http://127.0.0.1:" + port + path);
	}

	/** @param user {@code name} whose password is the name, or {@code null} for no credentials */
	private Response send(HttpRequest.Builder request, String user) {
		request.timeout(Duration.ofSeconds(10));
		if (user != null) {
			String credentials = Base64.getEncoder().encodeToString((user + ":" + user).getBytes(StandardCharsets.UTF_8));
			request.header("Authorization", "Basic " + credentials);
		}
		try {
			HttpResponse<String> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
			return new Response(response.statusCode(), response.body());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		this.context.close();
	}

	/** An HTTP response; {@link #json()} parses its body into maps and lists. */
	public record Response(int status, String body) {

		@SuppressWarnings("unchecked")
		public Map<String, Object> json() {
			return json.readValue(this.body, Map.class);
		}

	}

	/** Looks up {@code a.b.c} in nested maps. */
	@SuppressWarnings("unchecked")
	public static <T> T path(Map<String, Object> root, String path) {
		Object current = root;
		for (String key : path.split("\\.")) {
			current = (current instanceof Map<?, ?> map) ? map.get(key) : null;
		}
		return (T) current;
	}

	/** The application: auto-configuration only; actuator security off unless a test adds its own. */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	public static class Open {

		@Bean
		SecurityFilterChain openFilterChain(HttpSecurity http) throws Exception {
			return http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
				.csrf((csrf) -> csrf.disable())
				.build();
		}

		/** No users at all, so that Boot does not generate one (and log its password). */
		@Bean
		InMemoryUserDetailsManager noUsers() {
			return new InMemoryUserDetailsManager();
		}

	}

}
