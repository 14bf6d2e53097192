package io.peerpool.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata that IDEs read: the processor's own (top-level keys) merged with the
 * hand-written part for the keys it cannot see inside maps ({@code pools.*}, {@code peers.*}) and
 * the value hints.
 */
class PeerPoolConfigurationMetadataTests {

	private static final String P = "spring.datasource.peerpool.";

	@Test
	void describesEveryPerPoolAndPerPeerKey() throws IOException {
		Map<String, Map<String, Object>> properties = byName(metadata().get("properties"));
		assertThat(properties).containsKeys(P + "check-interval", P + "balance", P + "web.pin-cookie.secret");
		assertThat(properties).containsKeys(P + "pools.*.primary", P + "pools.*.check-interval",
				P + "pools.*.probe-interval", P + "pools.*.probe-timeout", P + "pools.*.connect-timeout",
				P + "pools.*.acquire-timeout", P + "pools.*.balance", P + "pools.*.read-write-split",
				P + "pools.*.reads-include-primary", P + "pools.*.max-replica-lag", P + "pools.*.read-your-writes",
				P + "pools.*.pin-duration", P + "pools.*.unknown-lag", P + "pools.*.galera-writers",
				P + "pools.*.heartbeat-interval",
				P + "pools.*.hikari", P + "pools.*.peers");
		for (String peer : List.of(P + "peers.*.", P + "pools.*.peers.*.")) {
			assertThat(properties).containsKeys(peer + "url", peer + "username", peer + "password",
					peer + "driver-class-name", peer + "role", peer + "weight", peer + "connect-timeout",
					peer + "hikari");
			assertThat(properties.get(peer + "role")).containsEntry("type", "io.peerpool.PeerRole")
				.containsEntry("defaultValue", "primary");
		}
		assertThat(properties.values()).allSatisfy(
				(property) -> assertThat((String) property.get("description")).as("%s", property.get("name")).isNotBlank());
	}

	@Test
	void hintsTheValuesOfRoleBalanceReadYourWritesUnknownLagAndGaleraWriters() throws IOException {
		Map<String, Map<String, Object>> hints = byName(metadata().get("hints"));
		for (String scope : List.of(P, P + "pools.*.")) {
			assertThat(values(hints, scope + "balance")).containsExactly("random", "round-robin", "least-connections",
					"sequential", "weighted");
			assertThat(values(hints, scope + "read-your-writes")).containsExactly("pin", "gtid", "none");
			assertThat(values(hints, scope + "unknown-lag")).containsExactly("exclude", "include");
			assertThat(values(hints, scope + "galera-writers")).containsExactly("one", "all");
		}
		for (String peer : List.of(P + "peers.*.", P + "pools.*.peers.*.")) {
			assertThat(values(hints, peer + "role")).containsExactly("primary", "replica", "auto");
		}
	}

	@SuppressWarnings("unchecked")
	private static List<String> values(Map<String, Map<String, Object>> hints, String name) {
		assertThat(hints).as("hints").containsKey(name);
		List<Map<String, Object>> values = (List<Map<String, Object>>) hints.get(name).get("values");
		assertThat(values).allSatisfy((value) -> assertThat(value.get("description")).isNotNull());
		return values.stream().map((value) -> (String) value.get("value")).toList();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Map<String, Object>> byName(Object entries) {
		Map<String, Map<String, Object>> byName = new java.util.LinkedHashMap<>();
		for (Map<String, Object> entry : (List<Map<String, Object>>) entries) {
			byName.put((String) entry.get("name"), entry);
		}
		return byName;
	}

	/** The generated file of this module (every Boot jar on the classpath has one too). */
	@SuppressWarnings("unchecked")
	private static Map<String, Object> metadata() throws IOException {
		JsonMapper json = JsonMapper.builder().build();
		for (URL url : Collections.list(getClassLoader().getResources("META-INF/spring-configuration-metadata.json"))) {
			try (InputStream in = url.openStream()) {
				Map<String, Object> metadata = json.readValue(in, Map.class);
				List<Map<String, Object>> groups = (List<Map<String, Object>>) metadata.get("groups");
				if (groups != null && groups.stream().anyMatch((group) -> "spring.datasource.peerpool".equals(group.get("name")))) {
					return metadata;
				}
			}
		}
		throw new AssertionError("No spring-configuration-metadata.json of peerpool on the classpath");
	}

	private static ClassLoader getClassLoader() {
		return PeerPoolConfigurationMetadataTests.class.getClassLoader();
	}

}
