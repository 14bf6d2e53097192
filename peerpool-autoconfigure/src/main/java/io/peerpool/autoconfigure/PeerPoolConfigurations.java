package io.peerpool.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

import io.peerpool.PeerPoolSettings;
import io.peerpool.peer.PeerConfig;

/**
 * Turns {@link PeerPoolProperties} into validated pools: settings inherited top level, then pool,
 * then peer; every impossible configuration rejected with the property and the fix.
 */
final class PeerPoolConfigurations {

	static final String PREFIX = "spring.datasource.peerpool";

	/** Bean name of the single-pool shorthand, the name Boot's own DataSource has. */
	static final String SHORTHAND_BEAN_NAME = "dataSource";

	static final String SHORTHAND_POOL_NAME = "default";

	private static final int MAX_PEERS = 64;

	private PeerPoolConfigurations() {
	}

	/** Binds and resolves the pools configured in {@code environment}. */
	static List<ResolvedPool> resolve(Environment environment) {
		PeerPoolProperties properties = Binder.get(environment)
			.bind(PREFIX, PeerPoolProperties.class)
			.orElseGet(PeerPoolProperties::new);
		return resolve(properties);
	}

	static List<ResolvedPool> resolve(PeerPoolProperties properties) {
		requireDuration(PREFIX + ".check-interval", properties.getCheckInterval(), false);
		requireDuration(PREFIX + ".probe-interval", properties.getProbeInterval(), true);
		requireDuration(PREFIX + ".probe-timeout", properties.getProbeTimeout(), false);
		requireDuration(PREFIX + ".connect-timeout", properties.getConnectTimeout(), false);
		requireDuration(PREFIX + ".acquire-timeout", properties.getAcquireTimeout(), false);
		requireDuration(PREFIX + ".max-replica-lag", properties.getMaxReplicaLag(), true);
		requireDuration(PREFIX + ".pin-duration", properties.getPinDuration(), true);
		boolean shorthand = !properties.getPeers().isEmpty();
		if (shorthand && !properties.getPools().isEmpty()) {
			throw new PeerPoolConfigurationException(PREFIX + ".peers",
					"both 'peers' (the single-pool shorthand) and 'pools' are set",
					"Move the top-level peers into a pool under " + PREFIX + ".pools.<name>.peers, or remove 'pools'.");
		}
		if (!shorthand && properties.getPools().isEmpty()) {
			throw new PeerPoolConfigurationException(PREFIX + ".peers", "no peers are configured",
					"Add at least one peer: " + PREFIX + ".peers.<name>.url=jdbc:..., or set " + PREFIX
							+ ".enabled=false.");
		}
		Map<String, PeerPoolProperties.Pool> pools = new LinkedHashMap<>();
		if (shorthand) {
			PeerPoolProperties.Pool pool = new PeerPoolProperties.Pool();
			pool.setPrimary(true);
			pool.setPeers(properties.getPeers());
			pools.put(SHORTHAND_POOL_NAME, pool);
		}
		else {
			pools.putAll(properties.getPools());
		}
		List<ResolvedPool> resolved = new ArrayList<>();
		List<String> primaries = new ArrayList<>();
		for (Map.Entry<String, PeerPoolProperties.Pool> entry : pools.entrySet()) {
			String poolPrefix = shorthand ? PREFIX : PREFIX + ".pools." + entry.getKey();
			ResolvedPool pool = resolvePool(properties, entry.getKey(), entry.getValue(), poolPrefix, shorthand,
					pools.size() == 1);
			if (pool.primary()) {
				primaries.add(pool.name());
			}
			resolved.add(pool);
		}
		if (primaries.size() > 1) {
			throw new PeerPoolConfigurationException(PREFIX + ".pools." + primaries.get(1) + ".primary",
					"several pools are marked primary: " + primaries,
					"Set 'primary: true' on exactly one pool, the DataSource Boot's JDBC, JPA and Flyway should use.");
		}
		if (primaries.isEmpty()) {
			throw new PeerPoolConfigurationException(PREFIX + ".pools.<name>.primary",
					"several pools are configured and none is marked primary: " + pools.keySet(),
					"Set 'primary: true' on the pool Boot's JDBC, JPA and Flyway should use; inject the others with @Qualifier(\"<name>\").");
		}
		return resolved;
	}

	private static ResolvedPool resolvePool(PeerPoolProperties top, String name, PeerPoolProperties.Pool pool,
			String poolPrefix, boolean shorthand, boolean only) {
		if (!shorthand && !name.matches("[A-Za-z][A-Za-z0-9_-]*")) {
			throw new PeerPoolConfigurationException(poolPrefix, "'" + name + "' is not a usable pool name",
					"Name pools with a letter followed by letters, digits, '-' or '_': the name becomes a bean name and a metric tag.");
		}
		if (pool.getPeers().isEmpty()) {
			throw new PeerPoolConfigurationException(poolPrefix + ".peers", "pool '" + name + "' has no peers",
					"Add at least one peer: " + poolPrefix + ".peers.<name>.url=jdbc:...");
		}
		if (pool.getPeers().size() > MAX_PEERS) {
			throw new PeerPoolConfigurationException(poolPrefix + ".peers",
					"pool '" + name + "' has " + pool.getPeers().size() + " peers",
					"Split the peers over several pools of at most " + MAX_PEERS + " peers each.");
		}
		Duration checkInterval = inherit(poolPrefix + ".check-interval", pool.getCheckInterval(), top.getCheckInterval(), false);
		Duration probeInterval = inherit(poolPrefix + ".probe-interval", pool.getProbeInterval(), top.getProbeInterval(), true);
		Duration probeTimeout = inherit(poolPrefix + ".probe-timeout", pool.getProbeTimeout(), top.getProbeTimeout(), false);
		Duration connectTimeout = inherit(poolPrefix + ".connect-timeout", pool.getConnectTimeout(), top.getConnectTimeout(), false);
		Duration acquireTimeout = inherit(poolPrefix + ".acquire-timeout", pool.getAcquireTimeout(), top.getAcquireTimeout(), false);
		Duration maxReplicaLag = inherit(poolPrefix + ".max-replica-lag", pool.getMaxReplicaLag(), top.getMaxReplicaLag(), true);
		Duration pinDuration = inherit(poolPrefix + ".pin-duration", pool.getPinDuration(), top.getPinDuration(), true);
		PeerPoolSettings settings = new PeerPoolSettings(name,
				(pool.getBalance() != null) ? pool.getBalance() : top.getBalance(), checkInterval, probeInterval,
				probeTimeout, connectTimeout, acquireTimeout,
				(pool.getReadWriteSplit() != null) ? pool.getReadWriteSplit() : top.getReadWriteSplit(),
				(pool.getReadsIncludePrimary() != null) ? pool.getReadsIncludePrimary() : top.isReadsIncludePrimary(),
				maxReplicaLag, (pool.getReadYourWrites() != null) ? pool.getReadYourWrites() : top.getReadYourWrites(),
				pinDuration, (pool.getUnknownLag() != null) ? pool.getUnknownLag() : top.getUnknownLag());
		List<PeerConfig> peers = new ArrayList<>();
		pool.getPeers().forEach((peerName, peer) -> {
			String peerPrefix = poolPrefix + ".peers." + peerName;
			if (peer == null || peer.getUrl() == null || peer.getUrl().isBlank()) {
				throw new PeerPoolConfigurationException(peerPrefix + ".url", "peer '" + peerName + "' has no url",
						"Set " + peerPrefix + ".url to the peer's JDBC URL, for example jdbc:mariadb://db0:3306/app.");
			}
			if (!peer.getUrl().startsWith("jdbc:")) {
				throw new PeerPoolConfigurationException(peerPrefix + ".url",
						"'" + io.peerpool.peer.SafeUrls.redact(peer.getUrl()) + "' is not a JDBC URL",
						"Use a URL that starts with jdbc:, for example jdbc:postgresql://db0:5432/app.");
			}
			if (peer.getWeight() < 1) {
				throw new PeerPoolConfigurationException(peerPrefix + ".weight",
						"weight must be at least 1, was " + peer.getWeight(),
						"Give every peer a positive weight, or remove the peer.");
			}
			Duration peerConnectTimeout = inherit(peerPrefix + ".connect-timeout", peer.getConnectTimeout(),
					connectTimeout, false);
			Map<String, String> hikari = new LinkedHashMap<>(top.getHikari());
			hikari.putAll(pool.getHikari());
			hikari.putAll(peer.getHikari());
			peers.add(new PeerConfig(name, peerName, peer.getUrl(), peer.getUsername(), peer.getPassword(),
					peer.getDriverClassName(), peer.getRole(), peer.getWeight(), peerConnectTimeout, hikari));
		});
		String beanName = shorthand ? SHORTHAND_BEAN_NAME : name;
		return new ResolvedPool(name, beanName, pool.isPrimary() || only, settings, peers);
	}

	private static Duration inherit(String property, Duration own, Duration inherited, boolean zeroAllowed) {
		Duration value = (own != null) ? own : inherited;
		if (own != null) {
			requireDuration(property, own, zeroAllowed);
		}
		return value;
	}

	private static void requireDuration(String property, Duration value, boolean zeroAllowed) {
		if (value == null || value.isNegative() || (!zeroAllowed && value.isZero())) {
			throw new PeerPoolConfigurationException(property,
					"must be " + (zeroAllowed ? "zero or positive" : "positive") + ", was " + value,
					"Set " + property + " to a " + (zeroAllowed ? "non-negative" : "positive")
							+ " duration such as 2s or 500ms.");
		}
	}

}
