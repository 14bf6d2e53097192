package io.peerpool;

/**
 * Told of every event of a pool's timeline as it happens: a peer DOWN or UP, lagging, a role or
 * server change, a drain, a hold. Register one with {@link PeerPoolDataSource#addListener}; with
 * the auto-configuration, every {@code PeerPoolListener} bean is registered on every pool.
 *
 * <p>Called on the thread that made the change (a probe, or a request that found its peer dead),
 * so a listener must be quick: hand slow work (paging someone, writing a file) to another thread.
 * A listener that throws is logged and never breaks the pool or the other listeners.
 *
 * <p>A listener bean is created before the pools (so that it sees their first events): it must not
 * depend on a pool's {@code DataSource} itself; look the pool up later if it needs one.
 */
public interface PeerPoolListener {

	/** A new event of the pool's timeline. */
	default void onEvent(PeerPoolEvent event) {
	}

}
