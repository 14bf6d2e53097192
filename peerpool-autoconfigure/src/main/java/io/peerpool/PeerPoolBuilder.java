package io.peerpool;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import io.peerpool.balance.Balance;
import io.peerpool.failure.DefaultPeerFailureClassifier;
import io.peerpool.failure.PeerFailureClassifier;
import io.peerpool.peer.PeerHikariConfigs;

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
public final class PeerPoolBuilder {

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

	private final Map<String, String> hikari = new LinkedHashMap<>();

	private final List<Peer> peers = new ArrayList<>();

	private PeerProbe probe = PeerProbe.standard();

	private PeerFailureClassifier classifier = new DefaultPeerFailureClassifier();

	private Clock clock = Clock.systemUTC();

	PeerPoolBuilder(String name) {
		this.name = Objects.requireNonNull(name, "name");
		settings(PeerPoolSettings.defaults(name));
	}

	/** Takes every setting from {@code settings} (its name aside); later calls change single ones. */
	public PeerPoolBuilder settings(PeerPoolSettings settings) {
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
		return this;
	}

	/** A peer that takes writes and reads ({@link PeerRole#PRIMARY}). */
	public PeerPoolBuilder peer(String name, String url, @Nullable String username, @Nullable String password) {
		return peer(name, (peer) -> peer.url(url).username(username).password(password));
	}

	/** A peer described by {@code peer}: url (required), user, role, weight, timeouts, Hikari settings. */
	public PeerPoolBuilder peer(String name, Consumer<Peer> peer) {
		Peer spec = new Peer(name);
		peer.accept(spec);
		if (spec.url == null) {
			throw new IllegalArgumentException("Peer '" + name + "' of pool '" + this.name + "' has no url");
		}
		this.peers.add(spec);
		return this;
	}

	/** How connections are spread over the eligible peers; default {@code random}. */
	public PeerPoolBuilder balance(Balance balance) {
		this.balance = balance;
		return this;
	}

	/** How long a failed peer is left alone before it is probed again; default 30 s. */
	public PeerPoolBuilder checkInterval(Duration checkInterval) {
		this.checkInterval = checkInterval;
		return this;
	}

	/** How often UP peers are probed in the background (zero: only on failure); default 2 s. */
	public PeerPoolBuilder probeInterval(Duration probeInterval) {
		this.probeInterval = probeInterval;
		return this;
	}

	/** A probe slower than this counts as a failure; default 1 s. */
	public PeerPoolBuilder probeTimeout(Duration probeTimeout) {
		this.probeTimeout = probeTimeout;
		return this;
	}

	/** Bound on opening one physical connection to one peer; default 1 s. */
	public PeerPoolBuilder connectTimeout(Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
		return this;
	}

	/** Bound on one {@code getConnection()} across all peers; default 5 s. */
	public PeerPoolBuilder acquireTimeout(Duration acquireTimeout) {
		this.acquireTimeout = acquireTimeout;
		return this;
	}

	/** Whether reads go to replicas; default: when a peer is a replica or {@code auto}. */
	public PeerPoolBuilder readWriteSplit(boolean readWriteSplit) {
		this.readWriteSplit = readWriteSplit;
		return this;
	}

	/** Whether reads may also go to primaries; default false. */
	public PeerPoolBuilder readsIncludePrimary(boolean readsIncludePrimary) {
		this.readsIncludePrimary = readsIncludePrimary;
		return this;
	}

	/** A replica further behind gets no reads; default 10 s. */
	public PeerPoolBuilder maxReplicaLag(Duration maxReplicaLag) {
		this.maxReplicaLag = maxReplicaLag;
		return this;
	}

	/** How a client's reads see its own writes; default {@code pin}. */
	public PeerPoolBuilder readYourWrites(ReadYourWrites readYourWrites) {
		this.readYourWrites = readYourWrites;
		return this;
	}

	/** How long a write pins its client to primaries ({@code pin}); default 5 s. */
	public PeerPoolBuilder pinDuration(Duration pinDuration) {
		this.pinDuration = pinDuration;
		return this;
	}

	/** Whether a replica whose lag cannot be measured at all serves reads; default {@code exclude}. */
	public PeerPoolBuilder unknownLag(UnknownLag unknownLag) {
		this.unknownLag = unknownLag;
		return this;
	}

	/** Time between two heartbeats of an UP peer (zero: none); default 250 ms. */
	public PeerPoolBuilder heartbeatInterval(Duration heartbeatInterval) {
		this.heartbeatInterval = heartbeatInterval;
		return this;
	}

	/** A heartbeat slower than this marks the peer DOWN; default 750 ms. */
	public PeerPoolBuilder heartbeatTimeout(Duration heartbeatTimeout) {
		this.heartbeatTimeout = heartbeatTimeout;
		return this;
	}

	/**
	 * Which transactions run again, verified, on another peer when their connection dies before
	 * the commit; default {@code read-only}.
	 */
	public PeerPoolBuilder transactionReplay(TransactionReplay transactionReplay) {
		this.transactionReplay = transactionReplay;
		return this;
	}

	/**
	 * Beyond {@code statements} statements or about {@code bytes} bytes of SQL and parameters a
	 * transaction is no longer recorded, and its failure reaches the application; default 64 and 1 MB.
	 */
	public PeerPoolBuilder transactionReplayLimit(int statements, long bytes) {
		this.transactionReplayLimitStatements = statements;
		this.transactionReplayLimitBytes = bytes;
		return this;
	}

	/** A HikariCP setting for every peer's pool, in relaxed property form ({@code maximum-pool-size}). */
	public PeerPoolBuilder hikari(String property, String value) {
		this.hikari.put(property, value);
		return this;
	}

	/** The probe; default {@link PeerProbe#standard()}. */
	public PeerPoolBuilder probe(PeerProbe probe) {
		this.probe = Objects.requireNonNull(probe, "probe");
		return this;
	}

	/** Which errors condemn a peer; default the built-in classifier. */
	public PeerPoolBuilder classifier(PeerFailureClassifier classifier) {
		this.classifier = Objects.requireNonNull(classifier, "classifier");
		return this;
	}

	/** The clock of peer states (tests move time with their own). */
	public PeerPoolBuilder clock(Clock clock) {
		this.clock = Objects.requireNonNull(clock, "clock");
		return this;
	}

	/** The settings as resolved so far; the pool's settings once built. */
	public PeerPoolSettings toSettings() {
		return new PeerPoolSettings(this.name, this.balance, this.checkInterval, this.probeInterval, this.probeTimeout,
				this.connectTimeout, this.acquireTimeout, this.readWriteSplit, this.readsIncludePrimary,
				this.maxReplicaLag, this.readYourWrites, this.pinDuration, this.unknownLag, this.heartbeatInterval,
				this.heartbeatTimeout, this.transactionReplay, this.transactionReplayLimitStatements,
				this.transactionReplayLimitBytes);
	}

	/**
	 * A started pool: its peers' pools open connections in the background and the first probes
	 * have run (bounded: peers that are down do not stop it).
	 * @throws IllegalArgumentException when a setting is invalid or no peer is given
	 */
	public PeerPoolDataSource build() {
		PeerPoolSettings settings = toSettings();
		List<PeerConfig> configs = new ArrayList<>(this.peers.size());
		for (Peer peer : this.peers) {
			Map<String, String> hikari = new LinkedHashMap<>(this.hikari);
			hikari.putAll(peer.hikari);
			configs.add(new PeerConfig(this.name, peer.name, peer.url, peer.username, peer.password,
					peer.driverClassName, peer.role, peer.weight,
					(peer.connectTimeout != null) ? peer.connectTimeout : settings.connectTimeout(), hikari));
		}
		PeerPoolDataSource pool = new PeerPoolDataSource(settings, configs, this.probe, this.classifier,
				PeerHikariConfigs::create, this.clock);
		pool.start();
		return pool;
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

		public Peer username(@Nullable String username) {
			this.username = username;
			return this;
		}

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
