package io.peerpool.jdbc;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
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
import io.peerpool.PeerPoolDataSource;
import io.peerpool.PeerRole;

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
 * <p>This class is the JDBC surface. Where the connection runs (the lazy physical connection, the
 * routing decisions, the move of a failed first statement) is its superclass {@link RoutedConnection},
 * whether the current transaction is recorded {@link RecordingConnection}: superclasses, not objects
 * of their own, so a borrow allocates this object only.
 *
 * <p>It intercepts; what for is in classes of their own: the settings it carries to each
 * physical connection ({@link SessionSettings}), running a recorded transaction again and
 * committing it ({@link TransactionReplayer}), read-your-writes by position ({@link WritePosition}),
 * what a failed commit tells the application ({@link CommitOutcome}). The methods that only call
 * the same method of the physical connection ({@code anyPhysical()}) are in
 * {@link DelegatingConnection}, generated at build time, with the savepoint calls and LOB creators
 * after {@link #unreplayable()}, the session setters as calls of {@code remember} (made on the
 * physical connection if there is one, and kept for the next: {@link SessionSettings}), and the
 * statement creators but plain {@code createStatement()} as calls of {@link RecordingConnection}'s
 * {@code create}, {@code prepare} and {@code call}. Request
 * boundaries and sharding keys keep the interface's defaults: they would take a physical
 * connection before the intent is known.
 *
 * <p>Not thread-safe, like any JDBC connection.
 */
@GenerateDelegation(value = Connection.class, delegate = "anyPhysical", superclass = RecordingConnection.class,
		exclude = { "beginRequest", "endRequest", "setShardingKeyIfValid", "setShardingKey" }, guard = "unreplayable",
		guarded = { "setSavepoint", "rollback", "releaseSavepoint", "createBlob", "createClob", "createNClob",
				"createSQLXML" },
		recorder = "remember", recorded = { "setReadOnly", "setCatalog", "setTransactionIsolation", "setTypeMap",
				"setHoldability", "setSchema", "setNetworkTimeout" }, kinds = SessionSettings.class,
		created = { "createStatement*=create", "prepareStatement*=prepare", "prepareCall*=call" })
public final class PeerConnection extends DelegatingConnection {

	public PeerConnection(PeerAcquirer owner) {
		super(owner);
	}

	@Override
	Connection connection() {
		return this;
	}

	// Plain statements are always wrapped, also after the first: their SQL is only known at execute,
	// and every write must count (pin, write position, guard). A prepared statement's SQL is looked
	// at when it is prepared, so later ones are the driver's own, in a PeerPreparedStatement that
	// only answers getConnection() with this connection. The other overloads, and prepareStatement and
	// prepareCall, are generated (DelegatingConnection) as calls of RecordingConnection's create,
	// prepare and call.

	@Override
	public Statement createStatement() throws SQLException {
		if ((this.physical == null || this.tentative) && !this.used) {
			// the SQL is only known at execute: it decides the peer (a write under read intent needs a primary)
			checkOpen();
			countStatement();
			return track(new ReplayableStatement(this, null, (connection, sql) -> connection.createStatement()), null);
		}
		return create((connection, sql) -> connection.createStatement());
	}

	@Override
	public void setAutoCommit(boolean autoCommit) throws SQLException {
		checkOpen();
		// a transaction begun on a borrow whose peer was found DOWN begins elsewhere
		leaveIfPeerDown();
		boolean previous = this.autoCommit;
		boolean begins = previous && !autoCommit;
		this.autoCommit = autoCommit;
		if (begins && this.physical != null && !this.tentative && !this.pinned && this.peer != null
				&& this.owner.servedAs(this.peer) == PeerRole.REPLICA && !wantsReplica()) {
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
		Connection current = askable();
		return (current != null) ? current.getAutoCommit() : this.autoCommit;
	}

	@Override
	public void commit() throws SQLException {
		checkOpen();
		if (this.physical != null && !this.autoCommit && CommitOutcome.cannotReachServer(this.peer, this.physical)) {
			commitAfterAbort();
			return;
		}
		if (this.physical != null && !this.autoCommit && isRecordingTransaction()) {
			TransactionReplayer.commit(this, recordingLog());
			return;
		}
		endTransaction();
		if (this.physical != null) {
			try {
				this.physical.commit();
			}
			catch (SQLException ex) {
				commitFailed(ex);
				return;
			}
			recordWritePosition();
		}
	}

	/**
	 * {@code commit()} on a connection the pool aborted before it: one that only read commits as it
	 * is (nothing to commit); a recorded transaction runs again on another peer and commits there;
	 * otherwise the application learns that nothing was committed.
	 */
	private void commitAfterAbort() throws SQLException {
		SQLException aborted = CommitOutcome.notCommitted(this.owner, this.peer);
		if (onlyRead()) {
			// nothing to commit, nor to replay: what the transaction read stands, and the next one takes
			// another connection (a replay would only wait for a peer, up to acquire-timeout)
			endTransaction();
			releasePhysical(aborted);
			return;
		}
		if (isRecordingTransaction() && TransactionReplayer.commitAfterAbort(this, recordingLog(), aborted)) {
			return;
		}
		endTransaction();
		throw aborted;
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
				long seen = System.nanoTime();
				Peer failed = this.peer;
				if (this.autoCommit || !isLost(this.physical, ex)) {
					throw ex;
				}
				// the connection is lost, and with it the transaction: the server rolled it back, nothing to undo;
				// the next transaction takes another connection
				letGoOfLost(failed, seen, ex);
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
		boolean already = this.givenBack;
		this.physical = null;
		if (current != null && !already) {
			if (this.wrote || this.pinned) {
				SessionSettings.restoreAutoCommit(currentPeer, current, this.autoCommit);
			}
			try {
				currentPeer.release(current);
			}
			catch (SQLException ex) {
				// HikariCP resets on the connection it gets back what the borrow changed (read-only,
				// auto-commit, a rollback of what was left open): when that connection broke meanwhile, the
				// borrow's work is committed, or rolled back by the server with the connection, and HikariCP
				// evicts it. Nothing for the application to handle; the peer is judged by the error
				if (!this.owner.reportIfPeerFailure(currentPeer, ex)) {
					throw ex;
				}
			}
		}
	}

	@Override
	public boolean isClosed() throws SQLException {
		return this.closed || (this.physical != null && this.physical.isClosed());
	}

	@Override
	public boolean isReadOnly() throws SQLException {
		Connection current = askable();
		return (current != null) ? current.isReadOnly() : this.readOnly;
	}

	@Override
	public String getCatalog() throws SQLException {
		SessionSettings known = knownSettings();
		return (known != null && known.catalog != null) ? known.catalog : anyPhysical().getCatalog();
	}

	@Override
	public int getTransactionIsolation() throws SQLException {
		// the server's default is only known from a real connection
		return (this.physical == null && this.transactionIsolation >= 0) ? this.transactionIsolation
				: anyPhysical().getTransactionIsolation();
	}

	@Override
	public SQLWarning getWarnings() throws SQLException {
		Connection current = askable();
		return (current != null) ? current.getWarnings() : null;
	}

	@Override
	public void clearWarnings() throws SQLException {
		Connection current = askable();
		if (current != null) {
			current.clearWarnings();
		}
	}

	/**
	 * The physical connection a getter asks, or {@code null} while there is none (the getter answers
	 * from what was set): one whose peer was found DOWN is let go of first, as before a statement.
	 */
	private @Nullable Connection askable() throws SQLException {
		checkOpen();
		leaveIfPeerDown();
		return this.physical;
	}

	@Override
	public Map<String, Class<?>> getTypeMap() throws SQLException {
		SessionSettings known = knownSettings();
		return (known != null && known.typeMap != null) ? known.typeMap : anyPhysical().getTypeMap();
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

	/**
	 * The driver's metadata, but {@link DatabaseMetaData#getConnection()} answers this connection, not
	 * the pool's connection behind it (see {@link PeerDatabaseMetaData}).
	 */
	@Override
	public DatabaseMetaData getMetaData() throws SQLException {
		return new PeerDatabaseMetaData(this, anyPhysical().getMetaData());
	}

	@Override
	public boolean isValid(int timeout) throws SQLException {
		if (this.closed) {
			return false;
		}
		leaveIfPeerDown();
		return (this.physical == null) || this.physical.isValid(timeout);
	}

	// client info throws SQLClientInfoException, not the SQLException of the generated setters: by hand

	@Override
	public void setClientInfo(String name, String value) throws SQLClientInfoException {
		clientInfo(name, value, null);
	}

	@Override
	public void setClientInfo(Properties properties) throws SQLClientInfoException {
		clientInfo(null, null, properties);
	}

	/** One property ({@code properties} {@code null}) or all of them, as a session setting. */
	private void clientInfo(@Nullable String name, @Nullable String value, @Nullable Properties properties)
			throws SQLClientInfoException {
		try {
			remember(SessionSettings.SET_CLIENT_INFO, 0, (properties != null) ? properties : name, value);
		}
		catch (SQLClientInfoException ex) {
			throw ex;
		}
		catch (SQLException ex) {
			throw new SQLClientInfoException(ex.getMessage(), ex.getSQLState(), ex.getErrorCode(), Map.of(), ex);
		}
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
		boolean already = this.givenBack;
		this.physical = null;
		if (current != null && !already) {
			// the pool slot and the active count go back now, or close() (a no-op once closed) would leak them
			currentPeer.releaseAborted(current, executor);
		}
		Extras more = this.extras;
		if (more != null && more.parked != null) {
			more.parked.abort(executor);
		}
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
		neverReplay();
		return current.unwrap(iface);
	}


	@Override
	public String toString() {
		return "PeerConnection[" + this.owner.poolName() + ", " + ((this.peer != null) ? this.peer.name() : "not yet used")
				+ "]";
	}

}
