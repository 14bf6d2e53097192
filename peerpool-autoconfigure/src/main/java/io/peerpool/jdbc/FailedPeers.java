package io.peerpool.jdbc;

import java.util.Arrays;

import io.peerpool.peer.Peer;

/**
 * The peers a borrowed connection failed on, and when it may take one of them again: once a probe
 * found it back (its {@link Peer#healthMark()} changed since it failed: DOWN, then UP), and only
 * once per peer and transaction. So the only writer, frozen under a transaction, serves that
 * transaction again when it is back, and a statement that fails its peer every time does not go
 * round the recovered peers for ever.
 *
 * <p>Made at a connection's first failure and dropped when its transaction ends: a borrow that
 * never fails has none. Not thread-safe, like the connection.
 */
final class FailedPeers {

	/** The peers that failed and may not be taken (bit per peer index). */
	private long failed;

	/** The peers this transaction already took back once after they failed it (bit per peer index). */
	private long readmitted;

	/** The failed peers by index, and their health marks when they failed. */
	private Peer[] peers = new Peer[0];

	private Object[] marks = new Object[0];

	/** {@code peer} failed: it is not taken again until a probe finds it back. */
	void add(Peer peer) {
		int index = peer.index();
		if (this.peers.length <= index) {
			this.peers = Arrays.copyOf(this.peers, index + 1);
			this.marks = Arrays.copyOf(this.marks, index + 1);
		}
		this.failed |= 1L << index;
		this.peers[index] = peer;
		this.marks[index] = peer.healthMark();
	}

	/**
	 * The failed peers that still may not be taken (bit per peer index): a peer whose health mark
	 * changed since it failed is taken back, if this transaction did not take it back before.
	 */
	long stillFailed() {
		long still = this.failed;
		for (int index = 0; index < this.peers.length; index++) {
			long bit = 1L << index;
			Peer peer = this.peers[index];
			if (peer != null && (still & bit) != 0L && (this.readmitted & bit) == 0L
					&& peer.healthMark() != this.marks[index]) {
				still &= ~bit;
				this.readmitted |= bit;
				this.peers[index] = null;
				this.marks[index] = null;
			}
		}
		this.failed = still;
		return still;
	}

}
