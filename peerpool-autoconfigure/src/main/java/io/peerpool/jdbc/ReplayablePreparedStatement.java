package io.peerpool.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.peerpool.codegen.GenerateDelegation;
import io.peerpool.routing.SqlIntent;

/**
 * A {@link ReplayableStatement} for a {@link PreparedStatement}: its parameters are recorded too,
 * and it is re-created from its SQL. The methods that only delegate are in
 * {@link DelegatingPreparedStatement}, generated at build time, and so are the parameter setters:
 * each one line that calls {@code apply} with a kind named for it ({@link StatementRecording}) and
 * its arguments packed, and the execute methods but the query, as in {@link ReplayableStatement}.
 *
 * <p>A setter is made and replayed by the same switch ({@link StatementRecording#apply}); the few
 * with a second object (a {@code Calendar}, an {@code SQLType}) are recorded as a pair, and made
 * directly once nothing is recorded (no pair per parameter then).
 */
@GenerateDelegation(value = PreparedStatement.class, delegate = "prepared", superclass = ReplayableStatement.class,
		recorder = "apply", recorded = { "set*", "addBatch", "clearParameters" }, kinds = StatementRecording.class,
		router = "run", counter = "count", routed = "execute*")
class ReplayablePreparedStatement extends DelegatingPreparedStatement {

	private final String sql;

	ReplayablePreparedStatement(StatementHost connection, PreparedStatement delegate, String sql,
			RoutedStatement.Creator<? extends PreparedStatement> creator) {
		super(connection, delegate, creator);
		this.sql = sql;
	}

	@Override
	Statement create(Connection physical) throws SQLException {
		return creator().create(physical, this.sql);
	}

	@Override
	String preparedSql() {
		return this.sql;
	}

	@Override
	final PreparedStatement prepared() throws SQLException {
		return (PreparedStatement) statement();
	}

	// execution: the SQL was looked at when the statement was prepared; but for the query, generated
	// (DelegatingPreparedStatement) as calls of run or count

	@Override
	public ResultSet executeQuery() throws SQLException {
		// INSERT ... RETURNING, {call p()}, SELECT nextval(...): a query that writes is not retried in auto-commit
		return run((statement, query, option, columns) -> ((PreparedStatement) statement).executeQuery(),
				null, 0, null, !SqlIntent.needsPrimary(this.sql));
	}

}
