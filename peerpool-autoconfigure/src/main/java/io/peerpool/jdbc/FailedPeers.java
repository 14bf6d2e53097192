package io.peerpool.jdbc;

import java.util.Arrays;

import io.peerpool.peer.Peer;

/**
 * The peers a borrowed connection failed on, and when it may take one of them again: once a probe
 * that started after the failure found the peer healthy ({@link Peer#foundHealthySince}), and only
 * once per peer and transaction. So the only writer, frozen under a transaction, serves that
 * transaction again when it is back, a transaction whose connection alone was lost (a DBA's
 * {@code KILL}, a reset) goes on on its peer when no other can serve, and a statement that fails
 * its peer every time does not go round the peers for ever.
 *
 * <p>Made at a connection's first failure and dropped when its transaction ends: a borrow that
 * never fails has none. Not thread-safe, like the connection.
 */
final class FailedPeers {

	/** The peers that failed and may not be taken (bit per peer index). */
	private long failed;

	/** The peers this transaction already took back once after they failed it (bit per peer index). */
	private long readmitted;

	/** The failed peers by index, and when each failure was seen ({@link System#nanoTime()}). */
	private Peer[] peers = new Peer[0];

	private long[] seen = new long[0];

	/**
	 * {@code peer} failed: it is not taken again until a probe finds it healthy.
	 * @param seenNanos when the failure was seen, before it was reported (which may start the probe
	 * that confirms it)
	 */
	void add(Peer peer, long seenNanos) {
		int index = peer.index();
		if (this.peers.length <= index) {
			this.peers = Arrays.copyOf(this.peers, index + 1);
			this.seen = Arrays.copyOf(this.seen, index + 1);
		}
		this.failed |= 1L << index;
		this.peers[index] = peer;
		this.seen[index] = seenNanos;
	}

	/**
	 * The failed peers that still may not be taken (bit per peer index): a peer a probe found
	 * healthy since it failed is taken back, if this transaction did not take it back before.
	 */
	long stillFailed() {
		long still = this.failed;
		for (int index = 0; index < this.peers.length; index++) {
			long bit = 1L << index;
			Peer peer = this.peers[index];
			if (peer != null && (still & bit) != 0L && (this.readmitted & bit) == 0L
					&& peer.foundHealthySince(this.seen[index])) {
				still &= ~bit;
				this.readmitted |= bit;
				this.peers[index] = null;
			}
		}
		this.failed = still;
		return still;
	}

}
