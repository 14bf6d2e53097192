package io.peerpool.metrics;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;

/**
 * HikariCP's own meters ({@code hikaricp.connections.*}, tag {@code pool=<pool>.<peer>}) for every
 * peer's pool. Boot binds Hikari metrics only for {@code DataSource} beans, and a peer's pool is
 * not one: peerpool builds it, closes it when the peer goes DOWN (HikariCP then removes its
 * meters) and builds a new one when the peer recovers (which registers them again).
 *
 * <p>A library class: it knows HikariCP and Micrometer only; the auto-configuration calls
 * {@link #customize} for every peer's {@link HikariConfig} before the pool starts.
 */
public class PeerPoolHikariMetrics {

	private final ObjectProvider<MeterRegistry> registry;

	public PeerPoolHikariMetrics(ObjectProvider<MeterRegistry> registry) {
		this.registry = registry;
	}

	/** Adds Micrometer meters to the HikariCP pool {@code config} configures, unless it has its own. */
	public void customize(HikariConfig config) {
		if (config.getMetricsTrackerFactory() != null || config.getMetricRegistry() != null) {
			// the user's own Hikari metrics setting wins
			return;
		}
		MeterRegistry meterRegistry = this.registry.getIfAvailable();
		if (meterRegistry != null) {
			config.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(meterRegistry));
		}
	}

}
