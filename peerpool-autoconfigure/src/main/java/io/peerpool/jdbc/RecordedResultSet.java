package io.peerpool.jdbc;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A result set of a transaction that may be replayed: every value the application reads through
 * it goes into a {@link ReadTrace} (a running checksum, and which getter read which column), so
 * that a replay can read the same values from the same query run again on another peer and tell
 * whether the application would have seen the same. When the connection dies while the
 * application reads (a streamed result set), the transaction is replayed and reading goes on
 * from the same row of the same query run again there.
 *
 * <p>Only forward reading is followed: a move elsewhere ({@code absolute}, {@code previous}, ...),
 * a change through the result set ({@code updateRow}, ...), or a stream, LOB, array, ref, row id or
 * XML value (which cannot be read twice, or compared) makes the transaction unrepeatable.
 * Hand-written delegation, as for the statements: no proxy on the path of every row.
 */
final class RecordedResultSet implements ResultSet {

	private final TransactionLog log;

	private final ReplayableStatement statement;

	private final ReadTrace trace = new ReadTrace();

	private ResultSet delegate;

	private boolean closed;

	RecordedResultSet(TransactionLog log, ReplayableStatement statement, ResultSet delegate) {
		this.log = log;
		this.statement = statement;
		this.delegate = delegate;
		log.grow(this.trace.bytes());
	}

	int rowsRead() {
		return this.trace.rows();
	}

	/** What the application read, for {@link TransactionLog}'s comparison of a replay. */
	ReadTrace trace() {
		return this.trace;
	}

	boolean isExhausted() {
		return this.trace.isExhausted();
	}

	boolean isClosedByApplication() {
		return this.closed;
	}

	ReplayableStatement statement() {
		return this.statement;
	}

	boolean wraps(ResultSet rows) {
		return this.delegate == rows;
	}

	/** After a replay: the same query run again on the new peer, at the row the application was on. */
	void replaceDelegate(ResultSet replayed) {
		this.delegate = replayed;
	}

	/** A call the replay cannot follow: the transaction is not replayed. */
	private void unrepeatable() {
		if (this.log.isLive()) {
			this.log.host().abandonReplay();
		}
	}

	@Override
	public boolean next() throws SQLException {
		while (true) {
			ResultSet current = this.delegate;
			try {
				boolean more = current.next();
				if (this.log.isLive()) {
					advanced(more);
				}
				return more;
			}
			catch (SQLException failure) {
				if (!this.log.isLive() || !this.log.host().replayTransaction(failure)) {
					throw failure;
				}
				// replayed: the delegate is the same query on the new peer, at the same row
			}
		}
	}

	private void advanced(boolean more) {
		int before = this.trace.bytes();
		this.trace.advanced(more);
		if (this.trace.bytes() != before) {
			this.log.grow(this.trace.bytes() - before);
		}
	}

	// a value the application read: into the trace while the transaction is recorded

	private int seen(int value, int code, @Nullable String label, @Nullable Object argument) {
		if (this.log.isLive()) {
			this.trace.read(code, label, argument, value);
		}
		return value;
	}

	private long seen(long value, int code, @Nullable String label, @Nullable Object argument) {
		if (this.log.isLive()) {
			this.trace.read(code, label, argument, Long.hashCode(value));
		}
		return value;
	}

	private short seen(short value, int code, @Nullable String label, @Nullable Object argument) {
		return (short) seen((int) value, code, label, argument);
	}

	private byte seen(byte value, int code, @Nullable String label, @Nullable Object argument) {
		return (byte) seen((int) value, code, label, argument);
	}

	private boolean seen(boolean value, int code, @Nullable String label, @Nullable Object argument) {
		seen(Boolean.hashCode(value), code, label, argument);
		return value;
	}

	private double seen(double value, int code, @Nullable String label, @Nullable Object argument) {
		seen(Double.hashCode(value), code, label, argument);
		return value;
	}

	private float seen(float value, int code, @Nullable String label, @Nullable Object argument) {
		seen(Float.hashCode(value), code, label, argument);
		return value;
	}

	private <T> T seen(T value, int code, @Nullable String label, @Nullable Object argument) {
		if (this.log.isLive()) {
			int hash = ReadTrace.hash((Object) value);
			if (hash == ReadTrace.UNKNOWN && value != null) {
				// a driver's own object whose hash may be that of the instance: no replay can compare it
				unrepeatable();
			}
			else {
				this.trace.read(code, label, argument, hash);
			}
		}
		return value;
	}

	@Override
	public void close() throws SQLException {
		this.closed = true;
		this.delegate.close();
	}

	@Override
	public boolean isClosed() throws SQLException {
		return this.closed || this.delegate.isClosed();
	}

	@Override
	public Statement getStatement() {
		return this.statement;
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> T unwrap(Class<T> iface) throws SQLException {
		if (iface.isInstance(this)) {
			return (T) this;
		}
		return this.delegate.unwrap(iface);
	}

	@Override
	public boolean isWrapperFor(Class<?> iface) throws SQLException {
		return iface.isInstance(this) || this.delegate.isWrapperFor(iface);
	}

	@Override
	public String toString() {
		return "Recorded[" + this.delegate + "]";
	}

	// everything else delegates; moves other than next() and changes through the result set end the replay

	@Override
	public boolean absolute(int arg0) throws SQLException {
		unrepeatable();
		return this.delegate.absolute(arg0);
	}

	@Override
	public void afterLast() throws SQLException {
		unrepeatable();
		this.delegate.afterLast();
	}

	@Override
	public void beforeFirst() throws SQLException {
		unrepeatable();
		this.delegate.beforeFirst();
	}

	@Override
	public void cancelRowUpdates() throws SQLException {
		unrepeatable();
		this.delegate.cancelRowUpdates();
	}

	@Override
	public void clearWarnings() throws SQLException {
		this.delegate.clearWarnings();
	}

	@Override
	public void deleteRow() throws SQLException {
		unrepeatable();
		this.delegate.deleteRow();
	}

	@Override
	public int findColumn(String columnLabel) throws SQLException {
		return this.delegate.findColumn(columnLabel);
	}

	@Override
	public boolean first() throws SQLException {
		unrepeatable();
		return this.delegate.first();
	}

	@Override
	public Array getArray(String columnLabel) throws SQLException {
		unrepeatable();
		return this.delegate.getArray(columnLabel);
	}

	@Override
	public Array getArray(int columnIndex) throws SQLException {
		unrepeatable();
		return this.delegate.getArray(columnIndex);
	}

	@Override
	public InputStream getAsciiStream(String columnLabel) throws SQLException {
		unrepeatable();
		return this.delegate.getAsciiStream(columnLabel);
	}

	@Override
	public InputStream getAsciiStream(int columnIndex) throws SQLException {
		unrepeatable();
		return this.delegate.getAsciiStream(columnIndex);
	}

	@Override
	@Deprecated
	public BigDecimal getBigDecimal(String columnLabel, int arg1) throws SQLException {
		return seen(this.delegate.getBigDecimal(columnLabel, arg1), ReadTrace.labelled(ReadTrace.BIG_DECIMAL_SCALED), columnLabel, arg1);
	}

	@Override
	public BigDecimal getBigDecimal(String columnLabel) throws SQLException {
		return seen(this.delegate.getBigDecimal(columnLabel), ReadTrace.labelled(ReadTrace.BIG_DECIMAL), columnLabel, null);
	}

	@Override
	@Deprecated
	public BigDecimal getBigDecimal(int columnIndex, int arg1) throws SQLException {
		return seen(this.delegate.getBigDecimal(columnIndex, arg1), ReadTrace.at(ReadTrace.BIG_DECIMAL_SCALED, columnIndex), null, arg1);
	}

	@Override
	public BigDecimal getBigDecimal(int columnIndex) throws SQLException {
		return seen(this.delegate.getBigDecimal(columnIndex), ReadTrace.at(ReadTrace.BIG_DECIMAL, columnIndex), null, null);
	}

	@Override
	public InputStream getBinaryStream(String columnLabel) throws SQLException {
		unrepeatable();
		return this.delegate.getBinaryStream(columnLabel);
	}

	@Override
	public InputStream getBinaryStream(int columnIndex) throws SQLException {
		unrepeatable();
		return this.delegate.getBinaryStream(columnIndex);
	}

	@Override
	public Blob getBlob(String columnLabel) throws SQLException {
		unrepeatable();
		return this.delegate.getBlob(columnLabel);
	}

	@Override
	public Blob getBlob(int columnIndex) throws SQLException {
		unrepeatable();
		return this.delegate.getBlob(columnIndex);
	}

	@Override
	public boolean getBoolean(String columnLabel) throws SQLException {
		return seen(this.delegate.getBoolean(columnLabel), ReadTrace.labelled(ReadTrace.BOOLEAN), columnLabel, null);
	}

	@Override
	public boolean getBoolean(int columnIndex) throws SQLException {
		return seen(this.delegate.getBoolean(columnIndex), ReadTrace.at(ReadTrace.BOOLEAN, columnIndex), null, null);
	}

	@Override
	public byte getByte(String columnLabel) throws SQLException {
		return seen(this.delegate.getByte(columnLabel), ReadTrace.labelled(ReadTrace.BYTE), columnLabel, null);
	}

	@Override
	public byte getByte(int columnIndex) throws SQLException {
		return seen(this.delegate.getByte(columnIndex), ReadTrace.at(ReadTrace.BYTE, columnIndex), null, null);
	}

	@Override
	public byte[] getBytes(String columnLabel) throws SQLException {
		return seen(this.delegate.getBytes(columnLabel), ReadTrace.labelled(ReadTrace.BYTES), columnLabel, null);
	}

	@Override
	public byte[] getBytes(int columnIndex) throws SQLException {
		return seen(this.delegate.getBytes(columnIndex), ReadTrace.at(ReadTrace.BYTES, columnIndex), null, null);
	}

	@Override
	public Reader getCharacterStream(String columnLabel) throws SQLException {
		unrepeatable();
		return this.delegate.getCharacterStream(columnLabel);
	}

	@Override
	public Reader getCharacterStream(int columnIndex) throws SQLException {
		unrepeatable();
		return this.delegate.getCharacterStream(columnIndex);
	}

	@Override
	public Clob getClob(String columnLabel) throws SQLException {
		unrepeatable();
		return this.delegate.getClob(columnLabel);
	}

	@Override
	public Clob getClob(int columnIndex) throws SQLException {
		unrepeatable();
		return this.delegate.getClob(columnIndex);
	}

	@Override
	public int getConcurrency() throws SQLException {
		return this.delegate.getConcurrency();
	}

	@Override
	public String getCursorName() throws SQLException {
		return this.delegate.getCursorName();
	}

	@Override
	public Date getDate(String columnLabel, Calendar arg1) throws SQLException {
		return seen(this.delegate.getDate(columnLabel, arg1), ReadTrace.labelled(ReadTrace.DATE_IN), columnLabel, arg1);
	}

	@Override
	public Date getDate(String columnLabel) throws SQLException {
		return seen(this.delegate.getDate(columnLabel), ReadTrace.labelled(ReadTrace.DATE), columnLabel, null);
	}

	@Override
	public Date getDate(int columnIndex, Calendar arg1) throws SQLException {
		return seen(this.delegate.getDate(columnIndex, arg1), ReadTrace.at(ReadTrace.DATE_IN, columnIndex), null, arg1);
	}

	@Override
	public Date getDate(int columnIndex) throws SQLException {
		return seen(this.delegate.getDate(columnIndex), ReadTrace.at(ReadTrace.DATE, columnIndex), null, null);
	}

	@Override
	public double getDouble(String columnLabel) throws SQLException {
		return seen(this.delegate.getDouble(columnLabel), ReadTrace.labelled(ReadTrace.DOUBLE), columnLabel, null);
	}

	@Override
	public double getDouble(int columnIndex) throws SQLException {
		return seen(this.delegate.getDouble(columnIndex), ReadTrace.at(ReadTrace.DOUBLE, columnIndex), null, null);
	}

	@Override
	public int getFetchDirection() throws SQLException {
		return this.delegate.getFetchDirection();
	}

	@Override
	public int getFetchSize() throws SQLException {
		return this.delegate.getFetchSize();
	}

	@Override
	public float getFloat(String columnLabel) throws SQLException {
		return seen(this.delegate.getFloat(columnLabel), ReadTrace.labelled(ReadTrace.FLOAT), columnLabel, null);
	}

	@Override
	public float getFloat(int columnIndex) throws SQLException {
		return seen(this.delegate.getFloat(columnIndex), ReadTrace.at(ReadTrace.FLOAT, columnIndex), null, null);
	}

	@Override
	public int getHoldability() throws SQLException {
		return this.delegate.getHoldability();
	}

	@Override
	public int getInt(String columnLabel) throws SQLException {
		return seen(this.delegate.getInt(columnLabel), ReadTrace.labelled(ReadTrace.INT), columnLabel, null);
	}

	@Override
	public int getInt(int columnIndex) throws SQLException {
		return seen(this.delegate.getInt(columnIndex), ReadTrace.at(ReadTrace.INT, columnIndex), null, null);
	}

	@Override
	public long getLong(String columnLabel) throws SQLException {
		return seen(this.delegate.getLong(columnLabel), ReadTrace.labelled(ReadTrace.LONG), columnLabel, null);
	}

	@Override
	public long getLong(int columnIndex) throws SQLException {
		return seen(this.delegate.getLong(columnIndex), ReadTrace.at(ReadTrace.LONG, columnIndex), null, null);
	}

	@Override
	public ResultSetMetaData getMetaData() throws SQLException {
		return this.delegate.getMetaData();
	}

	@Override
	public Reader getNCharacterStream(String columnLabel) throws SQLException {
		unrepeatable();
		return this.delegate.getNCharacterStream(columnLabel);
	}

	@Override
	public Reader getNCharacterStream(int columnIndex) throws SQLException {
		unrepeatable();
		return this.delegate.getNCharacterStream(columnIndex);
	}

	@Override
	public NClob getNClob(String columnLabel) throws SQLException {
		unrepeatable();
		return this.delegate.getNClob(columnLabel);
	}

	@Override
	public NClob getNClob(int columnIndex) throws SQLException {
		unrepeatable();
		return this.delegate.getNClob(columnIndex);
	}

	@Override
	public String getNString(String columnLabel) throws SQLException {
		return seen(this.delegate.getNString(columnLabel), ReadTrace.labelled(ReadTrace.NSTRING), columnLabel, null);
	}

	@Override
	public String getNString(int columnIndex) throws SQLException {
		return seen(this.delegate.getNString(columnIndex), ReadTrace.at(ReadTrace.NSTRING, columnIndex), null, null);
	}

	@Override
	public <T> T getObject(String columnLabel, Class<T> arg1) throws SQLException {
		return seen(this.delegate.getObject(columnLabel, arg1), ReadTrace.labelled(ReadTrace.OBJECT_AS), columnLabel, arg1);
	}

	@Override
	public Object getObject(String columnLabel, Map<String, Class<?>> arg1) throws SQLException {
		return seen(this.delegate.getObject(columnLabel, arg1), ReadTrace.labelled(ReadTrace.OBJECT_MAPPED), columnLabel, arg1);
	}

	@Override
	public Object getObject(String columnLabel) throws SQLException {
		return seen(this.delegate.getObject(columnLabel), ReadTrace.labelled(ReadTrace.OBJECT), columnLabel, null);
	}

	@Override
	public <T> T getObject(int columnIndex, Class<T> arg1) throws SQLException {
		return seen(this.delegate.getObject(columnIndex, arg1), ReadTrace.at(ReadTrace.OBJECT_AS, columnIndex), null, arg1);
	}

	@Override
	public Object getObject(int columnIndex, Map<String, Class<?>> arg1) throws SQLException {
		return seen(this.delegate.getObject(columnIndex, arg1), ReadTrace.at(ReadTrace.OBJECT_MAPPED, columnIndex), null, arg1);
	}

	@Override
	public Object getObject(int columnIndex) throws SQLException {
		return seen(this.delegate.getObject(columnIndex), ReadTrace.at(ReadTrace.OBJECT, columnIndex), null, null);
	}

	@Override
	public Ref getRef(String columnLabel) throws SQLException {
		unrepeatable();
		return this.delegate.getRef(columnLabel);
	}

	@Override
	public Ref getRef(int columnIndex) throws SQLException {
		unrepeatable();
		return this.delegate.getRef(columnIndex);
	}

	@Override
	public int getRow() throws SQLException {
		return this.delegate.getRow();
	}

	@Override
	public RowId getRowId(String columnLabel) throws SQLException {
		unrepeatable();
		return this.delegate.getRowId(columnLabel);
	}

	@Override
	public RowId getRowId(int columnIndex) throws SQLException {
		unrepeatable();
		return this.delegate.getRowId(columnIndex);
	}

	@Override
	public SQLXML getSQLXML(String columnLabel) throws SQLException {
		unrepeatable();
		return this.delegate.getSQLXML(columnLabel);
	}

	@Override
	public SQLXML getSQLXML(int columnIndex) throws SQLException {
		unrepeatable();
		return this.delegate.getSQLXML(columnIndex);
	}

	@Override
	public short getShort(String columnLabel) throws SQLException {
		return seen(this.delegate.getShort(columnLabel), ReadTrace.labelled(ReadTrace.SHORT), columnLabel, null);
	}

	@Override
	public short getShort(int columnIndex) throws SQLException {
		return seen(this.delegate.getShort(columnIndex), ReadTrace.at(ReadTrace.SHORT, columnIndex), null, null);
	}

	@Override
	public String getString(String columnLabel) throws SQLException {
		return seen(this.delegate.getString(columnLabel), ReadTrace.labelled(ReadTrace.STRING), columnLabel, null);
	}

	@Override
	public String getString(int columnIndex) throws SQLException {
		return seen(this.delegate.getString(columnIndex), ReadTrace.at(ReadTrace.STRING, columnIndex), null, null);
	}

	@Override
	public Time getTime(String columnLabel, Calendar arg1) throws SQLException {
		return seen(this.delegate.getTime(columnLabel, arg1), ReadTrace.labelled(ReadTrace.TIME_IN), columnLabel, arg1);
	}

	@Override
	public Time getTime(String columnLabel) throws SQLException {
		return seen(this.delegate.getTime(columnLabel), ReadTrace.labelled(ReadTrace.TIME), columnLabel, null);
	}

	@Override
	public Time getTime(int columnIndex, Calendar arg1) throws SQLException {
		return seen(this.delegate.getTime(columnIndex, arg1), ReadTrace.at(ReadTrace.TIME_IN, columnIndex), null, arg1);
	}

	@Override
	public Time getTime(int columnIndex) throws SQLException {
		return seen(this.delegate.getTime(columnIndex), ReadTrace.at(ReadTrace.TIME, columnIndex), null, null);
	}

	@Override
	public Timestamp getTimestamp(String columnLabel, Calendar arg1) throws SQLException {
		return seen(this.delegate.getTimestamp(columnLabel, arg1), ReadTrace.labelled(ReadTrace.TIMESTAMP_IN), columnLabel, arg1);
	}

	@Override
	public Timestamp getTimestamp(String columnLabel) throws SQLException {
		return seen(this.delegate.getTimestamp(columnLabel), ReadTrace.labelled(ReadTrace.TIMESTAMP), columnLabel, null);
	}

	@Override
	public Timestamp getTimestamp(int columnIndex, Calendar arg1) throws SQLException {
		return seen(this.delegate.getTimestamp(columnIndex, arg1), ReadTrace.at(ReadTrace.TIMESTAMP_IN, columnIndex), null, arg1);
	}

	@Override
	public Timestamp getTimestamp(int columnIndex) throws SQLException {
		return seen(this.delegate.getTimestamp(columnIndex), ReadTrace.at(ReadTrace.TIMESTAMP, columnIndex), null, null);
	}

	@Override
	public int getType() throws SQLException {
		return this.delegate.getType();
	}

	@Override
	public URL getURL(String columnLabel) throws SQLException {
		return seen(this.delegate.getURL(columnLabel), ReadTrace.labelled(ReadTrace.URL), columnLabel, null);
	}

	@Override
	public URL getURL(int columnIndex) throws SQLException {
		return seen(this.delegate.getURL(columnIndex), ReadTrace.at(ReadTrace.URL, columnIndex), null, null);
	}

	@Override
	@Deprecated
	public InputStream getUnicodeStream(String columnLabel) throws SQLException {
		unrepeatable();
		return this.delegate.getUnicodeStream(columnLabel);
	}

	@Override
	@Deprecated
	public InputStream getUnicodeStream(int columnIndex) throws SQLException {
		unrepeatable();
		return this.delegate.getUnicodeStream(columnIndex);
	}

	@Override
	public SQLWarning getWarnings() throws SQLException {
		return this.delegate.getWarnings();
	}

	@Override
	public void insertRow() throws SQLException {
		unrepeatable();
		this.delegate.insertRow();
	}

	@Override
	public boolean isAfterLast() throws SQLException {
		return this.delegate.isAfterLast();
	}

	@Override
	public boolean isBeforeFirst() throws SQLException {
		return this.delegate.isBeforeFirst();
	}

	@Override
	public boolean isFirst() throws SQLException {
		return this.delegate.isFirst();
	}

	@Override
	public boolean isLast() throws SQLException {
		return this.delegate.isLast();
	}

	@Override
	public boolean last() throws SQLException {
		unrepeatable();
		return this.delegate.last();
	}

	@Override
	public void moveToCurrentRow() throws SQLException {
		unrepeatable();
		this.delegate.moveToCurrentRow();
	}

	@Override
	public void moveToInsertRow() throws SQLException {
		unrepeatable();
		this.delegate.moveToInsertRow();
	}

	@Override
	public boolean previous() throws SQLException {
		unrepeatable();
		return this.delegate.previous();
	}

	@Override
	public void refreshRow() throws SQLException {
		unrepeatable();
		this.delegate.refreshRow();
	}

	@Override
	public boolean relative(int arg0) throws SQLException {
		unrepeatable();
		return this.delegate.relative(arg0);
	}

	@Override
	public boolean rowDeleted() throws SQLException {
		return this.delegate.rowDeleted();
	}

	@Override
	public boolean rowInserted() throws SQLException {
		return this.delegate.rowInserted();
	}

	@Override
	public boolean rowUpdated() throws SQLException {
		return this.delegate.rowUpdated();
	}

	@Override
	public void setFetchDirection(int arg0) throws SQLException {
		unrepeatable();
		this.delegate.setFetchDirection(arg0);
	}

	@Override
	public void setFetchSize(int arg0) throws SQLException {
		this.delegate.setFetchSize(arg0);
	}

	@Override
	public void updateArray(String columnLabel, Array arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateArray(columnLabel, arg1);
	}

	@Override
	public void updateArray(int columnIndex, Array arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateArray(columnIndex, arg1);
	}

	@Override
	public void updateAsciiStream(String columnLabel, InputStream arg1, int arg2) throws SQLException {
		unrepeatable();
		this.delegate.updateAsciiStream(columnLabel, arg1, arg2);
	}

	@Override
	public void updateAsciiStream(String columnLabel, InputStream arg1, long arg2) throws SQLException {
		unrepeatable();
		this.delegate.updateAsciiStream(columnLabel, arg1, arg2);
	}

	@Override
	public void updateAsciiStream(String columnLabel, InputStream arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateAsciiStream(columnLabel, arg1);
	}

	@Override
	public void updateAsciiStream(int columnIndex, InputStream arg1, int arg2) throws SQLException {
		unrepeatable();
		this.delegate.updateAsciiStream(columnIndex, arg1, arg2);
	}

	@Override
	public void updateAsciiStream(int columnIndex, InputStream arg1, long arg2) throws SQLException {
		unrepeatable();
		this.delegate.updateAsciiStream(columnIndex, arg1, arg2);
	}

	@Override
	public void updateAsciiStream(int columnIndex, InputStream arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateAsciiStream(columnIndex, arg1);
	}

	@Override
	public void updateBigDecimal(String columnLabel, BigDecimal arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateBigDecimal(columnLabel, arg1);
	}

	@Override
	public void updateBigDecimal(int columnIndex, BigDecimal arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateBigDecimal(columnIndex, arg1);
	}

	@Override
	public void updateBinaryStream(String columnLabel, InputStream arg1, int arg2) throws SQLException {
		unrepeatable();
		this.delegate.updateBinaryStream(columnLabel, arg1, arg2);
	}

	@Override
	public void updateBinaryStream(String columnLabel, InputStream arg1, long arg2) throws SQLException {
		unrepeatable();
		this.delegate.updateBinaryStream(columnLabel, arg1, arg2);
	}

	@Override
	public void updateBinaryStream(String columnLabel, InputStream arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateBinaryStream(columnLabel, arg1);
	}

	@Override
	public void updateBinaryStream(int columnIndex, InputStream arg1, int arg2) throws SQLException {
		unrepeatable();
		this.delegate.updateBinaryStream(columnIndex, arg1, arg2);
	}

	@Override
	public void updateBinaryStream(int columnIndex, InputStream arg1, long arg2) throws SQLException {
		unrepeatable();
		this.delegate.updateBinaryStream(columnIndex, arg1, arg2);
	}

	@Override
	public void updateBinaryStream(int columnIndex, InputStream arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateBinaryStream(columnIndex, arg1);
	}

	@Override
	public void updateBlob(String columnLabel, InputStream arg1, long arg2) throws SQLException {
		unrepeatable();
		this.delegate.updateBlob(columnLabel, arg1, arg2);
	}

	@Override
	public void updateBlob(String columnLabel, InputStream arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateBlob(columnLabel, arg1);
	}

	@Override
	public void updateBlob(String columnLabel, Blob arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateBlob(columnLabel, arg1);
	}

	@Override
	public void updateBlob(int columnIndex, InputStream arg1, long arg2) throws SQLException {
		unrepeatable();
		this.delegate.updateBlob(columnIndex, arg1, arg2);
	}

	@Override
	public void updateBlob(int columnIndex, InputStream arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateBlob(columnIndex, arg1);
	}

	@Override
	public void updateBlob(int columnIndex, Blob arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateBlob(columnIndex, arg1);
	}

	@Override
	public void updateBoolean(String columnLabel, boolean arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateBoolean(columnLabel, arg1);
	}

	@Override
	public void updateBoolean(int columnIndex, boolean arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateBoolean(columnIndex, arg1);
	}

	@Override
	public void updateByte(String columnLabel, byte arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateByte(columnLabel, arg1);
	}

	@Override
	public void updateByte(int columnIndex, byte arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateByte(columnIndex, arg1);
	}

	@Override
	public void updateBytes(String columnLabel, byte[] arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateBytes(columnLabel, arg1);
	}

	@Override
	public void updateBytes(int columnIndex, byte[] arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateBytes(columnIndex, arg1);
	}

	@Override
	public void updateCharacterStream(String columnLabel, Reader arg1, int arg2) throws SQLException {
		unrepeatable();
		this.delegate.updateCharacterStream(columnLabel, arg1, arg2);
	}

	@Override
	public void updateCharacterStream(String columnLabel, Reader arg1, long arg2) throws SQLException {
		unrepeatable();
		this.delegate.updateCharacterStream(columnLabel, arg1, arg2);
	}

	@Override
	public void updateCharacterStream(String columnLabel, Reader arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateCharacterStream(columnLabel, arg1);
	}

	@Override
	public void updateCharacterStream(int columnIndex, Reader arg1, int arg2) throws SQLException {
		unrepeatable();
		this.delegate.updateCharacterStream(columnIndex, arg1, arg2);
	}

	@Override
	public void updateCharacterStream(int columnIndex, Reader arg1, long arg2) throws SQLException {
		unrepeatable();
		this.delegate.updateCharacterStream(columnIndex, arg1, arg2);
	}

	@Override
	public void updateCharacterStream(int columnIndex, Reader arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateCharacterStream(columnIndex, arg1);
	}

	@Override
	public void updateClob(String columnLabel, Reader arg1, long arg2) throws SQLException {
		unrepeatable();
		this.delegate.updateClob(columnLabel, arg1, arg2);
	}

	@Override
	public void updateClob(String columnLabel, Reader arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateClob(columnLabel, arg1);
	}

	@Override
	public void updateClob(String columnLabel, Clob arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateClob(columnLabel, arg1);
	}

	@Override
	public void updateClob(int columnIndex, Reader arg1, long arg2) throws SQLException {
		unrepeatable();
		this.delegate.updateClob(columnIndex, arg1, arg2);
	}

	@Override
	public void updateClob(int columnIndex, Reader arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateClob(columnIndex, arg1);
	}

	@Override
	public void updateClob(int columnIndex, Clob arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateClob(columnIndex, arg1);
	}

	@Override
	public void updateDate(String columnLabel, Date arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateDate(columnLabel, arg1);
	}

	@Override
	public void updateDate(int columnIndex, Date arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateDate(columnIndex, arg1);
	}

	@Override
	public void updateDouble(String columnLabel, double arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateDouble(columnLabel, arg1);
	}

	@Override
	public void updateDouble(int columnIndex, double arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateDouble(columnIndex, arg1);
	}

	@Override
	public void updateFloat(String columnLabel, float arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateFloat(columnLabel, arg1);
	}

	@Override
	public void updateFloat(int columnIndex, float arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateFloat(columnIndex, arg1);
	}

	@Override
	public void updateInt(String columnLabel, int arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateInt(columnLabel, arg1);
	}

	@Override
	public void updateInt(int columnIndex, int arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateInt(columnIndex, arg1);
	}

	@Override
	public void updateLong(String columnLabel, long arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateLong(columnLabel, arg1);
	}

	@Override
	public void updateLong(int columnIndex, long arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateLong(columnIndex, arg1);
	}

	@Override
	public void updateNCharacterStream(String columnLabel, Reader arg1, long arg2) throws SQLException {
		unrepeatable();
		this.delegate.updateNCharacterStream(columnLabel, arg1, arg2);
	}

	@Override
	public void updateNCharacterStream(String columnLabel, Reader arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateNCharacterStream(columnLabel, arg1);
	}

	@Override
	public void updateNCharacterStream(int columnIndex, Reader arg1, long arg2) throws SQLException {
		unrepeatable();
		this.delegate.updateNCharacterStream(columnIndex, arg1, arg2);
	}

	@Override
	public void updateNCharacterStream(int columnIndex, Reader arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateNCharacterStream(columnIndex, arg1);
	}

	@Override
	public void updateNClob(String columnLabel, Reader arg1, long arg2) throws SQLException {
		unrepeatable();
		this.delegate.updateNClob(columnLabel, arg1, arg2);
	}

	@Override
	public void updateNClob(String columnLabel, Reader arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateNClob(columnLabel, arg1);
	}

	@Override
	public void updateNClob(String columnLabel, NClob arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateNClob(columnLabel, arg1);
	}

	@Override
	public void updateNClob(int columnIndex, Reader arg1, long arg2) throws SQLException {
		unrepeatable();
		this.delegate.updateNClob(columnIndex, arg1, arg2);
	}

	@Override
	public void updateNClob(int columnIndex, Reader arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateNClob(columnIndex, arg1);
	}

	@Override
	public void updateNClob(int columnIndex, NClob arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateNClob(columnIndex, arg1);
	}

	@Override
	public void updateNString(String columnLabel, String arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateNString(columnLabel, arg1);
	}

	@Override
	public void updateNString(int columnIndex, String arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateNString(columnIndex, arg1);
	}

	@Override
	public void updateNull(String columnLabel) throws SQLException {
		unrepeatable();
		this.delegate.updateNull(columnLabel);
	}

	@Override
	public void updateNull(int columnIndex) throws SQLException {
		unrepeatable();
		this.delegate.updateNull(columnIndex);
	}

	@Override
	public void updateObject(String columnLabel, Object arg1, int arg2) throws SQLException {
		unrepeatable();
		this.delegate.updateObject(columnLabel, arg1, arg2);
	}

	@Override
	public void updateObject(String columnLabel, Object arg1, SQLType arg2, int arg3) throws SQLException {
		unrepeatable();
		this.delegate.updateObject(columnLabel, arg1, arg2, arg3);
	}

	@Override
	public void updateObject(String columnLabel, Object arg1, SQLType arg2) throws SQLException {
		unrepeatable();
		this.delegate.updateObject(columnLabel, arg1, arg2);
	}

	@Override
	public void updateObject(String columnLabel, Object arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateObject(columnLabel, arg1);
	}

	@Override
	public void updateObject(int columnIndex, Object arg1, int arg2) throws SQLException {
		unrepeatable();
		this.delegate.updateObject(columnIndex, arg1, arg2);
	}

	@Override
	public void updateObject(int columnIndex, Object arg1, SQLType arg2, int arg3) throws SQLException {
		unrepeatable();
		this.delegate.updateObject(columnIndex, arg1, arg2, arg3);
	}

	@Override
	public void updateObject(int columnIndex, Object arg1, SQLType arg2) throws SQLException {
		unrepeatable();
		this.delegate.updateObject(columnIndex, arg1, arg2);
	}

	@Override
	public void updateObject(int columnIndex, Object arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateObject(columnIndex, arg1);
	}

	@Override
	public void updateRef(String columnLabel, Ref arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateRef(columnLabel, arg1);
	}

	@Override
	public void updateRef(int columnIndex, Ref arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateRef(columnIndex, arg1);
	}

	@Override
	public void updateRow() throws SQLException {
		unrepeatable();
		this.delegate.updateRow();
	}

	@Override
	public void updateRowId(String columnLabel, RowId arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateRowId(columnLabel, arg1);
	}

	@Override
	public void updateRowId(int columnIndex, RowId arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateRowId(columnIndex, arg1);
	}

	@Override
	public void updateSQLXML(String columnLabel, SQLXML arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateSQLXML(columnLabel, arg1);
	}

	@Override
	public void updateSQLXML(int columnIndex, SQLXML arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateSQLXML(columnIndex, arg1);
	}

	@Override
	public void updateShort(String columnLabel, short arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateShort(columnLabel, arg1);
	}

	@Override
	public void updateShort(int columnIndex, short arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateShort(columnIndex, arg1);
	}

	@Override
	public void updateString(String columnLabel, String arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateString(columnLabel, arg1);
	}

	@Override
	public void updateString(int columnIndex, String arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateString(columnIndex, arg1);
	}

	@Override
	public void updateTime(String columnLabel, Time arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateTime(columnLabel, arg1);
	}

	@Override
	public void updateTime(int columnIndex, Time arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateTime(columnIndex, arg1);
	}

	@Override
	public void updateTimestamp(String columnLabel, Timestamp arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateTimestamp(columnLabel, arg1);
	}

	@Override
	public void updateTimestamp(int columnIndex, Timestamp arg1) throws SQLException {
		unrepeatable();
		this.delegate.updateTimestamp(columnIndex, arg1);
	}

	@Override
	public boolean wasNull() throws SQLException {
		return seen(this.delegate.wasNull(), ReadTrace.WAS_NULL, null, null);
	}

}
