package io.peerpool;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;

import org.springframework.context.ApplicationEvent;

import io.peerpool.dialect.Dialect;

/**
 * Another server now answers at a peer's address (a major upgrade behind a proxy, a failover
 * behind a VIP or PgBouncer, a restored dump). peerpool has evicted the peer's pooled
 * connections; listen to this event to clear the application's own caches of the old server.
 * A listener that throws never breaks connection creation. Each server is told as its
 * {@link ServerIdentity}.
 */
public class PeerServerChangedEvent extends ApplicationEvent {

	private final String pool;

	private final String peer;

	private final ServerIdentity previous;

	private final ServerIdentity current;

	/**
	 * An event of the pool {@code source}.
	 * @param source the pool's data source
	 * @param pool name of the pool
	 * @param peer name of the peer
	 * @param previous the server seen before
	 * @param current the server that answers now
	 */
	public PeerServerChangedEvent(Object source, String pool, String peer, ServerIdentity previous,
			ServerIdentity current) {
		super(source);
		this.pool = pool;
		this.peer = peer;
		this.previous = previous;
		this.current = current;
	}

	/** Name of the pool. */
	public String getPool() {
		return this.pool;
	}

	/** Name of the peer at whose address another server answers. */
	public String getPeer() {
		return this.peer;
	}

	/** The server seen before at the peer's address. */
	public ServerIdentity getPrevious() {
		return this.previous;
	}

	/** The server that answers at the peer's address now. */
	public ServerIdentity getCurrent() {
		return this.current;
	}

	@Override
	public String toString() {
		return "PeerServerChangedEvent[" + this.pool + "." + this.peer + ": " + this.previous + " -> " + this.current + "]";
	}

	/**
	 * Which server answers at a peer's address: product, version and an identifier that changes when
	 * another server (a restored dump, another cluster, a new major version behind the same proxy or
	 * VIP) takes its place: PostgreSQL's {@code system_identifier}, MySQL's {@code server_uuid},
	 * MariaDB's {@code server_id}.
	 *
	 * @param product database product ({@code MariaDB}, {@code MySQL}, {@code PostgreSQL}, ...)
	 * @param version server version
	 * @param id server identifier, or {@code null} when the server does not tell (PostgreSQL without
	 * the {@code pg_monitor} role, for example)
	 */
	public record ServerIdentity(String product, String version, String id) {

		/** Checks that the product and the version are known. */
		public ServerIdentity {
			Objects.requireNonNull(product, "product");
			Objects.requireNonNull(version, "version");
		}

		/** Reads the identity of the server behind {@code connection}: one short query. */
		public static ServerIdentity of(Connection connection) throws SQLException {
			return Dialect.of(connection).identity(connection);
		}

		@Override
		public String toString() {
			return this.product + " " + this.version + ((this.id != null) ? " (" + this.id + ")" : "");
		}

	}

}
