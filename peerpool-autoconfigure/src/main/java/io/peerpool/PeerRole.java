package io.peerpool;

/** What a peer is for. */
public enum PeerRole {

	/** Takes writes and reads. */
	PRIMARY,

	/** Takes reads only. */
	REPLICA,

	/** Discovered by the probe from the server itself ({@code read_only}, {@code pg_is_in_recovery()}). */
	AUTO;

}
