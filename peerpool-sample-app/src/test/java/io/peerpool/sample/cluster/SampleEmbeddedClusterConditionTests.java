package io.peerpool.sample.cluster;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the sample must not start its own servers (each case returns before starting anything,
 * so these tests need no database).
 */
class SampleEmbeddedClusterConditionTests {

	private final EmbeddedClusterEnvironmentPostProcessor postProcessor = new EmbeddedClusterEnvironmentPostProcessor();

	@Test
	void configuredPeersKeepTheEmbeddedClusterOff() {
		MockEnvironment environment = new MockEnvironment()
			.withProperty("spring.datasource.peerpool.peers.db0.url", "jdbc:mariadb://db0/app");
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getPropertySources().contains(EmbeddedClusterEnvironmentPostProcessor.PROPERTY_SOURCE_NAME))
			.isFalse();
	}

	@Test
	void configuredPoolsKeepTheEmbeddedClusterOff() {
		MockEnvironment environment = new MockEnvironment()
			.withProperty("spring.datasource.peerpool.pools.main.peers.db0.url", "jdbc:mariadb://db0/app");
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty(EmbeddedClusterEnvironmentPostProcessor.IN_USE_PROPERTY)).isNull();
	}

	@Test
	void theExternalProfileKeepsTheEmbeddedClusterOff() {
		MockEnvironment environment = new MockEnvironment();
		environment.setActiveProfiles("external");
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty(EmbeddedClusterEnvironmentPostProcessor.IN_USE_PROPERTY)).isNull();
	}

	@Test
	void itCanBeSwitchedOff() {
		MockEnvironment environment = new MockEnvironment()
			.withProperty("peerpool.sample.embedded-cluster.enabled", "false");
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty(EmbeddedClusterEnvironmentPostProcessor.IN_USE_PROPERTY)).isNull();
	}

}
