package io.peerpool.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.peerpool.PeerPoolSettings;
import io.peerpool.PeerRole;
import io.peerpool.peer.Peer;
import io.peerpool.routing.PeerRouting;
import io.peerpool.routing.RouteIntent;
import io.peerpool.routing.RouteOrigin;
import io.peerpool.routing.RouteScope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * The connection on its own, against a stub pool ({@link PeerAcquirer}) that hands out mocked
 * physical connections of a replica and of a primary: when the peer is decided, what is recorded
 * and carried to the physical connection, what pins it. The real-server behaviour is covered by
 * {@code IntentRoutingIntegrationTests}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PeerConnectionTests {

	private final Peer replica = peer(PeerRole.REPLICA, 1);

	private final Peer primary = peer(PeerRole.PRIMARY, 0);

	private final Connection onReplica = physical();

	private final Connection onPrimary = physical();

	private final StubPool pool = new StubPool();

	@AfterEach
	void clearRouting() {
		PeerRouting.clear();
	}

	private static Peer peer(PeerRole role, int index) {
		Peer peer = mock(Peer.class);
		given(peer.role()).willReturn(role);
		given(peer.index()).willReturn(index);
		given(peer.isRoutable()).willReturn(true);
		given(peer.name()).willReturn(role.name().toLowerCase());
		// HikariCP's default (hikari.auto-commit)
		given(peer.pooledAutoCommit()).willReturn(true);
		return peer;
	}

	private static Connection physical() {
		Connection connection = mock(Connection.class);
		try {
			given(connection.getAutoCommit()).willReturn(true);
			given(connection.prepareStatement(anyString())).willReturn(mock(PreparedStatement.class));
			given(connection.getTransactionIsolation()).willReturn(Connection.TRANSACTION_REPEATABLE_READ);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
		return connection;
	}

	private RouteScope get() {
		return PeerRouting.open(RouteIntent.REPLICA, RouteOrigin.HTTP_METHOD);
	}

	@Test
	void readingTheIsolationLevelDoesNotBindAReadWriteTransactionToAReplica() throws SQLException {
		try (RouteScope request = get()) {
			PeerConnection connection = new PeerConnection(this.pool);
			assertThat(connection.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_REPEATABLE_READ);
			assertThat(connection.peer()).as("taken tentatively, by the GET's read intent").isSameAs(this.replica);
			connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
			connection.setAutoCommit(false);
			connection.prepareStatement("INSERT INTO t VALUES (1)");
			assertThat(connection.peer()).as("the transaction's first statement decides").isSameAs(this.primary);
			verify(this.replica).release(this.onReplica);
			verify(this.onPrimary).setAutoCommit(false);
			verify(this.onPrimary).setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
		}
	}

	@Test
	void controlAReadOnlyTransactionKeepsItsTentativeReplica() throws SQLException {
		try (RouteScope request = get()) {
			PeerConnection connection = new PeerConnection(this.pool);
			connection.setReadOnly(true);
			connection.getMetaData();
			connection.setAutoCommit(false);
			connection.prepareStatement("SELECT 1");
			assertThat(connection.peer()).isSameAs(this.replica);
			verify(this.replica, never()).release(this.onReplica);
		}
	}

	@Test
	void whileNoPeerTakesWritesTheMetadataComesFromAReplicaAndTheFirstWriteStillGoesToAPrimary() throws SQLException {
		this.pool.noWriter = true;
		PeerConnection connection = new PeerConnection(this.pool);
		connection.getMetaData();
		assertThat(connection.peer()).as("no writer now: a peer that serves reads answers").isSameAs(this.replica);
		this.pool.noWriter = false;
		connection.prepareStatement("INSERT INTO t VALUES (1)");
		assertThat(connection.peer()).as("the first statement decides").isSameAs(this.primary);
		verify(this.replica).release(this.onReplica);
	}

	@Test
	void controlWithAWriterTheMetadataOfAConnectionWithoutReadIntentComesFromThePrimary() throws SQLException {
		PeerConnection connection = new PeerConnection(this.pool);
		connection.getMetaData();
		assertThat(connection.peer()).isSameAs(this.primary);
	}

	@Test
	void clientInfoNetworkTimeoutAndTypeMapAreRecordedAndGivenToThePhysicalConnection() throws SQLException {
		Executor executor = Runnable::run;
		PeerConnection connection = new PeerConnection(this.pool);
		connection.setClientInfo("ApplicationName", "app");
		connection.setNetworkTimeout(executor, 5_000);
		connection.setTypeMap(java.util.Map.of());
		assertThat(connection.peer()).as("nothing taken yet").isNull();
		assertThat(connection.getNetworkTimeout()).isEqualTo(5_000);
		connection.prepareStatement("INSERT INTO t VALUES (1)");
		java.util.Properties clientInfo = new java.util.Properties();
		clientInfo.setProperty("ApplicationName", "app");
		verify(this.onPrimary).setClientInfo(clientInfo);
		verify(this.onPrimary).setNetworkTimeout(executor, 5_000);
		verify(this.onPrimary).setTypeMap(java.util.Map.of());
	}

	@Test
	void everySessionSettingIsMadeOnThePhysicalConnectionItHasAndOnTheOneItTakesNext() throws SQLException {
		Executor executor = Runnable::run;
		java.util.Map<String, Class<?>> types = java.util.Map.of("point", Object.class);
		java.util.Properties all = new java.util.Properties();
		all.setProperty("ClientUser", "ada");
		try (RouteScope request = get()) {
			PeerConnection connection = new PeerConnection(this.pool);
			connection.getTransactionIsolation();
			assertThat(connection.peer()).as("taken tentatively, by the GET's read intent").isSameAs(this.replica);
			connection.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
			connection.setHoldability(java.sql.ResultSet.CLOSE_CURSORS_AT_COMMIT);
			connection.setCatalog("app");
			connection.setSchema("reports");
			connection.setTypeMap(types);
			connection.setNetworkTimeout(executor, 5_000);
			connection.setClientInfo(all);
			connection.setClientInfo("ApplicationName", "billing");
			connection.prepareStatement("INSERT INTO t VALUES (1)");
			assertThat(connection.peer()).as("moved by the write").isSameAs(this.primary);
			java.util.Properties kept = new java.util.Properties();
			kept.setProperty("ClientUser", "ada");
			kept.setProperty("ApplicationName", "billing");
			for (Connection physical : new Connection[] { this.onReplica, this.onPrimary }) {
				verify(physical).setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
				verify(physical).setHoldability(java.sql.ResultSet.CLOSE_CURSORS_AT_COMMIT);
				verify(physical).setCatalog("app");
				verify(physical).setSchema("reports");
				verify(physical).setTypeMap(types);
				verify(physical).setNetworkTimeout(executor, 5_000);
			}
			verify(this.onReplica).setClientInfo(all);
			verify(this.onReplica).setClientInfo("ApplicationName", "billing");
			verify(this.onPrimary).setClientInfo(kept);
			connection.setReadOnly(true);
			verify(this.onPrimary).setReadOnly(true);
		}
	}

	@Test
	void aConnectionOfAPoolConfiguredReadOnlyIsReadOnlyBeforeItsFirstStatementAndLeavesThePoolsSetting()
			throws SQLException {
		this.pool.readOnly = true;
		given(this.primary.pooledReadOnly()).willReturn(true);
		PeerConnection connection = new PeerConnection(this.pool);
		assertThat(connection.isReadOnly()).isTrue();
		connection.setAutoCommit(false);
		connection.prepareStatement("SELECT 1");
		verify(this.onPrimary, never()).setReadOnly(org.mockito.ArgumentMatchers.anyBoolean());
	}

	@Test
	void setReadOnlyFalseBeforeTheFirstStatementIsMadeOnAPhysicalConnectionItsPoolMadeReadOnly()
			throws SQLException {
		this.pool.readOnly = true;
		given(this.primary.pooledReadOnly()).willReturn(true);
		PeerConnection connection = new PeerConnection(this.pool);
		connection.setReadOnly(false);
		assertThat(connection.isReadOnly()).isFalse();
		connection.prepareStatement("INSERT INTO t VALUES (1)");
		verify(this.onPrimary).setReadOnly(false);
	}

	@Test
	void aReplicaReadOnlyByItsOwnPoolStaysSoUnlessTheApplicationSaysOtherwise() throws SQLException {
		given(this.replica.pooledReadOnly()).willReturn(true);
		try (RouteScope request = get()) {
			PeerConnection connection = new PeerConnection(this.pool);
			assertThat(connection.isReadOnly()).as("not every peer's pool is read-only").isFalse();
			connection.prepareStatement("SELECT 1");
			assertThat(connection.peer()).isSameAs(this.replica);
			verify(this.onReplica, never()).setReadOnly(org.mockito.ArgumentMatchers.anyBoolean());
		}
	}

	/** An {@code auto} peer with {@code hikari.read-only} of its own, promoted: its writes must not fail on read-only connections. */
	@Test
	void aPrimaryReadOnlyByItsOwnPoolGetsReadWriteConnections() throws SQLException {
		given(this.primary.pooledReadOnly()).willReturn(true);
		PeerConnection connection = new PeerConnection(this.pool);
		connection.setAutoCommit(false);
		connection.prepareStatement("INSERT INTO t VALUES (1)");
		verify(this.onPrimary).setReadOnly(false);
	}

	/**
	 * A replica with {@code hikari.read-only} of its own that reports itself writable (restarted
	 * without {@code read_only}) but takes no writes: it serves reads as a replica, and its
	 * connections keep their read-only, the safety net the application configured for it.
	 */
	@Test
	void aWritableReplicaReadOnlyByItsOwnPoolKeepsItsReadOnlyConnections() throws SQLException {
		this.pool.writableReplica = peer(PeerRole.PRIMARY, 2);
		given(this.pool.writableReplica.pooledReadOnly()).willReturn(true);
		try (RouteScope request = get()) {
			PeerConnection connection = new PeerConnection(this.pool);
			connection.prepareStatement("SELECT 1");
			assertThat(connection.peer()).isSameAs(this.pool.writableReplica);
			verify(this.onReplica, never()).setReadOnly(org.mockito.ArgumentMatchers.anyBoolean());
		}
	}

	@Test
	void unwrapPinsTheConnectionToThePhysicalConnectionHandedOut() throws SQLException {
		try (RouteScope request = get()) {
			PeerConnection connection = new PeerConnection(this.pool);
			connection.getTransactionIsolation();
			// a driver interface this wrapper does not implement
			connection.unwrap(java.io.Serializable.class);
			connection.setAutoCommit(false);
			connection.prepareStatement("INSERT INTO t VALUES (1)");
			assertThat(connection.peer()).isSameAs(this.replica);
		}
	}

	@Test
	void sessionStateSetBySqlPinsTheConnection() throws SQLException {
		try (RouteScope request = get()) {
			PeerConnection connection = new PeerConnection(this.pool);
			connection.prepareStatement("SET @tenant = 'acme'");
			assertThat(connection.peer()).isSameAs(this.replica);
			connection.statementSucceeded();
			connection.prepareStatement("INSERT INTO t VALUES (@tenant)");
			assertThat(connection.peer()).as("not moved to the primary without the session's state").isSameAs(this.replica);
		}
	}

	@Test
	void controlAnAutoCommitWriteInAGetMovesToThePrimaryAndKeepsTheReplicaConnectionUntilClose() throws SQLException {
		try (RouteScope request = get()) {
			PeerConnection connection = new PeerConnection(this.pool);
			connection.prepareStatement("SELECT 1");
			connection.statementSucceeded();
			connection.prepareStatement("INSERT INTO t VALUES (1)");
			assertThat(connection.peer()).isSameAs(this.primary);
			verify(this.replica, never()).release(this.onReplica);
			connection.close();
			verify(this.replica).release(this.onReplica);
			verify(this.primary).release(this.onPrimary);
		}
	}

	/** A writable replica's role is primary, but it takes no writes: a write after a read on it moves, as from a replica. */
	@Test
	void anAutoCommitWriteInAGetMovesOffAWritableReplicaThatTakesNoWrites() throws SQLException {
		this.pool.writableReplica = peer(PeerRole.PRIMARY, 2);
		try (RouteScope request = get()) {
			PeerConnection connection = new PeerConnection(this.pool);
			connection.prepareStatement("SELECT 1");
			assertThat(connection.peer()).isSameAs(this.pool.writableReplica);
			connection.statementSucceeded();
			connection.prepareStatement("INSERT INTO t VALUES (1)");
			assertThat(connection.peer()).isSameAs(this.primary);
		}
	}

	@Test
	void connectionsStartWithThePoolsAutoCommit() throws SQLException {
		this.pool.autoCommit = false;
		PeerConnection connection = new PeerConnection(this.pool);
		assertThat(connection.getAutoCommit()).isFalse();
		connection.prepareStatement("SELECT 1");
		verify(this.onPrimary).setAutoCommit(false);
	}

	/** Replicas for read intent, the primary for write intent. */
	private final class StubPool extends StubAcquirer {

		boolean autoCommit = true;

		boolean readOnly;

		StubPool() {
			super(true);
		}

		@Override
		public boolean autoCommit() {
			return this.autoCommit;
		}

		@Override
		public boolean readOnly() {
			return this.readOnly;
		}

		/** A peer that reports itself writable but takes no writes (a replica restarted without read_only); reads go to it. */
		@Nullable Peer writableReplica;

		/** Whether no peer takes writes now (the primary is down): only reads can be served at once. */
		boolean noWriter;

		@Override
		public boolean hasPeerFor(boolean readIntent, long excluded) {
			return readIntent || !this.noWriter;
		}

		@Override
		public boolean takesWrites(Peer peer) {
			return peer == PeerConnectionTests.this.primary;
		}

		@Override
		public Connection acquire(PeerConnection connection, boolean readIntent, long excluded) {
			Peer peer = readIntent ? ((this.writableReplica != null) ? this.writableReplica : PeerConnectionTests.this.replica)
					: PeerConnectionTests.this.primary;
			Connection physical = readIntent ? PeerConnectionTests.this.onReplica : PeerConnectionTests.this.onPrimary;
			connection.attach(peer, physical);
			return physical;
		}

	}

	/**
	 * HikariCP closes its connection once a driver statement on it failed with a connection error
	 * (a prepared statement made after the borrow's first statement is the driver's own): in
	 * auto-commit the next statement is made on another physical connection, as after a lost
	 * connection peerpool saw itself; in a transaction the failure reaches the caller.
	 */
	@Test
	void aStatementMadeOnAConnectionItsPoolClosedAfterALostDriverStatementIsMadeOnAnotherInAutoCommitOnly()
			throws SQLException {
		Connection closed = physical();
		Connection fresh = physical();
		given(closed.createStatement()).willReturn(mock(java.sql.Statement.class));
		given(closed.prepareStatement("UPDATE t SET a = 1")).willThrow(new SQLException("Connection is closed", "08003"));
		given(closed.isClosed()).willReturn(true);
		java.util.Deque<Connection> physicals = new java.util.ArrayDeque<>(java.util.List.of(closed, fresh));
		StubAcquirer pool = new StubAcquirer(false) {

			@Override
			public Connection acquire(PeerConnection owner, boolean readIntent, long excluded) {
				Connection next = physicals.pop();
				owner.attach(PeerConnectionTests.this.primary, next);
				return next;
			}

		};
		PeerConnection connection = new PeerConnection(pool);
		connection.createStatement().executeQuery("SELECT 1");
		connection.prepareStatement("UPDATE t SET a = 1");
		verify(fresh).prepareStatement("UPDATE t SET a = 1");
		verify(this.primary).release(closed);

		Connection closedToo = physical();
		given(closedToo.createStatement()).willReturn(mock(java.sql.Statement.class));
		given(closedToo.prepareStatement("UPDATE t SET a = 1")).willThrow(new SQLException("Connection is closed", "08003"));
		given(closedToo.isClosed()).willReturn(true);
		physicals.add(closedToo);
		PeerConnection inTransaction = new PeerConnection(pool);
		inTransaction.setAutoCommit(false);
		inTransaction.createStatement().executeQuery("SELECT 1");
		assertThatExceptionOfType(SQLException.class).isThrownBy(() -> inTransaction.prepareStatement("UPDATE t SET a = 1"))
			.satisfies((failure) -> assertThat(failure.getSQLState()).isEqualTo("08003"));
		assertThat(physicals).as("no other connection taken in the transaction").isEmpty();
	}

	/**
	 * A peer found DOWN between two statements of a borrow: in auto-commit and not pinned, the next
	 * statement, a transaction's begin and a session setting go to another physical connection
	 * (nothing of them reached the dead peer); a pinned borrow and an open transaction stay, and
	 * their failure is the application's.
	 */
	@Test
	void aBorrowLeavesAPeerFoundDownBeforeItsNextWorkOnlyInAutoCommitAndUnpinned() throws SQLException {
		Peer dies = peer(PeerRole.PRIMARY, 3);
		Connection onDead = physical();
		Connection fresh = physical();
		java.util.Deque<Connection> physicals = new java.util.ArrayDeque<>(java.util.List.of(onDead, fresh));
		StubAcquirer pool = new StubAcquirer(false) {

			@Override
			public Connection acquire(PeerConnection owner, boolean readIntent, long excluded) {
				Connection next = physicals.pop();
				owner.attach((next == onDead) ? dies : PeerConnectionTests.this.primary, next);
				return next;
			}

		};
		PeerConnection autoCommit = new PeerConnection(pool);
		autoCommit.prepareStatement("UPDATE t SET a = 1");
		autoCommit.statementSucceeded();
		given(dies.isDown()).willReturn(true);
		autoCommit.prepareStatement("UPDATE t SET a = 2");
		verify(onDead, never()).prepareStatement("UPDATE t SET a = 2");
		verify(fresh).prepareStatement("UPDATE t SET a = 2");
		verify(dies).release(onDead);

		physicals.add(onDead);
		given(dies.isDown()).willReturn(false);
		PeerConnection begins = new PeerConnection(pool);
		begins.prepareStatement("SELECT 1");
		given(dies.isDown()).willReturn(true);
		begins.setAutoCommit(false);
		verify(onDead, never()).setAutoCommit(false);
		assertThat(begins.peer()).as("the transaction begins when its first statement takes a connection").isNull();

		for (boolean pinned : new boolean[] { true, false }) {
			Connection stays = physical();
			given(dies.isDown()).willReturn(false);
			PeerConnection kept = new PeerConnection(new StubAcquirer(false) {

				@Override
				public Connection acquire(PeerConnection owner, boolean readIntent, long excluded) {
					owner.attach(dies, stays);
					return stays;
				}

			});
			if (pinned) {
				kept.prepareStatement("SET @a = 1");
			}
			else {
				kept.setAutoCommit(false);
				kept.prepareStatement("SELECT 1");
			}
			given(dies.isDown()).willReturn(true);
			kept.prepareStatement("UPDATE t SET a = 3");
			verify(stays).prepareStatement("UPDATE t SET a = 3");
			assertThat(kept.peer()).as(pinned ? "pinned" : "in a transaction").isSameAs(dies);
		}
	}

}
