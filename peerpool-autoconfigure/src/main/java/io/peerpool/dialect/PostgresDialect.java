package io.peerpool.dialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import io.peerpool.ProbeResult;
import io.peerpool.PeerServerChangedEvent.ServerIdentity;

/**
 * PostgreSQL. Every function and view used here is readable by any user: {@code pg_is_in_recovery()},
 * {@code pg_settings}, a primary's {@code pg_current_wal_lsn()} and timeline (from
 * {@code pg_walfile_name()}), a standby's {@code pg_last_wal_replay_lsn()} and
 * {@code pg_last_xact_replay_timestamp()}.
 * Identity: {@code system_identifier} of {@code pg_control_system()}, which may be denied to the
 * application's user (then only the version is known).
 */
final class PostgresDialect extends Dialect {

	private static final long POSTGRES_POLL_MILLIS = 20;

	/** invalid_password. */
	private static final String INVALID_PASSWORD = "28P01";

	/** read_only_sql_transaction. */
	private static final String READ_ONLY_TRANSACTION = "25006";

	/** admin_shutdown: "terminating connection due to administrator command" (also one terminated backend). */
	private static final String TERMINATED_BACKEND = "57P01";

	/** admin_shutdown, crash_shutdown, cannot_connect_now. */
	private static final String SHUTDOWN_CLASS = "57P0";

	/** cannot_connect_now: the server is starting or recovering. */
	private static final String CANNOT_CONNECT_NOW = "57P03";

	/** too_many_connections: {@code max_connections}, or a role's or a database's {@code CONNECTION LIMIT}. */
	private static final String TOO_MANY_CONNECTIONS = "53300";

	/**
	 * serialization_failure and deadlock_detected: on a hot standby, the codes of a query cancelled
	 * by a conflict with recovery ("canceling statement due to conflict with recovery"); on a
	 * primary, a transaction that lost to a concurrent one.
	 */
	private static final java.util.Set<String> SERIALIZATION_OR_DEADLOCK_STATES = java.util.Set.of("40001", "40P01");

	PostgresDialect(String version) {
		super("PostgreSQL", version);
	}

	@Override
	public ServerIdentity identity(Connection connection) throws SQLException {
		String serverVersion = queryString(connection, "SHOW server_version");
		String id = null;
		boolean autoCommit = connection.getAutoCommit();
		try {
			String system = queryString(connection, "SELECT system_identifier FROM pg_control_system()");
			if (system != null) {
				id = "system_identifier=" + system;
			}
		}
		catch (SQLException ex) {
			if (!autoCommit) {
				connection.rollback();
			}
		}
		return new ServerIdentity(product(), serverVersion, id);
	}

	/**
	 * The replay estimate is zero when nothing received is left to replay. Received can be behind
	 * replayed: a WAL receiver that (re)starts, after a standby restart or a switch to a promoted
	 * primary, reports the start of the segment it streams from until new WAL arrives (on an idle
	 * primary: never); such a standby has nothing to apply, and the age of its last replayed
	 * commit is no lag.
	 *
	 * <p>A server not in recovery is still read-only when new sessions start read-only
	 * ({@code default_transaction_read_only}, from {@code ALTER SYSTEM}, the database or the role:
	 * the value a session starts with, {@code reset_val}, not what this session's driver set): a
	 * primary made read-only for a planned switchover, or by a provider when its storage is full.
	 * Every write of the application's sessions is refused there (SQLState {@code 25006}), so it is
	 * no writer. It replicates from no one, so its lag is measured by position against the pool's
	 * writer ({@link ReplicaLag}), not taken as zero: once a promoted standby commits, it falls
	 * behind, and its reads stop at {@code max-replica-lag} as a replica's do.
	 */
	@Override
	public ProbeResult probe(Connection connection, boolean recovering, boolean serverLag) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT pg_is_in_recovery(),"
						+ " CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()::text"
						+ " ELSE pg_current_wal_lsn()::text END,"
						+ " CASE WHEN NOT pg_is_in_recovery() THEN 0"
						+ " WHEN pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() THEN 0"
						+ " ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END,"
						+ " CASE WHEN NOT pg_is_in_recovery() THEN pg_walfile_name(pg_current_wal_lsn()) END,"
						+ " (SELECT reset_val FROM pg_settings WHERE name = 'default_transaction_read_only')")) {
			result.next();
			boolean inRecovery = result.getBoolean(1);
			String position = result.getString(2);
			double replaySeconds = result.getDouble(3);
			Duration replayLag = result.wasNull() ? null : Duration.ofMillis((long) (replaySeconds * 1000));
			String walFile = result.getString(4);
			long timeline = (walFile != null && walFile.length() >= 8) ? Long.parseLong(walFile.substring(0, 8), 16) : 0;
			boolean readOnly = inRecovery || "on".equals(result.getString(5));
			// a writable primary is behind no one; a standby's own figure is only an estimate from commit times
			Duration lag = readOnly ? null : Duration.ZERO;
			return ProbeResult.ok(readOnly, lag,
					new ProbeResult.Replication(product(), position, inRecovery, false, timeline, replayLag, null));
		}
	}

	@Override
	public String positionAfterWrite(Connection primary) throws SQLException {
		return queryPosition(primary, "SELECT pg_current_wal_lsn()::text");
	}

	@Override
	public boolean hasApplied(Connection replica, String lsn, Duration timeout) throws SQLException {
		long deadline = System.nanoTime() + timeout.toNanos();
		try (PreparedStatement check = replica
			.prepareStatement("SELECT COALESCE(pg_last_wal_replay_lsn() >= ?::pg_lsn, true)")) {
			check.setString(1, lsn);
			while (true) {
				try (ResultSet result = check.executeQuery()) {
					if (result.next() && result.getBoolean(1)) {
						return true;
					}
				}
				if (System.nanoTime() > deadline) {
					return false;
				}
				try {
					// PostgreSQL has no wait-for-LSN function before 18: poll briefly
					Thread.sleep(POSTGRES_POLL_MILLIS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return false;
				}
			}
		}
	}

	@Override
	boolean hasReached(String position, String primaryPosition) {
		return lsn(position) >= lsn(primaryPosition);
	}

	/** An LSN such as {@code 16/B374D848} as a number; -1 when absent. */
	static long lsn(String text) {
		if (text == null || text.indexOf('/') < 0) {
			return -1;
		}
		int slash = text.indexOf('/');
		return (Long.parseLong(text.substring(0, slash), 16) << 32) | Long.parseLong(text.substring(slash + 1), 16);
	}

	static boolean isInvalidPassword(SQLException sql) {
		return INVALID_PASSWORD.equals(sql.getSQLState());
	}

	static @Nullable VendorFailure failureOfState(SQLException sql) {
		String state = sql.getSQLState();
		if (state != null && state.startsWith(SHUTDOWN_CLASS)) {
			return CANNOT_CONNECT_NOW.equals(state) ? VendorFailure.NOT_READY : VendorFailure.SHUTDOWN;
		}
		return null;
	}

	/**
	 * A write refused because its transaction is read-only (SQLState {@code 25006}, "cannot execute
	 * INSERT in a read-only transaction"): by a standby, by a primary whose sessions start read-only
	 * ({@code default_transaction_read_only}), or because the application asked for a read-only
	 * transaction. Only the connection knows which ({@code RoutedConnection}).
	 */
	static boolean isReadOnlyTransaction(SQLException sql) {
		return READ_ONLY_TRANSACTION.equals(sql.getSQLState()) && sql.getErrorCode() == 0;
	}

	static boolean isTooManyConnections(SQLException sql) {
		return TOO_MANY_CONNECTIONS.equals(sql.getSQLState());
	}

	/**
	 * A serialization failure ({@code 40001}) or a deadlock ({@code 40P01}): on a standby what a
	 * query cancelled for recovery gets, on a primary a transaction that lost to a concurrent one.
	 */
	static boolean isSerializationOrDeadlockState(SQLException sql) {
		// Set.of(...).contains(null) throws: a driver's error may have no SQLState (a query timeout)
		String state = sql.getSQLState();
		return sql.getErrorCode() == 0 && state != null && SERIALIZATION_OR_DEADLOCK_STATES.contains(state);
	}

	static boolean isTerminatedBackend(SQLException sql) {
		return TERMINATED_BACKEND.equals(sql.getSQLState());
	}

}
