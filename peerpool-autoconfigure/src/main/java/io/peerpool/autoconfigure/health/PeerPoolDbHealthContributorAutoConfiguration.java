package io.peerpool.autoconfigure.health;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import javax.sql.DataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.SimpleAutowireCandidateResolver;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.jdbc.autoconfigure.health.DataSourceHealthContributorAutoConfiguration;
import org.springframework.boot.jdbc.health.DataSourceHealthIndicator;
import org.springframework.boot.jdbc.metadata.CompositeDataSourcePoolMetadataProvider;
import org.springframework.boot.jdbc.metadata.DataSourcePoolMetadata;
import org.springframework.boot.jdbc.metadata.DataSourcePoolMetadataProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.datasource.lookup.AbstractRoutingDataSource;

import io.peerpool.PeerPoolDataSource;
import io.peerpool.autoconfigure.PeerPoolAutoConfiguration;
import io.peerpool.autoconfigure.PeerPoolBeans;
import io.peerpool.health.PeerPoolDbHealthIndicator;

/**
 * Boot's {@code db} health contributor, with each peerpool pool checked as the one
 * {@code DataSource} the application sees.
 *
 * <p>Why peerpool replaces it: Boot's own contributor treats every {@code AbstractRoutingDataSource}
 * as a set of independent databases and checks each target, so one dead peer would make the
 * whole application DOWN, which is exactly what peerpool exists to prevent. Boot's switch
 * {@code management.health.db.ignore-routing-data-sources=true} is no way out either: it drops
 * the routing data sources and fails at startup ("'beans' must not be empty") when they are the
 * only ones. So this contributor (bean name {@code dbHealthContributor}, before which Boot's backs
 * off) checks a pool with a real connection through peerpool, which fails over like the
 * application's own connections: {@code db} is DOWN only when no peer can serve, and at once when
 * no peer is UP ({@link PeerPoolDbHealthIndicator}). Every other
 * {@code DataSource} is checked as Boot checks it, routing ones per target unless
 * {@code management.health.db.ignore-routing-data-sources} is set.
 */
@AutoConfiguration(after = PeerPoolAutoConfiguration.class, before = DataSourceHealthContributorAutoConfiguration.class)
@ConditionalOnClass({ HealthContributor.class, DataSourceHealthIndicator.class })
@ConditionalOnBean(PeerPoolDataSource.class)
@ConditionalOnEnabledHealthIndicator("db")
public final class PeerPoolDbHealthContributorAutoConfiguration {

	private static final String IGNORE_ROUTING = "management.health.db.ignore-routing-data-sources";

	@Bean
	@ConditionalOnMissingBean(name = { "dbHealthIndicator", "dbHealthContributor" })
	HealthContributor dbHealthContributor(ConfigurableListableBeanFactory beanFactory, Environment environment,
			ObjectProvider<DataSourcePoolMetadataProvider> metadataProviders) {
		DataSourcePoolMetadataProvider metadata = new CompositeDataSourcePoolMetadataProvider(
				metadataProviders.orderedStream().toList());
		boolean ignoreRouting = environment.getProperty(IGNORE_ROUTING, Boolean.class, false);
		Map<String, DataSource> dataSources = SimpleAutowireCandidateResolver.resolveAutowireCandidates(beanFactory,
				DataSource.class, false, true);
		Map<String, HealthContributor> contributors = new LinkedHashMap<>();
		dataSources.forEach((name, dataSource) -> {
			HealthContributor contributor = contributor(dataSource, metadata, ignoreRouting);
			if (contributor != null) {
				contributors.put(name, contributor);
			}
		});
		return (contributors.size() == 1) ? contributors.values().iterator().next()
				: CompositeHealthContributor.fromMap(contributors);
	}

	private static HealthContributor contributor(DataSource dataSource, DataSourcePoolMetadataProvider metadata,
			boolean ignoreRouting) {
		PeerPoolDataSource pool = PeerPoolBeans.unwrap(dataSource);
		if (pool != null) {
			// the pool as a whole: the check's connection goes to a healthy peer
			return new PeerPoolDbHealthIndicator(dataSource, pool);
		}
		AbstractRoutingDataSource routing = routing(dataSource);
		if (routing == null) {
			return indicator(dataSource, metadata);
		}
		if (ignoreRouting) {
			return null;
		}
		Map<String, DataSource> targets = new LinkedHashMap<>();
		routing.getResolvedDataSources()
			.forEach((key, target) -> targets.put(Objects.toString(key, "unnamed"), target));
		return CompositeHealthContributor.fromMap(targets, (target) -> indicator(target, metadata));
	}

	private static DataSourceHealthIndicator indicator(DataSource dataSource, DataSourcePoolMetadataProvider metadata) {
		DataSourcePoolMetadata pool = metadata.getDataSourcePoolMetadata(dataSource);
		return new DataSourceHealthIndicator(dataSource, (pool != null) ? pool.getValidationQuery() : null);
	}

	private static AbstractRoutingDataSource routing(DataSource dataSource) {
		if (dataSource instanceof AbstractRoutingDataSource routing) {
			return routing;
		}
		try {
			return dataSource.isWrapperFor(AbstractRoutingDataSource.class)
					? dataSource.unwrap(AbstractRoutingDataSource.class) : null;
		}
		catch (Exception ex) {
			return null;
		}
	}

}
