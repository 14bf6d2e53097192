package io.peerpool.jdbc;

import java.io.InputStream;
import java.io.Reader;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

import org.jspecify.annotations.Nullable;

/**
 * What a {@link ReplayableStatement} records of the settings and parameters the application gives
 * it, so that the statement can be made again on another peer: each is made on the driver's
 * statement if that exists and recorded ({@link StatementRecording}) until the first execution, or
 * for as long as the statement is in a recorded transaction ({@link TransactionLog}). The setters
 * generated in {@link DelegatingStatement} and {@link DelegatingPreparedStatement} pass their kind
 * and arguments to the {@code apply} overloads here, one for each shape the generator packs them in.
 *
 * <p>A superclass rather than an object of its own: the statement is allocated per connection,
 * and nothing more is until something is set.
 */
abstract class RecordingStatement {

	final StatementHost connection;

	/** Whether the statement has not run yet: until then its settings and parameters are recorded. */
	boolean recording = true;

	/** Calls to replay; created on the first call worth recording (a plain query records none). */
	private StatementRecording recorded;

	/** Whether a call was made that cannot be made again on another peer (a stream the driver consumes). */
	boolean unrepeatable;

	/**
	 * Whether the parameters are kept after executions too, the latest one per index: an auto-commit
	 * write that a server turned read-only may refuse at any execution, which then runs again on the
	 * writer with the parameters the statement has ({@link RoutedStatement}).
	 */
	boolean keepsParameters;

	/**
	 * Whether the statement is recorded only so that a read-only refusal can run it again on the
	 * writer (an auto-commit write prepared after the borrow's first statement): a batch never runs
	 * again, so one ends the recording, and its rows are the driver's alone.
	 */
	boolean forRefusalsOnly;

	/**
	 * Whether the statement is in its connection's {@link TransactionLog}: it was created in a
	 * transaction that may be replayed, and records every call and execution until it ends. A
	 * boolean, not a reference to the log: this object is allocated per connection.
	 */
	boolean logged;

	RecordingStatement(StatementHost connection) {
		this.connection = connection;
	}

	/** Whether the driver's statement exists: settings go to it, not only to the recording. */
	abstract boolean isMaterialized();

	/** The driver's statement, created now if the statement was waiting for its connection. */
	abstract Statement statement() throws SQLException;

	/** Whether settings and parameters are recorded: until the first execution. */
	final boolean isRecording() {
		return this.recording;
	}

	// the setters DelegatingStatement and DelegatingPreparedStatement generate call these with a kind named for
	// the setter and its arguments packed (the parameter index, the primitives as one long, the objects): each
	// is made now and recorded, and the call made now and its replay are the same switch (StatementRecording#apply)

	/** A setting of the statement ({@code setFetchSize}, {@code setCursorName}, ...): no parameter index. */
	final void apply(int kind, long number, @Nullable Object value) throws SQLException {
		apply(kind, 0, number, value);
	}

	/**
	 * A setting or parameter: made on the driver's statement if it exists, and recorded until the
	 * first execution. A stream or a reader (also given to {@code setObject}) is consumed by the
	 * driver: the statement is not run again elsewhere.
	 */
	final void apply(int kind, int index, long number, @Nullable Object value) throws SQLException {
		if (value instanceof InputStream || value instanceof Reader) {
			unrepeatable();
		}
		if (isMaterialized()) {
			StatementRecording.apply(statement(), kind, index, number, value);
		}
		record(kind, index, number, value);
	}

	/**
	 * A setter with a second object ({@code setDate} with a {@code Calendar}, {@code setObject} with
	 * an {@code SQLType}): its two objects are recorded as a pair, and made directly once nothing is
	 * recorded (no pair per parameter then).
	 */
	final void apply(int kind, int index, long number, Object value, Object second) throws SQLException {
		if (value instanceof InputStream || value instanceof Reader) {
			unrepeatable();
		}
		if (!this.recording && !this.keepsParameters) {
			StatementRecording.applyPair((PreparedStatement) statement(), kind, index, number, value, second);
			return;
		}
		apply(kind, index, number, new Object[] { value, second });
	}

	final void record(int kind, int index, long number, Object value) {
		if (this.forRefusalsOnly && (kind == StatementRecording.ADD_BATCH || kind == StatementRecording.ADD_BATCH_SQL)) {
			this.recording = false;
			stopKeeping();
			return;
		}
		if (this.recording) {
			int bytes = recording().add(kind, index, number, value);
			if (this.logged) {
				this.connection.recorded(bytes);
			}
		}
		else if (this.keepsParameters && !recording().addKeepingLatest(kind, index, number, value)) {
			// a batch is pending: what it holds is not kept, and the statement is not run again elsewhere
			stopKeeping();
		}
	}

	/** From now on the parameters are kept after executions as well ({@link #keepsParameters}). */
	final void keepParameters() {
		this.keepsParameters = true;
	}

	/** The statement is recorded only for a read-only refusal ({@link #forRefusalsOnly}). */
	final void recordForRefusalsOnly() {
		this.forRefusalsOnly = true;
	}

	/** The parameters are no longer kept: the statement is not run again on another peer after its executions. */
	final void stopKeeping() {
		this.keepsParameters = false;
		if (!this.recording) {
			this.recorded = null;
		}
	}

	/** Whether the statement may be made again with its parameters after an execution ({@link #keepsParameters}). */
	final boolean hasKeptParameters() {
		return this.keepsParameters && !this.unrepeatable;
	}

	/**
	 * A parameter the driver consumes (a stream, a reader) was given: the statement is not run again
	 * on another peer after a failure, which would send an empty or truncated value.
	 */
	final void unrepeatable() {
		this.unrepeatable = true;
		stopKeeping();
		if (this.logged) {
			this.connection.abandonReplay();
		}
	}

	// the transaction log (see TransactionLog): only statements created in a replayable transaction

	/** Joins the connection's transaction log: recording goes on after executions. */
	final void joinTransaction() {
		this.logged = true;
	}

	/**
	 * The transaction ended or cannot be replayed: the recording of a statement that ran is dropped;
	 * one that has not run yet keeps it, as any statement does until its first execution (its
	 * settings may exist only there, while it waits for its connection).
	 */
	final void leaveTransaction(boolean executed) {
		this.logged = false;
		if (executed) {
			stopRecording();
		}
	}

	final boolean isLogged() {
		return this.logged;
	}

	/** How many calls are recorded: the position of an execution in the recording. */
	final int recordedCalls() {
		return (this.recorded != null) ? this.recorded.size() : 0;
	}

	/** Makes the recorded calls {@code from} to {@code to} again on {@code target}, the statement re-created by a replay. */
	final void replayRecording(Statement target, int from, int to) throws SQLException {
		if (this.recorded != null && from < to) {
			this.recorded.replay(target, from, to);
		}
	}

	private StatementRecording recording() {
		StatementRecording current = this.recorded;
		if (current == null) {
			current = new StatementRecording();
			this.recorded = current;
		}
		return current;
	}

	/** The first execution ran: recording ends, but for the parameters a statement keeps ({@link #keepsParameters}). */
	final void stopRecording() {
		this.recording = false;
		if (!this.keepsParameters) {
			this.recorded = null;
		}
	}

}
