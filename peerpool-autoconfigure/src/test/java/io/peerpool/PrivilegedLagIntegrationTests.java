package io.peerpool;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.peerpool.balance.Balance;
import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.SteadyWrites;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.MariaDbServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * Where the application user may read the server's own lag ({@code SLAVE MONITOR}, asked for by
 * name), that figure is used: {@code lagSource: server}.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PrivilegedLagIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.primaryWithReplicas(1).withApplicationGrants("SLAVE MONITOR");

	@Test
	void theServersOwnFigureIsUsedWhereTheUserMaySeeIt() throws Exception {
		try (Connection connection = db.primary().connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS ticks (id BIGINT AUTO_INCREMENT PRIMARY KEY)");
		}
		MariaDbServer replica = db.replicas().get(0);
		SteadyWrites writes = SteadyWrites.start(db.primary(), "INSERT INTO ticks () VALUES ()", Duration.ofMillis(20));
		db.lag(replica, Duration.ofSeconds(3));
		PeerPoolSettings settings = new PeerPoolSettings("privileged", Balance.ROUND_ROBIN, Duration.ofSeconds(1),
				Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(5), null, false,
				Duration.ofSeconds(10), ReadYourWrites.NONE, Duration.ofSeconds(5));
		try (PeerPoolDataSource pool = TestPools.over(settings, db.servers(), JdbcDriver.MARIADB, (s) -> PeerRole.AUTO)) {
			await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
				PeerInfo info = pool.getPeers().stream().filter((peer) -> peer.name().equals(replica.name())).findFirst()
					.orElseThrow();
				assertThat(info.lagSource()).isEqualTo("server");
				assertThat(info.lagSeconds()).isNotNull().isCloseTo(3.0, within(1.0));
			});
		}
		finally {
			writes.close();
			db.lag(replica, Duration.ZERO);
		}
	}

}
