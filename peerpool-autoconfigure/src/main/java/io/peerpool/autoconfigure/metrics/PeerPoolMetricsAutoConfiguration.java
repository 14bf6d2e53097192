package io.peerpool.autoconfigure.metrics;

import javax.sql.DataSource;

import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import io.peerpool.PeerPoolDataSource;
import io.peerpool.autoconfigure.PeerHikariConfigCustomizer;
import io.peerpool.autoconfigure.PeerPoolAutoConfiguration;
import io.peerpool.autoconfigure.PeerPoolBeans;
import io.peerpool.metrics.PeerPoolHikariMetrics;
import io.peerpool.metrics.PeerPoolMetrics;

/**
 * Micrometer meters of the pools ({@link PeerPoolMetrics}) and HikariCP's meters of every peer's
 * pool ({@link PeerPoolHikariMetrics}), when Micrometer and a {@link MeterRegistry} are present.
 */
@AutoConfiguration(after = PeerPoolAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MeterRegistry.class, PeerPoolDataSource.class })
public final class PeerPoolMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	PeerPoolMetrics peerPoolMetrics(ObjectProvider<DataSource> dataSources) {
		return new PeerPoolMetrics(() -> PeerPoolBeans.find(dataSources));
	}

	@Bean
	@ConditionalOnClass(MicrometerMetricsTrackerFactory.class)
	@ConditionalOnMissingBean
	PeerPoolHikariMetrics peerPoolHikariMetrics(ObjectProvider<MeterRegistry> registry) {
		return new PeerPoolHikariMetrics(registry);
	}

	/** Applies {@link PeerPoolHikariMetrics} (the application's own bean, if it has one) to every peer's pool. */
	@Bean
	@ConditionalOnClass(MicrometerMetricsTrackerFactory.class)
	PeerHikariConfigCustomizer peerPoolHikariMetricsCustomizer(ObjectProvider<PeerPoolHikariMetrics> metrics) {
		return (peer, config) -> metrics.ifAvailable((hikariMetrics) -> hikariMetrics.customize(config));
	}

}
