package io.peerpool;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

import io.peerpool.peer.SafeUrls;

/**
 * The resolved settings of one peer: everything needed to connect to it, after the top-level,
 * pool and peer settings (or the builder's) were merged. What a {@code PeerHikariConfigCustomizer}
 * is given with the HikariCP settings of the peer's pool.
 *
 * @param pool name of the pool
 * @param name name of the peer within its pool
 * @param url JDBC URL
 * @param username user, may be {@code null}
 * @param password password, may be {@code null}; never printed
 * @param driverClassName driver class, or {@code null} to let the URL decide
 * @param role declared role
 * @param weight weight for the {@code weighted} balance
 * @param connectTimeout bound on opening one physical connection
 * @param hikari HikariCP settings in relaxed property form ({@code maximum-pool-size: 5})
 */
public record PeerConfig(String pool, String name, String url, String username, String password,
		String driverClassName, PeerRole role, int weight, Duration connectTimeout, Map<String, String> hikari) {

	public PeerConfig {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(url, "url");
		hikari = (hikari != null) ? Map.copyOf(hikari) : Map.of();
	}

	/**
	 * Driver properties: the {@code hikari.data-source-properties.*} entries, which HikariCP itself
	 * ignores because peerpool gives it a data source of its own.
	 */
	public java.util.Properties driverProperties() {
		java.util.Properties properties = new java.util.Properties();
		this.hikari.forEach((key, value) -> {
			for (String prefix : new String[] { "data-source-properties.", "dataSourceProperties.",
					"data-source-properties[", "dataSourceProperties[" }) {
				if (key.startsWith(prefix)) {
					String name = key.substring(prefix.length());
					properties.setProperty(name.endsWith("]") ? name.substring(0, name.length() - 1) : name, value);
				}
			}
		});
		return properties;
	}

	/** {@code <pool>.<peer>}: the HikariCP pool name and the prefix of its metrics. */
	public String qualifiedName() {
		return this.pool + "." + this.name;
	}

	/** The URL as it may be shown: without user info and password parameters. */
	public String safeUrl() {
		return SafeUrls.redact(this.url);
	}

	@Override
	public String toString() {
		return "PeerConfig[" + qualifiedName() + ", " + safeUrl() + ", user=" + this.username + ", role=" + this.role
				+ "]";
	}

}
