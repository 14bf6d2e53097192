package io.peerpool;

import org.jspecify.annotations.Nullable;

/**
 * Sees every physical acquisition of a pool (the moment a connection takes a peer), on the
 * caller's thread: for tracing and timing. Set with
 * {@link PeerPoolDataSource#setAcquisitionObserver}; with Micrometer's {@code ObservationRegistry}
 * the auto-configuration sets one that records a {@code peerpool.acquire} observation. A pool
 * without an observer pays nothing.
 */
public interface AcquisitionObserver {

	/**
	 * An acquisition starts.
	 * @param pool the pool's name
	 * @param readIntent whether the connection wants a replica
	 * @return what {@link #finished} gets back (a started observation, a start time), or
	 * {@code null}
	 */
	@Nullable Object started(String pool, boolean readIntent);

	/**
	 * The acquisition ended.
	 * @param context what {@link #started} returned
	 * @param peer the peer that serves the connection, {@code null} when none could
	 * @param failure why none could, {@code null} on success
	 */
	void finished(@Nullable Object context, @Nullable String peer, @Nullable Throwable failure);

}
