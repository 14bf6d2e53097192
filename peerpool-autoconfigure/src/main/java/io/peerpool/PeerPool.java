package io.peerpool;

import java.util.List;

/**
 * The operator's view of one pool: its peers and their state, and drain / resume for maintenance.
 * Obtain it by injecting the pool's {@code DataSource} as {@code PeerPool} (same bean, same
 * qualifier) or with {@code dataSource.unwrap(PeerPool.class)}.
 */
public interface PeerPool {

	/** Name of the pool ({@code default} for the single-pool shorthand). */
	String getName();

	/** A snapshot of every peer, in declared order. */
	List<PeerInfo> getPeers();

	/**
	 * The pool's last events (at most 100), oldest first: peers DOWN and UP with the reason, lag,
	 * role and server changes, drain and resume, holds.
	 */
	List<PeerPoolEvent> getEvents();

	/**
	 * Stops routing new connections to a peer; borrowed connections finish, idle ones close. The
	 * peer is DRAINING while connections are borrowed, then DRAINED.
	 * @throws IllegalArgumentException when the pool has no such peer
	 */
	void drain(String peer);

	/**
	 * Routes to a drained peer again.
	 * @throws IllegalArgumentException when the pool has no such peer
	 */
	void resume(String peer);

}
