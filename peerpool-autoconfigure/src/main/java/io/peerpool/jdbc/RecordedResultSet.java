package io.peerpool.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

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
 * getters of values are generated in {@link DelegatingResultSet} at build time, each one line that
 * notes the read ({@link TracedReads}), and every other method there only delegates: no proxy on
 * the path of every row.
 */
@GenerateDelegation(value = ResultSet.class, guard = "unrepeatable", guarded = { "absolute", "afterLast", "beforeFirst",
		"first", "last", "previous", "relative", "moveTo*", "refreshRow", "cancelRowUpdates", "deleteRow", "insertRow",
		"update*", "setFetchDirection", "getArray", "getAsciiStream", "getBinaryStream", "getBlob", "getCharacterStream",
		"getClob", "getNCharacterStream", "getNClob", "getRef", "getRowId", "getSQLXML", "getUnicodeStream" },
		superclass = TracedReads.class, observer = "seen", kinds = ReadTrace.class, observed = { "getBigDecimal",
				"getBoolean", "getByte", "getBytes", "getDate", "getDouble", "getFloat", "getInt", "getLong", "getNString",
				"getObject", "getShort", "getString", "getTime", "getTimestamp", "getURL", "wasNull" })
final class RecordedResultSet extends DelegatingResultSet {

	private final ReplayableStatement statement;

	private ResultSet delegate;

	private boolean closed;

	RecordedResultSet(TransactionLog log, ReplayableStatement statement, ResultSet delegate) {
		super(log);
		this.statement = statement;
		this.delegate = delegate;
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
	public String toString() {
		return "Recorded[" + this.delegate + "]";
	}

}
