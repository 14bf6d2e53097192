package io.peerpool.dialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import io.peerpool.ServerIdentity;

/**
 * Read-your-writes by position ({@code read-your-writes: gtid}): after a write, the primary's
 * position (MariaDB {@code @@last_gtid}, MySQL {@code @@global.gtid_executed}, PostgreSQL
 * {@code pg_current_wal_lsn()}) becomes the client's token; a read may use a replica only once that
 * replica has applied it (MariaDB {@code MASTER_GTID_WAIT}, MySQL
 * {@code WAIT_FOR_EXECUTED_GTID_SET}, PostgreSQL {@code pg_last_wal_replay_lsn()}), else it goes to
 * a primary.
 */
public final class ReplicaCatchUp {

	private static final long POSTGRES_POLL_MILLIS = 20;

	private ReplicaCatchUp() {
	}

	/** The position of the write just made on {@code primary}, or {@code null} when unknown. */
	public static String positionAfterWrite(Connection primary, ServerIdentity server) throws SQLException {
		if (server == null) {
			return null;
		}
		String query = switch (server.product()) {
			case "MariaDB" -> "SELECT @@last_gtid";
			case "MySQL" -> "SELECT @@global.gtid_executed";
			case "PostgreSQL" -> "SELECT pg_current_wal_lsn()::text";
			default -> null;
		};
		if (query == null) {
			return null;
		}
		try (Statement statement = primary.createStatement(); ResultSet result = statement.executeQuery(query)) {
			String position = result.next() ? result.getString(1) : null;
			return (position == null || position.isEmpty()) ? null : position;
		}
	}

	/** Waits at most {@code timeout} for {@code replica} to apply {@code position}. */
	public static boolean hasApplied(Connection replica, ServerIdentity server, String position, Duration timeout)
			throws SQLException {
		if (server == null) {
			return false;
		}
		double seconds = timeout.toMillis() / 1000.0;
		switch (server.product()) {
			case "MariaDB":
				return waitFunction(replica, "SELECT MASTER_GTID_WAIT(?, ?)", position, seconds, 0);
			case "MySQL":
				return waitFunction(replica, "SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?)", position, seconds, 0);
			case "PostgreSQL":
				return postgresReplayed(replica, position, timeout);
			default:
				return false;
		}
	}

	private static boolean waitFunction(Connection replica, String sql, String position, double seconds, int ok)
			throws SQLException {
		try (PreparedStatement wait = replica.prepareStatement(sql)) {
			wait.setString(1, position);
			wait.setDouble(2, seconds);
			try (ResultSet result = wait.executeQuery()) {
				return result.next() && result.getInt(1) == ok && !result.wasNull();
			}
		}
	}

	private static boolean postgresReplayed(Connection replica, String lsn, Duration timeout) throws SQLException {
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

}
