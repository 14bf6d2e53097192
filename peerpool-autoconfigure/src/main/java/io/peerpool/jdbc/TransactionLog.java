package io.peerpool.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What one transaction of a {@link PeerConnection} did so far and what the application saw of it,
 * so that it can run again on another peer when its connection dies before the commit, verified:
 * every statement executed (its parameters are in the statement's own {@link StatementRecording},
 * up to the position of each execution), with its update count, batch counts, generated keys and
 * a checksum of the values the application read from each result set (and where it read them).
 *
 * <p>The replay runs every execution again, in order, on the new physical connection and compares
 * each result: the transaction goes on there only when all are equal. The application's
 * statements and open result sets then continue on the new connection, each result set at the row
 * it was on.
 *
 * <p>Bounded: past the pool's {@code transaction-replay-limit} (executions or bytes of SQL and
 * parameters) the connection abandons the log, and every statement drops its recording.
 *
 * <p>Not thread-safe, like the connection that owns it.
 */
final class TransactionLog {

	/** About what an execution costs in the log: the entry and its result. */
	private static final int ENTRY_BYTES = 64;

	private final StatementHost host;

	private final int maxExecutions;

	private final long maxBytes;

	private long bytes;

	private ReplayableStatement[] statements = new ReplayableStatement[4];

	private int statementCount;

	private Entry[] entries = new Entry[8];

	private int size;

	private boolean live = true;

	TransactionLog(StatementHost host, int maxExecutions, long maxBytes) {
		this.host = host;
		this.maxExecutions = maxExecutions;
		this.maxBytes = maxBytes;
	}

	/** Whether the log still records (not abandoned, not ended). */
	boolean isLive() {
		return this.live;
	}

	/** How many executions are recorded. */
	int size() {
		return this.size;
	}

	/** About how many bytes the log holds. */
	long bytes() {
		return this.bytes;
	}

	StatementHost host() {
		return this.host;
	}

	/** A statement created in the transaction: every call made to it is recorded from now on. */
	void register(ReplayableStatement statement, @Nullable String sql) {
		if (this.statementCount == this.statements.length) {
			this.statements = Arrays.copyOf(this.statements, 2 * this.statementCount);
		}
		this.statements[this.statementCount++] = statement;
		statement.joinTransaction();
		grow(ENTRY_BYTES / 2 + StatementRecording.sizeOf(sql));
	}

	/** A recorded call (a parameter) or an execution added {@code more} bytes; past the limit the host abandons the log. */
	void grow(int more) {
		this.bytes += more;
		if (this.bytes > this.maxBytes) {
			this.host.abandonReplay();
		}
	}

	/**
	 * An execution: a result set (wrapped so that the rows the application reads are checksummed),
	 * an update count or batch counts.
	 * @return what the application gets
	 */
	@SuppressWarnings("unchecked")
	<R> R executed(ReplayableStatement statement, RoutedStatement.Execution<R> execution, @Nullable String sql,
			int option, @Nullable Object columns, R result) {
		Entry entry = add(statement, sql, option, columns);
		if (entry == null) {
			return result;
		}
		entry.execution = execution;
		if (result instanceof ResultSet rows) {
			RecordedResultSet recorded = new RecordedResultSet(this, statement, rows);
			entry.rows = recorded;
			return (R) recorded;
		}
		entry.result = result;
		return result;
	}

	private @Nullable Entry add(ReplayableStatement statement, @Nullable String sql, int option,
			@Nullable Object columns) {
		if (this.size >= this.maxExecutions) {
			this.host.abandonReplay();
			return null;
		}
		Entry entry = new Entry(statement, statement.recordedCalls(), sql, option, columns);
		if (this.size == this.entries.length) {
			this.entries = Arrays.copyOf(this.entries, 2 * this.size);
		}
		this.entries[this.size++] = entry;
		grow(ENTRY_BYTES + StatementRecording.sizeOf(sql));
		return this.live ? entry : null;
	}

	/** The last execution of {@code statement}, or {@code null}. */
	private @Nullable Entry last(ReplayableStatement statement) {
		for (int i = this.size - 1; i >= 0; i--) {
			if (this.entries[i].statement == statement) {
				return this.entries[i];
			}
		}
		return null;
	}

	/** {@code getResultSet()} after {@code execute()}: the result set of the statement's last execution, recorded. */
	ResultSet resultSet(ReplayableStatement statement, ResultSet rows) {
		Entry entry = last(statement);
		if (entry == null) {
			this.host.abandonReplay();
			return rows;
		}
		if (entry.rows == null && entry.result instanceof Long) {
			entry.rows = new RecordedResultSet(this, statement, rows);
		}
		else if (entry.rows == null || !entry.rows.wraps(rows)) {
			// a second result (getMoreResults) or a result set of another kind: not compared, not replayed
			this.host.abandonReplay();
			return rows;
		}
		return entry.rows;
	}

	/** {@code getGeneratedKeys()}: the keys of the statement's last execution, recorded. */
	ResultSet generatedKeys(ReplayableStatement statement, ResultSet keys) {
		Entry entry = last(statement);
		if (entry == null) {
			this.host.abandonReplay();
			return keys;
		}
		if (entry.keys == null) {
			entry.keys = new RecordedResultSet(this, statement, keys);
		}
		else if (!entry.keys.wraps(keys)) {
			return keys;
		}
		return entry.keys;
	}

	/** {@code getUpdateCount()} after an execution: the count the application saw. */
	void updateCount(ReplayableStatement statement, long count) {
		Entry entry = last(statement);
		if (entry == null) {
			this.host.abandonReplay();
			return;
		}
		entry.updateCountSeen = true;
		entry.updateCount = count;
	}

	/** The transaction ended, or cannot be replayed: every statement and result set stops recording. */
	void end() {
		if (!this.live) {
			return;
		}
		this.live = false;
		boolean[] executed = new boolean[this.statementCount];
		for (int i = 0; i < this.size; i++) {
			executed[indexOf(this.entries[i].statement)] = true;
		}
		for (int i = 0; i < this.statementCount; i++) {
			this.statements[i].leaveTransaction(executed[i]);
		}
		this.statements = null;
		this.entries = null;
		this.statementCount = 0;
		this.size = 0;
	}

	/**
	 * Runs the transaction so far again on {@code physical} (a transaction begun with the same
	 * settings on another peer) and compares every result with what the application saw.
	 * @return {@code null} when every result is the same (the statements and open result sets have
	 * moved to {@code physical}), else what differs (nothing moved; what was opened is closed)
	 * @throws SQLException when a statement fails there (nothing moved)
	 */
	@Nullable String replay(Connection physical) throws SQLException {
		Statement[] fresh = new Statement[this.statementCount];
		int[] replayed = new int[this.statementCount];
		ResultSet[] rows = new ResultSet[this.size];
		ResultSet[] keys = new ResultSet[this.size];
		boolean moved = false;
		try {
			for (int i = 0; i < this.size; i++) {
				Entry entry = this.entries[i];
				int index = indexOf(entry.statement);
				Statement target = fresh[index];
				if (target == null) {
					target = entry.statement.create(physical);
					fresh[index] = target;
				}
				entry.statement.replayRecording(target, replayed[index], entry.position);
				replayed[index] = entry.position;
				String difference = entry.replay(target, rows, keys, i);
				if (difference != null) {
					return "execution " + (i + 1) + " of " + this.size + ": " + difference;
				}
			}
			for (int i = 0; i < this.statementCount; i++) {
				ReplayableStatement statement = this.statements[i];
				if (statement.isClosedByApplication() || !statement.isMaterialized()) {
					continue;
				}
				if (fresh[i] == null) {
					fresh[i] = statement.create(physical);
				}
				// parameters given since the last execution (those of a call that failed, about to run again)
				statement.replayRecording(fresh[i], replayed[i], statement.recordedCalls());
			}
			moved = true;
		}
		finally {
			if (!moved) {
				closeAll(rows);
				closeAll(keys);
				closeAll(fresh);
			}
		}
		for (int i = 0; i < this.size; i++) {
			Entry entry = this.entries[i];
			moveOrClose(entry.rows, rows[i]);
			moveOrClose(entry.keys, keys[i]);
		}
		for (int i = 0; i < this.statementCount; i++) {
			ReplayableStatement statement = this.statements[i];
			if (fresh[i] == null) {
				continue;
			}
			if (statement.isClosedByApplication()) {
				closeQuietly(fresh[i]);
			}
			else {
				statement.replaceDelegate(fresh[i]);
			}
		}
		return null;
	}

	private int indexOf(ReplayableStatement statement) {
		for (int i = 0; i < this.statementCount; i++) {
			if (this.statements[i] == statement) {
				return i;
			}
		}
		throw new IllegalStateException("Statement not in the transaction log: " + statement);
	}

	private static void moveOrClose(@Nullable RecordedResultSet seen, @Nullable ResultSet replayed) {
		if (replayed == null) {
			return;
		}
		if (seen != null && !seen.isClosedByApplication() && !seen.statement().isClosedByApplication()) {
			seen.replaceDelegate(replayed);
		}
		else {
			closeQuietly(replayed);
		}
	}

	private static void closeAll(AutoCloseable[] resources) {
		for (AutoCloseable resource : resources) {
			if (resource != null) {
				closeQuietly(resource);
			}
		}
	}

	private static void closeQuietly(AutoCloseable resource) {
		try {
			resource.close();
		}
		catch (Exception ex) {
			// given up: the connection is rolled back and given back
		}
	}

	/** One execution and what the application saw of it. */
	static final class Entry {

		final ReplayableStatement statement;

		/** How many of the statement's recorded calls were made before this execution. */
		final int position;

		final @Nullable String sql;

		final int option;

		final @Nullable Object columns;

		RoutedStatement.@Nullable Execution<?> execution;

		/** An update count ({@code execute}'s boolean as 0 or 1), or batch counts ({@code int[]}, {@code long[]}). */
		@Nullable Object result;

		@Nullable RecordedResultSet rows;

		@Nullable RecordedResultSet keys;

		boolean updateCountSeen;

		long updateCount;

		Entry(ReplayableStatement statement, int position, @Nullable String sql, int option, @Nullable Object columns) {
			this.statement = statement;
			this.position = position;
			this.sql = sql;
			this.option = option;
			this.columns = columns;
		}

		@Nullable String replay(Statement target, ResultSet[] rows, ResultSet[] keys, int index) throws SQLException {
			Object replayed = this.execution.run(target, this.sql, this.option, this.columns);
			ResultSet replayedRows = (replayed instanceof ResultSet queried) ? queried : null;
			if (replayedRows == null && !Objects.deepEquals(replayed, this.result)) {
				return ((replayed instanceof Long) ? "update count " : "batch counts ") + describe(replayed)
						+ " instead of " + describe(this.result);
			}
			if (this.rows != null) {
				// a query's rows, or those execute() gave and the application read (getResultSet)
				replayedRows = (replayedRows != null) ? replayedRows : target.getResultSet();
				if (replayedRows == null) {
					return "no result set";
				}
				rows[index] = replayedRows;
				String difference = this.rows.trace().compare(replayedRows, "result set");
				if (difference != null) {
					return difference;
				}
			}
			if (this.updateCountSeen) {
				long replayedCount = target.getLargeUpdateCount();
				if (replayedCount != this.updateCount) {
					return "update count " + replayedCount + " instead of " + this.updateCount;
				}
			}
			if (this.keys != null) {
				ResultSet replayedKeys = target.getGeneratedKeys();
				keys[index] = replayedKeys;
				String difference = this.keys.trace().compare(replayedKeys, "generated keys");
				if (difference != null) {
					return difference;
				}
			}
			return null;
		}

		private static String describe(@Nullable Object counts) {
			if (counts instanceof int[] ints) {
				return Arrays.toString(ints);
			}
			if (counts instanceof long[] longs) {
				return Arrays.toString(longs);
			}
			return String.valueOf(counts);
		}

	}

}
