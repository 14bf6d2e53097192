package io.peerpool.autoconfigure;

import java.time.Clock;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

import io.peerpool.PeerPoolListener;
import io.peerpool.PeerProbe;
import io.peerpool.failure.DefaultPeerFailureClassifier;
import io.peerpool.failure.PeerFailureClassifier;

/**
 * Auto-configuration of peerpool: one {@code DataSource} bean per configured pool, before Boot's
 * own {@link DataSourceAutoConfiguration}, which then backs off. Does nothing without peers, when
 * disabled, when the application defines its own {@code DataSource}, or when a service connection
 * gives Boot's DataSource its server ({@link JdbcConnectionDetails}: {@code @ServiceConnection} on a
 * Testcontainers container, Docker Compose support): a test of the application then runs against
 * its container, as without peerpool. Boot registers its own {@code JdbcConnectionDetails} (from
 * {@code spring.datasource.*}) only after this has decided, and only without peerpool's DataSource.
 */
@AutoConfiguration(before = DataSourceAutoConfiguration.class)
@ConditionalOnClass({ DataSource.class, HikariDataSource.class })
@ConditionalOnProperty(prefix = "spring.datasource.peerpool", name = "enabled", matchIfMissing = true)
@ConditionalOnPeersConfigured
@ConditionalOnMissingBean({ DataSource.class, JdbcConnectionDetails.class })
@EnableConfigurationProperties(PeerPoolProperties.class)
@Import(PeerPoolBeanRegistrar.class)
public final class PeerPoolAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	PeerFailureClassifier peerFailureClassifier() {
		return new DefaultPeerFailureClassifier();
	}

	@Bean
	@ConditionalOnMissingBean
	PeerProbe peerProbe() {
		return PeerProbe.standard();
	}

	@Bean(PeerPoolBeanRegistrar.FACTORY_BEAN_NAME)
	static PeerPoolDataSourceFactory peerPoolDataSourceFactory(Environment environment,
			ObjectProvider<PeerProbe> probe, ObjectProvider<PeerFailureClassifier> classifier,
			ObjectProvider<PeerHikariConfigCustomizer> customizers, ObjectProvider<PeerPoolListener> listeners) {
		UnusedDataSourceProperties.warnIfSet(environment);
		return new PeerPoolDataSourceFactory(PeerPoolConfigurations.resolve(environment),
				probe.getIfAvailable(PeerProbe::standard),
				classifier.getIfAvailable(DefaultPeerFailureClassifier::new), customizers.orderedStream().toList(),
				listeners, Clock.systemUTC());
	}

}
