package io.peerpool.balance;

/** What a balance strategy may know of a peer. */
public interface Balanced {

	/** Position of the peer in its pool's declared order (0 to 63). */
	int index();

	/** Weight for {@link Balance#WEIGHTED}, at least 1. */
	int weight();

	/** Connections currently borrowed from this peer through the pool. */
	int activeConnections();

}
