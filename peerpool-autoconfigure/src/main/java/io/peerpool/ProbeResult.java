package io.peerpool;

import java.time.Duration;

/**
 * What a {@link PeerProbe} found.
 *
 * @param healthy whether the peer can serve
 * @param detail why it cannot, or {@code null}
 * @param readOnly whether the server refuses writes ({@code read_only}, {@code pg_is_in_recovery()}),
 * or {@code null} when the probe does not know
 * @param lag how far a replica is behind its primary, {@link Duration#ZERO} for a primary,
 * or {@code null} when unknown (replication stopped)
 */
public record ProbeResult(boolean healthy, String detail, Boolean readOnly, Duration lag) {

	public static ProbeResult ok() {
		return new ProbeResult(true, null, null, Duration.ZERO);
	}

	public static ProbeResult unhealthy(String detail) {
		return new ProbeResult(false, detail, null, null);
	}

	/** A healthy server that does ({@code readOnly}) or does not take writes, {@code lag} behind. */
	public static ProbeResult ok(boolean readOnly, Duration lag) {
		return new ProbeResult(true, null, readOnly, lag);
	}

}
