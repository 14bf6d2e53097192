package io.peerpool.jdbc;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;
import java.util.Map;

/**
 * A {@link ReplayablePreparedStatement} for a {@link CallableStatement}: named parameters and out
 * parameters are recorded too.
 */
final class ReplayableCallableStatement extends ReplayablePreparedStatement implements CallableStatement {

	ReplayableCallableStatement(StatementHost connection, CallableStatement delegate, String sql,
			Creator<? extends CallableStatement> creator) {
		super(connection, delegate, sql, creator);
	}

	private CallableStatement callable() throws SQLException {
		return (CallableStatement) statement();
	}

	// parameters are recorded until the first execution; everything else delegates

	@Override
	public boolean getBoolean(int parameterIndex) throws SQLException {
		return callable().getBoolean(parameterIndex);
	}

	@Override
	public boolean getBoolean(String parameterName) throws SQLException {
		return callable().getBoolean(parameterName);
	}

	@Override
	public boolean wasNull() throws SQLException {
		return callable().wasNull();
	}

	@Override
	public byte getByte(int parameterIndex) throws SQLException {
		return callable().getByte(parameterIndex);
	}

	@Override
	public byte getByte(String parameterName) throws SQLException {
		return callable().getByte(parameterName);
	}

	@Override
	public byte[] getBytes(int parameterIndex) throws SQLException {
		return callable().getBytes(parameterIndex);
	}

	@Override
	public byte[] getBytes(String parameterName) throws SQLException {
		return callable().getBytes(parameterName);
	}

	@Override
	public double getDouble(int parameterIndex) throws SQLException {
		return callable().getDouble(parameterIndex);
	}

	@Override
	public double getDouble(String parameterName) throws SQLException {
		return callable().getDouble(parameterName);
	}

	@Override
	public float getFloat(int parameterIndex) throws SQLException {
		return callable().getFloat(parameterIndex);
	}

	@Override
	public float getFloat(String parameterName) throws SQLException {
		return callable().getFloat(parameterName);
	}

	@Override
	public int getInt(int parameterIndex) throws SQLException {
		return callable().getInt(parameterIndex);
	}

	@Override
	public int getInt(String parameterName) throws SQLException {
		return callable().getInt(parameterName);
	}

	@Override
	public Reader getCharacterStream(int parameterIndex) throws SQLException {
		return callable().getCharacterStream(parameterIndex);
	}

	@Override
	public Reader getCharacterStream(String parameterName) throws SQLException {
		return callable().getCharacterStream(parameterName);
	}

	@Override
	public Reader getNCharacterStream(int parameterIndex) throws SQLException {
		return callable().getNCharacterStream(parameterIndex);
	}

	@Override
	public Reader getNCharacterStream(String parameterName) throws SQLException {
		return callable().getNCharacterStream(parameterName);
	}

	@Override
	public Object getObject(int parameterIndex) throws SQLException {
		return callable().getObject(parameterIndex);
	}

	@Override
	public <T> T getObject(int parameterIndex, Class<T> type) throws SQLException {
		return callable().getObject(parameterIndex, type);
	}

	@Override
	public Object getObject(int parameterIndex, Map<String, Class<?>> map) throws SQLException {
		return callable().getObject(parameterIndex, map);
	}

	@Override
	public Object getObject(String parameterName) throws SQLException {
		return callable().getObject(parameterName);
	}

	@Override
	public <T> T getObject(String parameterName, Class<T> type) throws SQLException {
		return callable().getObject(parameterName, type);
	}

	@Override
	public Object getObject(String parameterName, Map<String, Class<?>> map) throws SQLException {
		return callable().getObject(parameterName, map);
	}

	@Override
	public String getNString(int parameterIndex) throws SQLException {
		return callable().getNString(parameterIndex);
	}

	@Override
	public String getNString(String parameterName) throws SQLException {
		return callable().getNString(parameterName);
	}

	@Override
	public String getString(int parameterIndex) throws SQLException {
		return callable().getString(parameterIndex);
	}

	@Override
	public String getString(String parameterName) throws SQLException {
		return callable().getString(parameterName);
	}

	@Override
	public BigDecimal getBigDecimal(int parameterIndex) throws SQLException {
		return callable().getBigDecimal(parameterIndex);
	}

	@Override
	@Deprecated
	public BigDecimal getBigDecimal(int parameterIndex, int scale) throws SQLException {
		return callable().getBigDecimal(parameterIndex, scale);
	}

	@Override
	public BigDecimal getBigDecimal(String parameterName) throws SQLException {
		return callable().getBigDecimal(parameterName);
	}

	@Override
	public URL getURL(int parameterIndex) throws SQLException {
		return callable().getURL(parameterIndex);
	}

	@Override
	public URL getURL(String parameterName) throws SQLException {
		return callable().getURL(parameterName);
	}

	@Override
	public Array getArray(int parameterIndex) throws SQLException {
		return callable().getArray(parameterIndex);
	}

	@Override
	public Array getArray(String parameterName) throws SQLException {
		return callable().getArray(parameterName);
	}

	@Override
	public Blob getBlob(int parameterIndex) throws SQLException {
		return callable().getBlob(parameterIndex);
	}

	@Override
	public Blob getBlob(String parameterName) throws SQLException {
		return callable().getBlob(parameterName);
	}

	@Override
	public Clob getClob(int parameterIndex) throws SQLException {
		return callable().getClob(parameterIndex);
	}

	@Override
	public Clob getClob(String parameterName) throws SQLException {
		return callable().getClob(parameterName);
	}

	@Override
	public Date getDate(int parameterIndex) throws SQLException {
		return callable().getDate(parameterIndex);
	}

	@Override
	public Date getDate(int parameterIndex, Calendar cal) throws SQLException {
		return callable().getDate(parameterIndex, cal);
	}

	@Override
	public Date getDate(String parameterName) throws SQLException {
		return callable().getDate(parameterName);
	}

	@Override
	public Date getDate(String parameterName, Calendar cal) throws SQLException {
		return callable().getDate(parameterName, cal);
	}

	@Override
	public NClob getNClob(int parameterIndex) throws SQLException {
		return callable().getNClob(parameterIndex);
	}

	@Override
	public NClob getNClob(String parameterName) throws SQLException {
		return callable().getNClob(parameterName);
	}

	@Override
	public Ref getRef(int parameterIndex) throws SQLException {
		return callable().getRef(parameterIndex);
	}

	@Override
	public Ref getRef(String parameterName) throws SQLException {
		return callable().getRef(parameterName);
	}

	@Override
	public RowId getRowId(int parameterIndex) throws SQLException {
		return callable().getRowId(parameterIndex);
	}

	@Override
	public RowId getRowId(String parameterName) throws SQLException {
		return callable().getRowId(parameterName);
	}

	@Override
	public SQLXML getSQLXML(int parameterIndex) throws SQLException {
		return callable().getSQLXML(parameterIndex);
	}

	@Override
	public SQLXML getSQLXML(String parameterName) throws SQLException {
		return callable().getSQLXML(parameterName);
	}

	@Override
	public Time getTime(int parameterIndex) throws SQLException {
		return callable().getTime(parameterIndex);
	}

	@Override
	public Time getTime(int parameterIndex, Calendar cal) throws SQLException {
		return callable().getTime(parameterIndex, cal);
	}

	@Override
	public Time getTime(String parameterName) throws SQLException {
		return callable().getTime(parameterName);
	}

	@Override
	public Time getTime(String parameterName, Calendar cal) throws SQLException {
		return callable().getTime(parameterName, cal);
	}

	@Override
	public Timestamp getTimestamp(int parameterIndex) throws SQLException {
		return callable().getTimestamp(parameterIndex);
	}

	@Override
	public Timestamp getTimestamp(int parameterIndex, Calendar cal) throws SQLException {
		return callable().getTimestamp(parameterIndex, cal);
	}

	@Override
	public Timestamp getTimestamp(String parameterName) throws SQLException {
		return callable().getTimestamp(parameterName);
	}

	@Override
	public Timestamp getTimestamp(String parameterName, Calendar cal) throws SQLException {
		return callable().getTimestamp(parameterName, cal);
	}

	@Override
	public long getLong(int parameterIndex) throws SQLException {
		return callable().getLong(parameterIndex);
	}

	@Override
	public long getLong(String parameterName) throws SQLException {
		return callable().getLong(parameterName);
	}

	@Override
	public short getShort(int parameterIndex) throws SQLException {
		return callable().getShort(parameterIndex);
	}

	@Override
	public short getShort(String parameterName) throws SQLException {
		return callable().getShort(parameterName);
	}

	@Override
	public void registerOutParameter(int parameterIndex, int sqlType) throws SQLException {
		if (isMaterialized()) {
			callable().registerOutParameter(parameterIndex, sqlType);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).registerOutParameter(parameterIndex, sqlType));
		}
	}

	@Override
	public void registerOutParameter(int parameterIndex, int sqlType, int scale) throws SQLException {
		if (isMaterialized()) {
			callable().registerOutParameter(parameterIndex, sqlType, scale);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).registerOutParameter(parameterIndex, sqlType, scale));
		}
	}

	@Override
	public void registerOutParameter(int parameterIndex, int sqlType, String typeName) throws SQLException {
		if (isMaterialized()) {
			callable().registerOutParameter(parameterIndex, sqlType, typeName);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).registerOutParameter(parameterIndex, sqlType, typeName));
		}
	}

	@Override
	public void registerOutParameter(String parameterName, int sqlType) throws SQLException {
		if (isMaterialized()) {
			callable().registerOutParameter(parameterName, sqlType);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).registerOutParameter(parameterName, sqlType));
		}
	}

	@Override
	public void registerOutParameter(String parameterName, int sqlType, int scale) throws SQLException {
		if (isMaterialized()) {
			callable().registerOutParameter(parameterName, sqlType, scale);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).registerOutParameter(parameterName, sqlType, scale));
		}
	}

	@Override
	public void registerOutParameter(String parameterName, int sqlType, String typeName) throws SQLException {
		if (isMaterialized()) {
			callable().registerOutParameter(parameterName, sqlType, typeName);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).registerOutParameter(parameterName, sqlType, typeName));
		}
	}

	@Override
	public void setAsciiStream(String parameterName, InputStream x) throws SQLException {
		unrepeatable();
		if (isMaterialized()) {
			callable().setAsciiStream(parameterName, x);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setAsciiStream(parameterName, x));
		}
	}

	@Override
	public void setAsciiStream(String parameterName, InputStream x, int length) throws SQLException {
		unrepeatable();
		if (isMaterialized()) {
			callable().setAsciiStream(parameterName, x, length);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setAsciiStream(parameterName, x, length));
		}
	}

	@Override
	public void setAsciiStream(String parameterName, InputStream x, long length) throws SQLException {
		unrepeatable();
		if (isMaterialized()) {
			callable().setAsciiStream(parameterName, x, length);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setAsciiStream(parameterName, x, length));
		}
	}

	@Override
	public void setBigDecimal(String parameterName, BigDecimal x) throws SQLException {
		if (isMaterialized()) {
			callable().setBigDecimal(parameterName, x);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setBigDecimal(parameterName, x));
		}
	}

	@Override
	public void setBinaryStream(String parameterName, InputStream x) throws SQLException {
		unrepeatable();
		if (isMaterialized()) {
			callable().setBinaryStream(parameterName, x);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setBinaryStream(parameterName, x));
		}
	}

	@Override
	public void setBinaryStream(String parameterName, InputStream x, int length) throws SQLException {
		unrepeatable();
		if (isMaterialized()) {
			callable().setBinaryStream(parameterName, x, length);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setBinaryStream(parameterName, x, length));
		}
	}

	@Override
	public void setBinaryStream(String parameterName, InputStream x, long length) throws SQLException {
		unrepeatable();
		if (isMaterialized()) {
			callable().setBinaryStream(parameterName, x, length);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setBinaryStream(parameterName, x, length));
		}
	}

	@Override
	public void setBlob(String parameterName, InputStream inputStream) throws SQLException {
		unrepeatable();
		if (isMaterialized()) {
			callable().setBlob(parameterName, inputStream);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setBlob(parameterName, inputStream));
		}
	}

	@Override
	public void setBlob(String parameterName, InputStream inputStream, long length) throws SQLException {
		unrepeatable();
		if (isMaterialized()) {
			callable().setBlob(parameterName, inputStream, length);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setBlob(parameterName, inputStream, length));
		}
	}

	@Override
	public void setBlob(String parameterName, Blob x) throws SQLException {
		if (isMaterialized()) {
			callable().setBlob(parameterName, x);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setBlob(parameterName, x));
		}
	}

	@Override
	public void setBoolean(String parameterName, boolean x) throws SQLException {
		if (isMaterialized()) {
			callable().setBoolean(parameterName, x);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setBoolean(parameterName, x));
		}
	}

	@Override
	public void setByte(String parameterName, byte x) throws SQLException {
		if (isMaterialized()) {
			callable().setByte(parameterName, x);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setByte(parameterName, x));
		}
	}

	@Override
	public void setBytes(String parameterName, byte[] x) throws SQLException {
		if (isMaterialized()) {
			callable().setBytes(parameterName, x);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setBytes(parameterName, x));
		}
	}

	@Override
	public void setCharacterStream(String parameterName, Reader reader) throws SQLException {
		unrepeatable();
		if (isMaterialized()) {
			callable().setCharacterStream(parameterName, reader);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setCharacterStream(parameterName, reader));
		}
	}

	@Override
	public void setCharacterStream(String parameterName, Reader reader, int length) throws SQLException {
		unrepeatable();
		if (isMaterialized()) {
			callable().setCharacterStream(parameterName, reader, length);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setCharacterStream(parameterName, reader, length));
		}
	}

	@Override
	public void setCharacterStream(String parameterName, Reader reader, long length) throws SQLException {
		unrepeatable();
		if (isMaterialized()) {
			callable().setCharacterStream(parameterName, reader, length);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setCharacterStream(parameterName, reader, length));
		}
	}

	@Override
	public void setClob(String parameterName, Reader reader) throws SQLException {
		unrepeatable();
		if (isMaterialized()) {
			callable().setClob(parameterName, reader);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setClob(parameterName, reader));
		}
	}

	@Override
	public void setClob(String parameterName, Reader reader, long length) throws SQLException {
		unrepeatable();
		if (isMaterialized()) {
			callable().setClob(parameterName, reader, length);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setClob(parameterName, reader, length));
		}
	}

	@Override
	public void setClob(String parameterName, Clob x) throws SQLException {
		if (isMaterialized()) {
			callable().setClob(parameterName, x);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setClob(parameterName, x));
		}
	}

	@Override
	public void setDate(String parameterName, Date x) throws SQLException {
		if (isMaterialized()) {
			callable().setDate(parameterName, x);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setDate(parameterName, x));
		}
	}

	@Override
	public void setDate(String parameterName, Date x, Calendar cal) throws SQLException {
		if (isMaterialized()) {
			callable().setDate(parameterName, x, cal);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setDate(parameterName, x, cal));
		}
	}

	@Override
	public void setDouble(String parameterName, double x) throws SQLException {
		if (isMaterialized()) {
			callable().setDouble(parameterName, x);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setDouble(parameterName, x));
		}
	}

	@Override
	public void setFloat(String parameterName, float x) throws SQLException {
		if (isMaterialized()) {
			callable().setFloat(parameterName, x);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setFloat(parameterName, x));
		}
	}

	@Override
	public void setInt(String parameterName, int x) throws SQLException {
		if (isMaterialized()) {
			callable().setInt(parameterName, x);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setInt(parameterName, x));
		}
	}

	@Override
	public void setLong(String parameterName, long x) throws SQLException {
		if (isMaterialized()) {
			callable().setLong(parameterName, x);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setLong(parameterName, x));
		}
	}

	@Override
	public void setNCharacterStream(String parameterName, Reader value) throws SQLException {
		unrepeatable();
		if (isMaterialized()) {
			callable().setNCharacterStream(parameterName, value);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setNCharacterStream(parameterName, value));
		}
	}

	@Override
	public void setNCharacterStream(String parameterName, Reader value, long length) throws SQLException {
		unrepeatable();
		if (isMaterialized()) {
			callable().setNCharacterStream(parameterName, value, length);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setNCharacterStream(parameterName, value, length));
		}
	}

	@Override
	public void setNClob(String parameterName, Reader reader) throws SQLException {
		unrepeatable();
		if (isMaterialized()) {
			callable().setNClob(parameterName, reader);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setNClob(parameterName, reader));
		}
	}

	@Override
	public void setNClob(String parameterName, Reader reader, long length) throws SQLException {
		unrepeatable();
		if (isMaterialized()) {
			callable().setNClob(parameterName, reader, length);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setNClob(parameterName, reader, length));
		}
	}

	@Override
	public void setNClob(String parameterName, NClob value) throws SQLException {
		if (isMaterialized()) {
			callable().setNClob(parameterName, value);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setNClob(parameterName, value));
		}
	}

	@Override
	public void setNString(String parameterName, String value) throws SQLException {
		if (isMaterialized()) {
			callable().setNString(parameterName, value);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setNString(parameterName, value));
		}
	}

	@Override
	public void setNull(String parameterName, int sqlType) throws SQLException {
		if (isMaterialized()) {
			callable().setNull(parameterName, sqlType);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setNull(parameterName, sqlType));
		}
	}

	@Override
	public void setNull(String parameterName, int sqlType, String typeName) throws SQLException {
		if (isMaterialized()) {
			callable().setNull(parameterName, sqlType, typeName);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setNull(parameterName, sqlType, typeName));
		}
	}

	@Override
	public void setObject(String parameterName, Object x) throws SQLException {
		if (x instanceof InputStream || x instanceof Reader) {
			unrepeatable();
		}
		if (isMaterialized()) {
			callable().setObject(parameterName, x);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setObject(parameterName, x));
		}
	}

	@Override
	public void setObject(String parameterName, Object x, int targetSqlType) throws SQLException {
		if (x instanceof InputStream || x instanceof Reader) {
			unrepeatable();
		}
		if (isMaterialized()) {
			callable().setObject(parameterName, x, targetSqlType);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setObject(parameterName, x, targetSqlType));
		}
	}

	@Override
	public void setObject(String parameterName, Object x, int targetSqlType, int scale) throws SQLException {
		if (x instanceof InputStream || x instanceof Reader) {
			unrepeatable();
		}
		if (isMaterialized()) {
			callable().setObject(parameterName, x, targetSqlType, scale);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setObject(parameterName, x, targetSqlType, scale));
		}
	}

	@Override
	public void setRowId(String parameterName, RowId x) throws SQLException {
		if (isMaterialized()) {
			callable().setRowId(parameterName, x);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setRowId(parameterName, x));
		}
	}

	@Override
	public void setSQLXML(String parameterName, SQLXML xmlObject) throws SQLException {
		if (isMaterialized()) {
			callable().setSQLXML(parameterName, xmlObject);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setSQLXML(parameterName, xmlObject));
		}
	}

	@Override
	public void setShort(String parameterName, short x) throws SQLException {
		if (isMaterialized()) {
			callable().setShort(parameterName, x);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setShort(parameterName, x));
		}
	}

	@Override
	public void setString(String parameterName, String x) throws SQLException {
		if (isMaterialized()) {
			callable().setString(parameterName, x);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setString(parameterName, x));
		}
	}

	@Override
	public void setTime(String parameterName, Time x) throws SQLException {
		if (isMaterialized()) {
			callable().setTime(parameterName, x);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setTime(parameterName, x));
		}
	}

	@Override
	public void setTime(String parameterName, Time x, Calendar cal) throws SQLException {
		if (isMaterialized()) {
			callable().setTime(parameterName, x, cal);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setTime(parameterName, x, cal));
		}
	}

	@Override
	public void setTimestamp(String parameterName, Timestamp x) throws SQLException {
		if (isMaterialized()) {
			callable().setTimestamp(parameterName, x);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setTimestamp(parameterName, x));
		}
	}

	@Override
	public void setTimestamp(String parameterName, Timestamp x, Calendar cal) throws SQLException {
		if (isMaterialized()) {
			callable().setTimestamp(parameterName, x, cal);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setTimestamp(parameterName, x, cal));
		}
	}

	@Override
	public void setURL(String parameterName, URL val) throws SQLException {
		if (isMaterialized()) {
			callable().setURL(parameterName, val);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setURL(parameterName, val));
		}
	}

	@Override
	public void registerOutParameter(int parameterIndex, SQLType sqlType) throws SQLException {
		if (isMaterialized()) {
			callable().registerOutParameter(parameterIndex, sqlType);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).registerOutParameter(parameterIndex, sqlType));
		}
	}

	@Override
	public void registerOutParameter(int parameterIndex, SQLType sqlType, int scale) throws SQLException {
		if (isMaterialized()) {
			callable().registerOutParameter(parameterIndex, sqlType, scale);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).registerOutParameter(parameterIndex, sqlType, scale));
		}
	}

	@Override
	public void registerOutParameter(int parameterIndex, SQLType sqlType, String typeName) throws SQLException {
		if (isMaterialized()) {
			callable().registerOutParameter(parameterIndex, sqlType, typeName);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).registerOutParameter(parameterIndex, sqlType, typeName));
		}
	}

	@Override
	public void registerOutParameter(String parameterName, SQLType sqlType) throws SQLException {
		if (isMaterialized()) {
			callable().registerOutParameter(parameterName, sqlType);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).registerOutParameter(parameterName, sqlType));
		}
	}

	@Override
	public void registerOutParameter(String parameterName, SQLType sqlType, int scale) throws SQLException {
		if (isMaterialized()) {
			callable().registerOutParameter(parameterName, sqlType, scale);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).registerOutParameter(parameterName, sqlType, scale));
		}
	}

	@Override
	public void registerOutParameter(String parameterName, SQLType sqlType, String typeName) throws SQLException {
		if (isMaterialized()) {
			callable().registerOutParameter(parameterName, sqlType, typeName);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).registerOutParameter(parameterName, sqlType, typeName));
		}
	}

	@Override
	public void setObject(String parameterName, Object x, SQLType targetSqlType) throws SQLException {
		if (x instanceof InputStream || x instanceof Reader) {
			unrepeatable();
		}
		if (isMaterialized()) {
			callable().setObject(parameterName, x, targetSqlType);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setObject(parameterName, x, targetSqlType));
		}
	}

	@Override
	public void setObject(String parameterName, Object x, SQLType targetSqlType, int scaleOrLength) throws SQLException {
		if (x instanceof InputStream || x instanceof Reader) {
			unrepeatable();
		}
		if (isMaterialized()) {
			callable().setObject(parameterName, x, targetSqlType, scaleOrLength);
		}
		if (isRecording()) {
			record((statement) -> ((CallableStatement) statement).setObject(parameterName, x, targetSqlType, scaleOrLength));
		}
	}

}
