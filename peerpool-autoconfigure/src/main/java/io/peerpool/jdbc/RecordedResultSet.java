package io.peerpool.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.peerpool.codegen.GenerateDelegation;

/**
 * A result set of a transaction that may be replayed: as {@link #next()} advances, it keeps a
 * running checksum of every column of each row the application reaches, so that a replay can
 * tell whether the other peer gives the application the same rows. When the connection dies
 * while the application reads (a streamed result set), the transaction is replayed and reading
 * goes on from the same row of the same query run again there.
 *
 * <p>Only forward reading is followed: a move elsewhere ({@code absolute}, {@code previous}, ...)
 * or a change through the result set ({@code updateRow}, ...) makes the transaction unrepeatable.
 * Every other method delegates, through {@link DelegatingResultSet} (generated at build time): no
 * proxy on the path of every row.
 */
@GenerateDelegation(value = ResultSet.class, guard = "unrepeatable", guarded = { "absolute", "afterLast", "beforeFirst",
		"first", "last", "previous", "relative", "moveTo*", "refreshRow", "cancelRowUpdates", "deleteRow", "insertRow",
		"update*", "setFetchDirection" })
final class RecordedResultSet extends DelegatingResultSet {

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

}
