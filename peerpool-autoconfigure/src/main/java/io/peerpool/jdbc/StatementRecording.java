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
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Calendar;

/**
 * The settings and parameters given to a statement before its first execution, in the order they
 * were given, so that they can be given again to the same statement re-created on another peer.
 *
 * <p>Compact on purpose: this is on the path of every first statement of a connection. A call is
 * a kind, a parameter index, a primitive value and an object value, kept in two growable arrays,
 * so the setters ({@code setInt}, {@code setString}, {@code setObject}, streams, LOBs, ...) allocate
 * nothing per call and box nothing. The few with a second object (a {@code Calendar}, an
 * {@code SQLType}) keep their two objects as a pair, only while they are recorded.
 *
 * <p>One switch ({@link #apply}) makes a call of a kind both when the application makes it and when
 * it is replayed, so that the two cannot differ. A parameter setter's kind is named for it (its
 * name, then the types of its parameters that its overloads do not share): the setters of
 * {@link DelegatingPreparedStatement}, generated at build time, pass it.
 *
 * <p>Not thread-safe, like the statement that owns it.
 */
final class StatementRecording {

	// Statement
	static final int ADD_BATCH_SQL = 1;

	static final int CLEAR_BATCH = 2;

	static final int CLEAR_WARNINGS = 3;

	static final int CLOSE_ON_COMPLETION = 4;

	static final int SET_CURSOR_NAME = 5;

	static final int SET_ESCAPE_PROCESSING = 6;

	static final int SET_FETCH_DIRECTION = 7;

	static final int SET_FETCH_SIZE = 8;

	static final int SET_MAX_FIELD_SIZE = 9;

	static final int SET_MAX_ROWS = 10;

	static final int SET_QUERY_TIMEOUT = 11;

	static final int SET_POOLABLE = 12;

	static final int SET_LARGE_MAX_ROWS = 13;

	// PreparedStatement
	static final int ADD_BATCH = 20;

	static final int CLEAR_PARAMETERS = 21;

	static final int SET_NULL = 22;

	static final int SET_NULL_STRING = 23;

	static final int SET_BOOLEAN = 24;

	static final int SET_BYTE = 25;

	static final int SET_SHORT = 26;

	static final int SET_INT = 27;

	static final int SET_LONG = 28;

	static final int SET_FLOAT = 29;

	static final int SET_DOUBLE = 30;

	static final int SET_BIG_DECIMAL = 31;

	static final int SET_STRING = 32;

	static final int SET_N_STRING = 33;

	static final int SET_BYTES = 34;

	static final int SET_DATE = 35;

	static final int SET_TIME = 36;

	static final int SET_TIMESTAMP = 37;

	static final int SET_OBJECT = 38;

	static final int SET_OBJECT_INT = 39;

	static final int SET_OBJECT_INT_INT = 40;

	// streams, LOBs and the other object parameters

	static final int SET_ARRAY = 41;

	static final int SET_ASCII_STREAM = 42;

	static final int SET_ASCII_STREAM_INT = 43;

	static final int SET_ASCII_STREAM_LONG = 44;

	static final int SET_BINARY_STREAM = 45;

	static final int SET_BINARY_STREAM_INT = 46;

	static final int SET_BINARY_STREAM_LONG = 47;

	static final int SET_BLOB_INPUT_STREAM = 48;

	static final int SET_BLOB_INPUT_STREAM_LONG = 49;

	static final int SET_BLOB_BLOB = 50;

	static final int SET_CHARACTER_STREAM = 51;

	static final int SET_CHARACTER_STREAM_INT = 52;

	static final int SET_CHARACTER_STREAM_LONG = 53;

	static final int SET_CLOB_READER = 54;

	static final int SET_CLOB_READER_LONG = 55;

	static final int SET_CLOB_CLOB = 56;

	static final int SET_N_CHARACTER_STREAM = 57;

	static final int SET_N_CHARACTER_STREAM_LONG = 58;

	static final int SET_N_CLOB_READER = 59;

	static final int SET_N_CLOB_READER_LONG = 60;

	static final int SET_N_CLOB_N_CLOB = 61;

	static final int SET_REF = 62;

	static final int SET_ROW_ID = 63;

	static final int SET_SQLXML = 64;

	static final int SET_URL = 65;

	static final int SET_UNICODE_STREAM = 66;

	// the setters with a second object: recorded as a pair (see applyPair)

	static final int SET_DATE_CALENDAR = 67;

	static final int SET_TIME_CALENDAR = 68;

	static final int SET_TIMESTAMP_CALENDAR = 69;

	static final int SET_OBJECT_SQL_TYPE = 70;

	static final int SET_OBJECT_SQL_TYPE_INT = 71;

	private static final int INITIAL_CAPACITY = 4;

	/** Two per call: the kind (low 32 bits) with the parameter index (high 32 bits), then the primitive value. */
	private long[] numbers = new long[2 * INITIAL_CAPACITY];

	/** One per call: the object value, or the pair of a setter with a second object. */
	private Object[] values = new Object[INITIAL_CAPACITY];

	private int size;

	/** How many calls were left by the last {@link #keepLatest}: the recording is compacted again when it doubled. */
	private int compacted;

	/**
	 * Records a call.
	 * @return about how many bytes the call holds (what a transaction's replay limit counts)
	 */
	int add(int kind, int index, long number, Object value) {
		if (this.size == this.values.length) {
			this.numbers = Arrays.copyOf(this.numbers, 4 * this.size);
			this.values = Arrays.copyOf(this.values, 2 * this.size);
		}
		this.numbers[2 * this.size] = ((long) index << 32) | (kind & 0xFFFFFFFFL);
		this.numbers[2 * this.size + 1] = number;
		this.values[this.size] = value;
		this.size++;
		return 24 + sizeOf(value);
	}

	/**
	 * Records a call of a statement that keeps its parameters after its executions (an auto-commit
	 * write, see {@code RecordingStatement#keepsParameters}): whenever the recording doubled it is
	 * compacted to the latest call per parameter index and per setting, so it holds about twice what
	 * the statement has set, however often it runs.
	 * @return {@code false} when a batch is pending: its parameters are not kept this way
	 */
	boolean addKeepingLatest(int kind, int index, long number, Object value) {
		if (kind == ADD_BATCH || kind == ADD_BATCH_SQL) {
			return false;
		}
		add(kind, index, number, value);
		return (this.size < 2 * this.compacted + 8) || keepLatest();
	}

	/**
	 * Compacts the recording to what the statement has set now: the latest call per parameter index
	 * (none before a {@code clearParameters()}) and per setting, in their order.
	 * @return {@code false} when a batch is pending (added and not cleared)
	 */
	boolean keepLatest() {
		BitSet parameters = new BitSet();
		long settings = 0;
		boolean parametersCleared = false;
		boolean batchCleared = false;
		boolean[] keep = new boolean[this.size];
		for (int i = this.size - 1; i >= 0; i--) {
			long header = this.numbers[2 * i];
			int kind = (int) header;
			int index = (int) (header >>> 32);
			switch (kind) {
				case ADD_BATCH, ADD_BATCH_SQL -> {
					if (!batchCleared) {
						return false;
					}
				}
				case CLEAR_BATCH -> batchCleared = true;
				case CLEAR_PARAMETERS -> parametersCleared = true;
				case CLEAR_WARNINGS -> {
					// nothing to keep: warnings belong to the statement that had them
				}
				default -> {
					if (kind < ADD_BATCH) {
						keep[i] = (settings & (1L << kind)) == 0;
						settings |= 1L << kind;
					}
					else if (!parametersCleared && !parameters.get(index)) {
						parameters.set(index);
						keep[i] = true;
					}
				}
			}
		}
		int kept = 0;
		for (int i = 0; i < this.size; i++) {
			if (keep[i]) {
				this.numbers[2 * kept] = this.numbers[2 * i];
				this.numbers[2 * kept + 1] = this.numbers[2 * i + 1];
				this.values[kept] = this.values[i];
				kept++;
			}
		}
		Arrays.fill(this.values, kept, this.size, null);
		this.size = kept;
		this.compacted = kept;
		return true;
	}

	/** About how many bytes a recorded value holds; cheap, not exact. */
	static int sizeOf(Object value) {
		if (value == null) {
			return 0;
		}
		if (value instanceof String text) {
			return 40 + 2 * text.length();
		}
		if (value instanceof byte[] bytes) {
			return 16 + bytes.length;
		}
		return 32;
	}

	/** How many calls are recorded. */
	int size() {
		return this.size;
	}

	/** Makes every recorded call again, in order, on {@code target}. */
	void replay(Statement target) throws SQLException {
		replay(target, 0, this.size);
	}

	/**
	 * Makes the recorded calls {@code from} (inclusive) to {@code to} (exclusive) again, in order:
	 * a transaction's replay gives a statement the parameters it had at each execution.
	 */
	void replay(Statement target, int from, int to) throws SQLException {
		for (int i = from; i < to; i++) {
			long header = this.numbers[2 * i];
			apply(target, (int) header, (int) (header >>> 32), this.numbers[2 * i + 1], this.values[i]);
		}
	}

	/**
	 * Makes one call on {@code target}: the live call of a setter with a kind and its replay are
	 * both this switch, so that they cannot differ.
	 */
	static void apply(Statement target, int kind, int index, long number, Object value) throws SQLException {
		switch (kind) {
			case ADD_BATCH_SQL -> target.addBatch((String) value);
			case CLEAR_BATCH -> target.clearBatch();
			case CLEAR_WARNINGS -> target.clearWarnings();
			case CLOSE_ON_COMPLETION -> target.closeOnCompletion();
			case SET_CURSOR_NAME -> target.setCursorName((String) value);
			case SET_ESCAPE_PROCESSING -> target.setEscapeProcessing(number != 0);
			case SET_FETCH_DIRECTION -> target.setFetchDirection((int) number);
			case SET_FETCH_SIZE -> target.setFetchSize((int) number);
			case SET_MAX_FIELD_SIZE -> target.setMaxFieldSize((int) number);
			case SET_MAX_ROWS -> target.setMaxRows((int) number);
			case SET_QUERY_TIMEOUT -> target.setQueryTimeout((int) number);
			case SET_POOLABLE -> target.setPoolable(number != 0);
			case SET_LARGE_MAX_ROWS -> target.setLargeMaxRows(number);
			default -> applyParameter((PreparedStatement) target, kind, index, number, value);
		}
	}

	@SuppressWarnings("deprecation") // setUnicodeStream: what the application called is made again
	private static void applyParameter(PreparedStatement target, int kind, int index, long number, Object value)
			throws SQLException {
		switch (kind) {
			case ADD_BATCH -> target.addBatch();
			case CLEAR_PARAMETERS -> target.clearParameters();
			case SET_NULL -> target.setNull(index, (int) number);
			case SET_NULL_STRING -> target.setNull(index, (int) number, (String) value);
			case SET_BOOLEAN -> target.setBoolean(index, number != 0);
			case SET_BYTE -> target.setByte(index, (byte) number);
			case SET_SHORT -> target.setShort(index, (short) number);
			case SET_INT -> target.setInt(index, (int) number);
			case SET_LONG -> target.setLong(index, number);
			case SET_FLOAT -> target.setFloat(index, Float.intBitsToFloat((int) number));
			case SET_DOUBLE -> target.setDouble(index, Double.longBitsToDouble(number));
			case SET_BIG_DECIMAL -> target.setBigDecimal(index, (BigDecimal) value);
			case SET_STRING -> target.setString(index, (String) value);
			case SET_N_STRING -> target.setNString(index, (String) value);
			case SET_BYTES -> target.setBytes(index, (byte[]) value);
			case SET_DATE -> target.setDate(index, (Date) value);
			case SET_TIME -> target.setTime(index, (Time) value);
			case SET_TIMESTAMP -> target.setTimestamp(index, (Timestamp) value);
			case SET_OBJECT -> target.setObject(index, value);
			case SET_OBJECT_INT -> target.setObject(index, value, (int) number);
			case SET_OBJECT_INT_INT -> target.setObject(index, value, (int) (number >> 32), (int) number);
			case SET_ARRAY -> target.setArray(index, (Array) value);
			case SET_ASCII_STREAM -> target.setAsciiStream(index, (InputStream) value);
			case SET_ASCII_STREAM_INT -> target.setAsciiStream(index, (InputStream) value, (int) number);
			case SET_ASCII_STREAM_LONG -> target.setAsciiStream(index, (InputStream) value, number);
			case SET_BINARY_STREAM -> target.setBinaryStream(index, (InputStream) value);
			case SET_BINARY_STREAM_INT -> target.setBinaryStream(index, (InputStream) value, (int) number);
			case SET_BINARY_STREAM_LONG -> target.setBinaryStream(index, (InputStream) value, number);
			case SET_BLOB_INPUT_STREAM -> target.setBlob(index, (InputStream) value);
			case SET_BLOB_INPUT_STREAM_LONG -> target.setBlob(index, (InputStream) value, number);
			case SET_BLOB_BLOB -> target.setBlob(index, (Blob) value);
			case SET_CHARACTER_STREAM -> target.setCharacterStream(index, (Reader) value);
			case SET_CHARACTER_STREAM_INT -> target.setCharacterStream(index, (Reader) value, (int) number);
			case SET_CHARACTER_STREAM_LONG -> target.setCharacterStream(index, (Reader) value, number);
			case SET_CLOB_READER -> target.setClob(index, (Reader) value);
			case SET_CLOB_READER_LONG -> target.setClob(index, (Reader) value, number);
			case SET_CLOB_CLOB -> target.setClob(index, (Clob) value);
			case SET_N_CHARACTER_STREAM -> target.setNCharacterStream(index, (Reader) value);
			case SET_N_CHARACTER_STREAM_LONG -> target.setNCharacterStream(index, (Reader) value, number);
			case SET_N_CLOB_READER -> target.setNClob(index, (Reader) value);
			case SET_N_CLOB_READER_LONG -> target.setNClob(index, (Reader) value, number);
			case SET_N_CLOB_N_CLOB -> target.setNClob(index, (NClob) value);
			case SET_REF -> target.setRef(index, (Ref) value);
			case SET_ROW_ID -> target.setRowId(index, (RowId) value);
			case SET_SQLXML -> target.setSQLXML(index, (SQLXML) value);
			case SET_URL -> target.setURL(index, (URL) value);
			case SET_UNICODE_STREAM -> target.setUnicodeStream(index, (InputStream) value, (int) number);
			case SET_DATE_CALENDAR, SET_TIME_CALENDAR, SET_TIMESTAMP_CALENDAR, SET_OBJECT_SQL_TYPE,
					SET_OBJECT_SQL_TYPE_INT -> {
				Object[] pair = (Object[]) value;
				applyPair(target, kind, index, number, pair[0], pair[1]);
			}
			default -> throw new IllegalStateException("Unknown recorded call " + kind);
		}
	}

	/**
	 * Makes a call of a setter with a second object: the live call (without a pair once nothing is
	 * recorded) and, through {@link #apply}, its replay.
	 */
	static void applyPair(PreparedStatement target, int kind, int index, long number, Object value, Object second)
			throws SQLException {
		switch (kind) {
			case SET_DATE_CALENDAR -> target.setDate(index, (Date) value, (Calendar) second);
			case SET_TIME_CALENDAR -> target.setTime(index, (Time) value, (Calendar) second);
			case SET_TIMESTAMP_CALENDAR -> target.setTimestamp(index, (Timestamp) value, (Calendar) second);
			case SET_OBJECT_SQL_TYPE -> target.setObject(index, value, (SQLType) second);
			case SET_OBJECT_SQL_TYPE_INT -> target.setObject(index, value, (SQLType) second, (int) number);
			default -> throw new IllegalStateException("Unknown recorded call " + kind);
		}
	}

}
