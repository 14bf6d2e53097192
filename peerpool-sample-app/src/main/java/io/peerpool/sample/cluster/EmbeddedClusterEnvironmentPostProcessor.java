package io.peerpool.sample.cluster;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.Profiles;

/**
 * Starts the {@link EmbeddedCluster} and points peerpool at it, before the application context
 * needs its {@code DataSource}s: so the sample runs on a machine without database servers.
 *
 * <p>Runs after the config data (application.yml, profiles) is loaded, and only when nothing
 * configures peers ({@code spring.datasource.peerpool.peers} / {@code .pools}), the profile
 * {@code external} is not active and {@code peerpool.sample.embedded-cluster.enabled} is not
 * {@code false}. The properties it adds come last, so top-level settings in application.yml
 * (check-interval, balance, ...) still apply to the embedded pools.
 *
 * <p>The cluster is closed with the context ({@link EmbeddedClusterConfiguration}), when the
 * application fails to start, and, by peerpool-test's process reaper, when the JVM exits.
 */
public class EmbeddedClusterEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	/** Name of the property source that carries the cluster's properties (and the cluster). */
	static final String PROPERTY_SOURCE_NAME = "peerpoolEmbeddedCluster";

	/** Set to {@code true} when the embedded cluster is in use. */
	static final String IN_USE_PROPERTY = "peerpool.sample.embedded-cluster.in-use";

	private static final String ENABLED_PROPERTY = "peerpool.sample.embedded-cluster.enabled";

	private static final ConfigurationPropertyName PEERS = ConfigurationPropertyName.of("spring.datasource.peerpool.peers");

	private static final ConfigurationPropertyName POOLS = ConfigurationPropertyName.of("spring.datasource.peerpool.pools");

	@Override
	public int getOrder() {
		return ConfigDataEnvironmentPostProcessor.ORDER + 10;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (environment.getPropertySources().contains(PROPERTY_SOURCE_NAME) || !wanted(environment)) {
			return;
		}
		EmbeddedCluster cluster;
		try {
			cluster = EmbeddedCluster.start();
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException("With no spring.datasource.peerpool.peers or .pools configured, the sample "
					+ "starts its own MariaDB servers, and that failed: " + ex.getMessage() + ". To use your own servers, "
					+ "run with the profile 'external' (see application-external.yml).", ex);
		}
		Map<String, Object> properties = cluster.properties();
		properties.put(IN_USE_PROPERTY, "true");
		environment.getPropertySources().addLast(new ClusterPropertySource(cluster, properties));
		application.addListeners(new CloseOnFailure(cluster));
	}

	private static boolean wanted(ConfigurableEnvironment environment) {
		if (!environment.getProperty(ENABLED_PROPERTY, Boolean.class, true)
				|| environment.acceptsProfiles(Profiles.of("external"))) {
			return false;
		}
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (source.containsDescendantOf(PEERS) == ConfigurationPropertyState.PRESENT
					|| source.containsDescendantOf(POOLS) == ConfigurationPropertyState.PRESENT) {
				return false;
			}
		}
		return true;
	}

	/** The cluster's properties; keeps the cluster for {@link EmbeddedClusterConfiguration}. */
	static final class ClusterPropertySource extends MapPropertySource {

		private final EmbeddedCluster cluster;

		ClusterPropertySource(EmbeddedCluster cluster, Map<String, Object> properties) {
			super(PROPERTY_SOURCE_NAME, properties);
			this.cluster = cluster;
		}

		EmbeddedCluster cluster() {
			return this.cluster;
		}

	}

	/** Stops the servers when the context never comes up, rather than at JVM exit. */
	private record CloseOnFailure(EmbeddedCluster cluster) implements ApplicationListener<ApplicationFailedEvent> {

		@Override
		public void onApplicationEvent(ApplicationFailedEvent event) {
			this.cluster.close();
		}

	}

}
