package io.peerpool.jdbc;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

import org.jspecify.annotations.Nullable;

import io.peerpool.PeerPoolSettings;
import io.peerpool.PeerPoolSettings.TransactionReplay;
import io.peerpool.routing.SqlIntent;
import io.peerpool.routing.TransactionReadOnly;

/**
 * The replay state of a {@link PeerConnection}: whether its current transaction is recorded
 * ({@code transaction-replay} {@code read-only}: a read-only transaction; {@code all}: every one),
 * decided at the transaction's first statement, and the statements that join its
 * {@link TransactionLog}. Running the log again elsewhere and committing it is
 * {@link TransactionReplayer}; where the connection runs is {@link RoutedConnection}.
 *
 * <p>A superclass rather than an object of its own, like {@link RoutedConnection}: one byte of
 * state, and the log only for a recorded transaction.
 */
abstract class RecordingConnection extends RoutedConnection {

	/**
	 * Whether the current transaction is recorded for replay: {@link #REPLAY_UNDECIDED} until its
	 * first statement is created. A byte, not an object: nothing is allocated for auto-commit work
	 * or with replay {@code none}; the log itself is in {@link Extras}.
	 */
	private byte replay;

	private static final byte REPLAY_UNDECIDED = 0;

	private static final byte REPLAY_RECORDING = 1;

	/** Not this transaction (not eligible, unrepeatable, past the limit); decided again for the next. */
	private static final byte REPLAY_NOT = 2;

	/**
	 * Never again on this connection: a driver statement was handed out, and what runs on it is out
	 * of the log's sight in any later transaction.
	 */
	private static final byte REPLAY_NEVER = 3;

	RecordingConnection(PeerAcquirer owner) {
		super(owner);
	}

	/**
	 * Whether the current transaction is recorded for replay; decided at its first statement:
	 * {@code all}, or {@code read-only} and the transaction is read-only, on a connection whose
	 * session is not pinned by state SQL set.
	 */
	final boolean recordsTransaction() {
		if (this.autoCommit) {
			return false;
		}
		byte state = this.replay;
		if (state == REPLAY_UNDECIDED) {
			state = decideReplay();
		}
		return state == REPLAY_RECORDING;
	}

	private byte decideReplay() {
		PeerPoolSettings settings = this.owner.settings();
		TransactionReplay mode = settings.transactionReplay();
		boolean eligible = mode == TransactionReplay.ALL || (mode == TransactionReplay.READ_ONLY
				&& (this.readOnly || TransactionReadOnly.isCurrentTransactionReadOnly()));
		byte state = REPLAY_NOT;
		if (eligible && !this.pinned && settings.transactionReplayLimitStatements() > 0) {
			extras().log = new TransactionLog(this, settings.transactionReplayLimitStatements(),
					settings.transactionReplayLimitBytes());
			state = REPLAY_RECORDING;
		}
		this.replay = state;
		return state;
	}

	/** A write or session SQL in a transaction: with {@code read-only} not replayed; session state never. */
	@Override
	final void replayableDespite(int intent) {
		if (recordsTransaction() && ((intent & SqlIntent.SESSION) != 0
				|| this.owner.settings().transactionReplay() != TransactionReplay.ALL)) {
			abandonReplay();
		}
	}

	/** Adds a statement created in a recorded transaction to its log. */
	final <S extends ReplayableStatement> S track(S statement, @Nullable String sql) {
		if (recordsTransaction()) {
			this.extras.log.register(statement, sql);
		}
		return statement;
	}

	@Override
	@Nullable TransactionLog transactionLog() {
		return (this.replay == REPLAY_RECORDING) ? this.extras.log : null;
	}

	@Override
	void recorded(int bytes) {
		if (this.replay == REPLAY_RECORDING) {
			this.extras.log.grow(bytes);
		}
	}

	@Override
	void unloggedExecution() {
		if (!this.autoCommit && this.replay != REPLAY_NEVER) {
			if (this.replay == REPLAY_RECORDING) {
				abandonReplay();
			}
			this.replay = REPLAY_NOT;
		}
	}

	@Override
	void abandonReplay() {
		if (this.replay == REPLAY_RECORDING) {
			this.replay = REPLAY_NOT;
			TransactionLog log = this.extras.log;
			this.extras.log = null;
			// memory is released now: every statement drops its recording
			log.end();
		}
	}

	/** The transaction ended (commit, rollback, auto-commit on, close): the next one is decided again. */
	final void endTransaction() {
		abandonReplay();
		forgetFailedPeers();
		this.transactionSetBySql = false;
		if (this.replay != REPLAY_NEVER) {
			this.replay = REPLAY_UNDECIDED;
		}
	}

	/** See {@link TransactionReplayer#replay}. */
	@Override
	boolean replayTransaction(SQLException failure) {
		if (this.replay != REPLAY_RECORDING) {
			return false;
		}
		return TransactionReplayer.replay(this, this.extras.log, failure);
	}

	/**
	 * A statement could not be created on the physical connection: in a recorded transaction (a
	 * connection the pool aborted when its peer went DOWN) the physical connection the transaction
	 * was replayed on; in auto-commit, when the connection is lost (HikariCP closes its connection
	 * once a driver statement on it failed so), another one, as the next call of a borrow takes
	 * after a lost connection ({@link #letGoIfLost}); else {@code failure}.
	 */
	final Connection physicalAfter(SQLException failure) throws SQLException {
		if (this.replay == REPLAY_RECORDING) {
			if (!replayTransaction(failure)) {
				throw failure;
			}
			return this.physical;
		}
		if (!this.autoCommit || !letGoIfLost(failure)) {
			throw failure;
		}
		return physical();
	}

	/**
	 * Counts a new statement and tells whether it must be replayable: only until a statement ran
	 * (see {@link #canRetryFirstStatement(boolean)}); later ones are the driver's, unwrapped.
	 */
	final boolean trackReplayable() {
		countStatement();
		if (!this.used || recordsTransaction()) {
			return true;
		}
		// a driver statement: what runs on it in any later transaction is out of the log's sight
		this.replay = REPLAY_NEVER;
		return false;
	}

	// the statements PeerConnection creates; its createStatement, prepareStatement and prepareCall overloads are
	// generated (DelegatingConnection) as calls of these with the driver's call as a lambda, which makes the
	// statement again on another peer in a replay. Plain createStatement() is PeerConnection's own

	/** A plain statement of the given kind on the physical connection, taken now. */
	final Statement create(RoutedStatement.Creator<Statement> creator) throws SQLException {
		Statement statement;
		try {
			statement = creator.create(physical(), null);
		}
		catch (SQLException failure) {
			statement = creator.create(physicalAfter(failure), null);
		}
		countStatement();
		return track(new ReplayableStatement(this, statement, creator), null);
	}

	/**
	 * A prepared statement made by {@code creator} on the physical connection for its SQL's intent:
	 * recorded in a transaction that may be replayed, else the driver's own behind a thin wrapper.
	 * An auto-commit write, also one prepared after the borrow's first statement, keeps its
	 * parameters (the latest per index) as long as it is used: a primary turned read-only by a
	 * switchover refuses any of its executions whole, and that one runs again on the writer
	 * ({@link #failover}, {@link #afterReadOnlyRefusal}). A few recorded setters on a write, which
	 * waits for the server's disk anyway; reads stay the driver's own.
	 */
	final PreparedStatement prepare(String sql, RoutedStatement.Creator<PreparedStatement> creator)
			throws SQLException {
		int intent = beforeStatement(sql);
		PreparedStatement statement;
		try {
			statement = creator.create(physical(), sql);
		}
		catch (SQLException failure) {
			statement = creator.create(physicalAfter(failure), sql);
		}
		boolean autoCommitWrite = this.autoCommit && !this.pinned && (intent & SqlIntent.WRITE) != 0;
		ReplayablePreparedStatement replayable;
		if (trackReplayable()) {
			replayable = track(new ReplayablePreparedStatement(this, statement, sql, creator), sql);
		}
		else if (autoCommitWrite) {
			replayable = new ReplayablePreparedStatement(this, statement, sql, creator);
			replayable.recordForRefusalsOnly();
		}
		else {
			return new PeerPreparedStatement(connection(), statement);
		}
		if (autoCommitWrite) {
			// and at every later execution, with the parameters it has then (the latest per index)
			replayable.keepParameters();
		}
		return replayable;
	}

	/**
	 * A call: the driver's statement on a primary (a call counts as a write), never replayed: what a
	 * procedure did and its OUT parameters cannot be compared, and a wrapper that only moved a
	 * transaction's first call to another peer was 1,000 lines of delegation for a rare case.
	 * Nothing that runs on this connection from now on is run again elsewhere (the transaction is
	 * not replayed, no later first statement is retried on another peer): the call may already have
	 * run here. {@link PeerCallableStatement} only answers {@code getConnection()}.
	 */
	final CallableStatement call(String sql, RoutedStatement.Creator<CallableStatement> creator) throws SQLException {
		abandonReplay();
		beforeStatement(sql);
		Connection target = physical();
		countStatement();
		this.used = true;
		neverReplay();
		CallableStatement statement;
		try {
			statement = creator.create(target, sql);
		}
		catch (SQLException failure) {
			statement = creator.create(physicalAfter(failure), sql);
		}
		return new PeerCallableStatement(connection(), statement);
	}

	/** Whether the current transaction is recorded: its commit is that of {@link TransactionReplayer}. */
	final boolean isRecordingTransaction() {
		return this.replay == REPLAY_RECORDING;
	}

	/** The log of the transaction being recorded (see {@link #isRecordingTransaction()}). */
	final TransactionLog recordingLog() {
		return this.extras.log;
	}

	/**
	 * Nothing that runs on this connection from now on is recorded: the application holds a driver
	 * object (a call, the unwrapped connection) whose work is out of the log's sight.
	 */
	final void neverReplay() {
		abandonReplay();
		this.replay = REPLAY_NEVER;
	}

	/**
	 * The commit failed with {@code ex}: throws what the application learns
	 * ({@link CommitOutcome#failure}), or, for a transaction that only read whose connection was
	 * lost, lets go of the broken physical connection and returns: the commit counts as done, and
	 * the next transaction takes another connection.
	 */
	final void commitFailed(SQLException ex) throws SQLException {
		SQLException failure = CommitOutcome.failure(this.owner, this.peer, this.autoCommit, onlyRead(), ex);
		if (failure != null) {
			throw failure;
		}
		releasePhysical(ex);
	}

	/**
	 * Whether the transaction only read, as the server enforces it: the connection is read-only
	 * (the driver makes the server refuse writes in it) and no write was seen on it. Its commit has
	 * nothing to commit, so a lost connection at the commit, or before it, loses nothing.
	 */
	final boolean onlyRead() {
		return this.readOnly && !this.wrote;
	}

}
