package io.peerpool.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

import org.jspecify.annotations.Nullable;

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
	 * @param readsOnly whether the execution only reads
	 * @param oneStatement whether it is one SQL statement (not a batch, nor several in one string)
	 * @return the next physical connection, or {@code null} when the failure must reach the caller
	 */
	abstract Connection failover(SQLException failure, boolean readsOnly, boolean oneStatement) throws SQLException;

	/**
	 * After a failed execution that is not a first one: when a server that now runs read-only
	 * refused it whole (a planned switchover) outside a transaction, the physical connection of the
	 * writer it may run again on.
	 * @return the writer's physical connection, or {@code null} when the failure must reach the caller
	 */
	abstract @Nullable Connection afterReadOnlyRefusal(SQLException failure) throws SQLException;

	/** A statement ran: later failures are the caller's to handle. */
	abstract void statementSucceeded();

	/** Marks the peer DOWN if a failure that is not retried says so. */
	abstract void reportFailure(SQLException failure);

	/** A statement that already ran once failed: the peer is judged, and a connection lost outside a transaction let go of. */
	abstract void statementFailed(SQLException failure);

	// transaction replay (see TransactionLog); a host that never records a transaction keeps these defaults

	/** The log of the current transaction, or {@code null} when it is not recorded. */
	@Nullable TransactionLog transactionLog() {
		return null;
	}

	/** A logged statement recorded a call of about {@code bytes} bytes. */
	void recorded(int bytes) {
	}

	/** A statement the transaction log does not follow is executed: a transaction open now is not replayed. */
	void unloggedExecution() {
	}

	/** The current transaction cannot be replayed (a call the log cannot repeat, or past the limit). */
	void abandonReplay() {
	}

	/**
	 * A logged statement or result set failed: if the failure says the connection is lost, runs the
	 * transaction so far again on another peer and compares every result.
	 * @return whether it did and every result was the same: the failed call may run again; when
	 * {@code false} the caller throws {@code failure} and the transaction is no longer recorded
	 */
	boolean replayTransaction(SQLException failure) {
		return false;
	}

}
