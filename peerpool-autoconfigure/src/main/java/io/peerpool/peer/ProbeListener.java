package io.peerpool.peer;

import java.time.Duration;

/**
 * Told of every probe a {@link PeerMonitor} ran, on the monitor's thread, after its outcome was
 * applied to the peer (metrics, for example). A listener must be quick and must not throw; what it
 * throws is ignored.
 */
@FunctionalInterface
interface ProbeListener {

	/** The probe succeeded: the peer is healthy. */
	String SUCCESS = "success";

	/** The probe got an answer that the peer is unhealthy, or a connection error. */
	String FAILURE = "failure";

	/** The probe did not answer in time ({@code probe-timeout}, {@code connect-timeout}). */
	String TIMEOUT = "timeout";

	/**
	 * @param peer the probed peer
	 * @param elapsed how long the probe took, connection included
	 * @param outcome {@link #SUCCESS}, {@link #FAILURE} or {@link #TIMEOUT}
	 */
	void probed(Peer peer, Duration elapsed, String outcome);

}
