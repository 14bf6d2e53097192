package io.peerpool;

/**
 * What a {@link PeerProbe} found.
 *
 * @param healthy whether the peer can serve
 * @param detail why it cannot, or {@code null}
 */
public record ProbeResult(boolean healthy, String detail) {

	public static ProbeResult ok() {
		return new ProbeResult(true, null);
	}

	public static ProbeResult unhealthy(String detail) {
		return new ProbeResult(false, detail);
	}

}
