package io.peerpool.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Calendar;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What the application read from a result set of a recorded transaction: a running checksum of
 * every value it got, in order, and where it got each one (getter, column), so that a replay can
 * read the same values from the same query run again on another peer and tell whether the
 * application would have seen the same.
 *
 * <p>The values are those the application already has: nothing is read, converted or allocated
 * for the checksum (reading every column of every row as text, as the first version did, made a
 * recorded read of 100 rows of ten columns cost 3.5 times the transaction's CPU and 69 KB). A
 * column the application did not read is not compared: it saw nothing of it. Rows read alike (the
 * same getters on the same columns, nearly always) are kept once with a count, so the trace of a
 * long result set is one row's reads.
 */
final class ReadTrace {

	// what a read was: kind | BY_LABEL | column << COLUMN_SHIFT; a label and an argument (a Calendar,
	// a type, a scale) go to the arguments, in that order. A kind is named for its getter and the types
	// of its parameters after the column: the generated getters of DelegatingResultSet name them so

	static final int GET_STRING = 1;

	static final int GET_N_STRING = 2;

	static final int GET_BOOLEAN = 3;

	static final int GET_BYTE = 4;

	static final int GET_SHORT = 5;

	static final int GET_INT = 6;

	static final int GET_LONG = 7;

	static final int GET_FLOAT = 8;

	static final int GET_DOUBLE = 9;

	static final int GET_BIG_DECIMAL = 10;

	/** The deprecated {@code getBigDecimal(column, scale)}: the scale is the argument. */
	static final int GET_BIG_DECIMAL_INT = 11;

	static final int GET_BYTES = 12;

	static final int GET_DATE = 13;

	static final int GET_TIME = 14;

	static final int GET_TIMESTAMP = 15;

	/** {@code getDate(column, calendar)}: the calendar is the argument (so for the next two). */
	static final int GET_DATE_CALENDAR = 16;

	static final int GET_TIME_CALENDAR = 17;

	static final int GET_TIMESTAMP_CALENDAR = 18;

	static final int GET_OBJECT = 19;

	/** {@code getObject(column, map)}: the type map is the argument. */
	static final int GET_OBJECT_MAP = 20;

	/** {@code getObject(column, type)}: the type is the argument. */
	static final int GET_OBJECT_CLASS = 21;

	static final int GET_URL = 22;

	/** {@code wasNull()}, about the read before it. */
	static final int WAS_NULL = 23;

	static final int BY_LABEL = 32;

	private static final int KIND = 31;

	private static final int COLUMN_SHIFT = 6;

	private static final int[] NO_BLOCKS = {};

	private static final Object[] NONE = {};

	/** The checksum of nothing read. */
	static final long SEED = 0x6A09E667F3BCC909L;

	private static final long MULTIPLIER = 0x9E3779B97F4A7C15L;

	/** Mixed in for SQL {@code NULL}: different from the hash of any value. */
	private static final int NULL_HASH = 0x5BD1E995;

	/** Mixed in at each row, so that reads (a)(b) and (a b) differ. */
	private static final int ROW = 0x27D4EB2F;

	/** The reads of the current row. */
	private int[] row = new int[8];

	private int rowLength;

	// created at the first label or argument, and at the second row: a point read needs only the reads of its row
	private @Nullable Object[] rowArguments = NONE;

	private int rowArgumentsLength;

	/** The rows before the current one, as blocks {@code [reads, arguments, times, read...]}; neighbours read alike share a block. */
	private int[] blocks = NO_BLOCKS;

	private int blocksLength;

	private @Nullable Object[] blockArguments = NONE;

	private int blockArgumentsLength;

	/** Where the last block starts in {@link #blocks}, and its first argument; -1 before the first. */
	private int lastBlock = -1;

	private int lastBlockArguments;

	private long checksum = SEED;

	/** Rows advanced to ({@code next()} returned true). */
	private int rows;

	/** Whether the last {@code next()} returned true: the current row's reads are in {@link #row}. */
	private boolean onRow;

	private boolean exhausted;

	/** Bytes of the trace's arrays, for the transaction's limit. */
	private int bytes = 64;

	int rows() {
		return this.rows;
	}

	long checksum() {
		return this.checksum;
	}

	boolean isExhausted() {
		return this.exhausted;
	}

	int bytes() {
		return this.bytes;
	}

	/** {@code next()} returned {@code more}: the current row is done. */
	void advanced(boolean more) {
		if (this.onRow) {
			closeRow();
		}
		this.onRow = more;
		if (more) {
			this.rows++;
			this.checksum = mix(this.checksum, ROW);
		}
		else {
			this.exhausted = true;
		}
	}

	/** A read of {@code code} (with its label and argument, if any) that gave a value of {@code valueHash}. */
	void read(int code, @Nullable Object label, @Nullable Object argument, int valueHash) {
		if (this.rowLength == this.row.length) {
			this.row = Arrays.copyOf(this.row, 2 * this.rowLength);
			this.bytes += 4 * this.rowLength;
		}
		this.row[this.rowLength++] = code;
		if ((code & BY_LABEL) != 0) {
			argument(label);
		}
		if (hasArgument(code)) {
			argument(argument);
		}
		this.checksum = mix(this.checksum, valueHash);
	}

	private void argument(@Nullable Object value) {
		if (this.rowArgumentsLength == this.rowArguments.length) {
			int grown = Math.max(4, 2 * this.rowArgumentsLength);
			this.rowArguments = Arrays.copyOf(this.rowArguments, grown);
			this.bytes += 8 * (grown - this.rowArgumentsLength);
		}
		this.rowArguments[this.rowArgumentsLength++] = value;
	}

	private static boolean hasArgument(int code) {
		int kind = code & KIND;
		return kind == GET_BIG_DECIMAL_INT || kind == GET_DATE_CALENDAR || kind == GET_TIME_CALENDAR
				|| kind == GET_TIMESTAMP_CALENDAR || kind == GET_OBJECT_MAP || kind == GET_OBJECT_CLASS;
	}

	/** Adds the current row to the blocks: one more time of the last block when read alike. */
	private void closeRow() {
		if (this.lastBlock >= 0 && readAlike()) {
			this.blocks[this.lastBlock + 2]++;
		}
		else {
			int needed = this.blocksLength + 3 + this.rowLength;
			if (needed > this.blocks.length) {
				int grown = Math.max(Math.max(needed, 16), 2 * this.blocks.length);
				this.bytes += 4 * (grown - this.blocks.length);
				this.blocks = Arrays.copyOf(this.blocks, grown);
			}
			int neededArguments = this.blockArgumentsLength + this.rowArgumentsLength;
			if (neededArguments > this.blockArguments.length) {
				int grown = Math.max(neededArguments, 2 * this.blockArguments.length);
				this.bytes += 8 * (grown - this.blockArguments.length);
				this.blockArguments = Arrays.copyOf(this.blockArguments, grown);
			}
			this.lastBlock = this.blocksLength;
			this.lastBlockArguments = this.blockArgumentsLength;
			this.blocks[this.blocksLength++] = this.rowLength;
			this.blocks[this.blocksLength++] = this.rowArgumentsLength;
			this.blocks[this.blocksLength++] = 1;
			System.arraycopy(this.row, 0, this.blocks, this.blocksLength, this.rowLength);
			this.blocksLength += this.rowLength;
			System.arraycopy(this.rowArguments, 0, this.blockArguments, this.blockArgumentsLength,
					this.rowArgumentsLength);
			this.blockArgumentsLength += this.rowArgumentsLength;
		}
		this.rowLength = 0;
		Arrays.fill(this.rowArguments, 0, this.rowArgumentsLength, null);
		this.rowArgumentsLength = 0;
	}

	private boolean readAlike() {
		int start = this.lastBlock;
		if (this.blocks[start] != this.rowLength || this.blocks[start + 1] != this.rowArgumentsLength) {
			return false;
		}
		for (int i = 0; i < this.rowLength; i++) {
			if (this.blocks[start + 3 + i] != this.row[i]) {
				return false;
			}
		}
		for (int i = 0; i < this.rowArgumentsLength; i++) {
			if (!java.util.Objects.equals(this.blockArguments[this.lastBlockArguments + i], this.rowArguments[i])) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Reads {@code replayed} (the same query run again) as the application read this result set:
	 * the same rows, the same getters on the same columns.
	 * @return {@code null} when the application would have seen the same, else what differs
	 */
	@Nullable String compare(ResultSet replayed, String what) throws SQLException {
		long replayedChecksum = SEED;
		int row = 0;
		for (int block = 0, arguments = 0; block < this.blocksLength;) {
			int reads = this.blocks[block];
			int blockArgumentCount = this.blocks[block + 1];
			int times = this.blocks[block + 2];
			for (int time = 0; time < times; time++) {
				if (!replayed.next()) {
					return what + ": " + row + " rows instead of at least " + this.rows;
				}
				row++;
				replayedChecksum = mix(replayedChecksum, ROW);
				replayedChecksum = readAgain(replayed, this.blocks, block + 3, reads, this.blockArguments, arguments,
						replayedChecksum);
			}
			block += 3 + reads;
			arguments += blockArgumentCount;
		}
		if (this.onRow) {
			if (!replayed.next()) {
				return what + ": " + row + " rows instead of at least " + this.rows;
			}
			replayedChecksum = mix(replayedChecksum, ROW);
			replayedChecksum = readAgain(replayed, this.row, 0, this.rowLength, this.rowArguments, 0, replayedChecksum);
		}
		if (replayedChecksum != this.checksum) {
			return what + ": the values read from the first " + this.rows + " rows differ";
		}
		if (this.exhausted && replayed.next()) {
			return what + ": more than the " + this.rows + " rows the application saw";
		}
		return null;
	}

	private static long readAgain(ResultSet rows, int[] codes, int from, int count, @Nullable Object[] arguments,
			int firstArgument, long checksum) throws SQLException {
		long hash = checksum;
		int argument = firstArgument;
		for (int i = from; i < from + count; i++) {
			int code = codes[i];
			String label = null;
			if ((code & BY_LABEL) != 0) {
				label = (String) arguments[argument++];
			}
			Object extra = hasArgument(code) ? arguments[argument++] : null;
			hash = mix(hash, valueOf(rows, code, label, extra));
		}
		return hash;
	}

	/** The hash of what the getter of {@code code} gives on the current row of {@code rows}. */
	@SuppressWarnings({ "deprecation", "unchecked" })
	private static int valueOf(ResultSet rows, int code, @Nullable String label, @Nullable Object argument)
			throws SQLException {
		int column = code >>> COLUMN_SHIFT;
		boolean byLabel = label != null;
		switch (code & KIND) {
			case GET_STRING:
				return hash(byLabel ? rows.getString(label) : rows.getString(column));
			case GET_N_STRING:
				return hash(byLabel ? rows.getNString(label) : rows.getNString(column));
			case GET_BOOLEAN:
				return hash((byLabel ? rows.getBoolean(label) : rows.getBoolean(column)) ? 1 : 0);
			case GET_BYTE:
				return hash(byLabel ? rows.getByte(label) : rows.getByte(column));
			case GET_SHORT:
				return hash(byLabel ? rows.getShort(label) : rows.getShort(column));
			case GET_INT:
				return hash(byLabel ? rows.getInt(label) : rows.getInt(column));
			case GET_LONG:
				return hash(byLabel ? rows.getLong(label) : rows.getLong(column));
			case GET_FLOAT:
				return hash(Float.floatToIntBits(byLabel ? rows.getFloat(label) : rows.getFloat(column)));
			case GET_DOUBLE:
				return hash(Double.doubleToLongBits(byLabel ? rows.getDouble(label) : rows.getDouble(column)));
			case GET_BIG_DECIMAL:
				return hash(byLabel ? rows.getBigDecimal(label) : rows.getBigDecimal(column));
			case GET_BIG_DECIMAL_INT:
				int scale = (Integer) argument;
				return hash(byLabel ? rows.getBigDecimal(label, scale) : rows.getBigDecimal(column, scale));
			case GET_BYTES:
				return hash(byLabel ? rows.getBytes(label) : rows.getBytes(column));
			case GET_DATE:
				return hash(byLabel ? rows.getDate(label) : rows.getDate(column));
			case GET_TIME:
				return hash(byLabel ? rows.getTime(label) : rows.getTime(column));
			case GET_TIMESTAMP:
				return hash(byLabel ? rows.getTimestamp(label) : rows.getTimestamp(column));
			case GET_DATE_CALENDAR:
				Calendar dateIn = (Calendar) argument;
				return hash(byLabel ? rows.getDate(label, dateIn) : rows.getDate(column, dateIn));
			case GET_TIME_CALENDAR:
				Calendar timeIn = (Calendar) argument;
				return hash(byLabel ? rows.getTime(label, timeIn) : rows.getTime(column, timeIn));
			case GET_TIMESTAMP_CALENDAR:
				Calendar timestampIn = (Calendar) argument;
				return hash(byLabel ? rows.getTimestamp(label, timestampIn) : rows.getTimestamp(column, timestampIn));
			case GET_OBJECT:
				return hash(byLabel ? rows.getObject(label) : rows.getObject(column));
			case GET_OBJECT_MAP:
				Map<String, Class<?>> map = (Map<String, Class<?>>) argument;
				return hash(byLabel ? rows.getObject(label, map) : rows.getObject(column, map));
			case GET_OBJECT_CLASS:
				Class<?> type = (Class<?>) argument;
				return hash(byLabel ? rows.getObject(label, type) : rows.getObject(column, type));
			case GET_URL:
				return hash(byLabel ? rows.getURL(label) : rows.getURL(column));
			case WAS_NULL:
				return hash(rows.wasNull() ? 1 : 0);
			default:
				throw new IllegalStateException("Unknown read " + code);
		}
	}

	/** A read's code: its kind, by column index. */
	static int at(int kind, int column) {
		return kind | (column << COLUMN_SHIFT);
	}

	/** A read's code: its kind, by column label. */
	static int labelled(int kind) {
		return kind | BY_LABEL;
	}

	/**
	 * The hash of an object a getter gave: its value's hash for the types drivers give (numbers,
	 * text, dates and times, {@code java.time}, UUIDs, byte arrays; a URL by its text, as its own hash
	 * would resolve the host). {@link #UNKNOWN} for a type whose hash may be that of the instance
	 * (a driver's own object): then no replay can compare it.
	 */
	static int hash(@Nullable Object value) {
		if (value == null) {
			return NULL_HASH;
		}
		if (value instanceof byte[] bytes) {
			return Arrays.hashCode(bytes);
		}
		if (value instanceof java.net.URL url) {
			return url.toExternalForm().hashCode();
		}
		if (value instanceof Number || value instanceof CharSequence || value instanceof Boolean
				|| value instanceof java.util.Date || value instanceof java.time.temporal.TemporalAccessor
				|| value instanceof java.util.UUID || value instanceof Character || value instanceof java.time.Duration
				|| value instanceof java.time.Period) {
			return value.hashCode();
		}
		return (VALUE_TEXT.get(value.getClass())) ? value.toString().hashCode() : UNKNOWN;
	}

	/**
	 * The hash of a primitive a getter gave, as the generated getters of {@link DelegatingResultSet}
	 * pass it (a long; a boolean as 1 or 0, a float or a double by its bits).
	 */
	static int hash(long value) {
		return Long.hashCode(value);
	}

	/** The hash of a value no replay can compare; a read that gives it makes the transaction unrepeatable. */
	static final int UNKNOWN = 0x7F4A7C15;

	/** Whether a class says what its value is in {@code toString()} (PostgreSQL's {@code PGobject}, ...). */
	private static final ClassValue<Boolean> VALUE_TEXT = new ClassValue<>() {
		@Override
		protected Boolean computeValue(Class<?> type) {
			try {
				return type.getMethod("toString").getDeclaringClass() != Object.class
						&& type.getMethod("equals", Object.class).getDeclaringClass() != Object.class;
			}
			catch (NoSuchMethodException ex) {
				return false;
			}
		}
	};

	private static long mix(long checksum, int valueHash) {
		long hash = (checksum ^ valueHash) * MULTIPLIER;
		return hash ^ (hash >>> 29);
	}

}
