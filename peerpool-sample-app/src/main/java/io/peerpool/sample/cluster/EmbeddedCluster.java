package io.peerpool.sample.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.peerpool.test.MariaDbCluster;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.MariaDbServer;

/**
 * The sample's own database cluster, for a machine without database servers: a MariaDB
 * {@code primary} and two read-only replicas ({@code replica0}, {@code replica1}) on GTID
 * replication, from peerpool-test, on 127.0.0.1.
 *
 * <p>Pool {@code main} uses the database {@code app}, pool {@code audit} the database
 * {@code audit}, both on all three servers. So one server hosts a peer of each pool, as a real
 * database server often does: killing {@code replica0} takes a peer out of both. Every peer has
 * {@code role: auto}: peerpool asks each server whether it is read-only, so after
 * {@link #promote(String) promote} the pools follow the new primary by themselves. The schema is
 * created on the primary only; replication carries it (and the grants) to the replicas.
 */
public final class EmbeddedCluster implements AutoCloseable {

	/** Pools and the servers their peers live on; a peer is named after its server. */
	static final Map<String, List<String>> POOLS = Map.of(
			"main", List.of("primary", "replica0", "replica1"),
			"audit", List.of("primary", "replica0", "replica1"));

	private static final Map<String, String> DATABASES = Map.of("main", "app", "audit", "audit");

	/** The delay the status page's "lag" button gives a replica. */
	public static final Duration LAG = Duration.ofSeconds(5);

	private static final Logger logger = LoggerFactory.getLogger(EmbeddedCluster.class);

	private final MariaDbCluster servers;

	private EmbeddedCluster(MariaDbCluster servers) {
		this.servers = servers;
	}

	/** Starts the servers and replication, and creates both pools' databases and tables. */
	public static EmbeddedCluster start() {
		long started = System.nanoTime();
		// replicas configured read-only, as a DBA does in production: a restarted replica stays one (without
		// it, a restarted replica is writable and the pools keep it out of the writes as a writer conflict)
		MariaDbCluster servers = MariaDbCluster.primaryWithReplicas(2).persistentReadOnly();
		servers.start();
		try {
			MariaDbServer primary = servers.primary();
			primary.executeAsAdmin("CREATE DATABASE IF NOT EXISTS audit");
			primary.executeAsAdmin("GRANT ALL PRIVILEGES ON audit.* TO '" + primary.username() + "'@'%'");
			applySchema(primary, "app", "db/main.sql");
			applySchema(primary, "audit", "db/audit.sql");
			// the pools read from the replicas at once: they must have the tables first
			for (MariaDbServer replica : servers.replicas()) {
				awaitTables(replica);
			}
		}
		catch (RuntimeException ex) {
			servers.close();
			throw ex;
		}
		EmbeddedCluster cluster = new EmbeddedCluster(servers);
		logger.info("Embedded MariaDB cluster (a primary, 2 replicas) started in {} ms: {}",
				(System.nanoTime() - started) / 1_000_000,
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
			// the replicas share the primary's data: spread the reads over them
			properties.put(prefix + ".balance", "random");
			for (String serverName : POOLS.get(pool)) {
				MariaDbServer server = this.servers.server(serverName);
				String peer = prefix + ".peers." + serverName;
				properties.put(peer + ".url", url(server, DATABASES.get(pool)));
				properties.put(peer + ".username", server.username());
				properties.put(peer + ".password", server.password());
				properties.put(peer + ".role", "auto");
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

	/**
	 * Makes the replica behind {@code peer} the primary ({@link MariaDbCluster#promote}); the old
	 * primary becomes its replica. peerpool finds out by its probes ({@code role: auto}).
	 * @throws IllegalArgumentException when there is no such server or it is not a replica
	 */
	public void promote(String peer) {
		this.servers.promote(this.servers.server(peer));
	}

	/**
	 * Delays the replica behind {@code peer} by {@code delay} ({@code MASTER_DELAY});
	 * {@link Duration#ZERO} removes the delay.
	 * @throws IllegalArgumentException when there is no such server or it is not a replica
	 */
	public void lag(String peer, Duration delay) {
		this.servers.lag(this.servers.server(peer), delay);
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

	private static void awaitTables(MariaDbServer replica) {
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		String sql = "SELECT COUNT(*) FROM information_schema.tables WHERE (table_schema = 'app' AND table_name IN "
				+ "('note', 'heartbeat')) OR (table_schema = 'audit' AND table_name = 'audit_event')";
		while (true) {
			try (Connection connection = replica.connectAsAdmin();
					Statement statement = connection.createStatement();
					ResultSet result = statement.executeQuery(sql)) {
				if (result.next() && result.getInt(1) == 3) {
					return;
				}
			}
			catch (SQLException ex) {
				throw new IllegalStateException(replica.name() + ": cannot read its tables: " + ex.getMessage(), ex);
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(replica.name() + " did not replicate the schema within 60 s");
			}
			try {
				// not a test: a short poll while replication applies the DDL (milliseconds)
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while waiting for " + replica.name(), ex);
			}
		}
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
