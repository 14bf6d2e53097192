package io.peerpool.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

import io.peerpool.PeerRole;
import io.peerpool.ReadYourWrites;
import io.peerpool.UnknownLag;
import io.peerpool.balance.Balance;
import io.peerpool.routing.RouteIntent;

/**
 * Configuration of peerpool: a set of database servers ("peers") as one highly available
 * {@code DataSource}. Top-level settings are the defaults of every pool; {@code peers} at the top
 * level is shorthand for a single pool named {@code default}.
 */
@ConfigurationProperties("spring.datasource.peerpool")
public class PeerPoolProperties {

	/** Whether to enable peerpool. */
	private boolean enabled = true;

	/** How long a failed peer is left alone before it is probed again. */
	private Duration checkInterval = Duration.ofSeconds(30);

	/** How often healthy peers are probed in the background; 0 probes only failed peers. */
	private Duration probeInterval = Duration.ofSeconds(2);

	/** A probe slower than this counts as a failure. */
	private Duration probeTimeout = Duration.ofSeconds(1);

	/** Bound on opening a physical connection to one peer, handshake included. */
	private Duration connectTimeout = Duration.ofSeconds(1);

	/** Bound on one getConnection() across all peers; then NoAvailablePeerException. */
	private Duration acquireTimeout = Duration.ofSeconds(5);

	/** How connections are spread over the healthy peers. */
	private Balance balance = Balance.RANDOM;

	/** Whether reads go to replicas; by default on when the pool has a replica or an auto peer. */
	private Boolean readWriteSplit;

	/** Whether reads may also go to primaries. */
	private boolean readsIncludePrimary = false;

	/** A replica further behind its primary gets no reads. */
	private Duration maxReplicaLag = Duration.ofSeconds(10);

	/** How a client's reads see its own writes: pin, gtid or none. */
	private ReadYourWrites readYourWrites = ReadYourWrites.PIN;

	/** How long a write pins its client to primaries (pin mode); refreshed by every write. */
	private Duration pinDuration = Duration.ofSeconds(5);

	/**
	 * A replica whose lag cannot be measured at all (no position to compare, and the server's own
	 * figure denied to the user): exclude (no reads go to it) or include (it serves reads).
	 */
	private UnknownLag unknownLag = UnknownLag.EXCLUDE;

	/** HikariCP settings for every peer's connection pool, in Spring Boot's relaxed form (maximum-pool-size). */
	private Map<String, String> hikari = new LinkedHashMap<>();

	/** Peers of the single pool named "default" (shorthand for pools.default.peers). */
	private Map<String, Peer> peers = new LinkedHashMap<>();

	/** Named pools, each a DataSource bean of that name. */
	private Map<String, Pool> pools = new LinkedHashMap<>();

	/** Routing of web requests: read intent from the HTTP method, overrides, the pin cookie. */
	private final Web web = new Web();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getCheckInterval() {
		return this.checkInterval;
	}

	public void setCheckInterval(Duration checkInterval) {
		this.checkInterval = checkInterval;
	}

	public Duration getProbeInterval() {
		return this.probeInterval;
	}

	public void setProbeInterval(Duration probeInterval) {
		this.probeInterval = probeInterval;
	}

	public Duration getProbeTimeout() {
		return this.probeTimeout;
	}

	public void setProbeTimeout(Duration probeTimeout) {
		this.probeTimeout = probeTimeout;
	}

	public Duration getConnectTimeout() {
		return this.connectTimeout;
	}

	public void setConnectTimeout(Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
	}

	public Duration getAcquireTimeout() {
		return this.acquireTimeout;
	}

	public void setAcquireTimeout(Duration acquireTimeout) {
		this.acquireTimeout = acquireTimeout;
	}

	public Balance getBalance() {
		return this.balance;
	}

	public void setBalance(Balance balance) {
		this.balance = balance;
	}

	public Boolean getReadWriteSplit() {
		return this.readWriteSplit;
	}

	public void setReadWriteSplit(Boolean readWriteSplit) {
		this.readWriteSplit = readWriteSplit;
	}

	public boolean isReadsIncludePrimary() {
		return this.readsIncludePrimary;
	}

	public void setReadsIncludePrimary(boolean readsIncludePrimary) {
		this.readsIncludePrimary = readsIncludePrimary;
	}

	public Duration getMaxReplicaLag() {
		return this.maxReplicaLag;
	}

	public void setMaxReplicaLag(Duration maxReplicaLag) {
		this.maxReplicaLag = maxReplicaLag;
	}

	public ReadYourWrites getReadYourWrites() {
		return this.readYourWrites;
	}

	public void setReadYourWrites(ReadYourWrites readYourWrites) {
		this.readYourWrites = readYourWrites;
	}

	public Duration getPinDuration() {
		return this.pinDuration;
	}

	public void setPinDuration(Duration pinDuration) {
		this.pinDuration = pinDuration;
	}

	public UnknownLag getUnknownLag() {
		return this.unknownLag;
	}

	public void setUnknownLag(UnknownLag unknownLag) {
		this.unknownLag = unknownLag;
	}

	public Map<String, String> getHikari() {
		return this.hikari;
	}

	public void setHikari(Map<String, String> hikari) {
		this.hikari = hikari;
	}

	public Map<String, Peer> getPeers() {
		return this.peers;
	}

	public void setPeers(Map<String, Peer> peers) {
		this.peers = peers;
	}

	public Map<String, Pool> getPools() {
		return this.pools;
	}

	public void setPools(Map<String, Pool> pools) {
		this.pools = pools;
	}

	public Web getWeb() {
		return this.web;
	}

	/** One named pool; settings left unset take the top-level value. */
	public static class Pool {

		/** Whether this pool is the @Primary DataSource that Boot's JDBC, JPA and Flyway use. */
		private boolean primary;

		/** How long a failed peer is left alone before it is probed again. Defaults to the top-level value. */
		private Duration checkInterval;

		/** How often healthy peers are probed. Defaults to the top-level value. */
		private Duration probeInterval;

		/** A probe slower than this counts as a failure. Defaults to the top-level value. */
		private Duration probeTimeout;

		/** Bound on opening a physical connection to one peer. Defaults to the top-level value. */
		private Duration connectTimeout;

		/** Bound on one getConnection() across all peers. Defaults to the top-level value. */
		private Duration acquireTimeout;

		/** How connections are spread over the healthy peers. Defaults to the top-level value. */
		private Balance balance;

		/** Whether reads go to replicas. Defaults to the top-level value. */
		private Boolean readWriteSplit;

		/** Whether reads may also go to primaries. Defaults to the top-level value. */
		private Boolean readsIncludePrimary;

		/** A replica further behind gets no reads. Defaults to the top-level value. */
		private Duration maxReplicaLag;

		/** How a client's reads see its own writes. Defaults to the top-level value. */
		private ReadYourWrites readYourWrites;

		/** How long a write pins its client to primaries. Defaults to the top-level value. */
		private Duration pinDuration;

		/** A replica whose lag cannot be measured: exclude or include. Defaults to the top-level value. */
		private UnknownLag unknownLag;

		/** HikariCP settings for this pool's peers, over the top-level ones. */
		private Map<String, String> hikari = new LinkedHashMap<>();

		/** Peers of this pool, by name. */
		private Map<String, Peer> peers = new LinkedHashMap<>();

		public boolean isPrimary() {
			return this.primary;
		}

		public void setPrimary(boolean primary) {
			this.primary = primary;
		}

		public Duration getCheckInterval() {
			return this.checkInterval;
		}

		public void setCheckInterval(Duration checkInterval) {
			this.checkInterval = checkInterval;
		}

		public Duration getProbeInterval() {
			return this.probeInterval;
		}

		public void setProbeInterval(Duration probeInterval) {
			this.probeInterval = probeInterval;
		}

		public Duration getProbeTimeout() {
			return this.probeTimeout;
		}

		public void setProbeTimeout(Duration probeTimeout) {
			this.probeTimeout = probeTimeout;
		}

		public Duration getConnectTimeout() {
			return this.connectTimeout;
		}

		public void setConnectTimeout(Duration connectTimeout) {
			this.connectTimeout = connectTimeout;
		}

		public Duration getAcquireTimeout() {
			return this.acquireTimeout;
		}

		public void setAcquireTimeout(Duration acquireTimeout) {
			this.acquireTimeout = acquireTimeout;
		}

		public Balance getBalance() {
			return this.balance;
		}

		public void setBalance(Balance balance) {
			this.balance = balance;
		}

		public Boolean getReadWriteSplit() {
			return this.readWriteSplit;
		}

		public void setReadWriteSplit(Boolean readWriteSplit) {
			this.readWriteSplit = readWriteSplit;
		}

		public Boolean getReadsIncludePrimary() {
			return this.readsIncludePrimary;
		}

		public void setReadsIncludePrimary(Boolean readsIncludePrimary) {
			this.readsIncludePrimary = readsIncludePrimary;
		}

		public Duration getMaxReplicaLag() {
			return this.maxReplicaLag;
		}

		public void setMaxReplicaLag(Duration maxReplicaLag) {
			this.maxReplicaLag = maxReplicaLag;
		}

		public ReadYourWrites getReadYourWrites() {
			return this.readYourWrites;
		}

		public void setReadYourWrites(ReadYourWrites readYourWrites) {
			this.readYourWrites = readYourWrites;
		}

		public Duration getPinDuration() {
			return this.pinDuration;
		}

		public void setPinDuration(Duration pinDuration) {
			this.pinDuration = pinDuration;
		}

		public UnknownLag getUnknownLag() {
			return this.unknownLag;
		}

		public void setUnknownLag(UnknownLag unknownLag) {
			this.unknownLag = unknownLag;
		}

		public Map<String, String> getHikari() {
			return this.hikari;
		}

		public void setHikari(Map<String, String> hikari) {
			this.hikari = hikari;
		}

		public Map<String, Peer> getPeers() {
			return this.peers;
		}

		public void setPeers(Map<String, Peer> peers) {
			this.peers = peers;
		}

	}

	/** One database server. */
	public static class Peer {

		/** JDBC URL of the peer. */
		private String url;

		/** Login user of the peer. */
		private String username;

		/** Login password of the peer. */
		private String password;

		/** Fully qualified JDBC driver class; detected from the URL when unset. */
		private String driverClassName;

		/** What the peer is for: primary (writes and reads), replica (reads), auto (asked from the server). */
		private PeerRole role = PeerRole.PRIMARY;

		/** Share of connections for the weighted balance. */
		private int weight = 1;

		/** Bound on opening a physical connection to this peer. Defaults to the pool's value. */
		private Duration connectTimeout;

		/** HikariCP settings for this peer's pool, over the pool's and top-level ones. */
		private Map<String, String> hikari = new LinkedHashMap<>();

		public String getUrl() {
			return this.url;
		}

		public void setUrl(String url) {
			this.url = url;
		}

		public String getUsername() {
			return this.username;
		}

		public void setUsername(String username) {
			this.username = username;
		}

		public String getPassword() {
			return this.password;
		}

		public void setPassword(String password) {
			this.password = password;
		}

		public String getDriverClassName() {
			return this.driverClassName;
		}

		public void setDriverClassName(String driverClassName) {
			this.driverClassName = driverClassName;
		}

		public PeerRole getRole() {
			return this.role;
		}

		public void setRole(PeerRole role) {
			this.role = role;
		}

		public int getWeight() {
			return this.weight;
		}

		public void setWeight(int weight) {
			this.weight = weight;
		}

		public Duration getConnectTimeout() {
			return this.connectTimeout;
		}

		public void setConnectTimeout(Duration connectTimeout) {
			this.connectTimeout = connectTimeout;
		}

		public Map<String, String> getHikari() {
			return this.hikari;
		}

		public void setHikari(Map<String, String> hikari) {
			this.hikari = hikari;
		}

		@Override
		public String toString() {
			// never the password
			return "Peer[url=" + io.peerpool.peer.SafeUrls.redact(this.url) + ", username=" + this.username + "]";
		}

	}

	/** Routing of servlet requests (section 6 of the contract). */
	public static class Web {

		/** Whether GET/HEAD/OPTIONS/TRACE requests read from replicas and other methods use a primary. */
		private boolean enabled = true;

		/**
		 * Routes by path pattern ("[/admin/**]") or handler method
		 * ("[com.example.ReportController#export]") to primary or replica, stronger than the HTTP
		 * method; in declared order, the first match wins. Keys need brackets in properties and YAML.
		 */
		private Map<String, RouteIntent> overrides = new LinkedHashMap<>();

		/**
		 * Name of a trusted request header whose value, primary or replica, forces the route (for
		 * example X-Peerpool-Route). Off when unset: clients control headers, so only set it when a
		 * proxy in front of the application strips the header from outside requests.
		 */
		private String stateHeader;

		/** The signed cookie that carries read-your-writes (pin mode) across requests. */
		private final PinCookie pinCookie = new PinCookie();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Map<String, RouteIntent> getOverrides() {
			return this.overrides;
		}

		public void setOverrides(Map<String, RouteIntent> overrides) {
			this.overrides = overrides;
		}

		public String getStateHeader() {
			return this.stateHeader;
		}

		public void setStateHeader(String stateHeader) {
			this.stateHeader = stateHeader;
		}

		public PinCookie getPinCookie() {
			return this.pinCookie;
		}

		/** The pin cookie. */
		public static class PinCookie {

			/** Name of the cookie. */
			private String name = "peerpool-pin";

			/**
			 * Key of the HMAC that signs the cookie. Generated at startup when unset, which only
			 * works with a single application instance: give every instance the same secret.
			 */
			private String secret;

			/** Whether the cookie is hidden from scripts. */
			private boolean httpOnly = true;

			/** SameSite attribute of the cookie: Lax, Strict or None. */
			private String sameSite = "Lax";

			/** Whether the cookie is only sent over HTTPS; by default when the request is secure. */
			private Boolean secure;

			public String getName() {
				return this.name;
			}

			public void setName(String name) {
				this.name = name;
			}

			public String getSecret() {
				return this.secret;
			}

			public void setSecret(String secret) {
				this.secret = secret;
			}

			public boolean isHttpOnly() {
				return this.httpOnly;
			}

			public void setHttpOnly(boolean httpOnly) {
				this.httpOnly = httpOnly;
			}

			public String getSameSite() {
				return this.sameSite;
			}

			public void setSameSite(String sameSite) {
				this.sameSite = sameSite;
			}

			public Boolean getSecure() {
				return this.secure;
			}

			public void setSecure(Boolean secure) {
				this.secure = secure;
			}

		}

	}

}
