package io.peerpool.jdbc;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.Date;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;

import io.peerpool.codegen.GenerateDelegation;
import io.peerpool.routing.SqlIntent;

/**
 * A {@link ReplayableStatement} for a {@link PreparedStatement}: its parameters are recorded too,
 * and it is re-created from its SQL. The methods that only delegate are in
 * {@link DelegatingPreparedStatement}, generated at build time.
 *
 * <p>A setter is made and replayed by the same switch ({@link StatementRecording#apply}); the few
 * with two objects (a {@code Calendar}, an {@code SQLType}) are recorded as a call that is made now
 * and again at replay, and made directly once nothing is recorded (no call object per parameter then).
 */
@GenerateDelegation(value = PreparedStatement.class, delegate = "prepared", superclass = ReplayableStatement.class)
class ReplayablePreparedStatement extends DelegatingPreparedStatement {

	private final String sql;

	ReplayablePreparedStatement(StatementHost connection, PreparedStatement delegate, String sql,
			Creator<? extends PreparedStatement> creator) {
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

	// execution: the SQL was looked at when the statement was prepared

	@Override
	public ResultSet executeQuery() throws SQLException {
		// INSERT ... RETURNING, {call p()}, SELECT nextval(...): a query that writes is not retried in auto-commit
		return run((statement, query, option, columns) -> ((PreparedStatement) statement).executeQuery(),
				null, 0, null, !SqlIntent.needsPrimary(this.sql));
	}

	@Override
	public int executeUpdate() throws SQLException {
		return (int) count(
				(statement, query, option, columns) -> ((PreparedStatement) statement).executeUpdate(), null, 0, null);
	}

	@Override
	public boolean execute() throws SQLException {
		return count(
				(statement, query, option, columns) -> ((PreparedStatement) statement).execute() ? 1 : 0, null, 0,
				null) != 0;
	}

	@Override
	public long executeLargeUpdate() throws SQLException {
		return count(
				(statement, query, option, columns) -> ((PreparedStatement) statement).executeLargeUpdate(), null, 0,
				null);
	}

	/** A setter without a kind, while recording: made on the driver's statement if it exists, and recorded. */
	private void call(StatementRecording.Call call) throws SQLException {
		if (isMaterialized()) {
			call.apply(statement());
		}
		record(call);
	}

	// parameters are recorded until the first execution; the methods not here delegate (DelegatingPreparedStatement)

	@Override
	public void addBatch() throws SQLException {
		apply(StatementRecording.ADD_BATCH, 0, 0, null);
	}

	@Override
	public void clearParameters() throws SQLException {
		apply(StatementRecording.CLEAR_PARAMETERS, 0, 0, null);
	}

	@Override
	public void setArray(int parameterIndex, Array x) throws SQLException {
		apply(StatementRecording.SET_ARRAY, parameterIndex, 0, x);
	}

	@Override
	public void setAsciiStream(int parameterIndex, InputStream x) throws SQLException {
		unrepeatable();
		apply(StatementRecording.SET_ASCII_STREAM, parameterIndex, 0, x);
	}

	@Override
	public void setAsciiStream(int parameterIndex, InputStream x, int length) throws SQLException {
		unrepeatable();
		apply(StatementRecording.SET_ASCII_STREAM_INT_LENGTH, parameterIndex, length, x);
	}

	@Override
	public void setAsciiStream(int parameterIndex, InputStream x, long length) throws SQLException {
		unrepeatable();
		apply(StatementRecording.SET_ASCII_STREAM_LENGTH, parameterIndex, length, x);
	}

	@Override
	public void setBigDecimal(int parameterIndex, BigDecimal x) throws SQLException {
		apply(StatementRecording.SET_BIG_DECIMAL, parameterIndex, 0, x);
	}

	@Override
	public void setBinaryStream(int parameterIndex, InputStream x) throws SQLException {
		unrepeatable();
		apply(StatementRecording.SET_BINARY_STREAM, parameterIndex, 0, x);
	}

	@Override
	public void setBinaryStream(int parameterIndex, InputStream x, int length) throws SQLException {
		unrepeatable();
		apply(StatementRecording.SET_BINARY_STREAM_INT_LENGTH, parameterIndex, length, x);
	}

	@Override
	public void setBinaryStream(int parameterIndex, InputStream x, long length) throws SQLException {
		unrepeatable();
		apply(StatementRecording.SET_BINARY_STREAM_LENGTH, parameterIndex, length, x);
	}

	@Override
	public void setBlob(int parameterIndex, InputStream inputStream) throws SQLException {
		unrepeatable();
		apply(StatementRecording.SET_BLOB_STREAM, parameterIndex, 0, inputStream);
	}

	@Override
	public void setBlob(int parameterIndex, InputStream inputStream, long length) throws SQLException {
		unrepeatable();
		apply(StatementRecording.SET_BLOB_STREAM_LENGTH, parameterIndex, length, inputStream);
	}

	@Override
	public void setBlob(int parameterIndex, Blob x) throws SQLException {
		apply(StatementRecording.SET_BLOB, parameterIndex, 0, x);
	}

	@Override
	public void setBoolean(int parameterIndex, boolean x) throws SQLException {
		apply(StatementRecording.SET_BOOLEAN, parameterIndex, x ? 1 : 0, null);
	}

	@Override
	public void setByte(int parameterIndex, byte x) throws SQLException {
		apply(StatementRecording.SET_BYTE, parameterIndex, x, null);
	}

	@Override
	public void setBytes(int parameterIndex, byte[] x) throws SQLException {
		apply(StatementRecording.SET_BYTES, parameterIndex, 0, x);
	}

	@Override
	public void setCharacterStream(int parameterIndex, Reader reader) throws SQLException {
		unrepeatable();
		apply(StatementRecording.SET_CHARACTER_STREAM, parameterIndex, 0, reader);
	}

	@Override
	public void setCharacterStream(int parameterIndex, Reader reader, int length) throws SQLException {
		unrepeatable();
		apply(StatementRecording.SET_CHARACTER_STREAM_INT_LENGTH, parameterIndex, length, reader);
	}

	@Override
	public void setCharacterStream(int parameterIndex, Reader reader, long length) throws SQLException {
		unrepeatable();
		apply(StatementRecording.SET_CHARACTER_STREAM_LENGTH, parameterIndex, length, reader);
	}

	@Override
	public void setClob(int parameterIndex, Reader reader) throws SQLException {
		unrepeatable();
		apply(StatementRecording.SET_CLOB_READER, parameterIndex, 0, reader);
	}

	@Override
	public void setClob(int parameterIndex, Reader reader, long length) throws SQLException {
		unrepeatable();
		apply(StatementRecording.SET_CLOB_READER_LENGTH, parameterIndex, length, reader);
	}

	@Override
	public void setClob(int parameterIndex, Clob x) throws SQLException {
		apply(StatementRecording.SET_CLOB, parameterIndex, 0, x);
	}

	@Override
	public void setDate(int parameterIndex, Date x) throws SQLException {
		apply(StatementRecording.SET_DATE, parameterIndex, 0, x);
	}

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
	public void setDouble(int parameterIndex, double x) throws SQLException {
		apply(StatementRecording.SET_DOUBLE, parameterIndex, Double.doubleToRawLongBits(x), null);
	}

	@Override
	public void setFloat(int parameterIndex, float x) throws SQLException {
		apply(StatementRecording.SET_FLOAT, parameterIndex, Float.floatToRawIntBits(x), null);
	}

	@Override
	public void setInt(int parameterIndex, int x) throws SQLException {
		apply(StatementRecording.SET_INT, parameterIndex, x, null);
	}

	@Override
	public void setLong(int parameterIndex, long x) throws SQLException {
		apply(StatementRecording.SET_LONG, parameterIndex, x, null);
	}

	@Override
	public void setNCharacterStream(int parameterIndex, Reader value) throws SQLException {
		unrepeatable();
		apply(StatementRecording.SET_NCHARACTER_STREAM, parameterIndex, 0, value);
	}

	@Override
	public void setNCharacterStream(int parameterIndex, Reader value, long length) throws SQLException {
		unrepeatable();
		apply(StatementRecording.SET_NCHARACTER_STREAM_LENGTH, parameterIndex, length, value);
	}

	@Override
	public void setNClob(int parameterIndex, Reader reader) throws SQLException {
		unrepeatable();
		apply(StatementRecording.SET_NCLOB_READER, parameterIndex, 0, reader);
	}

	@Override
	public void setNClob(int parameterIndex, Reader reader, long length) throws SQLException {
		unrepeatable();
		apply(StatementRecording.SET_NCLOB_READER_LENGTH, parameterIndex, length, reader);
	}

	@Override
	public void setNClob(int parameterIndex, NClob value) throws SQLException {
		apply(StatementRecording.SET_NCLOB, parameterIndex, 0, value);
	}

	@Override
	public void setNString(int parameterIndex, String value) throws SQLException {
		apply(StatementRecording.SET_NSTRING, parameterIndex, 0, value);
	}

	@Override
	public void setNull(int parameterIndex, int sqlType) throws SQLException {
		apply(StatementRecording.SET_NULL, parameterIndex, sqlType, null);
	}

	@Override
	public void setNull(int parameterIndex, int sqlType, String typeName) throws SQLException {
		apply(StatementRecording.SET_NULL_TYPE_NAME, parameterIndex, sqlType, typeName);
	}

	@Override
	public void setObject(int parameterIndex, Object x) throws SQLException {
		if (x instanceof InputStream || x instanceof Reader) {
			unrepeatable();
		}
		apply(StatementRecording.SET_OBJECT, parameterIndex, 0, x);
	}

	@Override
	public void setObject(int parameterIndex, Object x, int targetSqlType) throws SQLException {
		if (x instanceof InputStream || x instanceof Reader) {
			unrepeatable();
		}
		apply(StatementRecording.SET_OBJECT_TYPE, parameterIndex, targetSqlType, x);
	}

	@Override
	public void setObject(int parameterIndex, Object x, int targetSqlType, int scaleOrLength) throws SQLException {
		if (x instanceof InputStream || x instanceof Reader) {
			unrepeatable();
		}
		apply(StatementRecording.SET_OBJECT_TYPE_SCALE, parameterIndex, ((long) targetSqlType << 32) | (scaleOrLength & 0xFFFFFFFFL), x);
	}

	@Override
	public void setRef(int parameterIndex, Ref x) throws SQLException {
		apply(StatementRecording.SET_REF, parameterIndex, 0, x);
	}

	@Override
	public void setRowId(int parameterIndex, RowId x) throws SQLException {
		apply(StatementRecording.SET_ROW_ID, parameterIndex, 0, x);
	}

	@Override
	public void setSQLXML(int parameterIndex, SQLXML xmlObject) throws SQLException {
		apply(StatementRecording.SET_SQLXML, parameterIndex, 0, xmlObject);
	}

	@Override
	public void setShort(int parameterIndex, short x) throws SQLException {
		apply(StatementRecording.SET_SHORT, parameterIndex, x, null);
	}

	@Override
	public void setString(int parameterIndex, String x) throws SQLException {
		apply(StatementRecording.SET_STRING, parameterIndex, 0, x);
	}

	@Override
	public void setTime(int parameterIndex, Time x) throws SQLException {
		apply(StatementRecording.SET_TIME, parameterIndex, 0, x);
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
	public void setTimestamp(int parameterIndex, Timestamp x) throws SQLException {
		apply(StatementRecording.SET_TIMESTAMP, parameterIndex, 0, x);
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
	public void setURL(int parameterIndex, URL x) throws SQLException {
		apply(StatementRecording.SET_URL, parameterIndex, 0, x);
	}

	@Override
	@Deprecated
	public void setUnicodeStream(int parameterIndex, InputStream x, int length) throws SQLException {
		unrepeatable();
		apply(StatementRecording.SET_UNICODE_STREAM_INT_LENGTH, parameterIndex, length, x);
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
