package io.peerpool.peer;

import java.time.Instant;

import io.peerpool.PeerState;
import io.peerpool.failure.FailureReason;

/**
 * Immutable health of one peer. Changed only by compare-and-set on {@link Peer}, so concurrent
 * failure reports and probes cannot lose a transition.
 *
 * @param state health state (UP, DOWN, LAGGING); the operator's drain is kept apart on the peer
 * @param since when the peer entered this state
 * @param reason why it is DOWN, or {@code null}
 * @param lastError last error message, without credentials, or {@code null}
 * @param retryAt when a DOWN peer is probed again, or {@code null}
 */
record PeerStatus(PeerState state, Instant since, FailureReason reason, String lastError, Instant retryAt) {

	static PeerStatus up(Instant now) {
		return new PeerStatus(PeerState.UP, now, null, null, null);
	}

	PeerStatus down(Instant now, FailureReason reason, String error, Instant retryAt) {
		// keep "since" of an existing failure: the peer has been down since the first one
		Instant downSince = (this.state == PeerState.DOWN) ? this.since : now;
		return new PeerStatus(PeerState.DOWN, downSince, reason, error, retryAt);
	}

	PeerStatus recovered(Instant now) {
		// the last error stays visible after recovery: it is what an operator asks about
		return new PeerStatus(PeerState.UP, now, null, this.lastError, null);
	}

	public boolean isUp() {
		return this.state == PeerState.UP;
	}

}
