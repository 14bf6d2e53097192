package io.peerpool.sample.cluster;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;

import io.peerpool.PeerPoolDataSource;

/**
 * Makes the {@link EmbeddedCluster} started by {@link EmbeddedClusterEnvironmentPostProcessor} a
 * bean, so the API can inject faults into it and the context closes it.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = EmbeddedClusterEnvironmentPostProcessor.IN_USE_PROPERTY, havingValue = "true")
class EmbeddedClusterConfiguration {

	@Bean(destroyMethod = "close")
	EmbeddedCluster embeddedCluster(ConfigurableEnvironment environment) {
		if (environment.getPropertySources()
			.get(EmbeddedClusterEnvironmentPostProcessor.PROPERTY_SOURCE_NAME) instanceof EmbeddedClusterEnvironmentPostProcessor.ClusterPropertySource source) {
			return source.cluster();
		}
		throw new IllegalStateException("The embedded cluster is marked in use but was not started");
	}

	/**
	 * Makes every peerpool {@code DataSource} depend on the cluster, so that on shutdown the pools
	 * stop (and stop probing) before the servers do, instead of logging the servers' death.
	 */
	@Bean
	static BeanFactoryPostProcessor dataSourcesDependOnEmbeddedCluster() {
		return (beanFactory) -> {
			for (String name : beanFactory.getBeanNamesForType(PeerPoolDataSource.class, true, false)) {
				BeanDefinition definition = beanFactory.getBeanDefinition(name);
				String[] dependsOn = definition.getDependsOn();
				int length = (dependsOn != null) ? dependsOn.length : 0;
				String[] extended = new String[length + 1];
				if (dependsOn != null) {
					System.arraycopy(dependsOn, 0, extended, 0, length);
				}
				extended[length] = "embeddedCluster";
				definition.setDependsOn(extended);
			}
		};
	}

}
