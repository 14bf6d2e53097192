package io.peerpool.peer;

/** Told of every health transition of a peer; called on the thread that made the transition. */
@FunctionalInterface
public interface PeerListener {

	void statusChanged(Peer peer, PeerStatus previous, PeerStatus current);

}
