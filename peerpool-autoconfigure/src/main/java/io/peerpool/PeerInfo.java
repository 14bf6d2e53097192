package io.peerpool;

import java.time.Instant;

/**
 * A snapshot of one peer, safe to show: the URL has no credentials.
 *
 * @param name name of the peer
 * @param state current state
 * @param role the role the peer plays now (a declared primary that reports itself read-only is a
 * replica; an {@code auto} peer is what its server says)
 * @param url JDBC URL without user info or password parameters
 * @param active connections borrowed from this peer
 * @param idle idle connections in the peer's pool
 * @param since when the peer entered its state
 * @param retryAt when a DOWN peer is probed again, or {@code null}
 * @param lastError last error, or {@code null}
 * @param failureReason why the peer is DOWN, as a tag ({@code connect}, {@code auth}, ...), or {@code null}
 * @param routed connections routed to this peer since the pool started
 * @param server the server last seen behind the peer ({@code MariaDB 11.4.5 (server_id=1)}), or {@code null}
 * @param declaredRole the role given in the configuration ({@code primary}, {@code replica}, {@code auto})
 * @param lagSeconds how far the peer was behind the pool's primary at its last probe, or
 * {@code null} when unknown, for a primary and for a DOWN peer
 * @param lagSource how the lag was measured: {@code server} (the server's own figure) or
 * {@code position} (its replication position against the primary's), or {@code null}
 * @param lagUnknown why the lag of a replica cannot be measured (the grant it needs), or {@code null}
 * @param writerConflict the pool's writer when this peer also reports itself writable and gets no
 * writes for that reason, or {@code null}
 * @param desynced while the peer is {@link PeerState#DESYNCED}, the node's own state
 * ({@code Donor/Desynced}, {@code Joined}), else {@code null}
 * @param probedLagSeconds the lag the last probe measured whatever the role the peer plays (0 for a
 * primary), or {@code null} when unknown or DOWN: what the {@code peerpool.replica.lag} meter
 * shows; {@code lagSeconds} is this figure for a peer that serves reads as a replica
 * @param refusingConnections while an UP peer's server refuses new connections at its connection
 * limit (another client holds every connection it allows), its last refusal; else {@code null}.
 * The peer stays UP: its open connections work, new work waits for them
 * @param takesWrites whether write transactions go to this peer now: the pool's writer (on Galera
 * with {@code galera-writers: one}, the one node that takes the writes, although every node plays
 * {@code primary}; with {@code all}, every routable node); {@code false} for a replica, a peer that
 * is not routable, a writable peer held back by a writer conflict, and for every peer while writes
 * are held (a switchover, a Galera handover)
 * @param replicating whether the peer's server replicates from another one (a MariaDB or MySQL
 * replica's SQL thread runs, also while it reconnects to a dead source; a PostgreSQL standby), or
 * {@code null} when unknown or DOWN. A writable peer that replicates is a replica restarted without
 * {@code read_only}: with {@code role: auto} it serves reads as the replica it is and never takes
 * the writes
 */
public record PeerInfo(String name, PeerState state, PeerRole role, String url, int active, int idle, Instant since,
		Instant retryAt, String lastError, String failureReason, long routed,
		String server, PeerRole declaredRole, Double lagSeconds, String lagSource, String lagUnknown,
		String writerConflict, String desynced, Double probedLagSeconds, String refusingConnections,
		boolean takesWrites, Boolean replicating) {

	/** Whether the peer takes new connections. */
	public boolean isUp() {
		return this.state == PeerState.UP;
	}

}
