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
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;

import io.peerpool.routing.SqlIntent;

/**
 * A {@link ReplayableStatement} for a {@link PreparedStatement}: its parameters are recorded too,
 * and it is re-created from its SQL.
 */
class ReplayablePreparedStatement extends ReplayableStatement implements PreparedStatement {

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

	final PreparedStatement prepared() throws SQLException {
		return (PreparedStatement) statement();
	}

	// execution: the SQL was looked at when the statement was prepared

	@Override
	public ResultSet executeQuery() throws SQLException {
		if (!isRecording()) {
			return ((PreparedStatement) unlogged()).executeQuery();
		}
		// INSERT ... RETURNING, {call p()}, SELECT nextval(...): a query that writes is not retried in auto-commit
		return executeFirst((statement, query, option, columns) -> ((PreparedStatement) statement).executeQuery(),
				null, 0, null, !SqlIntent.needsPrimary(this.sql));
	}

	@Override
	public int executeUpdate() throws SQLException {
		if (!isRecording()) {
			return ((PreparedStatement) unlogged()).executeUpdate();
		}
		return (int) executeFirst(
				(statement, query, option, columns) -> ((PreparedStatement) statement).executeUpdate(), null, 0, null);
	}

	@Override
	public boolean execute() throws SQLException {
		if (!isRecording()) {
			return ((PreparedStatement) unlogged()).execute();
		}
		return executeFirst(
				(statement, query, option, columns) -> ((PreparedStatement) statement).execute() ? 1 : 0, null, 0,
				null) != 0;
	}

	@Override
	public long executeLargeUpdate() throws SQLException {
		if (!isRecording()) {
			return ((PreparedStatement) unlogged()).executeLargeUpdate();
		}
		return executeFirst(
				(statement, query, option, columns) -> ((PreparedStatement) statement).executeLargeUpdate(), null, 0,
				null);
	}

	// parameters are recorded until the first execution; everything else delegates

	@Override
	public ParameterMetaData getParameterMetaData() throws SQLException {
		return prepared().getParameterMetaData();
	}

	@Override
	public ResultSetMetaData getMetaData() throws SQLException {
		return prepared().getMetaData();
	}

	@Override
	public void addBatch() throws SQLException {
		if (isMaterialized()) {
			prepared().addBatch();
		}
		record(StatementRecording.ADD_BATCH, 0, 0, null);
	}

	@Override
	public void clearParameters() throws SQLException {
		if (isMaterialized()) {
			prepared().clearParameters();
		}
		record(StatementRecording.CLEAR_PARAMETERS, 0, 0, null);
	}

	@Override
	public void setArray(int parameterIndex, Array x) throws SQLException {
		if (isMaterialized()) {
			prepared().setArray(parameterIndex, x);
		}
		if (isRecording()) {
			record((statement) -> ((PreparedStatement) statement).setArray(parameterIndex, x));
		}
	}

	@Override
	public void setAsciiStream(int parameterIndex, InputStream x) throws SQLException {
		unrepeatable();
		if (isMaterialized()) {
			prepared().setAsciiStream(parameterIndex, x);
		}
		if (isRecording()) {
			record((statement) -> ((PreparedStatement) statement).setAsciiStream(parameterIndex, x));
		}
	}

	@Override
	public void setAsciiStream(int parameterIndex, InputStream x, int length) throws SQLException {
		unrepeatable();
		if (isMaterialized()) {
			prepared().setAsciiStream(parameterIndex, x, length);
		}
		if (isRecording()) {
			record((statement) -> ((PreparedStatement) statement).setAsciiStream(parameterIndex, x, length));
		}
	}

	@Override
	public void setAsciiStream(int parameterIndex, InputStream x, long length) throws SQLException {
		unrepeatable();
		if (isMaterialized()) {
			prepared().setAsciiStream(parameterIndex, x, length);
		}
		if (isRecording()) {
			record((statement) -> ((PreparedStatement) statement).setAsciiStream(parameterIndex, x, length));
		}
	}

	@Override
	public void setBigDecimal(int parameterIndex, BigDecimal x) throws SQLException {
		if (isMaterialized()) {
			prepared().setBigDecimal(parameterIndex, x);
		}
		record(StatementRecording.SET_BIG_DECIMAL, parameterIndex, 0, x);
	}

	@Override
	public void setBinaryStream(int parameterIndex, InputStream x) throws SQLException {
		unrepeatable();
		if (isMaterialized()) {
			prepared().setBinaryStream(parameterIndex, x);
		}
		if (isRecording()) {
			record((statement) -> ((PreparedStatement) statement).setBinaryStream(parameterIndex, x));
		}
	}

	@Override
	public void setBinaryStream(int parameterIndex, InputStream x, int length) throws SQLException {
		unrepeatable();
		if (isMaterialized()) {
			prepared().setBinaryStream(parameterIndex, x, length);
		}
		if (isRecording()) {
			record((statement) -> ((PreparedStatement) statement).setBinaryStream(parameterIndex, x, length));
		}
	}

	@Override
	public void setBinaryStream(int parameterIndex, InputStream x, long length) throws SQLException {
		unrepeatable();
		if (isMaterialized()) {
			prepared().setBinaryStream(parameterIndex, x, length);
		}
		if (isRecording()) {
			record((statement) -> ((PreparedStatement) statement).setBinaryStream(parameterIndex, x, length));
		}
	}

	@Override
	public void setBlob(int parameterIndex, InputStream inputStream) throws SQLException {
		unrepeatable();
		if (isMaterialized()) {
			prepared().setBlob(parameterIndex, inputStream);
		}
		if (isRecording()) {
			record((statement) -> ((PreparedStatement) statement).setBlob(parameterIndex, inputStream));
		}
	}

	@Override
	public void setBlob(int parameterIndex, InputStream inputStream, long length) throws SQLException {
		unrepeatable();
		if (isMaterialized()) {
			prepared().setBlob(parameterIndex, inputStream, length);
		}
		if (isRecording()) {
			record((statement) -> ((PreparedStatement) statement).setBlob(parameterIndex, inputStream, length));
		}
	}

	@Override
	public void setBlob(int parameterIndex, Blob x) throws SQLException {
		if (isMaterialized()) {
			prepared().setBlob(parameterIndex, x);
		}
		if (isRecording()) {
			record((statement) -> ((PreparedStatement) statement).setBlob(parameterIndex, x));
		}
	}

	@Override
	public void setBoolean(int parameterIndex, boolean x) throws SQLException {
		if (isMaterialized()) {
			prepared().setBoolean(parameterIndex, x);
		}
		record(StatementRecording.SET_BOOLEAN, parameterIndex, x ? 1 : 0, null);
	}

	@Override
	public void setByte(int parameterIndex, byte x) throws SQLException {
		if (isMaterialized()) {
			prepared().setByte(parameterIndex, x);
		}
		record(StatementRecording.SET_BYTE, parameterIndex, x, null);
	}

	@Override
	public void setBytes(int parameterIndex, byte[] x) throws SQLException {
		if (isMaterialized()) {
			prepared().setBytes(parameterIndex, x);
		}
		record(StatementRecording.SET_BYTES, parameterIndex, 0, x);
	}

	@Override
	public void setCharacterStream(int parameterIndex, Reader reader) throws SQLException {
		unrepeatable();
		if (isMaterialized()) {
			prepared().setCharacterStream(parameterIndex, reader);
		}
		if (isRecording()) {
			record((statement) -> ((PreparedStatement) statement).setCharacterStream(parameterIndex, reader));
		}
	}

	@Override
	public void setCharacterStream(int parameterIndex, Reader reader, int length) throws SQLException {
		unrepeatable();
		if (isMaterialized()) {
			prepared().setCharacterStream(parameterIndex, reader, length);
		}
		if (isRecording()) {
			record((statement) -> ((PreparedStatement) statement).setCharacterStream(parameterIndex, reader, length));
		}
	}

	@Override
	public void setCharacterStream(int parameterIndex, Reader reader, long length) throws SQLException {
		unrepeatable();
		if (isMaterialized()) {
			prepared().setCharacterStream(parameterIndex, reader, length);
		}
		if (isRecording()) {
			record((statement) -> ((PreparedStatement) statement).setCharacterStream(parameterIndex, reader, length));
		}
	}

	@Override
	public void setClob(int parameterIndex, Reader reader) throws SQLException {
		unrepeatable();
		if (isMaterialized()) {
			prepared().setClob(parameterIndex, reader);
		}
		if (isRecording()) {
			record((statement) -> ((PreparedStatement) statement).setClob(parameterIndex, reader));
		}
	}

	@Override
	public void setClob(int parameterIndex, Reader reader, long length) throws SQLException {
		unrepeatable();
		if (isMaterialized()) {
			prepared().setClob(parameterIndex, reader, length);
		}
		if (isRecording()) {
			record((statement) -> ((PreparedStatement) statement).setClob(parameterIndex, reader, length));
		}
	}

	@Override
	public void setClob(int parameterIndex, Clob x) throws SQLException {
		if (isMaterialized()) {
			prepared().setClob(parameterIndex, x);
		}
		if (isRecording()) {
			record((statement) -> ((PreparedStatement) statement).setClob(parameterIndex, x));
		}
	}

	@Override
	public void setDate(int parameterIndex, Date x) throws SQLException {
		if (isMaterialized()) {
			prepared().setDate(parameterIndex, x);
		}
		record(StatementRecording.SET_DATE, parameterIndex, 0, x);
	}

	@Override
	public void setDate(int parameterIndex, Date x, Calendar cal) throws SQLException {
		if (isMaterialized()) {
			prepared().setDate(parameterIndex, x, cal);
		}
		if (isRecording()) {
			record((statement) -> ((PreparedStatement) statement).setDate(parameterIndex, x, cal));
		}
	}

	@Override
	public void setDouble(int parameterIndex, double x) throws SQLException {
		if (isMaterialized()) {
			prepared().setDouble(parameterIndex, x);
		}
		record(StatementRecording.SET_DOUBLE, parameterIndex, Double.doubleToRawLongBits(x), null);
	}

	@Override
	public void setFloat(int parameterIndex, float x) throws SQLException {
		if (isMaterialized()) {
			prepared().setFloat(parameterIndex, x);
		}
		record(StatementRecording.SET_FLOAT, parameterIndex, Float.floatToRawIntBits(x), null);
	}

	@Override
	public void setInt(int parameterIndex, int x) throws SQLException {
		if (isMaterialized()) {
			prepared().setInt(parameterIndex, x);
		}
		record(StatementRecording.SET_INT, parameterIndex, x, null);
	}

	@Override
	public void setLong(int parameterIndex, long x) throws SQLException {
		if (isMaterialized()) {
			prepared().setLong(parameterIndex, x);
		}
		record(StatementRecording.SET_LONG, parameterIndex, x, null);
	}

	@Override
	public void setNCharacterStream(int parameterIndex, Reader value) throws SQLException {
		unrepeatable();
		if (isMaterialized()) {
			prepared().setNCharacterStream(parameterIndex, value);
		}
		if (isRecording()) {
			record((statement) -> ((PreparedStatement) statement).setNCharacterStream(parameterIndex, value));
		}
	}

	@Override
	public void setNCharacterStream(int parameterIndex, Reader value, long length) throws SQLException {
		unrepeatable();
		if (isMaterialized()) {
			prepared().setNCharacterStream(parameterIndex, value, length);
		}
		if (isRecording()) {
			record((statement) -> ((PreparedStatement) statement).setNCharacterStream(parameterIndex, value, length));
		}
	}

	@Override
	public void setNClob(int parameterIndex, Reader reader) throws SQLException {
		unrepeatable();
		if (isMaterialized()) {
			prepared().setNClob(parameterIndex, reader);
		}
		if (isRecording()) {
			record((statement) -> ((PreparedStatement) statement).setNClob(parameterIndex, reader));
		}
	}

	@Override
	public void setNClob(int parameterIndex, Reader reader, long length) throws SQLException {
		unrepeatable();
		if (isMaterialized()) {
			prepared().setNClob(parameterIndex, reader, length);
		}
		if (isRecording()) {
			record((statement) -> ((PreparedStatement) statement).setNClob(parameterIndex, reader, length));
		}
	}

	@Override
	public void setNClob(int parameterIndex, NClob value) throws SQLException {
		if (isMaterialized()) {
			prepared().setNClob(parameterIndex, value);
		}
		if (isRecording()) {
			record((statement) -> ((PreparedStatement) statement).setNClob(parameterIndex, value));
		}
	}

	@Override
	public void setNString(int parameterIndex, String value) throws SQLException {
		if (isMaterialized()) {
			prepared().setNString(parameterIndex, value);
		}
		record(StatementRecording.SET_NSTRING, parameterIndex, 0, value);
	}

	@Override
	public void setNull(int parameterIndex, int sqlType) throws SQLException {
		if (isMaterialized()) {
			prepared().setNull(parameterIndex, sqlType);
		}
		record(StatementRecording.SET_NULL, parameterIndex, sqlType, null);
	}

	@Override
	public void setNull(int parameterIndex, int sqlType, String typeName) throws SQLException {
		if (isMaterialized()) {
			prepared().setNull(parameterIndex, sqlType, typeName);
		}
		record(StatementRecording.SET_NULL_TYPE_NAME, parameterIndex, sqlType, typeName);
	}

	@Override
	public void setObject(int parameterIndex, Object x) throws SQLException {
		if (x instanceof InputStream || x instanceof Reader) {
			unrepeatable();
		}
		if (isMaterialized()) {
			prepared().setObject(parameterIndex, x);
		}
		record(StatementRecording.SET_OBJECT, parameterIndex, 0, x);
	}

	@Override
	public void setObject(int parameterIndex, Object x, int targetSqlType) throws SQLException {
		if (x instanceof InputStream || x instanceof Reader) {
			unrepeatable();
		}
		if (isMaterialized()) {
			prepared().setObject(parameterIndex, x, targetSqlType);
		}
		record(StatementRecording.SET_OBJECT_TYPE, parameterIndex, targetSqlType, x);
	}

	@Override
	public void setObject(int parameterIndex, Object x, int targetSqlType, int scaleOrLength) throws SQLException {
		if (x instanceof InputStream || x instanceof Reader) {
			unrepeatable();
		}
		if (isMaterialized()) {
			prepared().setObject(parameterIndex, x, targetSqlType, scaleOrLength);
		}
		record(StatementRecording.SET_OBJECT_TYPE_SCALE, parameterIndex, ((long) targetSqlType << 32) | (scaleOrLength & 0xFFFFFFFFL), x);
	}

	@Override
	public void setRef(int parameterIndex, Ref x) throws SQLException {
		if (isMaterialized()) {
			prepared().setRef(parameterIndex, x);
		}
		if (isRecording()) {
			record((statement) -> ((PreparedStatement) statement).setRef(parameterIndex, x));
		}
	}

	@Override
	public void setRowId(int parameterIndex, RowId x) throws SQLException {
		if (isMaterialized()) {
			prepared().setRowId(parameterIndex, x);
		}
		if (isRecording()) {
			record((statement) -> ((PreparedStatement) statement).setRowId(parameterIndex, x));
		}
	}

	@Override
	public void setSQLXML(int parameterIndex, SQLXML xmlObject) throws SQLException {
		if (isMaterialized()) {
			prepared().setSQLXML(parameterIndex, xmlObject);
		}
		if (isRecording()) {
			record((statement) -> ((PreparedStatement) statement).setSQLXML(parameterIndex, xmlObject));
		}
	}

	@Override
	public void setShort(int parameterIndex, short x) throws SQLException {
		if (isMaterialized()) {
			prepared().setShort(parameterIndex, x);
		}
		record(StatementRecording.SET_SHORT, parameterIndex, x, null);
	}

	@Override
	public void setString(int parameterIndex, String x) throws SQLException {
		if (isMaterialized()) {
			prepared().setString(parameterIndex, x);
		}
		record(StatementRecording.SET_STRING, parameterIndex, 0, x);
	}

	@Override
	public void setTime(int parameterIndex, Time x) throws SQLException {
		if (isMaterialized()) {
			prepared().setTime(parameterIndex, x);
		}
		record(StatementRecording.SET_TIME, parameterIndex, 0, x);
	}

	@Override
	public void setTime(int parameterIndex, Time x, Calendar cal) throws SQLException {
		if (isMaterialized()) {
			prepared().setTime(parameterIndex, x, cal);
		}
		if (isRecording()) {
			record((statement) -> ((PreparedStatement) statement).setTime(parameterIndex, x, cal));
		}
	}

	@Override
	public void setTimestamp(int parameterIndex, Timestamp x) throws SQLException {
		if (isMaterialized()) {
			prepared().setTimestamp(parameterIndex, x);
		}
		record(StatementRecording.SET_TIMESTAMP, parameterIndex, 0, x);
	}

	@Override
	public void setTimestamp(int parameterIndex, Timestamp x, Calendar cal) throws SQLException {
		if (isMaterialized()) {
			prepared().setTimestamp(parameterIndex, x, cal);
		}
		if (isRecording()) {
			record((statement) -> ((PreparedStatement) statement).setTimestamp(parameterIndex, x, cal));
		}
	}

	@Override
	public void setURL(int parameterIndex, URL x) throws SQLException {
		if (isMaterialized()) {
			prepared().setURL(parameterIndex, x);
		}
		if (isRecording()) {
			record((statement) -> ((PreparedStatement) statement).setURL(parameterIndex, x));
		}
	}

	@Override
	@Deprecated
	public void setUnicodeStream(int parameterIndex, InputStream x, int length) throws SQLException {
		unrepeatable();
		if (isMaterialized()) {
			prepared().setUnicodeStream(parameterIndex, x, length);
		}
		if (isRecording()) {
			record((statement) -> ((PreparedStatement) statement).setUnicodeStream(parameterIndex, x, length));
		}
	}

	@Override
	public void setObject(int parameterIndex, Object x, SQLType targetSqlType) throws SQLException {
		if (x instanceof InputStream || x instanceof Reader) {
			unrepeatable();
		}
		if (isMaterialized()) {
			prepared().setObject(parameterIndex, x, targetSqlType);
		}
		if (isRecording()) {
			record((statement) -> ((PreparedStatement) statement).setObject(parameterIndex, x, targetSqlType));
		}
	}

	@Override
	public void setObject(int parameterIndex, Object x, SQLType targetSqlType, int scaleOrLength) throws SQLException {
		if (x instanceof InputStream || x instanceof Reader) {
			unrepeatable();
		}
		if (isMaterialized()) {
			prepared().setObject(parameterIndex, x, targetSqlType, scaleOrLength);
		}
		if (isRecording()) {
			record((statement) -> ((PreparedStatement) statement).setObject(parameterIndex, x, targetSqlType, scaleOrLength));
		}
	}

}
