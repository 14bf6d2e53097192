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
	 * A snapshot of the peer named {@code name}.
	 * @throws IllegalArgumentException when the pool has no such peer
	 */
	default PeerInfo getPeer(String name) {
		for (PeerInfo peer : getPeers()) {
			if (peer.name().equals(name)) {
				return peer;
			}
		}
		throw new IllegalArgumentException("Pool '" + getName() + "' has no peer '" + name + "'");
	}

	/**
	 * Registers a listener told of every event of this pool's timeline as it happens and of every
	 * background probe; one that throws is logged and never breaks the pool.
	 */
	void addListener(PeerPoolListener listener);

	/** Removes a listener registered with {@link #addListener}. */
	void removeListener(PeerPoolListener listener);

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
