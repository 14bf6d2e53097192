package io.peerpool;

import java.io.Closeable;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.jdbc.datasource.lookup.AbstractRoutingDataSource;

import io.peerpool.PeerPoolSettings.PeerConfig;
import io.peerpool.PeerPoolSettings.TransactionReplay;
import io.peerpool.PeerPoolSettings.GaleraWriters;
import io.peerpool.PeerPoolSettings.UnknownLag;
import io.peerpool.balance.Balance;
import io.peerpool.dialect.JdbcUrlHosts;
import io.peerpool.failure.DefaultPeerFailureClassifier;
import io.peerpool.failure.PeerFailureClassifier;
import io.peerpool.peer.Peer;
import io.peerpool.peer.PeerHikariConfigs;
import io.peerpool.peer.PeerPoolEngine;
import io.peerpool.peer.SafeUrls;

/**
 * A set of database servers ("peers") as one highly available {@link DataSource}.
 *
 * <p>{@link #getConnection()} returns at once a connection that takes its physical connection at
 * first use, from a peer chosen by the pool's {@link Balance} among the healthy peers that fit the
 * intent (read or write). A peer that fails to give a connection is marked DOWN at once and the
 * next one is tried, within {@code acquire-timeout}; a connection-class error on any statement
 * marks its peer DOWN too. DOWN peers are left alone for {@code check-interval}, then probed in
 * the background and taken back; application threads never pay a dead peer's timeout to learn
 * that it is dead.
 *
 * <p>A subclass of Spring's {@link AbstractRoutingDataSource}: its targets are the peers, keyed by
 * name, and {@link #determineCurrentLookupKey()} is the balanced choice of a writable peer.
 *
 * <p>The facade of the pool: what it does is the engine's ({@code io.peerpool.peer}), which it
 * creates and delegates to; no engine type is part of its public face.
 */
public class PeerPoolDataSource extends AbstractRoutingDataSource
		implements PeerPool, Closeable, DisposableBean, ApplicationEventPublisherAware {

	private final PeerPoolSettings settings;

	private final PeerPoolEngine engine;

	/**
	 * A pool of the peers {@code peerConfigs}, not started yet; {@link #builder(String)} is the way
	 * to create one.
	 * @param settings the pool's resolved settings
	 * @param peerConfigs each peer's resolved settings, in declared order
	 * @param probe the probe of the peers
	 * @param classifier which errors condemn a peer
	 * @param hikariConfigs the HikariCP configuration of a peer's pool
	 * @param clock the clock of peer states
	 */
	private PeerPoolDataSource(PeerPoolSettings settings, List<PeerConfig> peerConfigs, PeerProbe probe,
			PeerFailureClassifier classifier, Function<PeerConfig, HikariConfig> hikariConfigs, Clock clock) {
		this.settings = settings;
		this.engine = new PeerPoolEngine(this, settings, peerConfigs, probe, classifier, hikariConfigs, clock);
		setTargetDataSources(this.engine.targets());
		// a lookup key that is not a peer must fail, not silently use some default peer
		setLenientFallback(false);
	}

	/**
	 * A builder of a pool named {@code name}, for use without Spring Boot's auto-configuration:
	 * {@code PeerPoolDataSource.builder("main").peer("db0", url, user, password).build()}.
	 */
	public static Builder builder(String name) {
		return new Builder(name);
	}

	@Override
	public void afterPropertiesSet() {
		super.afterPropertiesSet();
		start();
	}

	/** Starts the peers' pools and their monitoring. Startup never fails because peers are down. */
	public void start() {
		this.engine.start();
	}

	@Override
	public String getName() {
		return this.engine.name();
	}

	/** The resolved settings of this pool. */
	public PeerPoolSettings getSettings() {
		return this.settings;
	}

	/** A connection whose physical connection is taken from a peer at first use. */
	@Override
	public Connection getConnection() throws SQLException {
		return this.engine.newConnection();
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		throw PeerPoolEngine.otherUserRefused();
	}

	@Override
	protected Object determineCurrentLookupKey() {
		return this.engine.lookupKey();
	}

	/**
	 * The JDBC URL of a peer that takes writes now. For code that derives a {@code DataSource} of
	 * its own from this one: Boot's Flyway and Liquibase auto-configuration do
	 * ({@code DataSourceBuilder.derivedFrom}) for a migration user of their own
	 * ({@code spring.flyway.user}, {@code spring.liquibase.user}), so the migration reaches the
	 * writer. The connection it opens is not this pool's: no failover, no bound on connecting.
	 * @throws IllegalStateException when no peer takes writes now
	 */
	public String getUrl() {
		return writerConfig().url();
	}

	/** The login user of the peer {@link #getUrl()} names, or {@code null} when it has none. */
	public @Nullable String getUsername() {
		return writerConfig().username();
	}

	/**
	 * The login password of the peer {@link #getUrl()} names, or {@code null}: for what derives a
	 * {@code DataSource} from this one, as a HikariDataSource gives its own. peerpool never shows it.
	 */
	public @Nullable String getPassword() {
		return writerConfig().password();
	}

	/** The driver class configured for the peer {@link #getUrl()} names, or {@code null} (found from its URL). */
	public @Nullable String getDriverClassName() {
		return writerConfig().driverClassName();
	}

	/**
	 * The first peer in declared order that takes writes now: one choice for every getter, so that
	 * a derived DataSource's URL and login name the same peer (the balance would pick anew per call).
	 */
	private PeerConfig writerConfig() {
		List<PeerInfo> peers = getPeers();
		return peers.stream()
			.filter(PeerInfo::takesWrites)
			.findFirst()
			.map((writer) -> this.engine.peer(writer.name()).config())
			.orElseThrow(() -> new IllegalStateException("No peer of pool '" + getName() + "' takes writes now: a "
					+ "DataSource derived from it (Flyway's or Liquibase's own user) needs the writer. Peers: "
					+ peers.stream()
						.map((peer) -> peer.name() + " " + peer.state() + " (" + peer.role() + ")")
						.collect(Collectors.joining(", "))));
	}

	/**
	 * How long a write keeps its client's reads off peers that may not have it (the pin cookie's
	 * lifetime): {@code pin-duration}, but at least {@link PeerPoolSettings#pinHold()} unless every
	 * peer is a Galera node.
	 */
	public Duration getPinHold() {
		return this.engine.pinHold();
	}

	/** Whether this pool sends reads to replicas. */
	public boolean isReadWriteSplit() {
		return this.engine.isReadWriteSplit();
	}

	/**
	 * Sets what sees every physical acquisition (for example a Micrometer observation per
	 * acquisition); {@code null} removes it.
	 */
	public void setAcquisitionObserver(@Nullable AcquisitionObserver observer) {
		this.engine.setAcquisitionObserver(observer);
	}

	@Override
	public void setApplicationEventPublisher(ApplicationEventPublisher publisher) {
		this.engine.setEventPublisher(publisher);
	}

	/**
	 * Registers a listener told of every event of this pool's timeline as it happens; one that
	 * throws is logged and never breaks the pool.
	 */
	@Override
	public void addListener(PeerPoolListener listener) {
		this.engine.addListener(listener);
	}

	/** Removes a listener registered with {@link #addListener}. */
	@Override
	public void removeListener(PeerPoolListener listener) {
		this.engine.removeListener(listener);
	}

	@Override
	public List<PeerPoolEvent> getEvents() {
		return this.engine.events();
	}

	@Override
	public List<PeerInfo> getPeers() {
		return this.engine.getPeers();
	}

	@Override
	public PeerInfo getPeer(String name) {
		return this.engine.getPeer(name);
	}

	@Override
	public void drain(String peer) {
		this.engine.drain(peer);
	}

	@Override
	public void resume(String peer) {
		this.engine.resume(peer);
	}

	/** Probes {@code peer} now; for tests, not API. */
	CompletableFuture<Void> probeNow(Peer peer) {
		return this.engine.probeNow(peer);
	}

	/** The peers, in declared order; for tests, not API ({@link #getPeers()} is). */
	List<Peer> peers() {
		return this.engine.peers();
	}

	/** The peer named {@code name}; for tests, not API ({@link #getPeer} is). */
	Peer peer(String name) {
		return this.engine.peer(name);
	}

	/** The peers that take reads ({@code read}) or writes now, by name; for tests. */
	String[] routingSnapshot(boolean read) {
		return this.engine.routingSnapshot(read);
	}

	/** Callers waiting for a peer now; for tests. */
	int holdingCallers() {
		return this.engine.holdingCallers();
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> T unwrap(Class<T> iface) throws SQLException {
		if (iface.isInstance(this)) {
			return (T) this;
		}
		return super.unwrap(iface);
	}

	@Override
	public boolean isWrapperFor(Class<?> iface) throws SQLException {
		return iface.isInstance(this) || super.isWrapperFor(iface);
	}

	@Override
	public void destroy() {
		close();
	}

	@Override
	public void close() {
		this.engine.close();
	}

	@Override
	public String toString() {
		return "PeerPoolDataSource[" + getName() + ", peers=" + this.engine.peers() + "]";
	}

	/**
	 * Sees every physical acquisition of a pool (the moment a connection takes a peer), on the
	 * caller's thread: for tracing and timing. Set with
	 * {@link PeerPoolDataSource#setAcquisitionObserver}; with Micrometer's {@code ObservationRegistry}
	 * the auto-configuration sets one that records a {@code peerpool.acquire} observation. A pool
	 * without an observer pays nothing.
	 */
	public interface AcquisitionObserver {

		/**
		 * An acquisition starts.
		 * @param pool the pool's name
		 * @param readIntent whether the connection wants a replica
		 * @return what {@link #finished} gets back (a started observation, a start time), or
		 * {@code null}
		 */
		@Nullable Object started(String pool, boolean readIntent);

		/**
		 * The acquisition ended.
		 * @param context what {@link #started} returned
		 * @param peer the peer that serves the connection, {@code null} when none could
		 * @param failure why none could, {@code null} on success
		 */
		void finished(@Nullable Object context, @Nullable String peer, @Nullable Throwable failure);

	}

	/**
	 * Builds a {@link PeerPoolDataSource} without Spring Boot: in tests, benchmarks and applications
	 * that wire their own beans. Defaults are those of the {@code spring.datasource.peerpool.*}
	 * properties.
	 *
	 * <pre>{@code
	 * PeerPoolDataSource pool = PeerPoolDataSource.builder("main")
	 *     .peer("db0", "jdbc:mariadb://db0:3306/app", "app", secret)
	 *     .peer("db1", (peer) -> peer.url("jdbc:mariadb://db1:3306/app").username("app").password(secret)
	 *         .role(PeerRole.REPLICA))
	 *     .balance(Balance.ROUND_ROBIN)
	 *     .hikari("maximum-pool-size", "10")
	 *     .build();
	 * }</pre>
	 */
	public static final class Builder {

		private final String name;

		private Balance balance;

		private Duration checkInterval;

		private Duration probeInterval;

		private Duration probeTimeout;

		private Duration connectTimeout;

		private Duration acquireTimeout;

		private @Nullable Boolean readWriteSplit;

		private boolean readsIncludePrimary;

		private Duration maxReplicaLag;

		private ReadYourWrites readYourWrites;

		private Duration pinDuration;

		private UnknownLag unknownLag;

		private Duration heartbeatInterval;

		private Duration heartbeatTimeout;

		private TransactionReplay transactionReplay;

		private int transactionReplayLimitStatements;

		private long transactionReplayLimitBytes;

		private GaleraWriters galeraWriters;

		private final Map<String, String> hikari = new LinkedHashMap<>();

		private final List<Peer> peers = new ArrayList<>();

		private PeerProbe probe = PeerProbe.standard();

		private PeerFailureClassifier classifier = new DefaultPeerFailureClassifier();

		private Clock clock = Clock.systemUTC();

		private final List<BiConsumer<? super PeerConfig, ? super HikariConfig>> hikariCustomizers = new ArrayList<>();

		private Builder(String name) {
			this.name = Objects.requireNonNull(name, "name");
			settings(PeerPoolSettings.defaults(name));
		}

		/** Takes every setting from {@code settings} (its name aside); later calls change single ones. */
		public Builder settings(PeerPoolSettings settings) {
			this.balance = settings.balance();
			this.checkInterval = settings.checkInterval();
			this.probeInterval = settings.probeInterval();
			this.probeTimeout = settings.probeTimeout();
			this.connectTimeout = settings.connectTimeout();
			this.acquireTimeout = settings.acquireTimeout();
			this.readWriteSplit = settings.readWriteSplit();
			this.readsIncludePrimary = settings.readsIncludePrimary();
			this.maxReplicaLag = settings.maxReplicaLag();
			this.readYourWrites = settings.readYourWrites();
			this.pinDuration = settings.pinDuration();
			this.unknownLag = settings.unknownLag();
			this.heartbeatInterval = settings.heartbeatInterval();
			this.heartbeatTimeout = settings.heartbeatTimeout();
			this.transactionReplay = settings.transactionReplay();
			this.transactionReplayLimitStatements = settings.transactionReplayLimitStatements();
			this.transactionReplayLimitBytes = settings.transactionReplayLimitBytes();
			this.galeraWriters = settings.galeraWriters();
			return this;
		}

		/**
		 * A peer that takes writes and reads ({@link PeerRole#PRIMARY}).
		 * @throws IllegalArgumentException when {@code url} names several hosts (one peer per server), or the
		 * pool has a peer of that name
		 */
		public Builder peer(String name, String url, @Nullable String username, @Nullable String password) {
			return peer(name, (peer) -> peer.url(url).username(username).password(password));
		}

		/**
		 * A peer described by {@code peer}: url (required), user, role, weight, timeouts, Hikari settings.
		 * @throws IllegalArgumentException when it has no url, or one that names several hosts (one peer per
		 * server), or the pool has a peer of that name
		 */
		public Builder peer(String name, Consumer<Peer> peer) {
			Peer spec = new Peer(name);
			peer.accept(spec);
			if (spec.url == null) {
				throw new IllegalArgumentException("Peer '" + name + "' of pool '" + this.name + "' has no url");
			}
			requireOneServer(name, spec.url);
			add(spec);
			return this;
		}

		/**
		 * A peer whose settings are already resolved (as the auto-configuration has them, or as a
		 * {@code PeerHikariConfigCustomizer} is given them): the pool's {@link #hikari} settings apply
		 * under its own, and the pool's connect timeout when it has none.
		 * @throws IllegalArgumentException when {@code peer} belongs to another pool, its url names several
		 * hosts (one peer per server), or the pool has a peer of that name
		 */
		public Builder peer(PeerConfig peer) {
			if (peer.pool() != null && !peer.pool().equals(this.name)) {
				throw new IllegalArgumentException("Peer '" + peer.name() + "' belongs to pool '" + peer.pool()
						+ "', not to pool '" + this.name + "'");
			}
			requireOneServer(peer.name(), peer.url());
			Peer spec = new Peer(peer.name());
			spec.url = peer.url();
			spec.username = peer.username();
			spec.password = peer.password();
			spec.driverClassName = peer.driverClassName();
			spec.role = peer.role();
			spec.weight = peer.weight();
			spec.connectTimeout = peer.connectTimeout();
			spec.hikari.putAll(peer.hikari());
			add(spec);
			return this;
		}

		/** Health, meters, drain and the endpoint find a peer by its name: one name, one peer. */
		private void add(Peer spec) {
			for (Peer known : this.peers) {
				if (known.name.equals(spec.name)) {
					throw new IllegalArgumentException("Pool '" + this.name + "' has a peer '" + spec.name
							+ "' already: give each server a peer of its own name");
				}
			}
			this.peers.add(spec);
		}

		/**
		 * A peer is one server: a URL that names several hands the choice of server, and the time to
		 * give up on one, to the driver, out of sight of the probes, health and routing; one that
		 * makes the driver refuse a server of the other type would make a peer DOWN at its server's
		 * switchover.
		 */
		private void requireOneServer(String peer, String url) {
			String which = "peer '" + peer + "' of pool '" + this.name + "'";
			List<String> hosts = JdbcUrlHosts.of(url);
			if (hosts.size() > 1) {
				StringBuilder perHost = new StringBuilder();
				for (int i = 0; i < hosts.size(); i++) {
					perHost.append("\n\t.peer(\"").append(peer).append('-').append(i).append("\", \"")
						.append(SafeUrls.redact(JdbcUrlHosts.withHost(url, hosts.get(i)))).append("\", ...)");
				}
				throw new IllegalArgumentException(JdbcUrlHosts.whySeveralHostsAreRefused(which, hosts)
						+ ". Give each server a peer of its own (and a role where it is not primary):" + perHost);
			}
			String serverType = JdbcUrlHosts.serverTypeFilter(url);
			if (serverType != null) {
				throw new IllegalArgumentException(
						JdbcUrlHosts.whyServerTypeIsRefused(which, serverType) + ". " + JdbcUrlHosts.SERVER_TYPE_FIX);
			}
		}

		/** The peers {@code peers}, in order, each as with {@link #peer(PeerConfig)}. */
		public Builder peers(List<PeerConfig> peers) {
			peers.forEach(this::peer);
			return this;
		}

		/** How connections are spread over the eligible peers; default {@code random}. */
		public Builder balance(Balance balance) {
			this.balance = balance;
			return this;
		}

		/** How long a failed peer is left alone before it is probed again; default 30 s. */
		public Builder checkInterval(Duration checkInterval) {
			this.checkInterval = checkInterval;
			return this;
		}

		/** How often UP peers are probed in the background (zero: only on failure); default 2 s. */
		public Builder probeInterval(Duration probeInterval) {
			this.probeInterval = probeInterval;
			return this;
		}

		/** A probe slower than this counts as a failure; default 1 s. */
		public Builder probeTimeout(Duration probeTimeout) {
			this.probeTimeout = probeTimeout;
			return this;
		}

		/** Bound on opening one physical connection to one peer; default 1 s. */
		public Builder connectTimeout(Duration connectTimeout) {
			this.connectTimeout = connectTimeout;
			return this;
		}

		/** Bound on one {@code getConnection()} across all peers; default 5 s. */
		public Builder acquireTimeout(Duration acquireTimeout) {
			this.acquireTimeout = acquireTimeout;
			return this;
		}

		/** Whether reads go to replicas; default: when a peer is a replica or {@code auto}. */
		public Builder readWriteSplit(boolean readWriteSplit) {
			this.readWriteSplit = readWriteSplit;
			return this;
		}

		/** Whether reads may also go to primaries; default false. */
		public Builder readsIncludePrimary(boolean readsIncludePrimary) {
			this.readsIncludePrimary = readsIncludePrimary;
			return this;
		}

		/** A replica further behind gets no reads; default 10 s. */
		public Builder maxReplicaLag(Duration maxReplicaLag) {
			this.maxReplicaLag = maxReplicaLag;
			return this;
		}

		/** How a client's reads see its own writes; default {@code pin}. */
		public Builder readYourWrites(ReadYourWrites readYourWrites) {
			this.readYourWrites = readYourWrites;
			return this;
		}

		/** How long a write pins its client to primaries ({@code pin}); default 5 s. */
		public Builder pinDuration(Duration pinDuration) {
			this.pinDuration = pinDuration;
			return this;
		}

		/** Whether a replica whose lag cannot be measured at all serves reads; default {@code exclude}. */
		public Builder unknownLag(UnknownLag unknownLag) {
			this.unknownLag = unknownLag;
			return this;
		}

		/** Time between two heartbeats of an UP peer (zero: none); default 250 ms. */
		public Builder heartbeatInterval(Duration heartbeatInterval) {
			this.heartbeatInterval = heartbeatInterval;
			return this;
		}

		/** A heartbeat slower than this marks the peer DOWN; default 750 ms. */
		public Builder heartbeatTimeout(Duration heartbeatTimeout) {
			this.heartbeatTimeout = heartbeatTimeout;
			return this;
		}

		/**
		 * Which transactions run again, verified, on another peer when their connection dies before
		 * the commit; default {@code read-only}.
		 */
		public Builder transactionReplay(TransactionReplay transactionReplay) {
			this.transactionReplay = transactionReplay;
			return this;
		}

		/**
		 * Beyond {@code statements} statements or about {@code bytes} bytes of SQL and parameters a
		 * transaction is no longer recorded, and its failure reaches the application; default 64 and 1 MB.
		 */
		public Builder transactionReplayLimit(int statements, long bytes) {
			this.transactionReplayLimitStatements = statements;
			this.transactionReplayLimitBytes = bytes;
			return this;
		}

		/**
		 * How many nodes of a Galera cluster take the writes at a time; default {@code one}, so that
		 * concurrent transactions that change the same row do not fail Galera's certification.
		 */
		public Builder galeraWriters(GaleraWriters galeraWriters) {
			this.galeraWriters = galeraWriters;
			return this;
		}

		/** A HikariCP setting for every peer's pool, in relaxed property form ({@code maximum-pool-size}). */
		public Builder hikari(String property, String value) {
			this.hikari.put(property, value);
			return this;
		}

		/**
		 * Changes the {@link HikariConfig} of each peer's pool once the {@link #hikari} settings are
		 * applied, before the pool starts (to add metrics, a driver setting peerpool has no property
		 * for); customizers run in the order they were added, once per peer (every pool of the peer,
		 * a new one after each recovery, is made from a copy of the customized configuration).
		 */
		public Builder hikariCustomizer(BiConsumer<? super PeerConfig, ? super HikariConfig> customizer) {
			this.hikariCustomizers.add(Objects.requireNonNull(customizer, "customizer"));
			return this;
		}

		/** The probe; default {@link PeerProbe#standard()}. */
		public Builder probe(PeerProbe probe) {
			this.probe = Objects.requireNonNull(probe, "probe");
			return this;
		}

		/** Which errors condemn a peer; default the built-in classifier. */
		public Builder classifier(PeerFailureClassifier classifier) {
			this.classifier = Objects.requireNonNull(classifier, "classifier");
			return this;
		}

		/** The clock of peer states (tests move time with their own). */
		public Builder clock(Clock clock) {
			this.clock = Objects.requireNonNull(clock, "clock");
			return this;
		}

		/** The settings as resolved so far; the pool's settings once built. */
		public PeerPoolSettings toSettings() {
			return new PeerPoolSettings(this.name, this.balance, this.checkInterval, this.probeInterval,
					this.probeTimeout, this.connectTimeout, this.acquireTimeout, this.readWriteSplit,
					this.readsIncludePrimary, this.maxReplicaLag, this.readYourWrites, this.pinDuration,
					this.unknownLag, this.heartbeatInterval, this.heartbeatTimeout, this.transactionReplay,
					this.transactionReplayLimitStatements, this.transactionReplayLimitBytes, this.galeraWriters);
		}

		/**
		 * A started pool: its peers' pools open connections in the background and the first probes
		 * have run (bounded: peers that are down do not stop it).
		 * @throws IllegalArgumentException when a setting is invalid or no peer is given
		 */
		public PeerPoolDataSource build() {
			PeerPoolDataSource pool = buildUnstarted();
			pool.start();
			return pool;
		}

		/**
		 * A pool that is not started yet: for a {@code @Bean} method, whose container starts it
		 * ({@code afterPropertiesSet}) after it has set the application event publisher, or to add
		 * listeners that see the first probes; otherwise call {@link PeerPoolDataSource#start()}.
		 * @throws IllegalArgumentException when a setting is invalid or no peer is given
		 */
		public PeerPoolDataSource buildUnstarted() {
			PeerPoolSettings settings = toSettings();
			List<PeerConfig> configs = new ArrayList<>(this.peers.size());
			for (Peer peer : this.peers) {
				Map<String, String> hikari = new LinkedHashMap<>(this.hikari);
				hikari.putAll(peer.hikari);
				configs.add(new PeerConfig(this.name, peer.name, peer.url, peer.username, peer.password,
						peer.driverClassName, peer.role, peer.weight,
						(peer.connectTimeout != null) ? peer.connectTimeout : settings.connectTimeout(), hikari));
			}
			List<BiConsumer<? super PeerConfig, ? super HikariConfig>> customizers = List.copyOf(this.hikariCustomizers);
			Function<PeerConfig, HikariConfig> hikariConfigs = (peer) -> {
				HikariConfig config = PeerHikariConfigs.create(peer);
				customizers.forEach((customizer) -> customizer.accept(peer, config));
				return config;
			};
			return new PeerPoolDataSource(settings, configs, this.probe, this.classifier, hikariConfigs, this.clock);
		}

		/** One peer of the pool being built. */
		public static final class Peer {

			private final String name;

			private @Nullable String url;

			private @Nullable String username;

			private @Nullable String password;

			private @Nullable String driverClassName;

			private PeerRole role = PeerRole.PRIMARY;

			private int weight = 1;

			private @Nullable Duration connectTimeout;

			private final Map<String, String> hikari = new LinkedHashMap<>();

			Peer(String name) {
				this.name = Objects.requireNonNull(name, "name");
			}

			/** The peer's JDBC URL; required. */
			public Peer url(String url) {
				this.url = url;
				return this;
			}

			/** The user to connect as; default none (the URL or the driver decides). */
			public Peer username(@Nullable String username) {
				this.username = username;
				return this;
			}

			/** The user's password; never printed. */
			public Peer password(@Nullable String password) {
				this.password = password;
				return this;
			}

			/** The driver class, when the URL does not tell. */
			public Peer driverClassName(@Nullable String driverClassName) {
				this.driverClassName = driverClassName;
				return this;
			}

			/** {@code primary} (default), {@code replica} or {@code auto} (discovered from the server). */
			public Peer role(PeerRole role) {
				this.role = Objects.requireNonNull(role, "role");
				return this;
			}

			/** Weight for the {@code weighted} balance; default 1. */
			public Peer weight(int weight) {
				this.weight = weight;
				return this;
			}

			/** This peer's bound on opening a connection; default the pool's. */
			public Peer connectTimeout(Duration connectTimeout) {
				this.connectTimeout = connectTimeout;
				return this;
			}

			/** A HikariCP setting for this peer's pool only; wins over the pool's. */
			public Peer hikari(String property, String value) {
				this.hikari.put(property, value);
				return this;
			}

		}

	}

}
