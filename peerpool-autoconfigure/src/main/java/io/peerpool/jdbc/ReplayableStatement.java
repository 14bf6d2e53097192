package io.peerpool.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.peerpool.codegen.GenerateDelegation;
import io.peerpool.routing.SqlIntent;

/**
 * The first statement of a {@link PeerConnection}, made so that it can be run again on another
 * peer: it records how the statement was created and every setting and parameter given to it, and
 * when its first execution fails because the peer died, it re-creates the statement on the
 * connection's next peer, replays the recording and executes again.
 *
 * <p>Recording stops after the first execution; from then on the wrapper delegates, but still
 * shows each SQL text to the connection (a write must count, whichever statement sends it).
 * Plain statements created later are wrapped the same way (their first execution can still
 * follow a move to a primary, never a failover); later prepared statements are the driver's own,
 * their SQL was looked at when they were prepared.
 *
 * <p>A plain statement created before the connection took its physical connection waits for its
 * SQL, which decides the peer (a write under read intent needs a primary): until then settings are
 * only recorded.
 *
 * <p>Plain Java rather than a {@link java.lang.reflect.Proxy}: it is on the path of every
 * connection, and a proxy costs a handler, an argument array per call and a reflective call. The
 * methods that only delegate are in {@link DelegatingStatement}, generated at build time, and so
 * are the settings, each a call of {@link RecordingStatement}, which records them. On the success
 * path this object is all that is allocated; {@link StatementRecording} only once something is set.
 */
@GenerateDelegation(value = Statement.class, delegate = "statement", superclass = RecordingStatement.class,
		recorder = "apply", recorded = { "set*", "clearBatch", "clearWarnings", "closeOnCompletion" },
		kinds = StatementRecording.class)
class ReplayableStatement extends DelegatingStatement {

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

	/** Runs a statement that returns a count (or a boolean, as 0 or 1): no boxing. */
	@FunctionalInterface
	interface CountExecution {

		long run(Statement statement, String sql, int option, Object columns) throws SQLException;

	}

	private final Creator<? extends Statement> creator;

	/** The driver's statement, or {@code null} until the connection has taken its peer. */
	private Statement delegate;

	private boolean closed;

	ReplayableStatement(StatementHost connection, Statement delegate, Creator<? extends Statement> creator) {
		super(connection);
		this.delegate = delegate;
		this.creator = creator;
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
		if (!this.recording) {
			return execution.run((sql != null) ? later(sql) : unlogged(), sql, option, columns);
		}
		return executeFirst(execution, sql, option, columns, readsOnly);
	}

	/** Runs an execution that returns a count, as {@link #run} does. */
	final long count(CountExecution execution, String sql, int option, Object columns) throws SQLException {
		if (!this.recording) {
			return execution.run((sql != null) ? later(sql) : unlogged(), sql, option, columns);
		}
		return executeFirst(execution, sql, option, columns);
	}

	private <R> R executeFirst(Execution<R> execution, String sql, int option, Object columns, boolean readsOnly)
			throws SQLException {
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
					return this.connection.transactionLog().executed(this, execution, sql, option, columns, result);
				}
				firstExecutionSucceeded();
				return result;
			}
			catch (SQLException failure) {
				target = retryOrThrow(failure, reads);
			}
		}
	}

	private long executeFirst(CountExecution execution, String sql, int option, Object columns) throws SQLException {
		if (sql != null) {
			this.connection.beforeStatement(sql);
		}
		Statement target = beginFirstExecution();
		while (true) {
			try {
				long result = execution.run(target, sql, option, columns);
				if (this.logged) {
					this.connection.statementSucceeded();
					this.connection.transactionLog().executed(this, execution, sql, option, columns, result);
					return result;
				}
				firstExecutionSucceeded();
				return result;
			}
			catch (SQLException failure) {
				target = retryOrThrow(failure, false);
			}
		}
	}

	/** A plain statement's SQL was looked at first ({@link StatementHost#beforeStatement}): it may need a primary, or be refused. */
	private Statement beginFirstExecution() throws SQLException {
		if (!this.logged) {
			// a statement the transaction log has not followed from its creation: the transaction is not replayed
			this.connection.unloggedExecution();
		}
		if (this.delegate != null && (!this.connection.isAttached()
				|| this.delegate.getConnection() != this.connection.attachedPhysical())) {
			// the connection moved to a primary (for this write or an earlier one): the statement moves with it
			closeQuietly(this.delegate);
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

	/**
	 * After a failed first execution: the statement re-created on the connection's next peer with
	 * the recording replayed, or the failure thrown when it must reach the caller.
	 */
	private Statement retryOrThrow(SQLException failure, boolean readsOnly) throws SQLException {
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
			next = this.connection.failover(failure, readsOnly);
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
		Statement current = statement();
		if (!this.connection.isAttached() || current.getConnection() != this.connection.attachedPhysical()) {
			// settings made after the first execution are not recorded: the new statement has the driver's defaults
			closeQuietly(current);
			current = create(this.connection.physicalConnection());
			this.delegate = current;
		}
		return current;
	}

	/** The driver's statement for an execution the transaction log does not follow. */
	final Statement unlogged() throws SQLException {
		this.connection.unloggedExecution();
		return statement();
	}

	private static void closeQuietly(Statement statement) {
		try {
			statement.close();
		}
		catch (SQLException | RuntimeException ex) {
			// the statement's connection is already broken
		}
	}

	// execution: the first one records, fails over and replays; later ones show their SQL and run

	@Override
	public ResultSet executeQuery(String sql) throws SQLException {
		return run((statement, query, option, columns) -> statement.executeQuery(query), sql, 0, null, true);
	}

	@Override
	public int executeUpdate(String sql) throws SQLException {
		return (int) count((statement, query, option, columns) -> statement.executeUpdate(query), sql, 0, null);
	}

	@Override
	public int executeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
		return (int) count((statement, query, option, columns) -> statement.executeUpdate(query, option), sql,
				autoGeneratedKeys, null);
	}

	@Override
	public int executeUpdate(String sql, int[] columnIndexes) throws SQLException {
		return (int) count(
				(statement, query, option, columns) -> statement.executeUpdate(query, (int[]) columns), sql, 0,
				columnIndexes);
	}

	@Override
	public int executeUpdate(String sql, String[] columnNames) throws SQLException {
		return (int) count(
				(statement, query, option, columns) -> statement.executeUpdate(query, (String[]) columns), sql, 0,
				columnNames);
	}

	@Override
	public boolean execute(String sql) throws SQLException {
		return count((statement, query, option, columns) -> statement.execute(query) ? 1 : 0, sql, 0,
				null) != 0;
	}

	@Override
	public boolean execute(String sql, int autoGeneratedKeys) throws SQLException {
		return count((statement, query, option, columns) -> statement.execute(query, option) ? 1 : 0, sql,
				autoGeneratedKeys, null) != 0;
	}

	@Override
	public boolean execute(String sql, int[] columnIndexes) throws SQLException {
		return count(
				(statement, query, option, columns) -> statement.execute(query, (int[]) columns) ? 1 : 0, sql, 0,
				columnIndexes) != 0;
	}

	@Override
	public boolean execute(String sql, String[] columnNames) throws SQLException {
		return count(
				(statement, query, option, columns) -> statement.execute(query, (String[]) columns) ? 1 : 0, sql, 0,
				columnNames) != 0;
	}

	@Override
	public int[] executeBatch() throws SQLException {
		return run((statement, query, option, columns) -> statement.executeBatch(), null, 0, null, false);
	}

	@Override
	public long[] executeLargeBatch() throws SQLException {
		return run((statement, query, option, columns) -> statement.executeLargeBatch(), null, 0, null,
				false);
	}

	@Override
	public long executeLargeUpdate(String sql) throws SQLException {
		return count((statement, query, option, columns) -> statement.executeLargeUpdate(query), sql, 0, null);
	}

	@Override
	public long executeLargeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
		return count((statement, query, option, columns) -> statement.executeLargeUpdate(query, option), sql,
				autoGeneratedKeys, null);
	}

	@Override
	public long executeLargeUpdate(String sql, int[] columnIndexes) throws SQLException {
		return count(
				(statement, query, option, columns) -> statement.executeLargeUpdate(query, (int[]) columns), sql, 0,
				columnIndexes);
	}

	@Override
	public long executeLargeUpdate(String sql, String[] columnNames) throws SQLException {
		return count(
				(statement, query, option, columns) -> statement.executeLargeUpdate(query, (String[]) columns), sql,
				0, columnNames);
	}

	// lifecycle: a statement still waiting for its connection can be closed without taking one

	@Override
	public void close() throws SQLException {
		// also with a delegate: a transaction's replay does not re-create a statement the application closed
		this.closed = true;
		if (this.delegate == null) {
			return;
		}
		this.delegate.close();
	}

	@Override
	public boolean isClosed() throws SQLException {
		return (this.delegate != null) ? this.delegate.isClosed() : this.closed;
	}

	@Override
	public Connection getConnection() {
		return this.connection.connection();
	}

	@Override
	public String toString() {
		return "Replayable[" + this.delegate + "]";
	}

	// results in a recorded transaction go to its log; the settings are generated (DelegatingStatement)

	@Override
	public boolean getMoreResults() throws SQLException {
		if (this.logged) {
			// further results are not compared
			this.connection.abandonReplay();
		}
		return statement().getMoreResults();
	}

	@Override
	public boolean getMoreResults(int current) throws SQLException {
		if (this.logged) {
			this.connection.abandonReplay();
		}
		return statement().getMoreResults(current);
	}

	@Override
	public int getUpdateCount() throws SQLException {
		int count = statement().getUpdateCount();
		if (this.logged) {
			this.connection.transactionLog().updateCount(this, count);
		}
		return count;
	}

	@Override
	public ResultSet getGeneratedKeys() throws SQLException {
		ResultSet keys = statement().getGeneratedKeys();
		return (this.logged && keys != null) ? this.connection.transactionLog().generatedKeys(this, keys) : keys;
	}

	@Override
	public ResultSet getResultSet() throws SQLException {
		ResultSet rows = statement().getResultSet();
		return (this.logged && rows != null) ? this.connection.transactionLog().resultSet(this, rows) : rows;
	}

	@Override
	public void addBatch(String sql) throws SQLException {
		// a batch of writes needs a primary, and is refused in an explicit replica scope
		this.connection.beforeStatement(sql);
		if (isMaterialized() && (!this.recording || this.connection.isAttached())) {
			statement().addBatch(sql);
		}
		record(StatementRecording.ADD_BATCH_SQL, 0, 0, sql);
	}

	@Override
	public long getLargeUpdateCount() throws SQLException {
		long count = statement().getLargeUpdateCount();
		if (this.logged) {
			this.connection.transactionLog().updateCount(this, count);
		}
		return count;
	}


}
