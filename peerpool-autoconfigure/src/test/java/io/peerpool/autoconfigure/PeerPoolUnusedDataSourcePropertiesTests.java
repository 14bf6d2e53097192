package io.peerpool.autoconfigure;

import java.sql.Connection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import io.peerpool.PeerPoolDataSource;
import io.peerpool.PeerPoolSettings.PeerConfig;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application moved onto peerpool keeps its {@code spring.datasource.url} and
 * {@code spring.datasource.hikari.*}: they configure nothing then, and one WARN says which and where
 * they belong, without their values.
 */
@ExtendWith(OutputCaptureExtension.class)
class PeerPoolUnusedDataSourcePropertiesTests {

	private static final String P = "spring.datasource.peerpool";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PeerPoolAutoConfiguration.class, DataSourceAutoConfiguration.class))
		.withBean(PoolSizes.class);

	@Test
	void bootsOwnDataSourcePropertiesBesidePeersAreNamedInOneWarnWithWhereTheyBelong(CapturedOutput output) {
		this.runner
			.withPropertyValues(P + ".peers.a.url=jdbc:h2:mem:unused-a", "spring.datasource.url=jdbc:h2:mem:old",
					"spring.datasource.password=s3cret-value", "spring.datasource.hikari.maximum-pool-size=30",
					"spring.datasource.hikari.connection-init-sql=SET @app = 1")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(PeerPoolDataSource.class);
				// what the WARN is for: the pool size Boot would have applied is not the peer's (HikariCP's default)
				try (Connection connection = context.getBean(PeerPoolDataSource.class).getConnection()) {
					connection.createStatement().execute("SELECT 1");
				}
				assertThat(context.getBean(PoolSizes.class).sizes).containsEntry("a", 10);
				assertThat(output).containsPattern("WARN.*spring.datasource.hikari.connection-init-sql, "
						+ "spring.datasource.hikari.maximum-pool-size, spring.datasource.password, "
						+ "spring.datasource.url are set but not used")
					.contains("spring.datasource.peerpool.hikari.maximum-pool-size")
					.contains("spring.datasource.peerpool.peers.<peer>.url")
					.doesNotContain("s3cret-value")
					.doesNotContain("jdbc:h2:mem:old");
				assertThat(output.toString().split("set but not used", -1)).hasSize(2);
			});
	}

	@Test
	void environmentVariablesAreFoundToo() {
		StandardEnvironment environment = new StandardEnvironment();
		// replaces the process's own: what Boot reads as environment variables is a source of this name
		environment.getPropertySources()
			.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new SystemEnvironmentPropertySource(
					StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of("SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE", "30", "SPRING_DATASOURCE_USERNAME", "app")));
		environment.getPropertySources()
			.addLast(new MapPropertySource("other", Map.of(P + ".hikari.maximum-pool-size", "5",
					"spring.datasource.name", "kept")));
		assertThat(UnusedDataSourceProperties.find(environment)).containsExactly(
				"spring.datasource.hikari.maximumpoolsize", "spring.datasource.username");
	}

	@Test
	void peerpoolsOwnHikariSettingsAreNotWarnedAbout(CapturedOutput output) {
		this.runner
			.withPropertyValues(P + ".peers.a.url=jdbc:h2:mem:unused-b", P + ".hikari.maximum-pool-size=30",
					P + ".peers.a.hikari.minimum-idle=1")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).doesNotContain("set but not used");
			});
	}

	@Test
	void withoutPeersBootsDataSourceUsesThemAndNothingIsWarned(CapturedOutput output) {
		this.runner
			.withPropertyValues("spring.datasource.url=jdbc:h2:mem:plain-boot",
					"spring.datasource.hikari.maximum-pool-size=30")
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(PeerPoolDataSource.class);
				assertThat(context.getBean(HikariDataSource.class).getMaximumPoolSize()).isEqualTo(30);
				assertThat(output).doesNotContain("set but not used");
			});
	}

	/** The maximum pool size each peer's pool started with. */
	static final class PoolSizes implements PeerHikariConfigCustomizer {

		final Map<String, Integer> sizes = new ConcurrentHashMap<>();

		@Override
		public void customize(PeerConfig peer, HikariConfig config) {
			this.sizes.put(peer.name(), config.getMaximumPoolSize());
		}

	}

}
