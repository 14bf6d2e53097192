package io.peerpool.dialect;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import io.peerpool.PeerProbe;
import io.peerpool.ProbeResult;

/**
 * peerpool's probe: the connection is valid, and by product what routing needs to know.
 * <ul>
 * <li>MySQL / MariaDB: {@code @@read_only}; a replica's {@code Seconds_Behind_Master}; on a
 * Galera node {@code wsrep_ready=ON} and {@code wsrep_local_state_comment=Synced} (a node without
 * quorum still answers {@code SELECT 1} but fails every table access); before a DOWN node is
 * taken back, also a causal read ({@code wsrep_sync_wait}): a node waking up from a freeze still
 * reports Synced for a few seconds after the others evicted it.</li>
 * <li>PostgreSQL: {@code pg_is_in_recovery()} and the replay lag (zero when everything received
 * is replayed, so an idle primary does not make its standby look late).</li>
 * </ul>
 * The application user needs {@code REPLICATION CLIENT} (MySQL) or {@code SLAVE MONITOR}
 * (MariaDB) for the lag; without it a replica's lag is unknown.
 */
public class DefaultPeerProbe implements PeerProbe {

	/** MariaDB's ER_UNKNOWN_COM_ERROR, which Galera answers with "WSREP has not yet prepared node". */
	private static final int GALERA_NOT_READY = 1047;

	/**
	 * {@link #probe} and, on a Galera node, a causal read (see {@link #requireCausalRead}). Only
	 * for a peer coming back: while another node of the cluster is frozen and not yet evicted, a
	 * causal read blocks on <em>every</em> node, and the healthy ones must stay UP meanwhile.
	 */
	@Override
	public ProbeResult probeRecovering(Connection connection, Duration timeout) throws SQLException {
		return check(connection, timeout, true);
	}

	@Override
	public ProbeResult probe(Connection connection, Duration timeout) throws SQLException {
		return check(connection, timeout, false);
	}

	private ProbeResult check(Connection connection, Duration timeout, boolean recovering) throws SQLException {
		int seconds = (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
		if (!connection.isValid(seconds)) {
			return ProbeResult.unhealthy("connection is not valid");
		}
		String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
		String version = connection.getMetaData().getDatabaseProductVersion();
		if (product.contains("postgres")) {
			return postgres(connection);
		}
		if (product.contains("mysql") || product.contains("mariadb")) {
			return mysqlFamily(connection, version.contains("MariaDB"), recovering);
		}
		return ProbeResult.ok();
	}

	private ProbeResult mysqlFamily(Connection connection, boolean mariaDb, boolean recovering) throws SQLException {
		boolean readOnly;
		boolean galera = false;
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(mariaDb ? "SELECT @@read_only, @@wsrep_on" : "SELECT @@read_only")) {
			result.next();
			readOnly = result.getBoolean(1);
			galera = mariaDb && result.getBoolean(2);
		}
		if (galera) {
			String notReady = galeraNotReady(connection);
			if (notReady != null) {
				// the condition of the server's own error 1047 (WSREP not ready): thrown with its code
				// so that the peer is DOWN as not_ready, like after a statement that got that error
				throw new SQLTransientException(notReady, "08S01", GALERA_NOT_READY);
			}
			if (recovering) {
				requireCausalRead(connection);
			}
			return ProbeResult.ok(readOnly, Duration.ZERO);
		}
		return ProbeResult.ok(readOnly, replicaLag(connection));
	}

	private static String galeraNotReady(Connection connection) throws SQLException {
		String ready = null;
		String state = null;
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(
						"SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_ready', 'wsrep_local_state_comment')")) {
			while (result.next()) {
				if ("wsrep_ready".equalsIgnoreCase(result.getString(1))) {
					ready = result.getString(2);
				}
				else {
					state = result.getString(2);
				}
			}
		}
		if (!"ON".equalsIgnoreCase(ready) || !"Synced".equalsIgnoreCase(state)) {
			return "Galera node not ready: wsrep_ready=" + ready + ", wsrep_local_state_comment=" + state;
		}
		return null;
	}

	/**
	 * A node that was frozen (or cut off) and wakes up keeps reporting its old view, Synced, ready,
	 * Primary, for seconds, until it notices that the others evicted it; commits there fail with
	 * 1180 "Not connected to Primary Component". A causal read ({@code wsrep_sync_wait}) needs a
	 * round trip through the group, so such a node cannot answer it: it blocks until the probe
	 * connection's network timeout ({@code probe-timeout}), or fails. On a node of the cluster's
	 * current view it costs one group round trip.
	 */
	private static void requireCausalRead(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			// the probe's own connection, closed after the probe: the session setting goes with it
			statement.execute("SET SESSION wsrep_sync_wait = 1");
			try (ResultSet result = statement.executeQuery("SELECT 1")) {
				result.next();
			}
		}
		catch (SQLException ex) {
			throw new SQLTransientException("Galera node reports Synced but cannot complete a causal read "
					+ "(wsrep_sync_wait): it is not part of the cluster's current view: " + ex.getMessage(), "08S01",
					GALERA_NOT_READY, ex);
		}
	}

	/** Zero when the server replicates from no one; {@code null} when replication is stopped or not visible. */
	private static Duration replicaLag(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SHOW SLAVE STATUS")) {
			if (!result.next()) {
				return Duration.ZERO;
			}
			long seconds = result.getLong("Seconds_Behind_Master");
			return result.wasNull() ? null : Duration.ofSeconds(seconds);
		}
		catch (SQLException ex) {
			if (ex.getErrorCode() == 1227) { // ER_SPECIFIC_ACCESS_DENIED_ERROR: no privilege to see it
				return null;
			}
			throw ex;
		}
	}

	/**
	 * Lag is zero when nothing received is left to replay. Received can be behind replayed: a WAL
	 * receiver that (re)starts, after a standby restart or a switch to a promoted primary, reports
	 * the start of the segment it streams from until new WAL arrives (on an idle primary: never);
	 * such a standby has nothing to apply, and the age of its last replayed commit is no lag.
	 */
	private static ProbeResult postgres(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT pg_is_in_recovery(), CASE WHEN NOT pg_is_in_recovery() THEN 0"
						+ " WHEN pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() THEN 0"
						+ " ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END")) {
			result.next();
			boolean inRecovery = result.getBoolean(1);
			double lagSeconds = result.getDouble(2);
			Duration lag = result.wasNull() ? null : Duration.ofMillis((long) (lagSeconds * 1000));
			return ProbeResult.ok(inRecovery, lag);
		}
	}

}
