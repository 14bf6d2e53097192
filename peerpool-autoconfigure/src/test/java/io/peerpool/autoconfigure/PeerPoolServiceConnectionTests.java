package io.peerpool.autoconfigure;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.peerpool.PeerPool;
import io.peerpool.PeerPoolDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A service connection ({@code @ServiceConnection} on a Testcontainers container, Docker Compose
 * support) in an application whose configuration names peers: Boot's DataSource serves the
 * container, as it would without peerpool, and peerpool steps aside as for a DataSource of the
 * application's own. Before, the tests of such an application went to the peers of its
 * {@code application.yml} instead of their container.
 */
class PeerPoolServiceConnectionTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PeerPoolAutoConfiguration.class, DataSourceAutoConfiguration.class))
		.withPropertyValues("spring.datasource.peerpool.peers.prod0.url=jdbc:mariadb://127.0.0.1:1/app",
				"spring.datasource.peerpool.peers.prod1.url=jdbc:mariadb://127.0.0.1:2/app",
				"spring.datasource.peerpool.check-interval=1h");

	@Test
	void aServiceConnectionIsServedByBootsDataSourceAndPeerpoolStepsAside() {
		this.runner.withBean(JdbcConnectionDetails.class, Container::new).run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(PeerPoolDataSource.class).doesNotHaveBean(PeerPool.class);
			DataSource dataSource = context.getBean(DataSource.class);
			assertThat(dataSource).isInstanceOf(HikariDataSource.class);
			assertThat(((HikariDataSource) dataSource).getJdbcUrl()).isEqualTo("jdbc:h2:mem:container");
		});
	}

	@Test
	void withoutOneThePeersAreServed() {
		this.runner.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(PeerPoolDataSource.class));
	}

	/** What a container's {@code @ServiceConnection} registers. */
	static final class Container implements JdbcConnectionDetails {

		@Override
		public String getUsername() {
			return "sa";
		}

		@Override
		public String getPassword() {
			return "";
		}

		@Override
		public String getJdbcUrl() {
			return "jdbc:h2:mem:container";
		}

	}

}
