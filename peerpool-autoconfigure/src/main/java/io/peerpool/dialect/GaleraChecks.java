package io.peerpool.dialect;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.sql.Statement;

/**
 * A Galera node's readiness: {@code wsrep_ready=ON} and {@code wsrep_local_state_comment=Synced}
 * (a node without quorum still answers {@code SELECT 1} but fails every table access), and before
 * a DOWN node is taken back a causal read ({@code wsrep_sync_wait}): a node waking up from a
 * freeze still reports Synced for a few seconds after the others evicted it.
 */
final class GaleraChecks {

	/** MariaDB's ER_UNKNOWN_COM_ERROR, which Galera answers with "WSREP has not yet prepared node". */
	static final int GALERA_NOT_READY = 1047;

	private GaleraChecks() {
	}

	/** Throws the condition of the server's own error 1047 when the node is not ready. */
	static void requireReady(Connection connection, boolean recovering) throws SQLException {
		String notReady = notReady(connection);
		if (notReady != null) {
			// thrown with the server's code so that the peer is DOWN as not_ready, like after a
			// statement that got that error
			throw new SQLTransientException(notReady, "08S01", GALERA_NOT_READY);
		}
		if (recovering) {
			requireCausalRead(connection);
		}
	}

	private static String notReady(Connection connection) throws SQLException {
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

}
