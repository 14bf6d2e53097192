package io.peerpool;

/** What a peer can do right now, as shown on health, the endpoint and metrics. */
public enum PeerState {

	/** Healthy: takes new connections. */
	UP,

	/** Failed: takes nothing until {@code check-interval} has passed and a probe succeeds. */
	DOWN,

	/** Drained by an operator: takes no new connections, borrowed ones still run. */
	DRAINING,

	/** Drained and no connection borrowed any more: safe for maintenance. */
	DRAINED,

	/** A replica too far behind its primary ({@code max-replica-lag}): gets no reads. */
	LAGGING,

	/**
	 * A node of a synchronous cluster that is ready but not in sync for a while (Galera's
	 * {@code Donor/Desynced} while it serves a state transfer, {@code Joined} while it catches up):
	 * takes no new connections, borrowed ones still run; probed every 100-200 ms and takes work
	 * again as soon as it is Synced.
	 */
	DESYNCED;

}
