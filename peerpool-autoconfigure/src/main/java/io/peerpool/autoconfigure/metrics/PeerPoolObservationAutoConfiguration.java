package io.peerpool.autoconfigure.metrics;

import javax.sql.DataSource;

import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import io.peerpool.PeerPoolDataSource;
import io.peerpool.autoconfigure.PeerPoolAutoConfiguration;
import io.peerpool.autoconfigure.PeerPoolBeans;
import io.peerpool.metrics.AcquisitionObservations;

/**
 * A Micrometer observation {@code peerpool.acquire} per physical acquisition of every pool, when
 * an {@link ObservationRegistry} is present (Boot's observation auto-configuration, tracing).
 */
@AutoConfiguration(after = PeerPoolAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBean({ ObservationRegistry.class, PeerPoolDataSource.class })
public final class PeerPoolObservationAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	AcquisitionObservations peerPoolAcquisitionObservations(ObjectProvider<ObservationRegistry> registry) {
		return new AcquisitionObservations(registry.getObject());
	}

	@Bean
	SmartInitializingSingleton peerPoolAcquisitionObserverInstaller(AcquisitionObservations observations,
			ObjectProvider<DataSource> dataSources) {
		return () -> PeerPoolBeans.find(dataSources).forEach((pool) -> pool.setAcquisitionObserver(observations));
	}

}
