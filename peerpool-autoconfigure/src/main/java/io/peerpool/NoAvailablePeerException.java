package io.peerpool;

import java.sql.SQLTransientConnectionException;

/**
 * No peer of a pool could give a connection within {@code acquire-timeout}. The message names the
 * pool and every peer with its state, since when, its last error and when it will be retried.
 * Transient: the same call may succeed once a peer is back.
 */
public class NoAvailablePeerException extends SQLTransientConnectionException {

	private final String pool;

	public NoAvailablePeerException(String pool, String message, Throwable lastFailure) {
		super(message, "08001", lastFailure);
		this.pool = pool;
	}

	/** Name of the pool that could not serve. */
	public String getPool() {
		return this.pool;
	}

}
