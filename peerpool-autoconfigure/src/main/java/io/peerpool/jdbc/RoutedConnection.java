package io.peerpool.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import io.peerpool.PeerRole;
import io.peerpool.ReadYourWrites;
import io.peerpool.dialect.Dialect;
import io.peerpool.peer.Peer;
import io.peerpool.routing.PeerRouting;
import io.peerpool.routing.SqlIntent;
import io.peerpool.routing.TransactionReadOnly;

/**
 * Where a {@link PeerConnection} runs: its physical connection, taken lazily at first use from the
 * peer its intent needs, and the routing decisions on it: a connection taken before the intent was
 * known ({@code tentative}) is decided again by the first statement, a write moves an auto-commit
 * connection off a replica ({@code park}), session state keeps it where it is ({@code pinned}), and
 * a failed first statement moves it to the next peer ({@link #failover}). The settings made before
 * the physical connection exists are here too, since they decide the peer.
 *
 * <p>A superclass rather than an object of its own: the connection is allocated per borrow, and
 * nothing more is. {@link RecordingConnection} adds the replay state, {@link PeerConnection} the
 * JDBC surface.
 */
abstract class RoutedConnection extends StatementHost {

	final PeerAcquirer owner;

	Peer peer;

	Connection physical;

	boolean closed;

	/** The peers this connection failed on in its current transaction; {@code null} while none did. */
	@Nullable FailedPeers failedPeers;

	/**
	 * Statements created on this connection, counted up to 2: only whether there is exactly one
	 * matters. A byte, not an int: this object is allocated per {@code getConnection()}.
	 */
	byte statements;

	/** Whether a write statement was prepared or run on this connection. */
	boolean wrote;

	/** Whether a statement already ran: from then on a failure is the caller's to handle. */
	boolean used;

	/**
	 * Whether the physical connection was taken by a call that does not decide where the work runs
	 * ({@code getTransactionIsolation}, {@code getMetaData}, ...): the first statement decides again,
	 * once the transaction's settings are known.
	 */
	boolean tentative;

	/**
	 * Whether the connection stays on its peer for the rest of the borrow: SQL changed its session
	 * ({@code USE}, {@code SET}, temporary tables, session locks), or the application unwrapped the
	 * physical connection. Moving it would lose that state behind the application's back.
	 */
	boolean pinned;

	/**
	 * Whether {@code physical} is a lost connection whose slot went back when a replay began
	 * ({@link TransactionReplayer}): kept attached after a failed replay so that the transaction's
	 * later calls fail, and not given back a second time.
	 */
	boolean givenBack;

	/**
	 * Whether SQL set the current transaction's characteristics ({@code SET TRANSACTION READ ONLY}
	 * as Spring's {@code enforceReadOnly} sends it): a read-only refusal is then the transaction's
	 * own, not the server's ({@link #refusedAsReadOnly}).
	 */
	boolean transactionSetBySql;

	/** Rarely used settings, a transaction's log and the connection left behind by a move; allocated on first need. */
	Extras extras;

	// settings made before the physical connection exists, applied when it is taken
	boolean autoCommit;

	/** The application's {@code setReadOnly}, or until it calls it, whether every peer's pool is read-only. */
	boolean readOnly;

	/** Whether the application called {@code setReadOnly}: else each physical connection keeps its pool's. */
	boolean readOnlyGiven;

	int transactionIsolation = -1;

	int holdability = -1;

	// catalog, schema and the others are SessionSettings, in Extras: few applications set them, and this
	// object stays at 56 bytes

	RoutedConnection(PeerAcquirer owner) {
		this.owner = owner;
		// hikari.auto-commit: the pool's connections start as the application configured them
		this.autoCommit = owner.autoCommit();
		// hikari.read-only: a pool of read-only connections has read-only transactions, replayed as such
		this.readOnly = owner.readOnly();
	}

	/** Called by the pool when a physical connection was taken for this connection. */
	public void attach(Peer peer, Connection physical) {
		this.peer = peer;
		this.physical = physical;
		this.givenBack = false;
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
	final Connection physical() throws SQLException {
		return physical(false);
	}

	/**
	 * @param anyIntent whether the call says nothing of where the work runs ({@link #anyPhysical}):
	 * while no peer takes writes, a peer that serves reads answers it
	 */
	private Connection physical(boolean anyIntent) throws SQLException {
		if (this.closed) {
			throw new SQLException("Connection is closed", "08003");
		}
		leaveIfPeerDown();
		if (this.tentative) {
			redecide();
		}
		Connection current = this.physical;
		while (current == null) {
			boolean read = wantsReplica() || (anyIntent && onlyReadersNow());
			current = this.owner.acquire((PeerConnection) this, read, stillFailed());
			try {
				if (!WritePosition.isApplied(this.owner, this.peer, current, read)) {
					// read-your-writes by position: this replica (or Galera node) has not applied the client's write yet
					current = insteadOfBehind();
				}
			}
			catch (SQLException ex) {
				// the wait failed on a connection its peer's death broke, before anything of the application's ran
				current = null;
				letGoOfUnused(ex);
				continue;
			}
			FailedPeers known = this.failedPeers;
			if (known != null && !known.admits(this.peer, current, this.owner.settings().probeTimeout())) {
				releasePhysical(new SQLException("a pooled connection broken by the fault its peer was taken back from"));
				current = null;
				continue;
			}
			try {
				SessionSettings.apply(current, this.peer.pooledAutoCommit(), this.autoCommit, readOnlySetting(this.peer),
						this.transactionIsolation, this.holdability, (this.extras != null) ? this.extras.session : null);
			}
			catch (SQLException ex) {
				current = null;
				letGoOfUnused(ex);
			}
		}
		return current;
	}

	/**
	 * The physical connection just taken is on a peer that has not applied the client's last write:
	 * it is given back, and one of a primary is taken, which has. Where every Galera node writes, the
	 * next node is checked too, while one is left ({@link PeerAcquirer#canWriteElsewhere}); when
	 * none is, a primary is taken unchecked. Off the borrow's usual path: nothing of it runs unless
	 * a peer was found behind.
	 */
	private Connection insteadOfBehind() throws SQLException {
		// the peers found behind the client's last write (bit per peer index)
		long behind = 0L;
		while (true) {
			behind |= 1L << this.peer.index();
			releasePhysical(new SQLException("peer behind the client's last write"));
			if (!this.owner.canWriteElsewhere(stillFailed() | behind)) {
				return this.owner.acquire((PeerConnection) this, false, stillFailed());
			}
			Connection next = this.owner.acquire((PeerConnection) this, false, stillFailed() | behind);
			if (WritePosition.isApplied(this.owner, this.peer, next, false)) {
				return next;
			}
		}
	}

	/**
	 * A physical connection just taken failed before any of the application's work ran on it (the
	 * read-your-writes wait, the settings): it is given back and its peer judged; when the failure
	 * says the peer failed, the peer is left out for this connection and {@link #physical()} takes
	 * another. Any other failure is the caller's.
	 */
	private void letGoOfUnused(SQLException failure) throws SQLException {
		long seen = System.nanoTime();
		Peer failed = this.peer;
		releasePhysical(failure);
		if (failed == null || !this.owner.reportIfPeerFailure(failed, failure)) {
			throw failure;
		}
		exclude(failed, seen);
	}

	/**
	 * Before work is sent on the physical connection: when its peer was found DOWN since it was
	 * taken (killed, or frozen and caught by the heartbeat; the pool aborted the connection), and
	 * neither a transaction nor session state is on it (auto-commit, not pinned), it is let go of,
	 * and the work takes a connection of a peer that answers, as a new borrow would. Nothing of that
	 * work reached the dead peer, so nothing can be lost or run twice; without this the application
	 * got "Connection is closed" for a statement that was never sent. Two field reads while the
	 * connection has no physical connection yet (each borrow's first statement), one volatile read
	 * more after.
	 */
	final void leaveIfPeerDown() {
		Peer current = this.peer;
		if (current != null && this.autoCommit && !this.pinned && current.isDown()) {
			releasePhysical(new SQLException("its peer was found DOWN"));
		}
	}

	/**
	 * The read-only to make on a physical connection of {@code served} (1, 0), or -1 to keep the
	 * one its pool hands it out with. What the application set wins. Else a peer whose pool alone
	 * is read-only ({@code hikari.read-only} for that peer) stays so while it is a replica; once it
	 * is a primary (an {@code auto} peer promoted) its connections are read-write, or every write of
	 * the switchover {@code role: auto} is there for would fail on it. HikariCP gives the pool's
	 * read-only back to the connection when it returns.
	 */
	private int readOnlySetting(Peer served) {
		boolean pooled = served.pooledReadOnly();
		boolean wanted = this.readOnlyGiven ? this.readOnly
				: pooled && (this.owner.readOnly() || this.owner.servedAs(served) != PeerRole.PRIMARY);
		if (wanted == pooled) {
			return -1;
		}
		return wanted ? 1 : 0;
	}

	/**
	 * A physical connection for a call that needs a server but says nothing about where the work
	 * will run (Spring reads the isolation level before it sets {@code autoCommit=false}; Hibernate
	 * and Boot read the metadata at startup): the current one, or one taken tentatively that the
	 * first statement may still replace. While no peer takes writes, one that serves reads answers
	 * the call: it waited for a writer before, up to {@code acquire-timeout}, and an application
	 * whose primary was dead at startup did not start although its replicas answered.
	 */
	Connection anyPhysical() throws SQLException {
		leaveIfPeerDown();
		Connection current = this.physical;
		if (current != null) {
			checkOpen();
			return current;
		}
		current = physical(true);
		this.tentative = !this.pinned;
		return current;
	}

	/** Whether no peer this connection may take serves writes now while one serves reads. */
	private boolean onlyReadersNow() {
		long failed = stillFailed();
		return !this.owner.hasPeerFor(false, failed) && this.owner.hasPeerFor(true, failed);
	}

	/** The intent is known now: keeps the tentative connection if its peer fits, else gives it back. */
	final void redecide() {
		this.tentative = false;
		Peer current = this.peer;
		if (current == null || this.pinned) {
			return;
		}
		if (!PeerRouting.fitsIntent(this.owner.servedAs(current), wantsReplica())) {
			releasePhysical(new SQLException("taken before the intent was known"));
		}
	}

	/** Read intent, as {@link PeerRouting#connectionWantsReplica} decides it; only where the pool splits reads. */
	final boolean wantsReplica() {
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
		leaveIfPeerDown();
		int intent = SqlIntent.classify(sql);
		if ((intent & SqlIntent.TRANSACTION) != 0) {
			this.transactionSetBySql = true;
			if (this.autoCommit) {
				// outside a transaction MariaDB keeps it for the session's next one: session state
				intent |= SqlIntent.SESSION;
			}
		}
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

	/** A write or session SQL in a transaction: it may end the transaction's replay ({@link RecordingConnection}). */
	abstract void replayableDespite(int intent);

	private void beforeWrite(String sql) throws SQLException {
		// outside any request the thread remembers its write only where that changes its reads (gtid)
		PeerRouting.beforeWrite(this.owner.poolName(), sql,
				(this.owner.settings().readYourWrites() == ReadYourWrites.GTID) ? this.owner.pinHold()
						: Duration.ZERO);
		this.wrote = true;
		Peer current = this.peer;
		if (current != null && PeerRouting.writeMovesToPrimary(this.owner.servedAs(current), this.autoCommit,
				this.readOnly || TransactionReadOnly.isCurrentTransactionReadOnly(), this.pinned)) {
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
	final void park() {
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
	final void releaseParked() {
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

	// the session setters DelegatingConnection generates (setReadOnly, setCatalog, ...) call this with their kind and
	// their argument packed (a primitive as a long, an object; setNetworkTimeout: the milliseconds and the executor)

	final void remember(int kind, long number, @Nullable Object value) throws SQLException {
		remember(kind, (int) number, value, null);
	}

	/**
	 * A session setting: made on the physical connection if there is one, then kept for each one
	 * this connection takes later. The call made now and the one made on the next physical
	 * connection are the same switch ({@link SessionSettings#make}). Read-only, isolation and
	 * holdability are fields of this object (they decide the peer, and most applications set one);
	 * the others go to {@link SessionSettings}, allocated at the first.
	 */
	final void remember(int kind, int number, @Nullable Object value, @Nullable Object second) throws SQLException {
		checkOpen();
		leaveIfPeerDown();
		if (this.physical != null) {
			SessionSettings.make(this.physical, kind, number, value, second);
		}
		switch (kind) {
			case SessionSettings.SET_READ_ONLY -> {
				this.readOnly = number != 0;
				this.readOnlyGiven = true;
			}
			case SessionSettings.SET_TRANSACTION_ISOLATION -> this.transactionIsolation = number;
			case SessionSettings.SET_HOLDABILITY -> this.holdability = number;
			default -> session().keep(kind, number, value, second);
		}
	}

	final SessionSettings session() {
		Extras more = extras();
		if (more.session == null) {
			more.session = new SessionSettings();
		}
		return more.session;
	}

	/** The settings made so far, while no physical connection answers for them; else {@code null}. */
	final @Nullable SessionSettings knownSettings() {
		return (this.physical == null && this.extras != null) ? this.extras.session : null;
	}

	final Extras extras() {
		Extras more = this.extras;
		if (more == null) {
			more = new Extras();
			this.extras = more;
		}
		return more;
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
	 * statement may be retried, moves this connection to another peer: a first statement as
	 * {@link #canRetryFirstStatement} says (also a read a hot standby cancelled for its recovery,
	 * which says nothing of the peer), and in auto-commit any one statement a read-only server
	 * refused.
	 * @return the new physical connection, or {@code null} when the failure must reach the caller
	 */
	Connection failover(SQLException failure, boolean readsOnly, boolean oneStatement) throws SQLException {
		long seen = System.nanoTime();
		Peer failed = this.peer;
		if (failed == null) {
			return null;
		}
		// nothing was wrong with a read a standby cancelled, the connection or the server: it runs again as a first
		// statement does, elsewhere until a probe (given back, not parked: it may come back to the same standby,
		// whose slot a parked connection would hold; its pool rolls back a transaction the cancel left aborted)
		boolean cancelled = readsOnly && oneStatement && !this.pinned && cancelledByRecovery(failure);
		boolean refused = !cancelled && refusedAsReadOnly(failure);
		if (refused) {
			// learns the peer's new role now: the next borrows go to the writer
			this.owner.confirmRole(failed);
		}
		else if (!cancelled && !this.owner.reportIfPeerFailure(failed, failure)) {
			return null;
		}
		if (oneStatement && this.autoCommit && !this.pinned && refused) {
			return moveToWriter(failed, seen);
		}
		if (!canRetryFirstStatement(readsOnly)) {
			if (this.autoCommit && !cancelled) {
				letGoOfLost(failed, seen, failure);
			}
			return null;
		}
		exclude(failed, seen);
		releasePhysical(failure);
		return physical();
	}

	/**
	 * A statement after the borrow's first was refused whole by a server that now runs read-only:
	 * in auto-commit, on a connection not pinned, it may run again on the writer, as a first
	 * statement does ({@link #failover}).
	 * @return the writer's physical connection, or {@code null} when the refusal must reach the caller
	 */
	@Override
	@Nullable Connection afterReadOnlyRefusal(SQLException failure) throws SQLException {
		long seen = System.nanoTime();
		Peer failed = this.peer;
		if (failed == null || !this.autoCommit || this.pinned || !refusedAsReadOnly(failure)) {
			return null;
		}
		// learns the peer's new role now: the next borrows and prepared writes go to the writer
		this.owner.confirmRole(failed);
		return moveToWriter(failed, seen);
	}

	/**
	 * Whether the server refused the statement whole because it runs read-only now, whatever the
	 * session asked for: MySQL's and MariaDB's {@code read_only} codes, or PostgreSQL's refusal of a
	 * write in a read-only transaction ({@code 25006}) on a connection the application did not make
	 * read-only ({@code setReadOnly}, a read-only Spring transaction, {@code SET TRANSACTION} in the
	 * transaction). Then the PostgreSQL server's sessions start read-only: a standby, or a primary
	 * made read-only ({@code default_transaction_read_only}) for a switchover. Session SQL
	 * ({@code SET SESSION CHARACTERISTICS}) pins the connection, which never moves.
	 */
	final boolean refusedAsReadOnly(SQLException failure) {
		return Dialect.isServerReadOnly(failure) || (!this.readOnly && !this.transactionSetBySql
				&& !TransactionReadOnly.isCurrentTransactionReadOnly() && Dialect.isReadOnlyTransactionRefusal(failure));
	}

	/**
	 * Whether a PostgreSQL hot standby serving this connection as a replica cancelled its query for
	 * a conflict with recovery ({@link Dialect#isRecoveryConflict}): the connection and the server
	 * are fine, and a read may run again.
	 */
	final boolean cancelledByRecovery(SQLException failure) {
		Peer current = this.peer;
		return current != null && this.owner.servedAs(current) == PeerRole.REPLICA && Dialect.isRecoveryConflict(failure);
	}

	/**
	 * Refused whole by a server that now runs read-only (a planned switchover): nothing of it ran,
	 * so it runs again on the writer, waiting for the promoted one. The connection works, and stays
	 * parked for the statements prepared on it.
	 */
	private Connection moveToWriter(Peer failed, long seenNanos) throws SQLException {
		exclude(failed, seenNanos);
		park();
		return physical();
	}

	/** A statement after the first failed: the peer is judged, and a lost connection let go of as {@link #letGoOfLost} says. */
	void statementFailed(SQLException failure) {
		letGoIfLost(failure);
	}

	/**
	 * Judges the peer by {@code failure} and, when the physical connection is lost and no
	 * transaction is open, lets go of it ({@link #letGoOfLost}).
	 * @return whether it did: the next call takes another connection
	 */
	final boolean letGoIfLost(SQLException failure) {
		long seen = System.nanoTime();
		Peer failed = this.peer;
		Connection current = this.physical;
		if (failed == null || current == null || !isLost(current, failure) || !this.autoCommit) {
			return false;
		}
		letGoOfLost(failed, seen, failure);
		return !this.pinned;
	}

	/**
	 * The physical connection is lost, and no transaction is open on it (auto-commit, or the
	 * rollback of the one it broke): the failed call's error reaches the application, and the next
	 * call takes another connection, from a peer that answers, as a new borrow would. A connection
	 * whose session SQL changed stays on it (its state would be lost), and fails.
	 */
	final void letGoOfLost(Peer failed, long seenNanos, SQLException failure) {
		if (!this.pinned) {
			exclude(failed, seenNanos);
			releasePhysical(failure);
		}
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

	/**
	 * A peer not to take again for this connection until a probe that started after
	 * {@code seenNanos}, when the failure was seen, finds it healthy ({@link FailedPeers}).
	 */
	void exclude(Peer failed, long seenNanos) {
		FailedPeers known = this.failedPeers;
		if (known == null) {
			known = new FailedPeers();
			this.failedPeers = known;
		}
		known.add(failed, seenNanos);
	}

	/**
	 * The peers this connection failed on that it still may not take ({@link FailedPeers}, bit per
	 * peer index). One field read while nothing failed.
	 */
	public final long stillFailed() {
		FailedPeers known = this.failedPeers;
		return (known != null) ? known.stillFailed() : 0L;
	}

	/** The transaction ended: the next one may take any peer the routing offers again. */
	final void forgetFailedPeers() {
		this.failedPeers = null;
	}

	/** Lets go of the physical connection without giving it back: the caller gives it back, or attaches it again. */
	void detach() {
		this.physical = null;
		this.peer = null;
		this.givenBack = false;
	}

	void releasePhysical(SQLException cause) {
		Connection current = this.physical;
		Peer currentPeer = this.peer;
		boolean already = this.givenBack;
		detach();
		if (current != null && currentPeer != null && !already) {
			try {
				currentPeer.release(current);
			}
			catch (SQLException ex) {
				cause.addSuppressed(ex);
			}
		}
	}

	final void countStatement() {
		if (this.statements < 2) {
			this.statements++;
		}
	}

	final void checkOpen() throws SQLException {
		if (this.closed) {
			throw new SQLException("Connection is closed", "08003");
		}
	}

	/** Settings few applications make, the log of a recorded transaction, and the connection a move left behind. */
	static final class Extras {

		SessionSettings session;

		/** The current transaction's log while it is recorded for replay. */
		TransactionLog log;

		/** The physical connection this one moved off (statements prepared on it stay usable), and its peer. */
		Connection parked;

		Peer parkedPeer;

	}

}
