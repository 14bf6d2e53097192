package io.peerpool.failure;

import java.util.Locale;

/** Why a peer was marked DOWN; the lower-case name is the {@code reason} tag of {@code peerpool.peer.failures}. */
public enum FailureReason {

	/** A new connection could not be opened: refused, unreachable, handshake failed. */
	CONNECT,

	/** Opening a connection or a probe did not answer in time (a hung or frozen server). */
	TIMEOUT,

	/** The server rejected the credentials. */
	AUTH,

	/** An open connection broke: SQLState class 08, communications link failure, connection killed. */
	CONNECTION_LOST,

	/** The server is shutting down or was restarted by an administrator. */
	SHUTDOWN,

	/**
	 * The server answers but is not ready to serve (a Galera node with {@code wsrep_ready=OFF} or
	 * without quorum, recovery). A Galera node that is ready but not Synced is not DOWN: it is DESYNCED.
	 */
	NOT_READY,

	/** A probe's own check failed (for example a replica that is too far behind). */
	PROBE;

	/** Lower-case name used as a metric tag and in messages. */
	public String tag() {
		return name().toLowerCase(Locale.ROOT);
	}

}
