package io.peerpool.dialect;

import java.sql.Connection;
import java.sql.SQLException;

import org.jspecify.annotations.Nullable;

import io.peerpool.ProbeResult;
import io.peerpool.PeerServerChangedEvent.ServerIdentity;

/** H2 and products peerpool knows nothing about: the connection's validity only, no replication. */
final class GenericDialect extends Dialect {

	/** H2: "Database is already closed". */
	private static final int H2_DATABASE_CLOSED = 90067;

	GenericDialect(String product, String version) {
		super(product, version);
	}

	@Override
	public ServerIdentity identity(Connection connection) {
		return new ServerIdentity(product(), version(), null);
	}

	@Override
	public ProbeResult probe(Connection connection, boolean recovering, boolean serverLag) {
		return ProbeResult.ok();
	}

	@Override
	boolean hasReached(String position, String primaryPosition) {
		return true;
	}

	static @Nullable VendorFailure failureOfCode(SQLException sql) {
		return (sql.getErrorCode() == H2_DATABASE_CLOSED) ? VendorFailure.CONNECTION_LOST : null;
	}

}
