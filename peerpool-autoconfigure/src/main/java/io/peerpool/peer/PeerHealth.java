package io.peerpool.peer;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

import io.peerpool.PeerState;
import io.peerpool.failure.FailureReason;

/**
 * A peer's stored health: up or down, since when and why. Part of the peer's {@link PeerStatus};
 * what routing makes of it (lagging, drained, in sync) is derived there, never stored here.
 *
 * @param up whether the peer is healthy; a DOWN peer takes nothing until a probe takes it back
 * @param since when the peer became healthy or failed (a DOWN peer: its first failure)
 * @param reason why it is DOWN, or {@code null}
 * @param lastError the last error message, without credentials, or {@code null}
 * @param retryAt when a DOWN peer is probed again, or {@code null}
 */
record PeerHealth(boolean up, Instant since, @Nullable FailureReason reason, @Nullable String lastError,
		@Nullable Instant retryAt) {

	/** Healthy since {@code now}: a peer starts so, and its first probe tells otherwise. */
	static PeerHealth upSince(Instant now) {
		return new PeerHealth(true, now, null, null, null);
	}

	PeerHealth down(Instant now, FailureReason reason, @Nullable String error, Instant retryAt) {
		// keep "since" of an existing failure: the peer has been down since the first one
		return new PeerHealth(false, this.up ? now : this.since, reason, error, retryAt);
	}

	PeerHealth recovered(Instant now) {
		// the last error stays visible after recovery: it is what an operator asks about
		return new PeerHealth(true, now, null, this.lastError, null);
	}

	/** The health as the API names it: {@link PeerState#UP} or {@link PeerState#DOWN}. */
	PeerState state() {
		return this.up ? PeerState.UP : PeerState.DOWN;
	}

}
