package io.peerpool;

/** How a client's reads see its own writes ({@code read-your-writes}). */
public enum ReadYourWrites {

	/** After a write, the same client reads from a primary for {@code pin-duration}. */
	PIN,

	/** Reads go to a replica that has applied the client's last write (by GTID / LSN), else a primary. */
	GTID,

	/** No guarantee: reads may be stale. */
	NONE;

}
