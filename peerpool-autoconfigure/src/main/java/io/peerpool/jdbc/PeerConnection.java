package io.peerpool.jdbc;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

import org.jspecify.annotations.Nullable;

import io.peerpool.codegen.GenerateDelegation;
import io.peerpool.peer.Peer;
import io.peerpool.routing.PeerRouting;
import io.peerpool.routing.SqlIntent;
import io.peerpool.PeerPoolDataSource;
import io.peerpool.PeerRole;
import io.peerpool.PeerPoolSettings;
import io.peerpool.PeerPoolSettings.TransactionReplay;
import io.peerpool.routing.TransactionReadOnly;

/**
 * The connection {@code PeerPoolDataSource.getConnection()} hands out. It takes its physical
 * connection at first use, so that the settings made before (auto-commit, read-only) can decide
 * the peer, and it can move to another peer when its first statement finds the peer dead.
 *
 * <p>Why first use: a pooled connection to a server that was just killed looks fine until a
 * statement is sent. When that first statement fails with a connection-class error inside a
 * transaction ({@code autoCommit=false}: nothing can have been committed) or is a query, the
 * statement is run again on another peer with the same settings and parameters; the application
 * does not see the failure. An auto-commit write whose outcome is unknown is never retried.
 *
 * <p>Later in a transaction, when {@code transaction-replay} covers it ({@code read-only}: a
 * read-only transaction; {@code all}: every one), the connection records what the transaction did
 * and saw ({@link TransactionLog}); when its physical connection is lost before the commit, the
 * transaction runs again on another peer, and goes on there when every result is the same. A
 * commit whose connection is lost has an unknown outcome: SQLState {@code 08007}, never replayed.
 *
 * <p>This class intercepts; what for is in classes of their own: the settings it carries to each
 * physical connection ({@link SessionSettings}), running a recorded transaction again and
 * committing it ({@link TransactionReplayer}), read-your-writes by position ({@link WritePosition}),
 * what a failed commit tells the application ({@link CommitOutcome}). The methods that only call
 * the same method of the physical connection ({@code anyPhysical()}) are in
 * {@link DelegatingConnection}, generated at build time, with the savepoint calls and LOB creators
 * after {@link #unreplayable()}. Request boundaries and sharding keys keep the interface's
 * defaults: they would take a physical connection before the intent is known.
 *
 * <p>Not thread-safe, like any JDBC connection.
 */
@GenerateDelegation(value = Connection.class, delegate = "anyPhysical", superclass = StatementHost.class,
		exclude = { "beginRequest", "endRequest", "setShardingKeyIfValid", "setShardingKey" }, guard = "unreplayable",
		guarded = { "setSavepoint", "rollback", "releaseSavepoint", "createBlob", "createClob", "createNClob",
				"createSQLXML" })
public final class PeerConnection extends DelegatingConnection {

	private final PeerAcquirer owner;

	private Peer peer;

	private Connection physical;

	private boolean closed;

	/** Peers that failed this connection (bit per peer index). */
	private long failedPeers;

	/**
	 * Statements created on this connection, counted up to 2: only whether there is exactly one
	 * matters. A byte, not an int: this object is allocated per {@code getConnection()}.
	 */
	private byte statements;

	/** Whether a write statement was prepared or run on this connection. */
	private boolean wrote;

	/** Whether a statement already ran: from then on a failure is the caller's to handle. */
	private boolean used;

	/**
	 * Whether the physical connection was taken by a call that does not decide where the work runs
	 * ({@code getTransactionIsolation}, {@code getMetaData}, ...): the first statement decides again,
	 * once the transaction's settings are known.
	 */
	private boolean tentative;

	/**
	 * Whether the connection stays on its peer for the rest of the borrow: SQL changed its session
	 * ({@code USE}, {@code SET}, temporary tables, session locks), or the application unwrapped the
	 * physical connection. Moving it would lose that state behind the application's back.
	 */
	private boolean pinned;

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

	/** Rarely used settings, a transaction's log and the connection left behind by a move; allocated on first need. */
	private Extras extras;

	// settings made before the physical connection exists, applied when it is taken
	private boolean autoCommit;

	private boolean readOnly;

	private int transactionIsolation = -1;

	private int holdability = -1;

	// catalog, schema and the others are SessionSettings, in Extras: few applications set them, and this
	// object stays at 56 bytes

	public PeerConnection(PeerAcquirer owner) {
		this.owner = owner;
		// hikari.auto-commit: the pool's connections start as the application configured them
		this.autoCommit = owner.autoCommit();
	}

	@Override
	Connection connection() {
		return this;
	}

	/** Called by the pool when a physical connection was taken for this connection. */
	public void attach(Peer peer, Connection physical) {
		this.peer = peer;
		this.physical = physical;
	}

	/** The peer serving this connection, or {@code null} before first use. */
	public @Nullable Peer peer() {
		return this.peer;
	}

	/**
	 * The physical connection for work whose intent is now known (a statement, a savepoint): taken
	 * now if needed, and if it was taken tentatively, moved when the intent now needs another kind
	 * of peer.
	 */
	private Connection physical() throws SQLException {
		if (this.closed) {
			throw new SQLException("Connection is closed", "08003");
		}
		if (this.tentative) {
			redecide();
		}
		Connection current = this.physical;
		while (current == null) {
			boolean read = wantsReplica();
			current = this.owner.acquire(this, read, this.failedPeers);
			if (read && !WritePosition.isApplied(this.owner, this.peer, current)) {
				// read-your-writes by position: this replica has not applied the client's write yet
				releasePhysical(new SQLException("replica behind the client's last write"));
				current = this.owner.acquire(this, false, this.failedPeers);
			}
			try {
				SessionSettings.apply(current, this.peer.pooledAutoCommit(), this.autoCommit, this.readOnly,
						this.transactionIsolation, this.holdability, (this.extras != null) ? this.extras.session : null);
			}
			catch (SQLException ex) {
				Peer failed = this.peer;
				releasePhysical(ex);
				current = null;
				if (failed == null || !this.owner.reportIfPeerFailure(failed, ex)) {
					throw ex;
				}
				exclude(failed);
			}
		}
		return current;
	}

	/**
	 * A physical connection for a call that needs a server but says nothing about where the work
	 * will run (Spring reads the isolation level before it sets {@code autoCommit=false}): the
	 * current one, or one taken tentatively that the first statement may still replace.
	 */
	@Override
	Connection anyPhysical() throws SQLException {
		Connection current = this.physical;
		if (current != null) {
			checkOpen();
			return current;
		}
		current = physical();
		this.tentative = !this.pinned;
		return current;
	}

	/** The intent is known now: keeps the tentative connection if its peer fits, else gives it back. */
	private void redecide() {
		this.tentative = false;
		Peer current = this.peer;
		if (current == null || this.pinned) {
			return;
		}
		boolean read = wantsReplica();
		if (read ? current.role() == PeerRole.PRIMARY : current.role() == PeerRole.REPLICA) {
			releasePhysical(new SQLException("taken before the intent was known"));
		}
	}

	/** Read intent, as {@link PeerRouting#connectionWantsReplica} decides it; only where the pool splits reads. */
	private boolean wantsReplica() {
		if (!this.owner.isReadWriteSplit()) {
			return false;
		}
		return PeerRouting.connectionWantsReplica(this.owner.poolName(),
				this.readOnly || TransactionReadOnly.isCurrentTransactionReadOnly(), this.autoCommit, this.wrote,
				this.owner.settings().readYourWrites());
	}

	/** With read-your-writes {@code gtid}: after writing on a primary, remember where the write is. */
	void recordWritePosition() {
		if (this.wrote) {
			WritePosition.remember(this.owner, this.peer, this.physical);
		}
	}

	/**
	 * Looks at a statement before it runs: a write in an explicit replica scope fails fast (the
	 * write guard); any write pins the current request to primaries; an incidental auto-commit
	 * write on a replica chosen only because of the HTTP method moves to a primary instead of
	 * failing on the read-only server.
	 */
	int beforeStatement(String sql) throws SQLException {
		int intent = SqlIntent.classify(sql);
		if (!this.autoCommit && (intent & (SqlIntent.WRITE | SqlIntent.SESSION)) != 0) {
			replayableDespite(intent);
		}
		if ((intent & SqlIntent.WRITE) != 0) {
			beforeWrite(sql);
		}
		if ((intent & SqlIntent.SESSION) != 0) {
			// the peer is decided now (not by a tentative connection), then kept with the session state
			if (this.tentative) {
				redecide();
			}
			this.pinned = true;
		}
		return intent;
	}

	private void beforeWrite(String sql) throws SQLException {
		if (PeerRouting.inExplicitReplicaScope()) {
			throw new SQLException("peerpool write guard: a write in a @UseReplica / PeerRouting.replica scope of pool '"
					+ this.owner.poolName() + "': " + abbreviate(sql)
					+ ". Run it outside the replica scope, or in @UsePrimary / PeerRouting.primary.", "25006");
		}
		PeerRouting.recordWrite();
		this.wrote = true;
		Peer current = this.peer;
		if (current != null && current.role() == PeerRole.REPLICA && this.autoCommit && !this.readOnly
				&& !this.pinned && !TransactionReadOnly.isCurrentTransactionReadOnly()) {
			if (this.tentative) {
				releasePhysical(new SQLException("moved to a primary"));
			}
			else {
				park();
			}
		}
	}

	/**
	 * Moves off the current physical connection without giving it back yet: statements the
	 * application prepared on it stay usable until the connection is closed.
	 */
	private void park() {
		Extras more = extras();
		if (more.parked != null) {
			releaseQuietly(more.parkedPeer, more.parked);
		}
		more.parked = this.physical;
		more.parkedPeer = this.peer;
		this.physical = null;
		this.peer = null;
	}

	/** Gives back a connection left behind by a move; called when this connection closes. */
	private void releaseParked() {
		Extras more = this.extras;
		if (more != null && more.parked != null) {
			releaseQuietly(more.parkedPeer, more.parked);
			more.parked = null;
			more.parkedPeer = null;
		}
	}

	static void releaseQuietly(Peer peer, Connection connection) {
		try {
			peer.release(connection);
		}
		catch (SQLException ex) {
			// it is given back to its pool, which discards it if broken
		}
	}

	private SessionSettings session() {
		Extras more = extras();
		if (more.session == null) {
			more.session = new SessionSettings();
		}
		return more.session;
	}

	/** The settings made so far, while no physical connection answers for them; else {@code null}. */
	private @Nullable SessionSettings knownSettings() {
		return (this.physical == null && this.extras != null) ? this.extras.session : null;
	}

	private Extras extras() {
		Extras more = this.extras;
		if (more == null) {
			more = new Extras();
			this.extras = more;
		}
		return more;
	}

	private static String abbreviate(String sql) {
		String oneLine = sql.strip().replaceAll("\\s+", " ");
		return (oneLine.length() > 80) ? oneLine.substring(0, 77) + "..." : oneLine;
	}

	/** Whether a physical connection is taken. */
	boolean isAttached() {
		return this.physical != null;
	}

	/** The physical connection now, or {@code null}: statements created on another one must be re-created. */
	Connection attachedPhysical() {
		return this.physical;
	}

	/** Marks the peer DOWN if a failure that is not retried says so. */
	void reportFailure(SQLException failure) {
		Peer current = this.peer;
		if (current != null) {
			this.owner.reportIfPeerFailure(current, failure);
		}
	}

	/** The physical connection, taken now if needed (for statements created before it existed). */
	Connection physicalConnection() throws SQLException {
		return physical();
	}

	/**
	 * Whether a failed first statement may run again on another peer: nothing ran before it on
	 * this connection, it is the only statement, and either a transaction is open (the server
	 * rolled it back) or the statement only reads.
	 */
	boolean canRetryFirstStatement(boolean readsOnly) {
		return !this.used && this.statements == 1 && (!this.autoCommit || readsOnly);
	}

	/** Records that a statement ran: later failures are no longer replayed. */
	void statementSucceeded() {
		this.used = true;
	}

	/**
	 * Handles a failure of a statement: marks the peer DOWN when the error says so, and if the
	 * statement may be retried, moves this connection to another peer.
	 * @return the new physical connection, or {@code null} when the failure must reach the caller
	 */
	Connection failover(SQLException failure, boolean readsOnly) throws SQLException {
		Peer failed = this.peer;
		if (failed == null || !this.owner.reportIfPeerFailure(failed, failure)) {
			return null;
		}
		if (!canRetryFirstStatement(readsOnly)) {
			return null;
		}
		exclude(failed);
		releasePhysical(failure);
		return physical();
	}

	// transaction replay

	/**
	 * Whether the current transaction is recorded for replay; decided at its first statement:
	 * {@code all}, or {@code read-only} and the transaction is read-only, on a connection whose
	 * session is not pinned by state SQL set.
	 */
	private boolean recordsTransaction() {
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
	private void replayableDespite(int intent) {
		if (recordsTransaction() && ((intent & SqlIntent.SESSION) != 0
				|| this.owner.settings().transactionReplay() != TransactionReplay.ALL)) {
			abandonReplay();
		}
	}

	/** Adds a statement created in a recorded transaction to its log. */
	private <S extends ReplayableStatement> S track(S statement, @Nullable String sql) {
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
	void endTransaction() {
		abandonReplay();
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
	 * A statement could not be created on the physical connection of a recorded transaction (a
	 * connection the pool aborted when its peer went DOWN): the physical connection the transaction
	 * was replayed on, else {@code failure}.
	 */
	private Connection replayed(SQLException failure) throws SQLException {
		if (this.replay != REPLAY_RECORDING || !replayTransaction(failure)) {
			throw failure;
		}
		return this.physical;
	}

	/**
	 * Whether {@code failure} of {@code physical} means the connection is lost: a connection-class
	 * error (the peer is reported), or the connection was aborted because its peer went DOWN.
	 */
	boolean isLost(Connection physical, SQLException failure) {
		Peer current = this.peer;
		if (current != null && this.owner.reportIfPeerFailure(current, failure)) {
			return true;
		}
		try {
			// HikariCP answers from a flag: no I/O on a connection to a frozen server
			return physical.isClosed();
		}
		catch (SQLException ex) {
			return true;
		}
	}

	// what the replay asks of the connection it moves

	PeerAcquirer acquirer() {
		return this.owner;
	}

	boolean isClosedByApplication() {
		return this.closed;
	}

	/** A peer not to take again for this connection. */
	void exclude(Peer failed) {
		this.failedPeers |= 1L << failed.index();
	}

	/** Lets go of the physical connection without giving it back: the caller gives it back, or attaches it again. */
	void detach() {
		this.physical = null;
		this.peer = null;
	}

	void releasePhysical(SQLException cause) {
		Connection current = this.physical;
		Peer currentPeer = this.peer;
		this.physical = null;
		this.peer = null;
		if (current != null && currentPeer != null) {
			try {
				currentPeer.release(current);
			}
			catch (SQLException ex) {
				cause.addSuppressed(ex);
			}
		}
	}

	/**
	 * Counts a new statement and tells whether it must be replayable: only until a statement ran
	 * (see {@link #canRetryFirstStatement(boolean)}); later ones are the driver's, unwrapped.
	 */
	private boolean trackReplayable() {
		countStatement();
		if (!this.used || recordsTransaction()) {
			return true;
		}
		// a driver statement: what runs on it in any later transaction is out of the log's sight
		this.replay = REPLAY_NEVER;
		return false;
	}

	private void countStatement() {
		if (this.statements < 2) {
			this.statements++;
		}
	}

	// Plain statements are always wrapped, also after the first: their SQL is only known at execute,
	// and every write must count (pin, write position, guard). A prepared statement's SQL is looked
	// at when it is prepared, so later ones are the driver's own, in a PeerPreparedStatement that
	// only answers getConnection() with this connection.

	@Override
	public Statement createStatement() throws SQLException {
		if ((this.physical == null || this.tentative) && !this.used) {
			// the SQL is only known at execute: it decides the peer (a write under read intent needs a primary)
			checkOpen();
			countStatement();
			return track(new ReplayableStatement(this, null, (connection, sql) -> connection.createStatement()), null);
		}
		Statement statement;
		try {
			statement = physical().createStatement();
		}
		catch (SQLException failure) {
			statement = replayed(failure).createStatement();
		}
		countStatement();
		return track(new ReplayableStatement(this, statement, (connection, sql) -> connection.createStatement()), null);
	}

	@Override
	public Statement createStatement(int resultSetType, int resultSetConcurrency) throws SQLException {
		return create((connection, sql) -> connection.createStatement(resultSetType, resultSetConcurrency));
	}

	@Override
	public Statement createStatement(int resultSetType, int resultSetConcurrency, int resultSetHoldability)
			throws SQLException {
		return create((connection, sql) -> connection.createStatement(resultSetType, resultSetConcurrency,
				resultSetHoldability));
	}

	/** A plain statement of the given kind on the physical connection, taken now. */
	private Statement create(ReplayableStatement.Creator<Statement> creator) throws SQLException {
		Statement statement;
		try {
			statement = creator.create(physical(), null);
		}
		catch (SQLException failure) {
			statement = creator.create(replayed(failure), null);
		}
		countStatement();
		return track(new ReplayableStatement(this, statement, creator), null);
	}

	@Override
	public PreparedStatement prepareStatement(String sql) throws SQLException {
		return prepare(sql, (connection, text) -> connection.prepareStatement(text));
	}

	@Override
	public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency)
			throws SQLException {
		return prepare(sql, (connection, text) -> connection.prepareStatement(text, resultSetType, resultSetConcurrency));
	}

	@Override
	public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency,
			int resultSetHoldability) throws SQLException {
		return prepare(sql, (connection, text) -> connection.prepareStatement(text, resultSetType, resultSetConcurrency,
				resultSetHoldability));
	}

	@Override
	public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
		return prepare(sql, (connection, text) -> connection.prepareStatement(text, autoGeneratedKeys));
	}

	@Override
	public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
		return prepare(sql, (connection, text) -> connection.prepareStatement(text, columnIndexes));
	}

	@Override
	public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
		return prepare(sql, (connection, text) -> connection.prepareStatement(text, columnNames));
	}

	/**
	 * A prepared statement made by {@code creator} on the physical connection for its SQL's intent:
	 * recorded in a transaction that may be replayed, else the driver's own behind a thin wrapper.
	 * The creator makes the statement again on another peer in a replay.
	 */
	private PreparedStatement prepare(String sql, ReplayableStatement.Creator<PreparedStatement> creator)
			throws SQLException {
		beforeStatement(sql);
		PreparedStatement statement;
		try {
			statement = creator.create(physical(), sql);
		}
		catch (SQLException failure) {
			statement = creator.create(replayed(failure), sql);
		}
		return trackReplayable() ? track(new ReplayablePreparedStatement(this, statement, sql, creator), sql)
				: new PeerPreparedStatement(this, statement);
	}

	// A call is the driver's statement on a primary, never replayed: what a procedure did and its OUT
	// parameters cannot be compared, and a wrapper that only moved a transaction's first call to another
	// peer was 1,000 lines of delegation for a rare case. PeerCallableStatement only answers getConnection().

	@Override
	public CallableStatement prepareCall(String sql) throws SQLException {
		return new PeerCallableStatement(this, callOn(sql).prepareCall(sql));
	}

	@Override
	public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
		return new PeerCallableStatement(this, callOn(sql).prepareCall(sql, resultSetType, resultSetConcurrency));
	}

	@Override
	public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency,
			int resultSetHoldability) throws SQLException {
		return new PeerCallableStatement(this,
				callOn(sql).prepareCall(sql, resultSetType, resultSetConcurrency, resultSetHoldability));
	}

	/**
	 * The physical connection a call is prepared on: a primary (a call counts as a write). Nothing
	 * that runs on this connection from now on is run again elsewhere: the transaction is not
	 * replayed and no later first statement is retried on another peer, since the call may already
	 * have run here.
	 */
	private Connection callOn(String sql) throws SQLException {
		abandonReplay();
		beforeStatement(sql);
		Connection target = physical();
		countStatement();
		this.used = true;
		this.replay = REPLAY_NEVER;
		return target;
	}

	@Override
	public void setAutoCommit(boolean autoCommit) throws SQLException {
		checkOpen();
		boolean previous = this.autoCommit;
		boolean begins = previous && !autoCommit;
		this.autoCommit = autoCommit;
		if (begins && this.physical != null && !this.tentative && !this.pinned && this.peer != null
				&& this.peer.role() == PeerRole.REPLICA && !wantsReplica()) {
			// a read-write transaction begins on a connection that read from a replica (open-in-view,
			// a read before the transaction): the transaction begin decides again, and it runs on a primary
			park();
			return;
		}
		if (this.physical != null) {
			try {
				this.physical.setAutoCommit(autoCommit);
			}
			catch (SQLException ex) {
				this.autoCommit = previous;
				throw ex;
			}
		}
		if (autoCommit && !previous) {
			// auto-commit on commits the transaction
			endTransaction();
		}
	}

	@Override
	public boolean getAutoCommit() throws SQLException {
		checkOpen();
		return (this.physical != null) ? this.physical.getAutoCommit() : this.autoCommit;
	}

	@Override
	public void commit() throws SQLException {
		checkOpen();
		if (this.physical != null && !this.autoCommit && CommitOutcome.cannotReachServer(this.peer, this.physical)) {
			commitAfterAbort();
			return;
		}
		if (this.physical != null && !this.autoCommit && this.replay == REPLAY_RECORDING) {
			TransactionReplayer.commit(this, this.extras.log);
			return;
		}
		endTransaction();
		if (this.physical != null) {
			try {
				this.physical.commit();
			}
			catch (SQLException ex) {
				throw commitFailure(ex);
			}
			recordWritePosition();
		}
	}

	/**
	 * {@code commit()} on a connection the pool aborted before it: a recorded transaction runs again
	 * on another peer and commits there; otherwise the application learns that nothing was committed.
	 */
	private void commitAfterAbort() throws SQLException {
		SQLException aborted = CommitOutcome.notCommitted(this.owner, this.peer);
		if (this.replay == REPLAY_RECORDING && TransactionReplayer.commitAfterAbort(this, this.extras.log, aborted)) {
			return;
		}
		endTransaction();
		throw aborted;
	}

	/** See {@link CommitOutcome#failure}. */
	SQLException commitFailure(SQLException ex) {
		return CommitOutcome.failure(this.owner, this.peer, this.autoCommit, ex);
	}

	@Override
	public void rollback() throws SQLException {
		checkOpen();
		endTransaction();
		if (this.physical != null) {
			try {
				this.physical.rollback();
			}
			catch (SQLException ex) {
				if (this.autoCommit || !isLost(this.physical, ex)) {
					throw ex;
				}
				// the connection is lost, and with it the transaction: the server rolled it back, nothing to undo
			}
		}
	}

	@Override
	public void close() throws SQLException {
		if (this.closed) {
			return;
		}
		if (this.autoCommit) {
			// auto-commit writes are committed by now
			recordWritePosition();
		}
		releaseParked();
		endTransaction();
		this.closed = true;
		Connection current = this.physical;
		Peer currentPeer = this.peer;
		this.physical = null;
		if (current != null) {
			if (this.wrote || this.pinned) {
				restoreAutoCommit(currentPeer, current);
			}
			currentPeer.release(current);
		}
	}

	/**
	 * Auto-commit switched behind JDBC's back (by SQL such as {@code SET autocommit=0}, a procedure,
	 * the driver's own connection), which HikariCP does not see and so does not reset: what such a
	 * borrow left uncommitted is rolled back (as HikariCP does for a transaction left open through
	 * JDBC) and auto-commit set back, so that the next borrower neither commits it by its own
	 * {@code setAutoCommit} nor runs its statements in a transaction nobody commits. Only after a
	 * borrow that ran SQL able to do so (a write, which includes calls, or session SQL) or
	 * unwrapped the connection. A connection whose state cannot be read is not pooled again.
	 */
	private void restoreAutoCommit(Peer served, Connection current) {
		try {
			boolean actual = current.getAutoCommit();
			if (actual != this.autoCommit) {
				if (!actual) {
					current.rollback();
				}
				// through HikariCP's proxy, which then resets it to the pool's value when it is given back
				current.setAutoCommit(this.autoCommit);
			}
		}
		catch (SQLException ex) {
			served.evict(current);
		}
	}

	@Override
	public boolean isClosed() throws SQLException {
		return this.closed || (this.physical != null && this.physical.isClosed());
	}

	@Override
	public void setReadOnly(boolean readOnly) throws SQLException {
		checkOpen();
		if (this.physical != null) {
			this.physical.setReadOnly(readOnly);
		}
		this.readOnly = readOnly;
	}

	@Override
	public boolean isReadOnly() throws SQLException {
		checkOpen();
		return (this.physical != null) ? this.physical.isReadOnly() : this.readOnly;
	}

	@Override
	public void setCatalog(String catalog) throws SQLException {
		checkOpen();
		if (this.physical != null) {
			this.physical.setCatalog(catalog);
		}
		session().catalog = catalog;
	}

	@Override
	public String getCatalog() throws SQLException {
		SessionSettings known = knownSettings();
		return (known != null && known.catalog != null) ? known.catalog : anyPhysical().getCatalog();
	}

	@Override
	public void setTransactionIsolation(int level) throws SQLException {
		checkOpen();
		if (this.physical != null) {
			this.physical.setTransactionIsolation(level);
		}
		this.transactionIsolation = level;
	}

	@Override
	public int getTransactionIsolation() throws SQLException {
		// the server's default is only known from a real connection
		return (this.physical == null && this.transactionIsolation >= 0) ? this.transactionIsolation
				: anyPhysical().getTransactionIsolation();
	}

	@Override
	public SQLWarning getWarnings() throws SQLException {
		checkOpen();
		return (this.physical != null) ? this.physical.getWarnings() : null;
	}

	@Override
	public void clearWarnings() throws SQLException {
		checkOpen();
		if (this.physical != null) {
			this.physical.clearWarnings();
		}
	}

	@Override
	public Map<String, Class<?>> getTypeMap() throws SQLException {
		SessionSettings known = knownSettings();
		return (known != null && known.typeMap != null) ? known.typeMap : anyPhysical().getTypeMap();
	}

	@Override
	public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
		checkOpen();
		if (this.physical != null) {
			this.physical.setTypeMap(map);
		}
		session().typeMap = map;
	}

	@Override
	public void setHoldability(int holdability) throws SQLException {
		checkOpen();
		if (this.physical != null) {
			this.physical.setHoldability(holdability);
		}
		this.holdability = holdability;
	}

	@Override
	public int getHoldability() throws SQLException {
		return (this.physical == null && this.holdability >= 0) ? this.holdability : anyPhysical().getHoldability();
	}

	/**
	 * Before a savepoint call or the creation of a LOB (in {@link DelegatingConnection}): savepoints
	 * are not in the transaction log, and a LOB belongs to its physical connection, so the
	 * transaction is not replayed; the peer is decided now, not by a tentative connection.
	 */
	@Override
	void unreplayable() throws SQLException {
		abandonReplay();
		physical();
	}

	@Override
	public boolean isValid(int timeout) throws SQLException {
		if (this.closed) {
			return false;
		}
		return (this.physical == null) || this.physical.isValid(timeout);
	}

	@Override
	public void setClientInfo(String name, String value) throws SQLClientInfoException {
		try {
			checkOpen();
			if (this.physical != null) {
				this.physical.setClientInfo(name, value);
			}
			session().clientInfo(name, value);
		}
		catch (SQLClientInfoException ex) {
			throw ex;
		}
		catch (SQLException ex) {
			throw new SQLClientInfoException(ex.getMessage(), ex.getSQLState(), ex.getErrorCode(), Map.of(), ex);
		}
	}

	@Override
	public void setClientInfo(Properties properties) throws SQLClientInfoException {
		try {
			checkOpen();
			if (this.physical != null) {
				this.physical.setClientInfo(properties);
			}
			session().clientInfo(properties);
		}
		catch (SQLClientInfoException ex) {
			throw ex;
		}
		catch (SQLException ex) {
			throw new SQLClientInfoException(ex.getMessage(), ex.getSQLState(), ex.getErrorCode(), Map.of(), ex);
		}
	}

	@Override
	public void setSchema(String schema) throws SQLException {
		checkOpen();
		if (this.physical != null) {
			this.physical.setSchema(schema);
		}
		session().schema = schema;
	}

	@Override
	public String getSchema() throws SQLException {
		SessionSettings known = knownSettings();
		return (known != null && known.schema != null) ? known.schema : anyPhysical().getSchema();
	}

	@Override
	public void abort(Executor executor) throws SQLException {
		if (this.closed) {
			return;
		}
		endTransaction();
		this.closed = true;
		Connection current = this.physical;
		Peer currentPeer = this.peer;
		this.physical = null;
		if (current != null) {
			// the pool slot and the active count go back now, or close() (a no-op once closed) would leak them
			currentPeer.releaseAborted(current, executor);
		}
		Extras more = this.extras;
		if (more != null && more.parked != null) {
			more.parked.abort(executor);
		}
	}

	@Override
	public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
		checkOpen();
		if (this.physical != null) {
			this.physical.setNetworkTimeout(executor, milliseconds);
		}
		SessionSettings session = session();
		session.networkExecutor = executor;
		session.networkTimeout = milliseconds;
	}

	@Override
	public int getNetworkTimeout() throws SQLException {
		SessionSettings known = knownSettings();
		return (known != null && known.networkTimeout >= 0) ? known.networkTimeout : anyPhysical().getNetworkTimeout();
	}

	/**
	 * Unwrapping hands out the physical connection: from then on this connection stays on it for
	 * the rest of the borrow (no move to a primary, no re-decision, no retry elsewhere), so that the
	 * application's statements on either object run in the same session.
	 */
	@Override
	@SuppressWarnings("unchecked")
	public <T> T unwrap(Class<T> iface) throws SQLException {
		if (iface.isInstance(this)) {
			return (T) this;
		}
		Connection current = physical();
		this.pinned = true;
		// what the application runs on the physical connection is out of sight: nothing is retried
		this.used = true;
		abandonReplay();
		this.replay = REPLAY_NEVER;
		return current.unwrap(iface);
	}

	@Override
	public boolean isWrapperFor(Class<?> iface) throws SQLException {
		return iface.isInstance(this) || anyPhysical().isWrapperFor(iface);
	}

	private void checkOpen() throws SQLException {
		if (this.closed) {
			throw new SQLException("Connection is closed", "08003");
		}
	}

	/** Settings few applications make, the log of a recorded transaction, and the connection a move left behind. */
	private static final class Extras {

		private SessionSettings session;

		/** The current transaction's log while it is recorded for replay. */
		private TransactionLog log;

		/** The physical connection this one moved off (statements prepared on it stay usable), and its peer. */
		private Connection parked;

		private Peer parkedPeer;

	}

	@Override
	public String toString() {
		return "PeerConnection[" + this.owner.poolName() + ", " + ((this.peer != null) ? this.peer.name() : "not yet used")
				+ "]";
	}

}
