package io.peerpool.autoconfigure.health;

import java.util.LinkedHashMap;
import java.util.Map;

import javax.sql.DataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.jdbc.autoconfigure.health.DataSourceHealthContributorAutoConfiguration;
import org.springframework.context.annotation.Bean;

import io.peerpool.PeerPoolDataSource;
import io.peerpool.autoconfigure.PeerPoolAutoConfiguration;
import io.peerpool.autoconfigure.PeerPoolBeans;
import io.peerpool.health.PeerPoolHealthIndicator;

/**
 * The {@code peerpool} health contributor: one component per pool, from in-memory state.
 */
@AutoConfiguration(after = PeerPoolAutoConfiguration.class, before = DataSourceHealthContributorAutoConfiguration.class)
@ConditionalOnClass(HealthContributor.class)
@ConditionalOnBean(PeerPoolDataSource.class)
@ConditionalOnEnabledHealthIndicator("peerpool")
public final class PeerPoolHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = { "peerpoolHealthIndicator", "peerpoolHealthContributor" })
	HealthContributor peerpoolHealthContributor(ObjectProvider<DataSource> dataSources) {
		Map<String, PeerPoolDataSource> pools = new LinkedHashMap<>();
		for (PeerPoolDataSource pool : PeerPoolBeans.find(dataSources)) {
			pools.put(pool.getName(), pool);
		}
		return CompositeHealthContributor.fromMap(pools, PeerPoolHealthIndicator::new);
	}

}
