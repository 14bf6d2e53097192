package io.peerpool.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.peerpool.PeerPoolSettings;
import io.peerpool.PeerPoolSettings.TransactionReplay;
import io.peerpool.PeerRole;
import io.peerpool.peer.Peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * What a statement asks of its connection ({@link StatementHost}), as {@link RoutedConnection} and
 * {@link RecordingConnection} answer it, against a stub pool of three primaries whose every
 * failure is the peer's: which peer a failed first statement moves to, when it may not move, and
 * when a transaction is recorded for replay.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RoutedConnectionTests {

	private final List<Peer> peers = List.of(peer(0), peer(1), peer(2));

	private final List<Connection> physicals = List.of(mock(Connection.class), mock(Connection.class),
			mock(Connection.class));

	/** The peers each acquisition excluded (bit per peer index). */
	private final List<Long> excluded = new ArrayList<>();

	private final Pool pool = new Pool();

	private static Peer peer(int index) {
		Peer peer = mock(Peer.class);
		given(peer.role()).willReturn(PeerRole.PRIMARY);
		given(peer.index()).willReturn(index);
		given(peer.pooledAutoCommit()).willReturn(true);
		return peer;
	}

	@Test
	void aFailedFirstStatementMovesToAPeerNotTriedYetAndGivesTheFailedConnectionBack() throws SQLException {
		PeerConnection connection = new PeerConnection(this.pool);
		connection.setAutoCommit(false);
		connection.prepareStatement("UPDATE t SET a = 1");
		assertThat(connection.peer()).isSameAs(this.peers.get(0));
		SQLException lost = new SQLException("connection lost", "08S01");
		assertThat(connection.failover(lost, false, true)).isSameAs(this.physicals.get(1));
		verify(this.peers.get(0)).release(this.physicals.get(0));
		assertThat(connection.failover(lost, false, true)).isSameAs(this.physicals.get(2));
		assertThat(this.excluded).containsExactly(0L, 0b01L, 0b11L);
		assertThat(connection.attachedPhysical()).isSameAs(this.physicals.get(2));
	}

	@Test
	void aStatementThatRanOrAnAutoCommitWriteIsNotMoved() throws SQLException {
		PeerConnection connection = new PeerConnection(this.pool);
		connection.prepareStatement("UPDATE t SET a = 1");
		SQLException lost = new SQLException("connection lost", "08S01");
		assertThat(connection.canRetryFirstStatement(false)).as("an auto-commit write: outcome unknown").isFalse();
		assertThat(connection.failover(lost, false, true)).isNull();
		// not run again, but the lost connection is let go of: the next statement takes another
		verify(this.peers.get(0)).release(this.physicals.get(0));
		assertThat(connection.attachedPhysical()).isNull();
		assertThat(connection.canRetryFirstStatement(true)).as("a query").isTrue();
		connection.statementSucceeded();
		assertThat(connection.canRetryFirstStatement(true)).as("after a statement ran").isFalse();
		assertThat(connection.failover(lost, true, true)).isNull();
	}

	/**
	 * A statement refused whole by a server that runs read-only now (a planned switchover) did
	 * nothing: in auto-commit it runs again on another peer also after the borrow's first, with the
	 * working connection parked until close. Not a batch or several statements (a part may have
	 * run), not when pinned, not inside a transaction (what it wrote before is refused with it).
	 */
	@Test
	void anAutoCommitStatementAReadOnlyServerRefusedRunsAgainElsewhereUnlessBatchPinnedOrInATransaction()
			throws SQLException {
		SQLException refused = new java.sql.SQLException(
				"The MariaDB server is running with the --read-only option so it cannot execute this statement", "HY000",
				1290);
		PeerConnection later = new PeerConnection(this.pool);
		later.prepareStatement("UPDATE t SET a = 1");
		later.statementSucceeded();
		later.prepareStatement("UPDATE t SET a = 3");
		assertThat(later.failover(refused, false, true)).isSameAs(this.physicals.get(1));
		assertThat(this.excluded).as("the refusing peer is not taken again until a probe saw it").containsExactly(0L, 0b01L);
		verify(this.peers.get(0), never()).release(this.physicals.get(0));
		later.close();
		verify(this.peers.get(0)).release(this.physicals.get(0));

		PeerConnection batch = new PeerConnection(this.pool);
		batch.prepareStatement("UPDATE t SET a = 2");
		assertThat(batch.failover(refused, false, false)).as("a batch").isNull();

		PeerConnection pinned = new PeerConnection(this.pool);
		pinned.prepareStatement("SET @a = 1");
		pinned.statementSucceeded();
		pinned.prepareStatement("UPDATE t SET a = 4");
		assertThat(pinned.failover(refused, false, true)).as("pinned").isNull();

		PeerConnection inTransaction = new PeerConnection(this.pool);
		inTransaction.setAutoCommit(false);
		inTransaction.prepareStatement("UPDATE t SET a = 5");
		inTransaction.statementSucceeded();
		inTransaction.prepareStatement("UPDATE t SET a = 6");
		assertThat(inTransaction.failover(refused, false, true)).as("in a transaction").isNull();
	}

	@Test
	void aTransactionIsRecordedFromItsFirstStatementUntilItEndsOrSomethingUnrepeatableRuns() throws SQLException {
		this.pool.settings = this.pool.settings.withTransactionReplay(TransactionReplay.ALL, 100, 1_000_000);
		PeerConnection connection = new PeerConnection(this.pool);
		assertThat(connection.transactionLog()).as("auto-commit").isNull();
		connection.setAutoCommit(false);
		connection.prepareStatement("UPDATE t SET a = 1");
		assertThat(connection.transactionLog()).isNotNull();
		connection.commit();
		assertThat(connection.transactionLog()).as("decided again for the next transaction").isNull();
		connection.prepareStatement("UPDATE t SET a = 2");
		assertThat(connection.transactionLog()).isNotNull();
		connection.unloggedExecution();
		assertThat(connection.transactionLog()).as("a statement the log does not follow ran").isNull();
		connection.rollback();
		connection.prepareStatement("UPDATE t SET a = 3");
		assertThat(connection.transactionLog()).isNotNull();
		connection.unwrap(java.io.Serializable.class);
		connection.commit();
		connection.prepareStatement("UPDATE t SET a = 4");
		assertThat(connection.transactionLog()).as("never again after the physical connection was handed out").isNull();
	}

	/**
	 * One transaction's characteristics set by SQL (Spring's {@code enforceReadOnly}): part of the
	 * transaction in one, recorded and replayed with it; outside one, session state (MariaDB keeps it
	 * for the next transaction), which pins the connection.
	 */
	@Test
	void setTransactionIsPartOfTheTransactionInOneAndSessionStateOutside() throws SQLException {
		this.pool.settings = this.pool.settings.withTransactionReplay(TransactionReplay.READ_ONLY, 100, 1_000_000);
		PeerConnection connection = new PeerConnection(this.pool);
		connection.setReadOnly(true);
		connection.setAutoCommit(false);
		connection.beforeStatement("SET TRANSACTION READ ONLY");
		connection.prepareStatement("SELECT 1");
		assertThat(connection.transactionLog()).as("a read-only transaction, still replayable").isNotNull();
		assertThat(connection.pinned).isFalse();
		connection.commit();
		connection.setAutoCommit(true);
		connection.beforeStatement("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE");
		assertThat(connection.pinned).as("kept by the session for its next transaction").isTrue();
	}

	/** Primaries in index order, skipping the excluded ones; every failure is the peer's. */
	private final class Pool extends StubAcquirer {

		PeerPoolSettings settings = PeerPoolSettings.defaults("stub");

		Pool() {
			super(false);
		}

		@Override
		public PeerPoolSettings settings() {
			return this.settings;
		}

		@Override
		public boolean reportIfPeerFailure(Peer peer, SQLException failure) {
			return true;
		}

		@Override
		public Connection acquire(PeerConnection connection, boolean readIntent, long excluded) {
			RoutedConnectionTests.this.excluded.add(excluded);
			for (int i = 0; i < RoutedConnectionTests.this.peers.size(); i++) {
				if ((excluded & (1L << i)) == 0) {
					connection.attach(RoutedConnectionTests.this.peers.get(i), RoutedConnectionTests.this.physicals.get(i));
					return RoutedConnectionTests.this.physicals.get(i);
				}
			}
			throw new IllegalStateException("no peer left");
		}

	}

}
