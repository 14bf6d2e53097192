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

/**
 * A result set of a transaction that may be replayed: as {@link #next()} advances, it keeps a
 * running checksum of every column of each row the application reaches, so that a replay can
 * tell whether the other peer gives the application the same rows. When the connection dies
 * while the application reads (a streamed result set), the transaction is replayed and reading
 * goes on from the same row of the same query run again there.
 *
 * <p>Only forward reading is followed: a move elsewhere ({@code absolute}, {@code previous}, ...)
 * or a change through the result set ({@code updateRow}, ...) makes the transaction unrepeatable.
 * Hand-written delegation, as for the statements: no proxy on the path of every row.
 */
final class RecordedResultSet implements ResultSet {

	/** The checksum of no rows. */
	static final long SEED = 0x6A09E667F3BCC909L;

	private static final long MULTIPLIER = 0x9E3779B97F4A7C15L;

	/** Mixed in for SQL {@code NULL}: different from the hash of any string, including the empty one. */
	private static final int NULL_HASH = 0x5BD1E995;

	private final TransactionLog log;

	private final ReplayableStatement statement;

	private ResultSet delegate;

	private int rowsRead;

	private long checksum = SEED;

	private boolean exhausted;

	private boolean closed;

	private int columns = -1;

	RecordedResultSet(TransactionLog log, ReplayableStatement statement, ResultSet delegate) {
		this.log = log;
		this.statement = statement;
		this.delegate = delegate;
	}

	/**
	 * The checksum {@code previous} with the current row of {@code rows} added: each column's
	 * text (its canonical form in every driver) hashed and mixed in order. Cheap, not
	 * cryptographic: it tells a replay that differs, nobody is trying to fool it.
	 */
	static long checksum(ResultSet rows, long previous, int columns) throws SQLException {
		long hash = previous;
		for (int column = 1; column <= columns; column++) {
			String value = rows.getString(column);
			hash = (hash ^ ((value != null) ? value.hashCode() : NULL_HASH)) * MULTIPLIER;
			hash ^= hash >>> 29;
		}
		// the row boundary, so that (a, bc) and (ab, c) differ
		return (hash ^ columns) * MULTIPLIER;
	}

	int rowsRead() {
		return this.rowsRead;
	}

	long checksum() {
		return this.checksum;
	}

	boolean isExhausted() {
		return this.exhausted;
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
					advanced(current, more);
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

	private void advanced(ResultSet current, boolean more) throws SQLException {
		if (!more) {
			this.exhausted = true;
			return;
		}
		if (this.columns < 0) {
			this.columns = current.getMetaData().getColumnCount();
		}
		this.checksum = checksum(current, this.checksum, this.columns);
		this.rowsRead++;
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
		return this.delegate.getArray(columnLabel);
	}

	@Override
	public Array getArray(int columnIndex) throws SQLException {
		return this.delegate.getArray(columnIndex);
	}

	@Override
	public InputStream getAsciiStream(String columnLabel) throws SQLException {
		return this.delegate.getAsciiStream(columnLabel);
	}

	@Override
	public InputStream getAsciiStream(int columnIndex) throws SQLException {
		return this.delegate.getAsciiStream(columnIndex);
	}

	@Override
	@Deprecated
	public BigDecimal getBigDecimal(String columnLabel, int arg1) throws SQLException {
		return this.delegate.getBigDecimal(columnLabel, arg1);
	}

	@Override
	public BigDecimal getBigDecimal(String columnLabel) throws SQLException {
		return this.delegate.getBigDecimal(columnLabel);
	}

	@Override
	@Deprecated
	public BigDecimal getBigDecimal(int columnIndex, int arg1) throws SQLException {
		return this.delegate.getBigDecimal(columnIndex, arg1);
	}

	@Override
	public BigDecimal getBigDecimal(int columnIndex) throws SQLException {
		return this.delegate.getBigDecimal(columnIndex);
	}

	@Override
	public InputStream getBinaryStream(String columnLabel) throws SQLException {
		return this.delegate.getBinaryStream(columnLabel);
	}

	@Override
	public InputStream getBinaryStream(int columnIndex) throws SQLException {
		return this.delegate.getBinaryStream(columnIndex);
	}

	@Override
	public Blob getBlob(String columnLabel) throws SQLException {
		return this.delegate.getBlob(columnLabel);
	}

	@Override
	public Blob getBlob(int columnIndex) throws SQLException {
		return this.delegate.getBlob(columnIndex);
	}

	@Override
	public boolean getBoolean(String columnLabel) throws SQLException {
		return this.delegate.getBoolean(columnLabel);
	}

	@Override
	public boolean getBoolean(int columnIndex) throws SQLException {
		return this.delegate.getBoolean(columnIndex);
	}

	@Override
	public byte getByte(String columnLabel) throws SQLException {
		return this.delegate.getByte(columnLabel);
	}

	@Override
	public byte getByte(int columnIndex) throws SQLException {
		return this.delegate.getByte(columnIndex);
	}

	@Override
	public byte[] getBytes(String columnLabel) throws SQLException {
		return this.delegate.getBytes(columnLabel);
	}

	@Override
	public byte[] getBytes(int columnIndex) throws SQLException {
		return this.delegate.getBytes(columnIndex);
	}

	@Override
	public Reader getCharacterStream(String columnLabel) throws SQLException {
		return this.delegate.getCharacterStream(columnLabel);
	}

	@Override
	public Reader getCharacterStream(int columnIndex) throws SQLException {
		return this.delegate.getCharacterStream(columnIndex);
	}

	@Override
	public Clob getClob(String columnLabel) throws SQLException {
		return this.delegate.getClob(columnLabel);
	}

	@Override
	public Clob getClob(int columnIndex) throws SQLException {
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
		return this.delegate.getDate(columnLabel, arg1);
	}

	@Override
	public Date getDate(String columnLabel) throws SQLException {
		return this.delegate.getDate(columnLabel);
	}

	@Override
	public Date getDate(int columnIndex, Calendar arg1) throws SQLException {
		return this.delegate.getDate(columnIndex, arg1);
	}

	@Override
	public Date getDate(int columnIndex) throws SQLException {
		return this.delegate.getDate(columnIndex);
	}

	@Override
	public double getDouble(String columnLabel) throws SQLException {
		return this.delegate.getDouble(columnLabel);
	}

	@Override
	public double getDouble(int columnIndex) throws SQLException {
		return this.delegate.getDouble(columnIndex);
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
		return this.delegate.getFloat(columnLabel);
	}

	@Override
	public float getFloat(int columnIndex) throws SQLException {
		return this.delegate.getFloat(columnIndex);
	}

	@Override
	public int getHoldability() throws SQLException {
		return this.delegate.getHoldability();
	}

	@Override
	public int getInt(String columnLabel) throws SQLException {
		return this.delegate.getInt(columnLabel);
	}

	@Override
	public int getInt(int columnIndex) throws SQLException {
		return this.delegate.getInt(columnIndex);
	}

	@Override
	public long getLong(String columnLabel) throws SQLException {
		return this.delegate.getLong(columnLabel);
	}

	@Override
	public long getLong(int columnIndex) throws SQLException {
		return this.delegate.getLong(columnIndex);
	}

	@Override
	public ResultSetMetaData getMetaData() throws SQLException {
		return this.delegate.getMetaData();
	}

	@Override
	public Reader getNCharacterStream(String columnLabel) throws SQLException {
		return this.delegate.getNCharacterStream(columnLabel);
	}

	@Override
	public Reader getNCharacterStream(int columnIndex) throws SQLException {
		return this.delegate.getNCharacterStream(columnIndex);
	}

	@Override
	public NClob getNClob(String columnLabel) throws SQLException {
		return this.delegate.getNClob(columnLabel);
	}

	@Override
	public NClob getNClob(int columnIndex) throws SQLException {
		return this.delegate.getNClob(columnIndex);
	}

	@Override
	public String getNString(String columnLabel) throws SQLException {
		return this.delegate.getNString(columnLabel);
	}

	@Override
	public String getNString(int columnIndex) throws SQLException {
		return this.delegate.getNString(columnIndex);
	}

	@Override
	public <T> T getObject(String columnLabel, Class<T> arg1) throws SQLException {
		return this.delegate.getObject(columnLabel, arg1);
	}

	@Override
	public Object getObject(String columnLabel, Map<String, Class<?>> arg1) throws SQLException {
		return this.delegate.getObject(columnLabel, arg1);
	}

	@Override
	public Object getObject(String columnLabel) throws SQLException {
		return this.delegate.getObject(columnLabel);
	}

	@Override
	public <T> T getObject(int columnIndex, Class<T> arg1) throws SQLException {
		return this.delegate.getObject(columnIndex, arg1);
	}

	@Override
	public Object getObject(int columnIndex, Map<String, Class<?>> arg1) throws SQLException {
		return this.delegate.getObject(columnIndex, arg1);
	}

	@Override
	public Object getObject(int columnIndex) throws SQLException {
		return this.delegate.getObject(columnIndex);
	}

	@Override
	public Ref getRef(String columnLabel) throws SQLException {
		return this.delegate.getRef(columnLabel);
	}

	@Override
	public Ref getRef(int columnIndex) throws SQLException {
		return this.delegate.getRef(columnIndex);
	}

	@Override
	public int getRow() throws SQLException {
		return this.delegate.getRow();
	}

	@Override
	public RowId getRowId(String columnLabel) throws SQLException {
		return this.delegate.getRowId(columnLabel);
	}

	@Override
	public RowId getRowId(int columnIndex) throws SQLException {
		return this.delegate.getRowId(columnIndex);
	}

	@Override
	public SQLXML getSQLXML(String columnLabel) throws SQLException {
		return this.delegate.getSQLXML(columnLabel);
	}

	@Override
	public SQLXML getSQLXML(int columnIndex) throws SQLException {
		return this.delegate.getSQLXML(columnIndex);
	}

	@Override
	public short getShort(String columnLabel) throws SQLException {
		return this.delegate.getShort(columnLabel);
	}

	@Override
	public short getShort(int columnIndex) throws SQLException {
		return this.delegate.getShort(columnIndex);
	}

	@Override
	public String getString(String columnLabel) throws SQLException {
		return this.delegate.getString(columnLabel);
	}

	@Override
	public String getString(int columnIndex) throws SQLException {
		return this.delegate.getString(columnIndex);
	}

	@Override
	public Time getTime(String columnLabel, Calendar arg1) throws SQLException {
		return this.delegate.getTime(columnLabel, arg1);
	}

	@Override
	public Time getTime(String columnLabel) throws SQLException {
		return this.delegate.getTime(columnLabel);
	}

	@Override
	public Time getTime(int columnIndex, Calendar arg1) throws SQLException {
		return this.delegate.getTime(columnIndex, arg1);
	}

	@Override
	public Time getTime(int columnIndex) throws SQLException {
		return this.delegate.getTime(columnIndex);
	}

	@Override
	public Timestamp getTimestamp(String columnLabel, Calendar arg1) throws SQLException {
		return this.delegate.getTimestamp(columnLabel, arg1);
	}

	@Override
	public Timestamp getTimestamp(String columnLabel) throws SQLException {
		return this.delegate.getTimestamp(columnLabel);
	}

	@Override
	public Timestamp getTimestamp(int columnIndex, Calendar arg1) throws SQLException {
		return this.delegate.getTimestamp(columnIndex, arg1);
	}

	@Override
	public Timestamp getTimestamp(int columnIndex) throws SQLException {
		return this.delegate.getTimestamp(columnIndex);
	}

	@Override
	public int getType() throws SQLException {
		return this.delegate.getType();
	}

	@Override
	public URL getURL(String columnLabel) throws SQLException {
		return this.delegate.getURL(columnLabel);
	}

	@Override
	public URL getURL(int columnIndex) throws SQLException {
		return this.delegate.getURL(columnIndex);
	}

	@Override
	@Deprecated
	public InputStream getUnicodeStream(String columnLabel) throws SQLException {
		return this.delegate.getUnicodeStream(columnLabel);
	}

	@Override
	@Deprecated
	public InputStream getUnicodeStream(int columnIndex) throws SQLException {
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
		return this.delegate.wasNull();
	}

}
