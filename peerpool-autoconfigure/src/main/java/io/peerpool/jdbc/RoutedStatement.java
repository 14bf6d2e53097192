package io.peerpool.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import org.jspecify.annotations.Nullable;

import io.peerpool.routing.SqlIntent;

/**
 * Where a {@link ReplayableStatement} runs: the driver's statement, created on the connection's
 * physical connection (at the first execution if the statement was created before the connection
 * took its peer), moved with the connection (to a primary for a write), and its first execution:
 * when that fails because the peer died, the statement is created again on the connection's next
 * peer, the recording ({@link RecordingStatement}) replayed on it and the execution run again; in
 * a recorded transaction the whole transaction runs again instead ({@link TransactionReplayer}).
 * Each execute method of {@code ReplayableStatement} is one call of {@link #run} or {@link #count}
 * with the driver call as a lambda.
 *
 * <p>A superclass rather than an object of its own: the statement is allocated per connection,
 * and nothing more is on the success path.
 */
abstract class RoutedStatement extends RecordingStatement {

	/** How a statement is created on a connection; {@code sql} is that of a prepared statement. */
	@FunctionalInterface
	interface Creator<S extends Statement> {

		S create(Connection connection, String sql) throws SQLException;

	}

	/** Runs a statement that returns an object (a result set, batch counts). */
	@FunctionalInterface
	interface Execution<R> {

		R run(Statement statement, String sql, int option, Object columns) throws SQLException;

	}

	/**
	 * Runs a statement that returns a count (or a boolean, as 0 or 1). An execution like any other
	 * to {@link #run} and the transaction log, where the count is a {@link Long}: the counts of
	 * almost every execution (0, 1, a few rows) are the JDK's cached ones, so nothing is allocated.
	 */
	@FunctionalInterface
	interface CountExecution extends Execution<Long> {

		long count(Statement statement, String sql, int option, Object columns) throws SQLException;

		@Override
		default Long run(Statement statement, String sql, int option, Object columns) throws SQLException {
			return count(statement, sql, option, columns);
		}

	}

	private final Creator<? extends Statement> creator;

	/** The driver's statement, or {@code null} until the connection has taken its peer. */
	Statement delegate;

	/** Whether the application closed it: a replay does not create it again. */
	boolean closed;

	RoutedStatement(StatementHost connection, Statement delegate, Creator<? extends Statement> creator) {
		super(connection);
		this.delegate = delegate;
		this.creator = creator;
	}

	/** This statement as the transaction log keeps it: {@link ReplayableStatement} is the one kind of routed statement. */
	private ReplayableStatement replayable() {
		return (ReplayableStatement) this;
	}

	/** Creates the driver's statement on {@code physical}. */
	Statement create(Connection physical) throws SQLException {
		return this.creator.create(physical, null);
	}

	final Creator<? extends Statement> creator() {
		return this.creator;
	}

	/** Whether the driver's statement exists: settings go to it, not only to the recording. */
	@Override
	final boolean isMaterialized() {
		return this.delegate != null;
	}

	/** The driver's statement, created now if the statement was waiting for its connection. */
	@Override
	final Statement statement() throws SQLException {
		Statement current = this.delegate;
		if (current == null) {
			materialize();
			current = this.delegate;
		}
		return current;
	}

	/** After a replay: the statement re-created on the new peer, its parameters given again. */
	final void replaceDelegate(Statement replayed) {
		this.delegate = replayed;
	}

	final boolean isClosedByApplication() {
		return this.closed;
	}

	/** Creates the statement on the connection's current physical connection and replays the recording. */
	private void materialize() throws SQLException {
		if (this.closed) {
			throw new SQLException("Statement is closed", "HY010");
		}
		this.delegate = create(this.connection.physicalConnection());
		replay();
	}

	private void replay() throws SQLException {
		replayRecording(this.delegate, 0, recordedCalls());
	}

	/**
	 * Runs an execution that returns an object: the first one records, fails over and replays; a
	 * later one shows its SQL to the connection ({@link #later}) and runs. One lambda for both, so
	 * that they cannot differ.
	 */
	final <R> R run(Execution<R> execution, String sql, int option, Object columns, boolean readsOnly)
			throws SQLException {
		return run(execution, sql, option, columns, readsOnly, false);
	}

	private <R> R run(Execution<R> execution, String sql, int option, Object columns, boolean readsOnly, boolean batch)
			throws SQLException {
		if (batch) {
			// a batch is not run again elsewhere after its first execution: its statement no longer keeps what
			// it is given (a first execution's recording stays until it ran)
			stopKeeping();
		}
		if (!this.recording) {
			Statement target = (sql != null) ? later(sql) : unlogged();
			while (true) {
				try {
					return execution.run(target, sql, option, columns);
				}
				catch (SQLException failure) {
					// a prepared write runs again only with the parameters it kept; a batch never (a part may have run)
					String statementSql = (sql != null) ? sql : hasKeptParameters() ? preparedSql() : null;
					target = afterLaterFailure(target, batch ? null : statementSql, failure);
					if (target == null) {
						throw failure;
					}
				}
			}
		}
		return executeFirst(execution, sql, option, columns, readsOnly, batch);
	}

	/**
	 * Runs an execution that returns an object and is not a query (a batch): not run again in
	 * auto-commit, not even when a read-only server refused it (a part may have run before).
	 */
	final <R> R run(Execution<R> execution, String sql, int option, Object columns) throws SQLException {
		return run(execution, sql, option, columns, false, true);
	}

	/** Runs an execution that returns a count, as {@link #run} does: not run again in auto-commit. */
	final long count(CountExecution execution, String sql, int option, Object columns) throws SQLException {
		return run(execution, sql, option, columns, false);
	}

	private <R> R executeFirst(Execution<R> execution, String sql, int option, Object columns, boolean readsOnly,
			boolean batch) throws SQLException {
		boolean reads = readsOnly;
		if (sql != null && (this.connection.beforeStatement(sql) & SqlIntent.WRITE) != 0) {
			// INSERT ... RETURNING, SELECT nextval(...), GET_LOCK: a query that writes is not retried in auto-commit
			reads = false;
		}
		Statement target = beginFirstExecution();
		while (true) {
			try {
				R result = execution.run(target, sql, option, columns);
				if (this.logged) {
					this.connection.statementSucceeded();
					return this.connection.transactionLog().executed(replayable(), execution, sql, option, columns, result);
				}
				firstExecutionSucceeded();
				return result;
			}
			catch (SQLException failure) {
				target = retryOrThrow(failure, reads, !batch && SqlIntent.isOneStatement((sql != null) ? sql : preparedSql()));
			}
		}
	}

	/** A plain statement's SQL was looked at first ({@link StatementHost#beforeStatement}): it may need a primary, or be refused. */
	private Statement beginFirstExecution() throws SQLException {
		if (!this.logged) {
			// a statement the transaction log has not followed from its creation: the transaction is not replayed
			this.connection.unloggedExecution();
		}
		return onCurrentPhysical();
	}

	/**
	 * The driver's statement on the connection's physical connection now: when the connection moved
	 * (to a primary, for this write or an earlier one), the statement moves with it, and is given
	 * what is recorded (after the first execution nothing is: it has the driver's defaults).
	 */
	private Statement onCurrentPhysical() throws SQLException {
		Statement current = this.delegate;
		if (current != null
				&& (!this.connection.isAttached() || current.getConnection() != this.connection.attachedPhysical())) {
			closeQuietly(current);
			this.delegate = null;
		}
		if (this.delegate == null) {
			materialize();
		}
		return this.delegate;
	}

	private void firstExecutionSucceeded() {
		stopRecording();
		this.connection.statementSucceeded();
	}

	/** The SQL of a prepared statement, or {@code null} for a plain one (its SQL comes with each execution). */
	@Nullable String preparedSql() {
		return null;
	}

	/**
	 * After a failed first execution: the statement re-created on the connection's next peer with
	 * the recording replayed, or the failure thrown when it must reach the caller.
	 * @param oneStatement whether the execution is one SQL statement, not a batch or several
	 */
	private Statement retryOrThrow(SQLException failure, boolean readsOnly, boolean oneStatement) throws SQLException {
		if (this.logged) {
			// inside a transaction that may be replayed: the whole transaction runs again elsewhere, verified
			if (this.connection.replayTransaction(failure)) {
				return this.delegate;
			}
			throw failure;
		}
		if (this.unrepeatable) {
			this.connection.reportFailure(failure);
			stopRecording();
			throw failure;
		}
		Connection next;
		try {
			next = this.connection.failover(failure, readsOnly, oneStatement);
		}
		catch (SQLException noOtherPeer) {
			// every peer is down: that, with each peer's state, is what the caller needs to know
			noOtherPeer.addSuppressed(failure);
			stopRecording();
			throw noOtherPeer;
		}
		if (next == null) {
			stopRecording();
			throw failure;
		}
		closeQuietly(this.delegate);
		this.delegate = create(next);
		replay();
		return this.delegate;
	}

	/**
	 * A later execution of a plain statement: its SQL counts too (pin, write position, guard), and
	 * when it moved the connection to a primary, the statement follows.
	 */
	private Statement later(String sql) throws SQLException {
		this.connection.unloggedExecution();
		this.connection.beforeStatement(sql);
		return onCurrentPhysical();
	}

	/**
	 * A later execution failed. When a server that now runs read-only refused it (a planned
	 * switchover) and it is one statement in auto-commit, nothing of it ran: the statement follows
	 * the connection to the writer and runs again there, as a first execution does. Each refusal
	 * excludes its peer, so this ends. Otherwise the connection judges the failure
	 * ({@link #laterFailed}), and it reaches the caller.
	 * @param sql the statement's SQL, or {@code null} when it may not run again (a batch, a prepared
	 * statement that kept no parameters)
	 * @return the statement on the writer, or {@code null} when {@code failure} must be thrown
	 */
	private @Nullable Statement afterLaterFailure(Statement target, @Nullable String sql, SQLException failure)
			throws SQLException {
		Connection writer = null;
		if (sql != null && SqlIntent.isOneStatement(sql) && onAttached(target)) {
			try {
				writer = this.connection.afterReadOnlyRefusal(failure);
			}
			catch (SQLException noWriter) {
				// no writer within acquire-timeout: that, with the refusal, is what the caller needs to know
				noWriter.addSuppressed(failure);
				throw noWriter;
			}
		}
		if (writer == null) {
			laterFailed(target, failure);
			return null;
		}
		return onCurrentPhysical();
	}

	/** Whether {@code target} runs on the connection's physical connection now (a prepared statement may be on one it moved off). */
	private boolean onAttached(Statement target) {
		try {
			return this.connection.isAttached() && target.getConnection() == this.connection.attachedPhysical();
		}
		catch (SQLException ex) {
			// the statement is closed: its failure is the caller's alone
			return false;
		}
	}

	/**
	 * A later execution failed: the connection judges it, when the statement ran on the physical
	 * connection it has now (a prepared statement may still be on one it moved off).
	 */
	private void laterFailed(Statement target, SQLException failure) {
		if (onAttached(target)) {
			this.connection.statementFailed(failure);
		}
	}

	/** The driver's statement for an execution the transaction log does not follow. */
	final Statement unlogged() throws SQLException {
		this.connection.unloggedExecution();
		return statement();
	}

	static void closeQuietly(Statement statement) {
		try {
			statement.close();
		}
		catch (SQLException | RuntimeException ex) {
			// the statement's connection is already broken
		}
	}

}
