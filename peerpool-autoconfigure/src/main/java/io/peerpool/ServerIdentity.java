package io.peerpool;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;

import io.peerpool.dialect.Dialect;

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
