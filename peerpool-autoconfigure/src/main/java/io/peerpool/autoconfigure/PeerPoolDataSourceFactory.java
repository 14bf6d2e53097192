package io.peerpool.autoconfigure;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.springframework.beans.factory.ObjectProvider;

import io.peerpool.PeerPoolDataSource;
import io.peerpool.PeerPoolListener;
import io.peerpool.PeerProbe;
import io.peerpool.failure.PeerFailureClassifier;

/**
 * Creates the {@link PeerPoolDataSource} of each configured pool; the bean definitions that
 * {@link PeerPoolBeanRegistrar} registers call {@link #create(String)}.
 */
public class PeerPoolDataSourceFactory {

	private final Map<String, ResolvedPool> pools;

	private final PeerProbe probe;

	private final PeerFailureClassifier classifier;

	private final List<PeerHikariConfigCustomizer> customizers;

	private final ObjectProvider<PeerPoolListener> listeners;

	private final Clock clock;

	PeerPoolDataSourceFactory(List<ResolvedPool> pools, PeerProbe probe, PeerFailureClassifier classifier,
			List<PeerHikariConfigCustomizer> customizers, ObjectProvider<PeerPoolListener> listeners, Clock clock) {
		this.pools = pools.stream().collect(Collectors.toMap(ResolvedPool::name, Function.identity()));
		this.probe = probe;
		this.classifier = classifier;
		this.customizers = customizers;
		this.listeners = listeners;
		this.clock = clock;
	}

	/**
	 * The DataSource of pool {@code name}; started by the container ({@code afterPropertiesSet}).
	 * Every {@link PeerPoolListener} bean is registered before the pool starts, so that it sees the
	 * first events too (a peer found down at startup).
	 */
	public PeerPoolDataSource create(String name) {
		ResolvedPool pool = this.pools.get(name);
		PeerPoolDataSource.Builder builder = PeerPoolDataSource.builder(pool.settings().name())
			.settings(pool.settings())
			.peers(pool.peers())
			.probe(this.probe)
			.classifier(this.classifier)
			.clock(this.clock);
		this.customizers.forEach((customizer) -> builder.hikariCustomizer(customizer::customize));
		PeerPoolDataSource dataSource = builder.buildUnstarted();
		this.listeners.orderedStream().forEach(dataSource::addListener);
		return dataSource;
	}

}
