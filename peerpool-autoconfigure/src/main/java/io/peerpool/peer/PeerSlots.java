package io.peerpool.peer;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.AbstractQueuedLongSynchronizer;

/**
 * The slots of a peer's pool, one per connection it may hold, and the count of connections routed
 * to the peer, in one word: a fair semaphore whose every taken slot also counts a borrow, so that
 * a borrow pays one compare-and-set for both (a semaphore beside a counter cost two atomic
 * operations on every borrow). Slots are handed out in the order callers asked: HikariCP lets a
 * thread that has just given a connection back take it again before the caller that waited for
 * it wakes up, which under load starves waiters.
 *
 * <p>The low 16 bits of the state are the slots taken, the 48 above them the borrows counted
 * (2<sup>48</sup>: four years of two million borrows a second on one peer before the count wraps).
 */
final class PeerSlots extends AbstractQueuedLongSynchronizer {

	private static final long serialVersionUID = 1L;

	/** HikariCP pools larger than this per peer are not meant to exist; the bits above count borrows. */
	static final int MAX_SLOTS = 0xFFFF;

	private static final long TAKEN = MAX_SLOTS;

	private static final long ONE_BORROW = MAX_SLOTS + 1L;

	/** Releases the slot and takes back the borrow it counted. */
	private static final long UNCOUNTED = ONE_BORROW + 1L;

	private final int size;

	PeerSlots(int size) {
		if (size < 1 || size > MAX_SLOTS) {
			throw new IllegalArgumentException("A peer's pool holds 1 to " + MAX_SLOTS + " connections, not " + size
					+ ": set hikari.maximum-pool-size within that");
		}
		this.size = size;
	}

	/** Takes a free slot now unless a caller waits for one (it came first): one compare-and-set, no lock. */
	boolean tryTake() {
		return tryAcquireShared(1L) >= 0;
	}

	/** Takes a slot, waiting at most {@code timeoutMillis} in the order callers came. */
	boolean take(long timeoutMillis) throws InterruptedException {
		return tryAcquireSharedNanos(1L, TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
	}

	/** Gives a slot back; the borrow stays counted. */
	void give() {
		releaseShared(1L);
	}

	/** Gives a slot back whose borrow handed out no connection: it is not counted. */
	void giveUncounted() {
		releaseShared(UNCOUNTED);
	}

	int taken() {
		return (int) (getState() & TAKEN);
	}

	/** Borrows counted since the peer started. */
	long borrows() {
		return getState() >>> 16;
	}

	@Override
	protected long tryAcquireShared(long ignored) {
		if (hasQueuedPredecessors()) {
			return -1L;
		}
		while (true) {
			long state = getState();
			long free = this.size - (state & TAKEN);
			if (free <= 0) {
				return -1L;
			}
			if (compareAndSetState(state, state + ONE_BORROW + 1L)) {
				return free - 1L;
			}
		}
	}

	@Override
	protected boolean tryReleaseShared(long amount) {
		while (true) {
			long state = getState();
			if (compareAndSetState(state, state - amount)) {
				return true;
			}
		}
	}

}
