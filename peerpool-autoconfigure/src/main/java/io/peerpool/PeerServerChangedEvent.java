package io.peerpool;

import org.springframework.context.ApplicationEvent;

/**
 * Another server now answers at a peer's address (a major upgrade behind a proxy, a failover
 * behind a VIP or PgBouncer, a restored dump). peerpool has evicted the peer's pooled
 * connections; listen to this event to clear the application's own caches of the old server.
 * A listener that throws never breaks connection creation.
 */
public class PeerServerChangedEvent extends ApplicationEvent {

	private final String pool;

	private final String peer;

	private final ServerIdentity previous;

	private final ServerIdentity current;

	public PeerServerChangedEvent(Object source, String pool, String peer, ServerIdentity previous,
			ServerIdentity current) {
		super(source);
		this.pool = pool;
		this.peer = peer;
		this.previous = previous;
		this.current = current;
	}

	public String getPool() {
		return this.pool;
	}

	public String getPeer() {
		return this.peer;
	}

	public ServerIdentity getPrevious() {
		return this.previous;
	}

	public ServerIdentity getCurrent() {
		return this.current;
	}

	@Override
	public String toString() {
		return "PeerServerChangedEvent[" + this.pool + "." + this.peer + ": " + this.previous + " -> " + this.current + "]";
	}

}
