package io.peerpool.jdbc;

import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.peerpool.codegen.GenerateDelegation;

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
 * XML value (which cannot be read twice, or compared) makes the transaction unrepeatable. The
 * getters of values are written here, each one line that notes the read; every other method
 * delegates, through {@link DelegatingResultSet} (generated at build time): no proxy on the path
 * of every row.
 */
@GenerateDelegation(value = ResultSet.class, guard = "unrepeatable", guarded = { "absolute", "afterLast", "beforeFirst",
		"first", "last", "previous", "relative", "moveTo*", "refreshRow", "cancelRowUpdates", "deleteRow", "insertRow",
		"update*", "setFetchDirection", "getArray", "getAsciiStream", "getBinaryStream", "getBlob", "getCharacterStream",
		"getClob", "getNCharacterStream", "getNClob", "getRef", "getRowId", "getSQLXML", "getUnicodeStream" })
final class RecordedResultSet extends DelegatingResultSet {

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

	/** What the application read, for {@link TransactionLog}'s comparison of a replay. */
	ReadTrace trace() {
		return this.trace;
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

	@Override
	ResultSet delegate() {
		return this.delegate;
	}

	/** A call the replay cannot follow: the transaction is not replayed. */
	@Override
	void unrepeatable() {
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

	// the values the application reads

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
	public float getFloat(String columnLabel) throws SQLException {
		return seen(this.delegate.getFloat(columnLabel), ReadTrace.labelled(ReadTrace.FLOAT), columnLabel, null);
	}

	@Override
	public float getFloat(int columnIndex) throws SQLException {
		return seen(this.delegate.getFloat(columnIndex), ReadTrace.at(ReadTrace.FLOAT, columnIndex), null, null);
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
	public URL getURL(String columnLabel) throws SQLException {
		return seen(this.delegate.getURL(columnLabel), ReadTrace.labelled(ReadTrace.URL), columnLabel, null);
	}

	@Override
	public URL getURL(int columnIndex) throws SQLException {
		return seen(this.delegate.getURL(columnIndex), ReadTrace.at(ReadTrace.URL, columnIndex), null, null);
	}

	@Override
	public boolean wasNull() throws SQLException {
		return seen(this.delegate.wasNull(), ReadTrace.WAS_NULL, null, null);
	}

}
