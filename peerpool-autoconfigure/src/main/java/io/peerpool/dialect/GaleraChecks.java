package io.peerpool.dialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * A Galera node's readiness. Not ready ({@code wsrep_ready=OFF}) or without quorum
 * ({@code wsrep_cluster_status} other than {@code Primary}; such a node still answers
 * {@code SELECT 1} but fails every table access): the peer is DOWN. Ready but not
 * {@code Synced} ({@code wsrep_local_state_comment} {@code Donor/Desynced} while it serves a
 * state transfer or after {@code wsrep_desync=ON}, {@code Joined} while a joiner applies what it
 * missed): the node still commits what runs on it, so the peer is not DOWN; it gets no new work
 * until a probe finds it Synced. Before a DOWN node is taken back, a causal read
 * ({@code wsrep_sync_wait}): a node waking up from a freeze still reports Synced for a few seconds
 * after the others evicted it.
 */
final class GaleraChecks {

	/** MariaDB's ER_UNKNOWN_COM_ERROR, which Galera answers with "WSREP has not yet prepared node". */
	static final int GALERA_NOT_READY = 1047;

	/** ER_LOCK_WAIT_TIMEOUT, which {@code WSREP_SYNC_WAIT_UPTO_GTID} raises when its timeout passes. */
	static final int WAIT_TIMED_OUT = 1205;

	/** ER_WRONG_ARGUMENTS, which {@code WSREP_SYNC_WAIT_UPTO_GTID} raises for a GTID it cannot read. */
	static final int WRONG_ARGUMENTS = 1210;

	private GaleraChecks() {
	}

	/**
	 * The GTID of the session's last write transaction ({@code WSREP_LAST_WRITTEN_GTID()}), or
	 * {@code null}. Every node knows a transaction by it, with or without a binary log; the
	 * session's {@code @@last_gtid} is empty without one.
	 */
	static @Nullable String lastWrittenGtid(Connection node) throws SQLException {
		return Dialect.queryPosition(node, "SELECT WSREP_LAST_WRITTEN_GTID()");
	}

	/** The function takes whole seconds and truncates a fraction (0.5 would not wait at all): rounded up, at least one. */
	static long waitSeconds(Duration timeout) {
		return Math.max(1, (timeout.toMillis() + 999) / 1000);
	}

	/**
	 * Waits at most about {@code timeout}, for the node to commit {@code gtid} so that a new read
	 * there sees it. {@code MASTER_GTID_WAIT} does not serve here: it waits for
	 * {@code gtid_slave_pos}, which the write sets Galera applies never advance.
	 * <ol>
	 * <li>{@code WSREP_SYNC_WAIT_UPTO_GTID}, bounded by whole seconds (at least one): a node that
	 * stopped applying (paused, desynced) times out here.</li>
	 * <li>Then a causal read ({@code wsrep_sync_wait} for one {@code SELECT 1}): the function can
	 * return a moment before the applied transaction is visible to a new read (8 and 13 reads of
	 * 3,000 right after the function missed the write on MariaDB 10.11; none of 6,000 after a causal
	 * read). A causal read waits for the provider, up to {@code repl.causal_read_timeout} (30 s),
	 * so it is bounded by the connection's network timeout: on a timeout the driver closes the
	 * connection, and the node counts as behind.</li>
	 * </ol>
	 * @return whether the node has committed it; {@code false} when a wait timed out
	 */
	static boolean hasCommitted(Connection node, String gtid, Duration timeout) throws SQLException {
		try (PreparedStatement wait = node.prepareStatement("SELECT WSREP_SYNC_WAIT_UPTO_GTID(?, ?)")) {
			wait.setString(1, gtid);
			wait.setLong(2, waitSeconds(timeout));
			try (ResultSet result = wait.executeQuery()) {
				if (!result.next() || result.getLong(1) <= 0) {
					return false;
				}
			}
		}
		catch (SQLException ex) {
			if (ex.getErrorCode() == WAIT_TIMED_OUT || ex.getErrorCode() == WRONG_ARGUMENTS) {
				return false;
			}
			throw ex;
		}
		return causalRead(node, timeout);
	}

	/** One causal read ({@link #hasCommitted}, step 2), its wait bounded by {@code timeout}. */
	private static boolean causalRead(Connection node, Duration timeout) throws SQLException {
		int previous = node.getNetworkTimeout();
		int bound = (int) Math.max(1, timeout.toMillis());
		node.setNetworkTimeout(Runnable::run, (previous > 0) ? Math.min(previous, bound) : bound);
		try (Statement statement = node.createStatement();
				ResultSet result = statement.executeQuery("SET STATEMENT wsrep_sync_wait = 1 FOR SELECT 1")) {
			result.next();
			return true;
		}
		catch (SQLException ex) {
			if (node.isClosed() || ex.getErrorCode() == WAIT_TIMED_OUT) {
				// the driver closed the connection at the network timeout, or the provider gave up: behind
				return false;
			}
			throw ex;
		}
		finally {
			if (!node.isClosed()) {
				node.setNetworkTimeout(Runnable::run, previous);
			}
		}
	}

	/**
	 * Checks the node's readiness.
	 * @param recovering whether the peer is DOWN (or back but not yet in sync): a node that says
	 * Synced must also complete a causal read
	 * @return {@code null} when the node is Synced, else its state ({@code Donor/Desynced},
	 * {@code Joined}, ...) while it is ready but not in sync
	 * @throws SQLException with the server's own error 1047 when the node is not ready or has no
	 * quorum, so that the peer is DOWN as {@code not_ready}, like after a statement that got that error
	 */
	static String requireReady(Connection connection, boolean recovering) throws SQLException {
		String ready = null;
		String state = null;
		String cluster = null;
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SHOW GLOBAL STATUS WHERE Variable_name IN"
						+ " ('wsrep_ready', 'wsrep_local_state_comment', 'wsrep_cluster_status')")) {
			while (result.next()) {
				String name = result.getString(1);
				if ("wsrep_ready".equalsIgnoreCase(name)) {
					ready = result.getString(2);
				}
				else if ("wsrep_cluster_status".equalsIgnoreCase(name)) {
					cluster = result.getString(2);
				}
				else {
					state = result.getString(2);
				}
			}
		}
		String desynced = desyncedState(ready, state, cluster);
		if (desynced == null && recovering) {
			requireCausalRead(connection);
		}
		// not in sync: no causal read, the node gets no work until a later probe finds it Synced (and passes it)
		return desynced;
	}

	/**
	 * The decision from the node's status variables.
	 * @return {@code null} for a Synced node, else the state of a ready node that is not in sync
	 * @throws SQLTransientException (error 1047) for a node that is not ready or has no quorum
	 */
	static String desyncedState(String ready, String state, String clusterStatus) throws SQLTransientException {
		// a node without quorum says wsrep_ready=OFF; its cluster status is checked too, where shown
		boolean quorum = clusterStatus == null || "Primary".equalsIgnoreCase(clusterStatus);
		if (!"ON".equalsIgnoreCase(ready) || !quorum || state == null) {
			throw new SQLTransientException("Galera node not ready: wsrep_ready=" + ready
					+ ", wsrep_local_state_comment=" + state + ", wsrep_cluster_status=" + clusterStatus, "08S01",
					GALERA_NOT_READY);
		}
		return "Synced".equalsIgnoreCase(state) ? null : state;
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
