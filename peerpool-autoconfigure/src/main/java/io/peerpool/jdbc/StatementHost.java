package io.peerpool.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What a {@link ReplayableStatement} asks of the connection that created it: to look at its SQL
 * (routing, the write guard, session state), the physical connection to run on, and whether a
 * failed first execution may run again elsewhere. {@link PeerConnection} is the one host; the
 * statements are unit-tested against a stub.
 *
 * <p>An abstract class rather than an interface so that these calls stay package-private: they
 * are not part of the public face of {@code PeerConnection}.
 */
abstract class StatementHost {

	/** The connection the application sees: what {@link java.sql.Statement#getConnection()} answers. */
	abstract Connection connection();

	/**
	 * Looks at a statement's SQL before it runs; may move the connection to a primary or refuse
	 * the statement (the write guard).
	 * @return the {@link io.peerpool.routing.SqlIntent} bits of {@code sql}
	 */
	abstract int beforeStatement(String sql) throws SQLException;

	/** Whether a physical connection is taken. */
	abstract boolean isAttached();

	/** The physical connection now, or {@code null}: a statement created on another one is re-created. */
	abstract Connection attachedPhysical();

	/** The physical connection, taken now if needed. */
	abstract Connection physicalConnection() throws SQLException;

	/**
	 * After a failed first execution: marks the peer DOWN if the failure says so and, if the
	 * statement may run again, the physical connection of the next peer.
	 * @return the next physical connection, or {@code null} when the failure must reach the caller
	 */
	abstract Connection failover(SQLException failure, boolean readsOnly) throws SQLException;

	/** A statement ran: later failures are the caller's to handle. */
	abstract void statementSucceeded();

	/** Marks the peer DOWN if a failure that is not retried says so. */
	abstract void reportFailure(SQLException failure);

}
