package io.peerpool.autoconfigure.observability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.FaultProxy;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.MariaDbServer;

import static io.peerpool.autoconfigure.observability.ObservedApp.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A peer whose address moves to another MariaDB server behind a {@link FaultProxy}: health and
 * the endpoint show the new server, {@code peerpool.peer.server.changes} counts the change.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PeerPoolServerChangeObservabilityIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.peers(2);

	@Test
	void serverChangeBehindAPeerIsCountedAndShown() {
		MariaDbServer blue = db.server(0);
		MariaDbServer green = db.server(1);
		try (FaultProxy proxy = FaultProxy.to(blue).start();
				ObservedApp app = ObservedApp.start(ObservedApp.Open.class, properties(proxy, blue))) {
			MeterRegistry registry = app.context().getBean(MeterRegistry.class);
			Counter changes = registry.get("peerpool.peer.server.changes")
				.tags("pool", "default", "peer", "vip", "role", "primary")
				.counter();
			assertThat(changes.count()).isZero();
			assertThat(server(app)).contains("server_id=" + blue.serverId());

			proxy.switchUpstream(green);
			// the next probe opens a new connection, which sees the other server
			await().atMost(Duration.ofSeconds(30)).until(() -> changes.count() == 1.0);
			assertThat(server(app)).contains("server_id=" + green.serverId());
			Map<String, Object> endpoint = app.get("/actuator/peerpool/default").json();
			assertThat(endpoint.toString()).contains("server=MariaDB").contains("server_id=" + green.serverId());
			assertThat(path(app.get("/actuator/health").json(), "status").toString()).isEqualTo("UP");
		}
	}

	private static List<String> properties(FaultProxy proxy, MariaDbServer blue) {
		List<String> properties = new ArrayList<>(
				ObservedApp.peer("vip", proxy.jdbcUrl(blue, JdbcDriver.MARIADB), blue));
		properties.add("management.endpoints.web.exposure.include=health,peerpool");
		return properties;
	}

	private static String server(ObservedApp app) {
		return path(app.get("/actuator/health").json(), "components.peerpool.components.default.details.peers.vip.server");
	}

}
