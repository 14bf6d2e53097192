package io.peerpool;

import java.sql.SQLTransientConnectionException;
import java.util.List;

/**
 * No peer of a pool could give a connection within {@code acquire-timeout}. The message names the
 * pool and every peer with its state, since when, its last error and when it will be retried,
 * then the pool's last events (DOWN, UP, role changes...) that led there.
 * Transient: the same call may succeed once a peer is back.
 */
public class NoAvailablePeerException extends SQLTransientConnectionException {

	private final String pool;

	private final List<PeerPoolEvent> events;

	/**
	 * An error without the pool's events.
	 * @param pool name of the pool
	 * @param message what is shown: the pool, its peers and their state
	 * @param lastFailure the last peer's failure, the cause
	 */
	public NoAvailablePeerException(String pool, String message, Throwable lastFailure) {
		this(pool, message, lastFailure, List.of());
	}

	/**
	 * An error with the pool's last events (SQLState {@code 08001}).
	 * @param pool name of the pool
	 * @param message what is shown: the pool, its peers and their state, the events
	 * @param lastFailure the last peer's failure, the cause
	 * @param events the pool's last events, oldest first
	 */
	public NoAvailablePeerException(String pool, String message, Throwable lastFailure, List<PeerPoolEvent> events) {
		super(message, "08001", lastFailure);
		this.pool = pool;
		this.events = List.copyOf(events);
	}

	/** The pool's last events before this error, oldest first (also in the message). */
	public List<PeerPoolEvent> getEvents() {
		return this.events;
	}

	/** Name of the pool that could not serve. */
	public String getPool() {
		return this.pool;
	}

}
