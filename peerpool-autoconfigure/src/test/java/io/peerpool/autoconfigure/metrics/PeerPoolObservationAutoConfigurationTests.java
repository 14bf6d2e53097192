package io.peerpool.autoconfigure.metrics;

import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.peerpool.autoconfigure.PeerPoolAutoConfiguration;
import io.peerpool.metrics.AcquisitionObservations;

import static org.assertj.core.api.Assertions.assertThat;

/** The acquisition observation is set on every pool when an ObservationRegistry exists. */
class PeerPoolObservationAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(PeerPoolAutoConfiguration.class, PeerPoolObservationAutoConfiguration.class))
		.withPropertyValues("spring.datasource.peerpool.peers.a.url=jdbc:mariadb://127.0.0.1:1/app",
				"spring.datasource.peerpool.check-interval=1h");

	@Test
	void anObservationRegistryGetsTheObservationsOfEveryPool() {
		this.contextRunner.withBean(ObservationRegistry.class, ObservationRegistry::create)
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(AcquisitionObservations.class));
	}

	@Test
	void backsOffWithoutAnObservationRegistry() {
		this.contextRunner
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(AcquisitionObservations.class));
	}

	@Test
	void backsOffWithoutMicrometerObservation() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("io.micrometer.observation"))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(AcquisitionObservations.class));
	}

}
