package io.peerpool.autoconfigure;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.zaxxer.hikari.HikariConfig;

import io.peerpool.PeerPoolDataSource;
import io.peerpool.PeerProbe;
import io.peerpool.failure.PeerFailureClassifier;
import io.peerpool.peer.PeerConfig;
import io.peerpool.peer.PeerHikariConfigs;

/**
 * Creates the {@link PeerPoolDataSource} of each configured pool; the bean definitions that
 * {@link PeerPoolBeanRegistrar} registers call {@link #create(String)}.
 */
public class PeerPoolDataSourceFactory {

	private final Map<String, ResolvedPool> pools;

	private final PeerProbe probe;

	private final PeerFailureClassifier classifier;

	private final List<PeerHikariConfigCustomizer> customizers;

	private final Clock clock;

	PeerPoolDataSourceFactory(List<ResolvedPool> pools, PeerProbe probe, PeerFailureClassifier classifier,
			List<PeerHikariConfigCustomizer> customizers, Clock clock) {
		this.pools = pools.stream().collect(Collectors.toMap(ResolvedPool::name, Function.identity()));
		this.probe = probe;
		this.classifier = classifier;
		this.customizers = customizers;
		this.clock = clock;
	}

	/** The DataSource of pool {@code name}; started by the container ({@code afterPropertiesSet}). */
	public PeerPoolDataSource create(String name) {
		ResolvedPool pool = this.pools.get(name);
		return new PeerPoolDataSource(pool.settings(), pool.peers(), this.probe, this.classifier, this::hikariConfig,
				this.clock);
	}

	private HikariConfig hikariConfig(PeerConfig peer) {
		HikariConfig config = PeerHikariConfigs.create(peer);
		for (PeerHikariConfigCustomizer customizer : this.customizers) {
			customizer.customize(peer, config);
		}
		return config;
	}

}
