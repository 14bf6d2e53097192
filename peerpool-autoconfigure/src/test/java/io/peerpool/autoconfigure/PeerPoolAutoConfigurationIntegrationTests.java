package io.peerpool.autoconfigure;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import io.peerpool.PeerPool;
import io.peerpool.PeerPoolDataSource;
import io.peerpool.PeerState;
import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.MariaDbServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Auto-configuration against real MariaDB peers: beans, qualifiers, back-off, independence of pools. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@ExtendWith(OutputCaptureExtension.class)
class PeerPoolAutoConfigurationIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.peers(4);

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(AutoConfigurations
		.of(PeerPoolAutoConfiguration.class, DataSourceAutoConfiguration.class, JdbcTemplateAutoConfiguration.class));

	private static String[] peer(String prefix, MariaDbServer server) {
		return new String[] { prefix + ".url=" + server.jdbcUrl(JdbcDriver.MARIADB),
				prefix + ".username=" + server.username(), prefix + ".password=" + server.password() };
	}

	@Test
	void singlePoolShorthandRegistersPrimaryDataSourceNamedDataSourceThatBootsJdbcTemplateUses() {
		this.runner.withPropertyValues(peer("spring.datasource.peerpool.peers.peer0", db.server(0)))
			.withPropertyValues(peer("spring.datasource.peerpool.peers.peer1", db.server(1)))
			.run((context) -> {
				assertThat(context).hasSingleBean(DataSource.class);
				assertThat(context.getBean("dataSource")).isInstanceOf(PeerPoolDataSource.class);
				assertThat(context.getBean(PeerPool.class).getName()).isEqualTo("default");
				assertThat(context.getBean(DataSource.class).unwrap(PeerPool.class).getPeers()).hasSize(2);
				Integer port = context.getBean(JdbcTemplate.class).queryForObject("SELECT @@port", Integer.class);
				assertThat(port).isIn(db.server(0).port(), db.server(1).port());
			});
	}

	@Test
	void twoPoolsAreInjectedByQualifierRouteOnlyToTheirOwnPeersAndFailIndependently() {
		this.runner.withUserConfiguration(TwoPoolClients.class)
			.withPropertyValues("spring.datasource.peerpool.check-interval=1s",
					"spring.datasource.peerpool.probe-interval=300ms", "spring.datasource.peerpool.pools.main.primary=true",
					"spring.datasource.peerpool.pools.users.balance=round-robin")
			.withPropertyValues(peer("spring.datasource.peerpool.pools.main.peers.a", db.server(0)))
			.withPropertyValues(peer("spring.datasource.peerpool.pools.main.peers.b", db.server(1)))
			.withPropertyValues(peer("spring.datasource.peerpool.pools.users.peers.c", db.server(2)))
			.withPropertyValues(peer("spring.datasource.peerpool.pools.users.peers.d", db.server(3)))
			.run((context) -> {
				TwoPoolClients clients = context.getBean(TwoPoolClients.class);
				assertThat(((PeerPool) clients.main).getName()).isEqualTo("main");
				assertThat(((PeerPool) clients.users).getName()).isEqualTo("users");
				assertThat(context.getBean(DataSource.class)).as("the @Primary DataSource").isSameAs(clients.main);
				for (int i = 0; i < 20; i++) {
					assertThat(port(clients.main)).isIn(db.server(0).port(), db.server(1).port());
					assertThat(port(clients.users)).isIn(db.server(2).port(), db.server(3).port());
				}
				db.server(2).kill();
				try {
					await().atMost(Duration.ofSeconds(15))
						.until(() -> ((PeerPoolDataSource) clients.users).getPeer("c").state() == PeerState.DOWN);
					assertThat(((PeerPoolDataSource) clients.main).getPeers())
						.allSatisfy((peer) -> assertThat(peer.state()).isEqualTo(PeerState.UP));
					for (int i = 0; i < 10; i++) {
						assertThat(port(clients.users)).isEqualTo(db.server(3).port());
					}
				}
				finally {
					db.server(2).restart();
				}
			});
	}

	@Test
	void noPeersConfiguredLeavesBootsOwnDataSourceUnchanged() {
		this.runner.withPropertyValues("spring.datasource.url=jdbc:h2:mem:plain").run((context) -> {
			assertThat(context).hasSingleBean(DataSource.class);
			assertThat(context.getBean(DataSource.class)).isInstanceOf(HikariDataSource.class);
			assertThat(context).doesNotHaveBean(PeerPoolDataSource.class);
		});
	}

	@Test
	void disabledLeavesBootsOwnDataSourceUnchanged() {
		this.runner.withPropertyValues("spring.datasource.url=jdbc:h2:mem:plain", "spring.datasource.peerpool.enabled=false")
			.withPropertyValues(peer("spring.datasource.peerpool.peers.peer0", db.server(0)))
			.run((context) -> assertThat(context.getBean(DataSource.class)).isInstanceOf(HikariDataSource.class));
	}

	@Test
	void backsOffWhenTheApplicationDefinesItsOwnDataSource() {
		this.runner.withUserConfiguration(OwnDataSource.class)
			.withPropertyValues(peer("spring.datasource.peerpool.peers.peer0", db.server(0)))
			.run((context) -> {
				assertThat(context).hasSingleBean(DataSource.class);
				assertThat(context).doesNotHaveBean(PeerPoolDataSource.class);
			});
	}

	@Test
	void startsWhileEveryPeerIsDownAndServesOnceOneReturns(CapturedOutput output) {
		MariaDbServer server = db.server(3);
		server.kill();
		try {
			this.runner
				.withPropertyValues("spring.datasource.peerpool.check-interval=1s",
						"spring.datasource.peerpool.probe-interval=300ms")
				.withPropertyValues(peer("spring.datasource.peerpool.peers.only", server))
				.run((context) -> {
					assertThat(context).hasNotFailed();
					PeerPoolDataSource pool = context.getBean(PeerPoolDataSource.class);
					await().atMost(Duration.ofSeconds(10))
						.until(() -> pool.getPeer("only").state() == PeerState.DOWN);
					server.restart();
					await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> port(pool) == server.port());
				});
		}
		finally {
			if (!server.isRunning()) {
				server.restart();
			}
		}
		assertThat(output).doesNotContain("password=" + server.password()).doesNotContain(":" + server.password() + "@");
	}

	private static int port(DataSource dataSource) throws SQLException {
		return new JdbcTemplate(dataSource).queryForObject("SELECT @@port", Integer.class);
	}

	@Configuration(proxyBeanMethods = false)
	static class TwoPoolClients {

		final DataSource main;

		final DataSource users;

		TwoPoolClients(@Qualifier("main") DataSource main, @Qualifier("users") DataSource users) {
			this.main = main;
			this.users = users;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnDataSource {

		@Bean
		DataSource myDataSource() {
			HikariDataSource dataSource = new HikariDataSource();
			dataSource.setJdbcUrl("jdbc:h2:mem:own");
			return dataSource;
		}

	}

}
