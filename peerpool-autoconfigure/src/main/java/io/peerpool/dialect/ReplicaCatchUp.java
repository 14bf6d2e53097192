package io.peerpool.dialect;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import io.peerpool.PeerServerChangedEvent.ServerIdentity;

/**
 * Read-your-writes by position ({@code read-your-writes: gtid}): after a write, the primary's
 * position (MariaDB {@code @@last_gtid}, MySQL {@code @@global.gtid_executed}, PostgreSQL
 * {@code pg_current_wal_lsn()}) becomes the client's token; a read may use a replica only once that
 * replica has applied it (MariaDB {@code MASTER_GTID_WAIT}, MySQL
 * {@code WAIT_FOR_EXECUTED_GTID_SET}, PostgreSQL {@code pg_last_wal_replay_lsn()}), else it goes to
 * a primary. On a Galera node the write's GTID and the wait are Galera's own
 * ({@code WSREP_LAST_WRITTEN_GTID()}, {@code WSREP_SYNC_WAIT_UPTO_GTID}, then one causal read). The
 * statements are the {@link Dialect}'s of the server.
 */
public final class ReplicaCatchUp {

	private ReplicaCatchUp() {
	}

	/**
	 * The position of the write just made on {@code primary}, or {@code null} when unknown.
	 * @param cluster whether the server is a node of a synchronous cluster (Galera)
	 */
	public static @Nullable String positionAfterWrite(Connection primary, ServerIdentity server, boolean cluster)
			throws SQLException {
		Dialect dialect = Dialect.of(server);
		if (dialect == null) {
			return null;
		}
		return cluster ? dialect.clusterPositionAfterWrite(primary) : dialect.positionAfterWrite(primary);
	}

	/**
	 * Waits at most {@code timeout} for {@code replica} to apply {@code position}.
	 * @param cluster whether the server is a node of a synchronous cluster (Galera)
	 */
	public static boolean hasApplied(Connection replica, ServerIdentity server, boolean cluster, String position,
			Duration timeout) throws SQLException {
		Dialect dialect = Dialect.of(server);
		if (dialect == null) {
			return false;
		}
		return cluster ? dialect.clusterHasApplied(replica, position, timeout)
				: dialect.hasApplied(replica, position, timeout);
	}

}
