package io.peerpool;

import java.time.Duration;

/**
 * What a {@link PeerProbe} found.
 *
 * @param healthy whether the peer can serve
 * @param detail why it cannot, or {@code null}
 * @param readOnly whether the server refuses writes ({@code read_only}, {@code pg_is_in_recovery()}),
 * or {@code null} when the probe does not know
 * @param lag how far a replica is behind its primary by the server's own figure
 * ({@code Seconds_Behind_Master}), {@link Duration#ZERO} for a primary, or {@code null} when the
 * server does not tell (replication stopped, or the user may not see it)
 * @param replication the server's replication position and state, from which peerpool measures
 * the lag without privileges; {@code null} when the probe does not know
 * @param desynced for a healthy node of a synchronous cluster that is ready but not in sync for a
 * while (Galera's {@code wsrep_local_state_comment} {@code Donor/Desynced}, {@code Joined}): that
 * state. The peer is not DOWN: it gets no new connections, the running ones go on, and it is
 * probed every 100-200 ms until a probe finds it in sync. {@code null} for a node in sync and for
 * every other server.
 */
public record ProbeResult(boolean healthy, String detail, Boolean readOnly, Duration lag, Replication replication,
		String desynced) {

	/** A result without replication position. */
	public ProbeResult(boolean healthy, String detail, Boolean readOnly, Duration lag) {
		this(healthy, detail, readOnly, lag, null, null);
	}

	/** A result of a server in sync (or that is not a node of a synchronous cluster). */
	public ProbeResult(boolean healthy, String detail, Boolean readOnly, Duration lag, Replication replication) {
		this(healthy, detail, readOnly, lag, replication, null);
	}

	/** A healthy server, nothing more known: neither its read-only state nor its lag. */
	public static ProbeResult ok() {
		return new ProbeResult(true, null, null, Duration.ZERO);
	}

	/** A server that cannot serve, for the reason {@code detail}. */
	public static ProbeResult unhealthy(String detail) {
		return new ProbeResult(false, detail, null, null);
	}

	/** A healthy server that does ({@code readOnly}) or does not take writes, {@code lag} behind. */
	public static ProbeResult ok(boolean readOnly, Duration lag) {
		return new ProbeResult(true, null, readOnly, lag);
	}

	/** A healthy server, with what it said of its replication. */
	public static ProbeResult ok(boolean readOnly, Duration lag, Replication replication) {
		return new ProbeResult(true, null, readOnly, lag, replication);
	}

	/**
	 * A healthy node of a synchronous cluster that is ready but not in sync ({@code state}, for
	 * example Galera's {@code Donor/Desynced}): no new work goes there until a probe finds it in
	 * sync, its running transactions go on.
	 */
	public static ProbeResult desynced(boolean readOnly, Replication replication, String state) {
		return new ProbeResult(true, null, readOnly, Duration.ZERO, replication, state);
	}

	/**
	 * A server's replication as the application's own user can see it.
	 *
	 * @param product the product whose position format {@code position} has ({@code MariaDB},
	 * {@code MySQL}, {@code PostgreSQL})
	 * @param position for a writable server that replicates from no one, its current position
	 * (MariaDB {@code @@gtid_binlog_pos}, MySQL {@code @@gtid_executed}, PostgreSQL
	 * {@code pg_current_wal_lsn()}); for a replica, what it has applied; {@code null} when unknown
	 * @param replicating whether the server replicates from another one, {@code null} when the user
	 * cannot see it
	 * @param synchronous whether the server is a node of a synchronous cluster (Galera): every
	 * node takes writes and none lags
	 * @param timeline a PostgreSQL primary's timeline (higher after each promotion), 0 when unknown
	 * @param replayLag an estimate of the lag from the server's replay times (PostgreSQL's
	 * {@code pg_last_xact_replay_timestamp()}), used when the position cannot be compared; {@code null} when none
	 * @param lagUnavailable why the server's own lag figure is not available (the grant it needs),
	 * {@code null} when it is or does not apply
	 * @param replicas how many replicas replicate from this server now (MariaDB {@code Slaves_connected},
	 * which any user may read), -1 when unknown: replicas pointed at a writable server make it the
	 * primary of the topology, as a DBA who promoted it set it up
	 */
	public record Replication(String product, String position, Boolean replicating, boolean synchronous,
			long timeline, Duration replayLag, String lagUnavailable, int replicas) {

		/** A server whose replicas the probe does not know. */
		public Replication(String product, String position, Boolean replicating, boolean synchronous, long timeline,
				Duration replayLag, String lagUnavailable) {
			this(product, position, replicating, synchronous, timeline, replayLag, lagUnavailable, -1);
		}

	}

}
