package io.peerpool.autoconfigure.metrics;

import java.time.Duration;
import java.util.Map;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.peerpool.PeerRole;
import io.peerpool.autoconfigure.PeerHikariConfigCustomizer;
import io.peerpool.autoconfigure.PeerPoolAutoConfiguration;
import io.peerpool.metrics.PeerPoolHikariMetrics;
import io.peerpool.metrics.PeerPoolMetrics;
import io.peerpool.PeerPoolSettings.PeerConfig;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditions of the metrics auto-configuration, without servers (peers on a closed port are
 * simply DOWN, which also shows the meters of a peer that never came up).
 */
class PeerPoolMetricsAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PeerPoolAutoConfiguration.class, MetricsAutoConfiguration.class,
				CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
				PeerPoolMetricsAutoConfiguration.class))
		.withPropertyValues("spring.datasource.peerpool.pools.main.primary=true",
				"spring.datasource.peerpool.pools.main.peers.a.url=jdbc:mariadb://127.0.0.1:1/app",
				"spring.datasource.peerpool.pools.users.peers.b.url=jdbc:mariadb://127.0.0.1:2/app",
				"spring.datasource.peerpool.pools.users.peers.b.role=replica",
				"spring.datasource.peerpool.check-interval=1h");

	@Test
	void metersOfEveryPoolAndPeer() {
		this.contextRunner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("peerpool.peer.up").tags("pool", "main", "peer", "a", "role", "primary").gauge())
				.isNotNull();
			assertThat(registry.get("peerpool.connections.routed").tags("pool", "users", "peer", "b", "role", "replica")
				.functionCounter()).isNotNull();
			assertThat(registry.get("peerpool.peer.failures").tags("pool", "main", "reason", "auth").counter().count())
				.isZero();
		});
	}

	@Test
	void hikariMetersOnEveryPeersPoolThroughACustomizer() {
		this.contextRunner.run((context) -> {
			HikariConfig config = new HikariConfig();
			PeerConfig peer = new PeerConfig("main", "a", "jdbc:mariadb://127.0.0.1:1/app", null, null, null,
					PeerRole.AUTO, 1, Duration.ofSeconds(1), Map.of());
			context.getBeansOfType(PeerHikariConfigCustomizer.class)
				.values()
				.forEach((customizer) -> customizer.customize(peer, config));
			assertThat(config.getMetricsTrackerFactory()).isInstanceOf(MicrometerMetricsTrackerFactory.class);
		});
	}

	@Test
	void backsOffWithoutAMeterRegistry() {
		new ApplicationContextRunner().withConfiguration(
				AutoConfigurations.of(PeerPoolAutoConfiguration.class, PeerPoolMetricsAutoConfiguration.class))
			.withPropertyValues("spring.datasource.peerpool.peers.a.url=jdbc:mariadb://127.0.0.1:1/app")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(PeerPoolMetrics.class)
				.doesNotHaveBean(PeerPoolHikariMetrics.class));
	}

	@Test
	void backsOffWithoutMicrometer() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("io.micrometer.core"))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(PeerPoolMetrics.class));
	}

}
