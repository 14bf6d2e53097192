package io.peerpool.peer;

import java.sql.SQLTransientConnectionException;

/**
 * A healthy peer's pool had no free connection within the time asked: every connection is busy,
 * or a new one is still being opened. Not a failure of the peer (a failed connection attempt is
 * reported where it happens, by the peer's connector), so it never marks the peer DOWN.
 */
final class PeerBusyException extends SQLTransientConnectionException {

	PeerBusyException(String message, Throwable cause) {
		super(message, "08001", cause);
	}

}
