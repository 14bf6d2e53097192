package io.peerpool.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

import io.peerpool.PeerRole;
import io.peerpool.routing.RouteIntent;

/**
 * Configuration of peerpool: a set of database servers ("peers") as one highly available
 * {@code DataSource}. Top-level settings are the defaults of every pool; {@code peers} at the top
 * level is shorthand for a single pool named {@code default}.
 */
@ConfigurationProperties("spring.datasource.peerpool")
public class PeerPoolProperties extends PoolProperties {

	/** Whether to enable peerpool. */
	private boolean enabled = true;

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

	public Map<String, Pool> getPools() {
		return this.pools;
	}

	public void setPools(Map<String, Pool> pools) {
		this.pools = pools;
	}

	public Web getWeb() {
		return this.web;
	}

	/**
	 * One named pool. Every setting left unset takes the top-level value: the pool is bound over a
	 * copy of the top-level settings (see {@code PeerPoolConfigurations}).
	 */
	public static class Pool extends PoolProperties {

		/** Whether this pool is the @Primary DataSource that Boot's JDBC, JPA and Flyway use. */
		private boolean primary;

		public boolean isPrimary() {
			return this.primary;
		}

		public void setPrimary(boolean primary) {
			this.primary = primary;
		}

	}

	/** One database server. */
	public static class Peer {

		/** JDBC URL of the peer. */
		private String url;

		/** Login user of the peer; the pool's (or the top level's) username when unset. */
		private String username;

		/** Login password of the peer; the pool's (or the top level's) password when unset. */
		private String password;

		/** Fully qualified JDBC driver class; the pool's when unset, else detected from the URL. */
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

	/** Routing of servlet requests: read intent for GET, HEAD, OPTIONS and TRACE, overrides, the pin cookie. */
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
