package io.peerpool.test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The servers a {@link ChaosRun} breaks, and what it may do to them beyond
 * {@link DatabaseServer#kill() kill}, {@link DatabaseServer#freeze() freeze},
 * {@link DatabaseServer#thaw() thaw} and {@link DatabaseServer#restart() restart}: a planned
 * switchover ({@link #promote(DatabaseServer)}), and the faults of the {@link FaultProxy} in front of
 * a server (connection reset, latency) when the data source under test goes through one.
 *
 * <p>The kit's topologies come with {@link #of(EmbeddedMariaDb, Map)}, {@link #of(EmbeddedPostgres, Map)}
 * and {@link #of(EmbeddedGalera, Map)}; implement it for servers of your own (a staging cluster
 * with scripts that stop and start nodes).
 */
public interface ChaosTopology {

	/** Every server, in a fixed order (the seeded schedule picks servers by index). */
	List<? extends DatabaseServer> servers();

	/**
	 * The server on which the run checks what was committed at the end, once
	 * {@link #awaitHealthy()} returned: the primary, or any node of a multi-primary cluster.
	 */
	DatabaseServer primary();

	/**
	 * A connection to {@link #primary()} that reads every committed row (an admin connection in the
	 * application's database by default).
	 */
	default Connection connectForCheck() throws SQLException {
		DatabaseServer primary = primary();
		Connection connection = primary.connectAsAdmin();
		connection.setCatalog(primary.database());
		return connection;
	}

	/**
	 * The servers a planned switchover may promote now; empty when the topology has no promotion
	 * (multi-primary) or none that loses nothing.
	 */
	default List<? extends DatabaseServer> promotable() {
		return List.of();
	}

	/**
	 * A planned switchover to {@code server}: the old primary stops taking writes, the new one
	 * catches up and becomes writable. Must lose nothing that was committed.
	 */
	default void promote(DatabaseServer server) {
		throw new UnsupportedOperationException("This topology has no promotion");
	}

	/** The proxy the data source under test reaches {@code server} through, if any. */
	default Optional<FaultProxy> proxy(DatabaseServer server) {
		return Optional.empty();
	}

	/**
	 * Returns once every server runs and is in its role again (replicas replicate, cluster nodes
	 * are synced) and the primary takes writes; the run calls it after healing each fault, so that
	 * the next fault never hits a topology that is still recovering from the previous one.
	 * @throws IllegalStateException when that does not happen in time
	 */
	void awaitHealthy();

	/**
	 * MariaDB primary and replicas. Promotion is the kit's planned switchover
	 * ({@link EmbeddedMariaDb#promote(MariaDbServer)} with a reachable primary: read-only, catch-up,
	 * then the replica becomes writable). A failover after a kill is not offered: with asynchronous
	 * replication it loses the commits the replica had not received, which is the topology's loss,
	 * not the data source's.
	 */
	static ChaosTopology of(EmbeddedMariaDb db, Map<? extends DatabaseServer, FaultProxy> proxies) {
		return new ChaosTopology() {

			@Override
			public List<? extends DatabaseServer> servers() {
				// by name, not db.servers() (primary first, which changes with every promotion)
				return db.servers().stream().sorted(java.util.Comparator.comparing(DatabaseServer::name)).toList();
			}

			@Override
			public DatabaseServer primary() {
				return db.primary();
			}

			@Override
			public List<? extends DatabaseServer> promotable() {
				MariaDbServer primary = db.primary();
				return (primary.isRunning() && !primary.isFrozen()) ? db.replicas() : List.of();
			}

			@Override
			public void promote(DatabaseServer server) {
				db.promote((MariaDbServer) server);
			}

			@Override
			public Optional<FaultProxy> proxy(DatabaseServer server) {
				return Optional.ofNullable(proxies.get(server));
			}

			@Override
			public void awaitHealthy() {
				ChaosTopologies.bringBack(servers());
				for (MariaDbServer replica : db.replicas()) {
					replica.awaitReplicating();
				}
				MariaDbServer primary = db.primary();
				ChaosTopologies.await("primary " + primary.name() + " to take writes",
						() -> "0".equals(ChaosTopologies.query(primary, "SELECT @@GLOBAL.read_only")));
			}

			@Override
			public String toString() {
				return "MariaDB primary + " + db.replicas().size() + " replicas";
			}

		};
	}

	/**
	 * PostgreSQL primary and standbys. Promotion is the kit's planned switchover
	 * ({@link EmbeddedPostgres#switchover(PostgresServer)}: the primary made read-only by
	 * {@code default_transaction_read_only}, the standby caught up, then promoted). The old primary
	 * keeps running read-only and replicates from no one (the kit cannot turn a former primary into
	 * a standby again), so a switchover is offered only while it leaves a standby for the reads:
	 * one per run with two standbys, none with one.
	 */
	static ChaosTopology of(EmbeddedPostgres pg, Map<? extends DatabaseServer, FaultProxy> proxies) {
		// as it was set up: a switchover leaves one standby fewer
		String description = "PostgreSQL primary + " + pg.standbys().size() + " standbys";
		return new ChaosTopology() {

			@Override
			public List<? extends DatabaseServer> servers() {
				return pg.servers();
			}

			@Override
			public List<? extends DatabaseServer> promotable() {
				PostgresServer primary = pg.primary();
				List<PostgresServer> standbys = pg.standbys();
				return (primary.isRunning() && !primary.isFrozen() && standbys.size() > 1) ? standbys : List.of();
			}

			@Override
			public void promote(DatabaseServer server) {
				pg.switchover((PostgresServer) server);
			}

			@Override
			public DatabaseServer primary() {
				return pg.primary();
			}

			@Override
			public Optional<FaultProxy> proxy(DatabaseServer server) {
				return Optional.ofNullable(proxies.get(server));
			}

			@Override
			public void awaitHealthy() {
				ChaosTopologies.bringBack(servers());
				PostgresServer primary = pg.primary();
				List<String> standbys = pg.standbys().stream().map(PostgresServer::name).sorted().toList();
				ChaosTopologies.await("primary " + primary.name() + " to take writes and standbys " + standbys
						+ " to stream from it", () -> "f".equals(ChaosTopologies.query(primary, "SELECT pg_is_in_recovery()"))
								&& String.join(",", standbys)
									.equals(String.valueOf(ChaosTopologies.query(primary,
											"SELECT coalesce(string_agg(application_name, ',' ORDER BY application_name), '') "
													+ "FROM pg_stat_replication WHERE state = 'streaming'"))));
			}

			@Override
			public String toString() {
				return description;
			}

		};
	}

	/**
	 * A Galera cluster: every node can take writes (which of them do is the pool's
	 * {@code galera-writers}), so there is no promotion; the check at the end runs on the first node
	 * once all are synced.
	 */
	static ChaosTopology of(EmbeddedGalera galera, Map<? extends DatabaseServer, FaultProxy> proxies) {
		return new ChaosTopology() {

			@Override
			public List<? extends DatabaseServer> servers() {
				return galera.nodes();
			}

			@Override
			public DatabaseServer primary() {
				return galera.node(0);
			}

			@Override
			public Optional<FaultProxy> proxy(DatabaseServer server) {
				return Optional.ofNullable(proxies.get(server));
			}

			@Override
			public Connection connectForCheck() throws SQLException {
				Connection connection = ChaosTopology.super.connectForCheck();
				// a node applies the other nodes' write sets asynchronously: wait until it has applied
				// everything committed before the read
				try (Statement statement = connection.createStatement()) {
					statement.execute("SET SESSION wsrep_sync_wait = 1");
				}
				return connection;
			}

			@Override
			public void awaitHealthy() {
				ChaosTopologies.bringBack(servers());
				galera.awaitSynced();
			}

			@Override
			public String toString() {
				return "Galera cluster of " + galera.nodes().size() + " nodes";
			}

		};
	}

}

/** What the kit's topologies share. */
final class ChaosTopologies {

	private static final Duration HEALTHY_TIMEOUT = Duration.ofSeconds(120);

	private ChaosTopologies() {
	}

	/** Thaws what is frozen, restarts what is dead, and lifts every proxy fault. */
	static void bringBack(List<? extends DatabaseServer> servers) {
		for (DatabaseServer server : servers) {
			if (server.isFrozen()) {
				server.thaw();
			}
			if (!server.isRunning()) {
				server.restart();
			}
		}
	}

	/** The first column of the first row, as admin; null when the server does not answer. */
	static String query(DatabaseServer server, String sql) {
		try (Connection connection = server.connectAsAdmin(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(sql)) {
			return result.next() ? result.getString(1) : null;
		}
		catch (SQLException ex) {
			return null;
		}
	}

	static void await(String what, BooleanSupplier condition) {
		long deadline = System.nanoTime() + HEALTHY_TIMEOUT.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Timed out after " + HEALTHY_TIMEOUT.toSeconds() + " s waiting for " + what);
			}
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted waiting for " + what, ex);
			}
		}
	}

}
