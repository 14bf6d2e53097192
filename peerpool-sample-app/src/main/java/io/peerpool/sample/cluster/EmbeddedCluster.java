package io.peerpool.sample.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.MariaDbServer;

/**
 * The sample's own database cluster, for a machine without database servers: three MariaDB
 * servers from peerpool-test ({@code peer0}, {@code peer1}, {@code peer2}) on 127.0.0.1.
 *
 * <p>Pool {@code main} uses the database {@code app} on all three; pool {@code audit} uses the
 * database {@code audit} on {@code peer0} and {@code peer1}. So one server hosts a peer of each
 * pool, as a real database server often does: killing {@code peer0} takes a peer out of both.
 * The servers are independent (no replication), so each gets the schema of both pools at start.
 */
public final class EmbeddedCluster implements AutoCloseable {

	/** Pools and the servers their peers live on; a peer is named after its server. */
	static final Map<String, List<String>> POOLS = Map.of(
			"main", List.of("peer0", "peer1", "peer2"),
			"audit", List.of("peer0", "peer1"));

	private static final Map<String, String> DATABASES = Map.of("main", "app", "audit", "audit");

	private static final Logger logger = LoggerFactory.getLogger(EmbeddedCluster.class);

	private final EmbeddedMariaDb servers;

	private EmbeddedCluster(EmbeddedMariaDb servers) {
		this.servers = servers;
	}

	/** Starts the servers and creates both pools' databases and tables on each. */
	public static EmbeddedCluster start() {
		long started = System.nanoTime();
		EmbeddedMariaDb servers = EmbeddedMariaDb.peers(3);
		servers.start();
		try {
			for (MariaDbServer server : servers.servers()) {
				server.executeAsAdmin("CREATE DATABASE IF NOT EXISTS audit");
				server.executeAsAdmin("GRANT ALL PRIVILEGES ON audit.* TO '" + server.username() + "'@'%'");
				applySchema(server, "app", "db/main.sql");
				applySchema(server, "audit", "db/audit.sql");
			}
		}
		catch (RuntimeException ex) {
			servers.close();
			throw ex;
		}
		EmbeddedCluster cluster = new EmbeddedCluster(servers);
		logger.info("Embedded MariaDB cluster started in {} ms: {}", (System.nanoTime() - started) / 1_000_000,
				servers.servers().stream().map((server) -> server.name() + " on port " + server.port()).toList());
		return cluster;
	}

	/** The {@code spring.datasource.peerpool.*} properties that point both pools at the servers. */
	Map<String, Object> properties() {
		Map<String, Object> properties = new LinkedHashMap<>();
		for (String pool : List.of("main", "audit")) {
			String prefix = "spring.datasource.peerpool.pools." + pool;
			if (pool.equals("main")) {
				properties.put(prefix + ".primary", "true");
			}
			for (String serverName : POOLS.get(pool)) {
				MariaDbServer server = this.servers.server(serverName);
				String peer = prefix + ".peers." + serverName;
				properties.put(peer + ".url", url(server, DATABASES.get(pool)));
				properties.put(peer + ".username", server.username());
				properties.put(peer + ".password", server.password());
			}
		}
		return properties;
	}

	/**
	 * The server behind {@code peer} of {@code pool}.
	 * @throws IllegalArgumentException when the cluster has no such pool or peer
	 */
	public MariaDbServer server(String pool, String peer) {
		List<String> peers = POOLS.get(pool);
		if (peers == null || !peers.contains(peer)) {
			throw new IllegalArgumentException("The embedded cluster has no peer '" + peer + "' in pool '" + pool + "'");
		}
		return this.servers.server(peer);
	}

	/** Every server. */
	public List<MariaDbServer> servers() {
		return this.servers.servers();
	}

	/** What the server behind a peer is doing: {@code running}, {@code frozen} or {@code killed}. */
	public String serverState(String pool, String peer) {
		MariaDbServer server = server(pool, peer);
		if (server.isFrozen()) {
			return "frozen";
		}
		return server.isRunning() ? "running" : "killed";
	}

	/** Stops every server. Idempotent. */
	@Override
	public void close() {
		logger.info("Stopping the embedded MariaDB cluster");
		this.servers.close();
	}

	private static String url(MariaDbServer server, String database) {
		String url = server.jdbcUrl(JdbcDriver.MARIADB);
		return url.replace("/" + server.database() + "?", "/" + database + "?");
	}

	private static void applySchema(MariaDbServer server, String database, String resource) {
		String sql = readResource(resource);
		try (Connection connection = server.connectAsAdmin()) {
			connection.setCatalog(database);
			try (Statement statement = connection.createStatement()) {
				for (String part : sql.split(";")) {
					if (!part.isBlank()) {
						statement.execute(part);
					}
				}
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(server.name() + ": cannot apply " + resource + ": " + ex.getMessage(), ex);
		}
	}

	static String readResource(String resource) {
		try (InputStream in = EmbeddedCluster.class.getClassLoader().getResourceAsStream(resource)) {
			if (in == null) {
				throw new IllegalStateException("No resource " + resource + " on the classpath");
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
