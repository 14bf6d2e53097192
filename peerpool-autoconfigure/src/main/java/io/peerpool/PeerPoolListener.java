package io.peerpool;

import java.time.Duration;
import java.util.Locale;

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

	/**
	 * A background probe of a peer ended and its outcome was applied: {@code peer} shows the role
	 * and lag it found. Not an event of the timeline (probes run every {@code probe-interval});
	 * called on the monitor's thread, so it must be quicker still.
	 * @param peer the probed peer, as the probe left it
	 * @param elapsed how long the probe took, connection included
	 * @param outcome how it ended
	 */
	default void probed(PeerInfo peer, Duration elapsed, ProbeOutcome outcome) {
	}

	/**
	 * A recorded transaction ran again after {@code reason} ({@code transaction-replay}): it went on
	 * when {@code replayed} (every result the same), else the application got the original error.
	 * Called on the application's thread, so it must be quick.
	 * @param peer the peer the transaction was on when it failed
	 * @param reason why it ran again
	 * @param replayed whether it goes on
	 */
	default void transactionReplayed(String peer, ReplayReason reason, boolean replayed) {
	}

	/** Why a recorded transaction ran again. */
	enum ReplayReason {

		/** Its connection was lost before the commit (a killed, frozen or reset server). */
		CONNECTION_LOST,

		/** The server refused it because it now runs read-only (a planned switchover). */
		READ_ONLY,

		/** A PostgreSQL hot standby cancelled one of its reads for a conflict with its recovery. */
		RECOVERY_CONFLICT,

		/** The server rolled it back for a conflict with another transaction (a deadlock, Galera's certification). */
		CONFLICT;

		/** Lower-case name ({@code connection_lost}), as meters tag it. */
		public String tag() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

	/** How a background probe ended. */
	enum ProbeOutcome {

		/** The probe succeeded: the peer is healthy. */
		SUCCESS,

		/** The probe got an answer that the peer is unhealthy, or a connection error. */
		FAILURE,

		/** The probe did not answer in time ({@code probe-timeout}, {@code connect-timeout}). */
		TIMEOUT;

		/** Lower-case name ({@code success}), as meters tag it. */
		public String tag() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

}
