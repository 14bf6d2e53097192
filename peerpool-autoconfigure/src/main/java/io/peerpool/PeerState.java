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
	LAGGING;

}
