package io.peerpool.jdbc;

import java.io.InputStream;
import java.io.Reader;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;

import io.peerpool.codegen.GenerateDelegation;
import io.peerpool.routing.SqlIntent;

/**
 * A {@link ReplayableStatement} for a {@link PreparedStatement}: its parameters are recorded too,
 * and it is re-created from its SQL. The methods that only delegate are in
 * {@link DelegatingPreparedStatement}, generated at build time, and so are the parameter setters:
 * each one line that calls {@code apply} with a kind named for it ({@link StatementRecording}), and
 * the execute methods but the query, as in {@link ReplayableStatement}.
 *
 * <p>A setter is made and replayed by the same switch ({@link StatementRecording#apply}); the few
 * with two objects (a {@code Calendar}, an {@code SQLType}) are recorded as a call that is made now
 * and again at replay, and made directly once nothing is recorded (no call object per parameter then).
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

	/** A setter without a kind, while recording: made on the driver's statement if it exists, and recorded. */
	private void call(StatementRecording.Call call) throws SQLException {
		if (isMaterialized()) {
			call.apply(statement());
		}
		record(call);
	}

	// the setters with two objects; the others are generated (DelegatingPreparedStatement)

	@Override
	public void setDate(int parameterIndex, Date x, Calendar cal) throws SQLException {
		if (isRecording()) {
			call((statement) -> ((PreparedStatement) statement).setDate(parameterIndex, x, cal));
		}
		else {
			prepared().setDate(parameterIndex, x, cal);
		}
	}

	@Override
	public void setTime(int parameterIndex, Time x, Calendar cal) throws SQLException {
		if (isRecording()) {
			call((statement) -> ((PreparedStatement) statement).setTime(parameterIndex, x, cal));
		}
		else {
			prepared().setTime(parameterIndex, x, cal);
		}
	}

	@Override
	public void setTimestamp(int parameterIndex, Timestamp x, Calendar cal) throws SQLException {
		if (isRecording()) {
			call((statement) -> ((PreparedStatement) statement).setTimestamp(parameterIndex, x, cal));
		}
		else {
			prepared().setTimestamp(parameterIndex, x, cal);
		}
	}

	@Override
	public void setObject(int parameterIndex, Object x, SQLType targetSqlType) throws SQLException {
		if (x instanceof InputStream || x instanceof Reader) {
			unrepeatable();
		}
		if (isRecording()) {
			call((statement) -> ((PreparedStatement) statement).setObject(parameterIndex, x, targetSqlType));
		}
		else {
			prepared().setObject(parameterIndex, x, targetSqlType);
		}
	}

	@Override
	public void setObject(int parameterIndex, Object x, SQLType targetSqlType, int scaleOrLength) throws SQLException {
		if (x instanceof InputStream || x instanceof Reader) {
			unrepeatable();
		}
		if (isRecording()) {
			call((statement) -> ((PreparedStatement) statement).setObject(parameterIndex, x, targetSqlType, scaleOrLength));
		}
		else {
			prepared().setObject(parameterIndex, x, targetSqlType, scaleOrLength);
		}
	}

}
