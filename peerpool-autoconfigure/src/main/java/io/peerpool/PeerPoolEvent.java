package io.peerpool;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * One entry of a pool's timeline: what happened to a peer (or to the whole pool), when and why.
 * A pool keeps its last 100; {@link PeerPool#getEvents()} lists them, the actuator endpoint shows
 * them, {@link NoAvailablePeerException} carries the latest in its message, and a
 * {@link PeerPoolListener} sees each as it happens.
 *
 * @param time when it happened
 * @param pool name of the pool
 * @param peer name of the peer, or {@code null} for an event of the whole pool (a hold)
 * @param type what happened
 * @param from state, role or server before ({@code UP}, {@code replica}, {@code MariaDB 11.4.5 (server_id=1)}), or {@code null}
 * @param to state, role or server after, or {@code null}
 * @param reason why, in a few words ({@code connect}, {@code timeout}, {@code probe succeeded}, {@code operator}), or {@code null}
 * @param detail more about it (the last error, the replica's lag), without credentials, or {@code null}
 * @param callers for a hold: callers waiting when it started, or that waited when it ended; else 0
 * @param duration for {@link Type#UP}: how long the peer was down; for {@link Type#HOLD_END}: the
 * longest wait of a caller; else {@code null}
 */
public record PeerPoolEvent(Instant time, String pool, @Nullable String peer, Type type, @Nullable String from,
		@Nullable String to, @Nullable String reason, @Nullable String detail, int callers,
		@Nullable Duration duration) {

	/** What happened. */
	public enum Type {

		/** A peer failed and takes no connections until a probe brings it back. */
		DOWN,

		/** A failed peer answered its probe and takes connections again. */
		UP,

		/** A replica fell further behind than {@code max-replica-lag} (or its lag became unknown): no reads. */
		LAGGING,

		/** A lagging replica is back within {@code max-replica-lag}. */
		CAUGHT_UP,

		/**
		 * A cluster node is ready but not in sync (Galera's {@code Donor/Desynced}, {@code Joined}): no
		 * new work goes there, what runs there goes on.
		 */
		DESYNCED,

		/** A DESYNCED node is in sync again and takes work. */
		SYNCED,

		/** A peer's role changed: a replica promoted to primary, a primary that turned read-only. */
		ROLE_CHANGE,

		/** More than one peer takes writes where only one should. */
		WRITER_CONFLICT,

		/** Another server answers at the peer's address; its pooled connections were evicted. */
		SERVER_CHANGE,

		/** An operator drained the peer. */
		DRAIN,

		/** An operator resumed a drained peer. */
		RESUME,

		/** The pool started holding callers (no peer could serve them yet). */
		HOLD_START,

		/** The pool stopped holding callers. */
		HOLD_END;

		/** Lower-case name with dashes ({@code role-change}), as shown in the endpoint and messages. */
		public String tag() {
			return name().toLowerCase(Locale.ROOT).replace('_', '-');
		}

	}

	/** One line for logs and messages: {@code 2026-01-01T10:00:00Z peer1 down UP -> DOWN (connect: refused)}. */
	@Override
	public String toString() {
		StringBuilder text = new StringBuilder().append(this.time).append(' ');
		if (this.peer != null) {
			text.append(this.peer).append(' ');
		}
		text.append(this.type.tag());
		if (this.from != null || this.to != null) {
			text.append(' ').append(this.from).append(" -> ").append(this.to);
		}
		if (this.callers > 0) {
			text.append(", ").append(this.callers).append(" caller(s)");
		}
		if (this.duration != null) {
			text.append(", ").append((this.type == Type.UP) ? "down for " : "longest wait ")
				.append(this.duration.toMillis())
				.append(" ms");
		}
		if (this.reason != null || this.detail != null) {
			text.append(" (");
			if (this.reason != null) {
				text.append(this.reason);
			}
			if (this.detail != null) {
				text.append((this.reason != null) ? ": " : "").append(this.detail);
			}
			text.append(')');
		}
		return text.toString();
	}

}
