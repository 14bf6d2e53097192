package io.peerpool.autoconfigure;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

import io.peerpool.PeerPoolSettings;
import io.peerpool.PeerPoolSettings.PeerConfig;
import io.peerpool.PeerRole;
import io.peerpool.dialect.Dialect;
import io.peerpool.dialect.JdbcUrlHosts;
import io.peerpool.peer.PeerHikariConfigs;
import io.peerpool.peer.SafeUrls;

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
		Binder binder = Binder.get(environment);
		PeerPoolProperties properties = binder.bind(PREFIX, PeerPoolProperties.class)
			.orElseGet(PeerPoolProperties::new);
		return resolve(properties, binder);
	}

	/**
	 * A pool's settings: the top-level ones, overridden by what is set under the pool's own
	 * prefix. Binding the top level, then the pool, onto one object gives every pool setting its
	 * inherited value without a second set of nullable properties.
	 */
	private static PeerPoolProperties.Pool bindPool(Binder binder, String name) {
		PeerPoolProperties.Pool pool = new PeerPoolProperties.Pool();
		binder.bind(PREFIX, Bindable.ofInstance(pool));
		// the top level's peers belong to the shorthand pool only (and are then refused with pools)
		pool.setPeers(new LinkedHashMap<>());
		binder.bind(PREFIX + ".pools." + name, Bindable.ofInstance(pool));
		return pool;
	}

	static List<ResolvedPool> resolve(PeerPoolProperties properties, Binder binder) {
		requireDuration(PREFIX + ".check-interval", properties.getCheckInterval(), false);
		requireDuration(PREFIX + ".probe-interval", properties.getProbeInterval(), true);
		requireDuration(PREFIX + ".probe-timeout", properties.getProbeTimeout(), false);
		requireDuration(PREFIX + ".connect-timeout", properties.getConnectTimeout(), false);
		requireDuration(PREFIX + ".acquire-timeout", properties.getAcquireTimeout(), false);
		requireDuration(PREFIX + ".max-replica-lag", properties.getMaxReplicaLag(), true);
		requireDuration(PREFIX + ".pin-duration", properties.getPinDuration(), true);
		requireDuration(PREFIX + ".heartbeat-interval", properties.getHeartbeatInterval(), true);
		requireDuration(PREFIX + ".heartbeat-timeout", properties.getHeartbeatTimeout(), false);
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
			binder.bind(PREFIX, Bindable.ofInstance(pool));
			pool.setPrimary(true);
			pools.put(SHORTHAND_POOL_NAME, pool);
		}
		else {
			properties.getPools().keySet().forEach((name) -> pools.put(name, bindPool(binder, name)));
		}
		List<ResolvedPool> resolved = new ArrayList<>();
		List<String> primaries = new ArrayList<>();
		for (Map.Entry<String, PeerPoolProperties.Pool> entry : pools.entrySet()) {
			String poolPrefix = shorthand ? PREFIX : PREFIX + ".pools." + entry.getKey();
			ResolvedPool pool = resolvePool(entry.getKey(), entry.getValue(), poolPrefix, shorthand,
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

	private static ResolvedPool resolvePool(String name, PeerPoolProperties.Pool pool,
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
		// the top-level values are valid (checked first): an invalid value is the pool's own
		String settingsPrefix = shorthand ? PREFIX : poolPrefix;
		requireDuration(settingsPrefix + ".check-interval", pool.getCheckInterval(), false);
		requireDuration(settingsPrefix + ".probe-interval", pool.getProbeInterval(), true);
		requireDuration(settingsPrefix + ".probe-timeout", pool.getProbeTimeout(), false);
		requireDuration(settingsPrefix + ".connect-timeout", pool.getConnectTimeout(), false);
		requireDuration(settingsPrefix + ".acquire-timeout", pool.getAcquireTimeout(), false);
		requireDuration(settingsPrefix + ".max-replica-lag", pool.getMaxReplicaLag(), true);
		requireDuration(settingsPrefix + ".pin-duration", pool.getPinDuration(), true);
		requireDuration(settingsPrefix + ".heartbeat-interval", pool.getHeartbeatInterval(), true);
		requireDuration(settingsPrefix + ".heartbeat-timeout", pool.getHeartbeatTimeout(), false);
		requireReplayLimit(settingsPrefix, pool.getTransactionReplayLimit());
		Duration connectTimeout = pool.getConnectTimeout();
		PeerPoolSettings settings = new PeerPoolSettings(name, pool.getBalance(), pool.getCheckInterval(),
				pool.getProbeInterval(), pool.getProbeTimeout(), connectTimeout, pool.getAcquireTimeout(),
				pool.getReadWriteSplit(), pool.isReadsIncludePrimary(), pool.getMaxReplicaLag(),
				pool.getReadYourWrites(), pool.getPinDuration(), pool.getUnknownLag(), pool.getHeartbeatInterval(),
				pool.getHeartbeatTimeout(), pool.getTransactionReplay(), pool.getTransactionReplayLimit().getStatements(),
				pool.getTransactionReplayLimit().getBytes().toBytes(), pool.getGaleraWriters());
		List<PeerConfig> peers = new ArrayList<>();
		pool.getPeers().forEach((peerName, peer) -> {
			String peerPrefix = poolPrefix + ".peers." + peerName;
			if (peer == null || peer.getUrl() == null || peer.getUrl().isBlank()) {
				throw new PeerPoolConfigurationException(peerPrefix + ".url", "peer '" + peerName + "' has no url",
						"Set " + peerPrefix + ".url to the peer's JDBC URL, for example jdbc:mariadb://db0:3306/app.");
			}
			if (!peer.getUrl().startsWith("jdbc:")) {
				throw new PeerPoolConfigurationException(peerPrefix + ".url",
						"'" + SafeUrls.redact(peer.getUrl()) + "' is not a JDBC URL",
						"Use a URL that starts with jdbc:, for example jdbc:postgresql://db0:5432/app.");
			}
			requireOneServer(poolPrefix + ".peers", peerName, peer.getUrl());
			// credentials and driver: the peer's own, else the pool's (which inherits the top level's)
			String username = (peer.getUsername() != null) ? peer.getUsername() : pool.getUsername();
			String password = (peer.getPassword() != null) ? peer.getPassword() : pool.getPassword();
			String driverClassName = (peer.getDriverClassName() != null) ? peer.getDriverClassName()
					: pool.getDriverClassName();
			requireDriver(peerPrefix, peer.getUrl(), driverClassName,
					(peer.getDriverClassName() != null) ? peerPrefix : settingsPrefix);
			if (peer.getWeight() < 1) {
				throw new PeerPoolConfigurationException(peerPrefix + ".weight",
						"weight must be at least 1, was " + peer.getWeight(),
						"Give every peer a positive weight, or remove the peer.");
			}
			Duration peerConnectTimeout = inherit(peerPrefix + ".connect-timeout", peer.getConnectTimeout(),
					connectTimeout, false);
			// the pool's hikari map already holds the top-level entries it did not override
			Map<String, String> hikari = new LinkedHashMap<>(pool.getHikari());
			hikari.putAll(peer.getHikari());
			peers.add(new PeerConfig(name, peerName, peer.getUrl(), username, password, driverClassName,
					peer.getRole(), peer.getWeight(), peerConnectTimeout, hikari));
		});
		requireWritablePrimaries(poolPrefix, peers);
		String beanName = shorthand ? SHORTHAND_BEAN_NAME : name;
		return new ResolvedPool(name, beanName, pool.isPrimary() || only, settings, peers);
	}

	/**
	 * A peer made read-only by its own HikariCP settings must not be a primary (the default role)
	 * in a pool that writes: every write routed to it would fail on its read-only connections. A
	 * pool whose peers are all read-only only reads, as the application asked.
	 */
	private static void requireWritablePrimaries(String poolPrefix, List<PeerConfig> peers) {
		List<PeerConfig> readOnly = peers.stream()
			.filter((peer) -> PeerHikariConfigs.create(peer).isReadOnly())
			.toList();
		if (readOnly.size() == peers.size()) {
			return;
		}
		for (PeerConfig peer : readOnly) {
			if (peer.role() == PeerRole.PRIMARY) {
				throw new PeerPoolConfigurationException(poolPrefix + ".peers." + peer.name() + ".hikari.read-only",
						"peer '" + peer.name() + "' is a primary (its role, or the default) but its connections are "
								+ "read-only: every write routed to it would fail",
						"Declare it role: replica to give it reads only (or role: auto to let its server say), or "
								+ "remove its hikari.read-only; a pool whose peers all read only is fine.");
			}
		}
	}

	/**
	 * A peer is one server. A URL that names several (one kept from before peerpool, the driver's
	 * own failover) would leave the choice of server, and the time to give up on one, to the driver:
	 * out of sight of the probes, health and routing, which would see one peer whose server changes.
	 * One that makes the driver refuse a server of the other type would make the peer DOWN at its
	 * server's switchover. The builder checks the same, in its own words.
	 */
	private static void requireOneServer(String peersPrefix, String peerName, String url) {
		String property = peersPrefix + "." + peerName + ".url";
		List<String> hosts = JdbcUrlHosts.of(url);
		if (hosts.size() > 1) {
			StringBuilder perHost = new StringBuilder();
			for (int i = 0; i < hosts.size(); i++) {
				perHost.append("\n\t").append(peersPrefix).append('.').append(peerName).append('-').append(i)
					.append(".url=").append(SafeUrls.redact(JdbcUrlHosts.withHost(url, hosts.get(i))));
			}
			throw new PeerPoolConfigurationException(property,
					JdbcUrlHosts.whySeveralHostsAreRefused("peer '" + peerName + "'", hosts),
					"Give each server a peer of its own (and a role where it is not auto), for example:" + perHost);
		}
		String serverType = JdbcUrlHosts.serverTypeFilter(url);
		if (serverType != null) {
			throw new PeerPoolConfigurationException(property,
					JdbcUrlHosts.whyServerTypeIsRefused("peer '" + peerName + "'", serverType),
					JdbcUrlHosts.SERVER_TYPE_FIX);
		}
	}

	/**
	 * The starter brings no JDBC driver: a peer needs one on the classpath that accepts its URL (or
	 * its {@code driver-class-name}), chosen as HikariCP chooses it. Else HikariCP fails the pool's
	 * creation with a message that names neither the property nor the dependency to add.
	 */
	private static void requireDriver(String peerPrefix, String url, String driverClassName, String driverPrefix) {
		if (driverClassName != null && !driverClassName.isBlank()) {
			if (!ClassUtils.isPresent(driverClassName, PeerPoolConfigurations.class.getClassLoader())) {
				throw new PeerPoolConfigurationException(driverPrefix + ".driver-class-name",
						"driver class '" + driverClassName + "' is not on the classpath",
						"Add the dependency that holds it, or remove " + driverPrefix
								+ ".driver-class-name to let the URL choose the driver.");
			}
			return;
		}
		try {
			DriverManager.getDriver(url);
		}
		catch (SQLException ex) {
			String artifact = Dialect.driverArtifact(url, null);
			throw new PeerPoolConfigurationException(peerPrefix + ".url",
					"no JDBC driver on the classpath accepts '" + SafeUrls.redact(url) + "'",
					"Add the JDBC driver of the peer's database to the application's dependencies"
							+ ((artifact != null) ? " (" + artifact + ")" : "")
							+ ": peerpool's starter brings none. Or name the driver class in " + peerPrefix
							+ ".driver-class-name.");
		}
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

	private static void requireReplayLimit(String prefix, PoolProperties.TransactionReplayLimit limit) {
		if (limit.getStatements() < 0) {
			throw new PeerPoolConfigurationException(prefix + ".transaction-replay-limit.statements",
					"must not be negative, was " + limit.getStatements(),
					"Set " + prefix + ".transaction-replay-limit.statements to a count such as 64 (0 records nothing).");
		}
		if (limit.getBytes() == null || limit.getBytes().isNegative()) {
			throw new PeerPoolConfigurationException(prefix + ".transaction-replay-limit.bytes",
					"must not be negative, was " + limit.getBytes(),
					"Set " + prefix + ".transaction-replay-limit.bytes to a size such as 1MB (0 records nothing).");
		}
	}

}
