package io.peerpool.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.peerpool.codegen.GenerateDelegation;

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
 * are the settings, each a call of {@link RecordingStatement}, which records them, and the execute
 * methods but the query, each a call of {@link RoutedStatement} with the driver's call as a lambda. On the success
 * path this object is all that is allocated; {@link StatementRecording} only once something is set.
 *
 * <p>The driver's statement and the retry of the first execution elsewhere are in
 * {@link RoutedStatement}, the recording in {@link RecordingStatement} (its superclasses); this
 * class holds the JDBC surface: the execute methods, the results a recorded transaction compares,
 * and the lifecycle.
 */
@GenerateDelegation(value = Statement.class, delegate = "statement", superclass = RoutedStatement.class,
		recorder = "apply", recorded = { "set*", "clearBatch", "clearWarnings", "closeOnCompletion" },
		kinds = StatementRecording.class, router = "run", counter = "count", routed = "execute*")
class ReplayableStatement extends DelegatingStatement {

	ReplayableStatement(StatementHost connection, Statement delegate,
			RoutedStatement.Creator<? extends Statement> creator) {
		super(connection, delegate, creator);
	}

	// execution: the first one records, fails over and replays; later ones show their SQL and run. A query
	// that fails first may run again elsewhere in auto-commit too; the other execute methods are generated
	// (DelegatingStatement), each a call of run or count with the driver's call as a lambda

	@Override
	public ResultSet executeQuery(String sql) throws SQLException {
		return run((statement, query, option, columns) -> statement.executeQuery(query), sql, 0, null, true);
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

	/**
	 * From another thread, as JDBC means it: a statement still waiting for its SQL runs nothing, and
	 * does not take a physical connection here to cancel nothing.
	 */
	@Override
	public void cancel() throws SQLException {
		Statement current = this.delegate;
		if (current != null) {
			current.cancel();
		}
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
