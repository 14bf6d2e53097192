package io.peerpool;

import java.time.Duration;

import org.awaitility.core.ConditionTimeoutException;

import io.peerpool.test.TransactionLoad;

import static org.awaitility.Awaitility.await;

/** Waits on a {@link TransactionLoad} whose timeout says what the load and the pool were doing. */
final class LoadWaits {

	/**
	 * Waits until more than {@code count} transactions that started after {@code nanoTime} have
	 * ended; on timeout the error carries {@link TransactionLoad#describe} and the pool's peers.
	 */
	static void awaitStartedAfter(TransactionLoad load, long nanoTime, int count, Duration atMost,
			PeerPoolDataSource pool) {
		try {
			await().atMost(atMost).until(() -> load.startedAfter(nanoTime).size() > count);
		}
		catch (ConditionTimeoutException ex) {
			throw new AssertionError("fewer than " + count + " transactions started after the instant ended within "
					+ atMost + ": " + load.describe(nanoTime) + System.lineSeparator() + "peers: " + pool.getPeers(),
					ex);
		}
	}

	private LoadWaits() {
	}

}
