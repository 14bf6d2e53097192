package io.peerpool;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.peerpool.PeerPoolSettings.PeerConfig;
import io.peerpool.balance.Balance;
import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.FaultProxy;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.MariaDbServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A MariaDB peer whose address moves to another server (another server_id): eviction and event. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MariaDbServerChangeIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.peers(2);

	@Test
	void peerWhoseAddressMovesToAnotherServerEvictsItsConnectionsAndPublishesAnEvent() throws Exception {
		MariaDbServer blue = db.server(0);
		MariaDbServer green = db.server(1);
		List<PeerServerChangedEvent> events = new CopyOnWriteArrayList<>();
		try (FaultProxy proxy = FaultProxy.to(blue).start()) {
			PeerPoolSettings settings = new PeerPoolSettings("vip", Balance.RANDOM, Duration.ofSeconds(2),
					Duration.ofMillis(300), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(5));
			PeerConfig peer = new PeerConfig("vip", "db", proxy.jdbcUrl(blue, JdbcDriver.MARIADB), blue.username(),
					blue.password(), null, PeerRole.PRIMARY, 1, Duration.ofSeconds(1),
					Map.of("maximum-pool-size", "4", "minimum-idle", "4"));
			try (PeerPoolDataSource pool = PeerPoolDataSource.builder(settings.name())
				.settings(settings)
				.peer(peer)
				.probe(PeerProbe.validity())
				.buildUnstarted()) {
				pool.setApplicationEventPublisher((event) -> events.add((PeerServerChangedEvent) event));
				pool.start();
				try (ServerChangeLoad load = new ServerChangeLoad(pool, 4, MariaDbServerChangeIntegrationTests::serverId)) {
					await().atMost(Duration.ofSeconds(20)).until(() -> load.runs().size() > 50);
					assertThat(pool.getPeers().get(0).server()).contains("server_id=" + blue.serverId());

					proxy.switchUpstream(green);
					await().atMost(Duration.ofSeconds(20)).until(() -> !events.isEmpty());
					long changedAt = System.nanoTime();
					await().atMost(Duration.ofSeconds(30)).until(() -> load.startedAfter(changedAt).size() > 100);
					assertThat(load.startedAfter(changedAt)).as("transactions after the change")
						.allSatisfy((run) -> assertThat(run.server()).isEqualTo(Integer.toString(green.serverId())));
					assertThat(load.runs()).allSatisfy((run) -> assertThat(run.failure()).isNull());
				}
				assertThat(events).hasSize(1);
				assertThat(events.get(0).getPrevious().id()).isEqualTo("server_id=" + blue.serverId());
				assertThat(events.get(0).getCurrent().id()).isEqualTo("server_id=" + green.serverId());
			}
		}
	}

	private static String serverId(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT @@server_id")) {
			result.next();
			return result.getString(1);
		}
	}

}
