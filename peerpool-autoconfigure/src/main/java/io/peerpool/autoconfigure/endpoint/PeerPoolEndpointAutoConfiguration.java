package io.peerpool.autoconfigure.endpoint;

import java.util.List;

import javax.sql.DataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import io.peerpool.PeerPool;
import io.peerpool.PeerPoolDataSource;
import io.peerpool.autoconfigure.PeerPoolAutoConfiguration;
import io.peerpool.autoconfigure.PeerPoolBeans;
import io.peerpool.actuate.PeerPoolEndpoint;

/**
 * The {@code peerpool} actuator endpoint, when actuator is present and the endpoint is available
 * (enabled and exposed: Boot exposes only {@code health} over HTTP by default).
 */
@AutoConfiguration(after = PeerPoolAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean(PeerPoolDataSource.class)
@ConditionalOnAvailableEndpoint(PeerPoolEndpoint.class)
public final class PeerPoolEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	PeerPoolEndpoint peerPoolEndpoint(ObjectProvider<DataSource> dataSources) {
		return new PeerPoolEndpoint(() -> {
			List<? extends PeerPool> pools = PeerPoolBeans.find(dataSources);
			return pools;
		});
	}

}
