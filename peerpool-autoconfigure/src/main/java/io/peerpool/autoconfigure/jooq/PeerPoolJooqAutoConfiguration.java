package io.peerpool.autoconfigure.jooq;

import java.util.Objects;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.jooq.autoconfigure.DefaultConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import io.peerpool.PeerInfo;
import io.peerpool.PeerPoolDataSource;
import io.peerpool.autoconfigure.PeerPoolAutoConfiguration;
import io.peerpool.autoconfigure.PeerPoolBeans;
import io.peerpool.dialect.Dialect;

/**
 * jOOQ's dialect where no peer answered at startup. Boot's jOOQ auto-configuration asks a
 * connection for the dialect once; peerpool starts with its peers down, and then that lookup
 * found none and left jOOQ on {@code DEFAULT} (SQL of no product) for the application's life,
 * logging only a WARN. The dialect comes from the peers' URLs instead. A configured
 * {@code spring.jooq.sql-dialect}, and a dialect the lookup found, are kept.
 */
@AutoConfiguration(after = PeerPoolAutoConfiguration.class,
		beforeName = "org.springframework.boot.jooq.autoconfigure.JooqAutoConfiguration")
@ConditionalOnClass({ DSLContext.class, DefaultConfigurationCustomizer.class })
@ConditionalOnBean(PeerPoolDataSource.class)
public final class PeerPoolJooqAutoConfiguration {

	private static final Log logger = LogFactory.getLog(PeerPoolJooqAutoConfiguration.class);

	@Bean
	DefaultConfigurationCustomizer peerPoolJooqDialect(ObjectProvider<DataSource> dataSource, Environment environment) {
		return (configuration) -> {
			if (configuration.dialect() != SQLDialect.DEFAULT || environment.containsProperty("spring.jooq.sql-dialect")) {
				return;
			}
			// jOOQ's DataSource: the one Boot injects into its configuration, the primary pool
			DataSource used = dataSource.getIfUnique();
			PeerPoolDataSource pool = (used != null) ? PeerPoolBeans.unwrap(used) : null;
			if (pool == null) {
				return;
			}
			pool.getPeers()
				.stream()
				.map(PeerInfo::url)
				.map((url) -> Dialect.jooqDialect(url, null))
				.filter(Objects::nonNull)
				.findFirst()
				.ifPresent((dialect) -> {
					configuration.set(SQLDialect.valueOf(dialect));
					logger.info("peerpool: no peer of pool '" + pool.getName() + "' answered jOOQ's dialect lookup at "
							+ "startup: jOOQ uses " + dialect + ", from the peers' URLs (spring.jooq.sql-dialect sets it)");
				});
		};
	}

}
