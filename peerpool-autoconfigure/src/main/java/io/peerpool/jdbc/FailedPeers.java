package io.peerpool.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
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

	/**
	 * Peers taken back whose next connections are checked before use (bit per peer index): the fault
	 * that broke the connection (a reset of every connection, a restart) may have broken the pooled
	 * ones too, which HikariCP hands out unchecked within 500 ms of their last use.
	 */
	private long checking;

	/** The failed peers by index, when each failure was seen ({@link System#nanoTime()}), and how many checks are left. */
	private Peer[] peers = new Peer[0];

	private long[] seen = new long[0];

	private int[] checksLeft = new int[0];

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
			this.checksLeft = Arrays.copyOf(this.checksLeft, index + 1);
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
				this.checking |= bit;
				// every connection its pool may hold, broken by the same fault, and one new
				this.checksLeft[index] = peer.poolSize() + 1;
				this.peers[index] = null;
			}
		}
		this.failed = still;
		return still;
	}

	/**
	 * Whether {@code current}, just taken from {@code served}, may be used: unless {@code served} is
	 * a peer this connection failed on and took back ({@link #checksNext}), it is; such a connection
	 * is checked first ({@code isValid} within the probe timeout), and evicted from its pool when
	 * the fault that broke this connection's last one broke it too.
	 */
	boolean admits(Peer served, Connection current, Duration probeTimeout) {
		if (!checksNext(served)) {
			return true;
		}
		boolean valid;
		try {
			valid = current.isValid((int) Math.max(1L, (probeTimeout.toMillis() + 999L) / 1000L));
		}
		catch (SQLException ex) {
			valid = false;
		}
		if (valid) {
			checked(served);
		}
		else {
			served.evict(current);
		}
		return valid;
	}

	/**
	 * Whether the next connection from {@code peer} is checked before use: the peer was taken back
	 * after it failed this connection, and no connection from it has passed a check since (at most
	 * as many checks as its pool holds connections, and one).
	 */
	boolean checksNext(Peer peer) {
		int index = peer.index();
		long bit = 1L << index;
		if ((this.checking & bit) == 0L) {
			return false;
		}
		if (this.checksLeft[index]-- <= 0) {
			this.checking &= ~bit;
			return false;
		}
		return true;
	}

	/** A connection from {@code peer} passed its check: the next ones are used as they come. */
	void checked(Peer peer) {
		this.checking &= ~(1L << peer.index());
	}

}
