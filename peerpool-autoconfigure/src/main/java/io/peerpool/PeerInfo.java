package io.peerpool;

import java.time.Instant;

/**
 * A snapshot of one peer, safe to show: the URL has no credentials.
 *
 * @param name name of the peer
 * @param state current state
 * @param role declared role
 * @param url JDBC URL without user info or password parameters
 * @param active connections borrowed from this peer
 * @param idle idle connections in the peer's pool
 * @param since when the peer entered its state
 * @param retryAt when a DOWN peer is probed again, or {@code null}
 * @param lastError last error, or {@code null}
 * @param failureReason why the peer is DOWN, as a tag ({@code connect}, {@code auth}, ...), or {@code null}
 * @param routed connections routed to this peer since the pool started
 * @param server the server last seen behind the peer ({@code MariaDB 11.4.5 (server_id=1)}), or {@code null}
 */
public record PeerInfo(String name, PeerState state, PeerRole role, String url, int active, int idle, Instant since,
		Instant retryAt, String lastError, String failureReason, long routed,
		String server) {

	/** Whether the peer takes new connections. */
	public boolean isUp() {
		return this.state == PeerState.UP;
	}

}
