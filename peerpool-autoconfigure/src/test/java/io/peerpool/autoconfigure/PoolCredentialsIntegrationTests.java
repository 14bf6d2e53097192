package io.peerpool.autoconfigure;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import io.peerpool.PeerInfo;
import io.peerpool.PeerPool;
import io.peerpool.PeerState;
import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.MariaDbServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The application's database user given once, at the top level, for two real MariaDB peers that
 * name only their URLs: both connect with it (the kit's least-privilege user). A peer's own
 * password wins over it: here a wrong one, which makes that peer DOWN for authentication while
 * the other serves, so the inherited credentials are the ones really sent.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PoolCredentialsIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.peers(2);

	private static final String P = "spring.datasource.peerpool";

	private ApplicationContextRunner runner() {
		MariaDbServer first = db.server(0);
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PeerPoolAutoConfiguration.class, DataSourceAutoConfiguration.class))
			.withPropertyValues(P + ".username=" + first.username(), P + ".password=" + first.password(),
					P + ".balance=round-robin", P + ".probe-interval=200ms", P + ".check-interval=1s",
					P + ".peers.a.url=" + db.server(0).jdbcUrl(JdbcDriver.MARIADB),
					P + ".peers.b.url=" + db.server(1).jdbcUrl(JdbcDriver.MARIADB));
	}

	@Test
	void peersThatNameOnlyTheirUrlConnectWithTheTopLevelUser() {
		runner().run((context) -> {
			PeerPool pool = context.getBean(PeerPool.class);
			await().atMost(Duration.ofSeconds(20)).until(() -> pool.getPeers().stream().allMatch(PeerInfo::isUp));
			JdbcTemplate jdbc = new JdbcTemplate(context.getBean(javax.sql.DataSource.class));
			Set<Integer> ports = new HashSet<>();
			for (int i = 0; i < 4; i++) {
				ports.add(jdbc.queryForObject("SELECT @@port", Integer.class));
			}
			assertThat(ports).containsExactlyInAnyOrder(db.server(0).port(), db.server(1).port());
			assertThat(jdbc.queryForObject("SELECT CURRENT_USER()", String.class))
				.startsWith(db.server(0).username() + "@");
		});
	}

	@Test
	void aPeersOwnPasswordWinsOverTheInheritedOne() {
		runner().withPropertyValues(P + ".peers.b.password=not-the-password").run((context) -> {
			PeerPool pool = context.getBean(PeerPool.class);
			await().atMost(Duration.ofSeconds(20)).until(() -> pool.getPeer("b").state() == PeerState.DOWN
					&& "auth".equals(pool.getPeer("b").failureReason()));
			assertThat(pool.getPeer("a").isUp()).isTrue();
			JdbcTemplate jdbc = new JdbcTemplate(context.getBean(javax.sql.DataSource.class));
			assertThat(jdbc.queryForObject("SELECT @@port", Integer.class)).isEqualTo(db.server(0).port());
		});
	}

}
