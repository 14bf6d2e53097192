package io.peerpool.peer;

import io.peerpool.PeerServerChangedEvent.ServerIdentity;

/** Told of every health transition of a peer; called on the thread that made the transition. */
@FunctionalInterface
interface PeerListener {

	void statusChanged(Peer peer, PeerStatus previous, PeerStatus current);

	/** The peer's role (read-only or not) or its lagging flag changed: routing must be rebuilt. */
	default void routingChanged(Peer peer) {
	}

	/**
	 * A probe found the peer healthy and routing stays as it was: a held caller whose connection
	 * failed on this peer may take it again ({@link Peer#foundHealthySince}).
	 */
	default void foundHealthy(Peer peer) {
	}

	/**
	 * Another server now answers at the peer's address; its pooled connections are being evicted.
	 * Called on the thread that opened the connection that saw the new server.
	 */
	default void serverChanged(Peer peer, ServerIdentity previous, ServerIdentity current) {
	}

	/**
	 * {@code peer} reports itself writable while {@code writer} is the pool's writer: it gets no
	 * writes. Called once when the conflict starts, off the connection path.
	 */
	default void writerConflict(Peer peer, Peer writer) {
	}

}
