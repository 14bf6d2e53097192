package io.peerpool.jdbc;

import java.io.ByteArrayInputStream;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.peerpool.PeerPoolSettings;
import io.peerpool.PeerRole;
import io.peerpool.PeerPoolSettings.TransactionReplay;
import io.peerpool.peer.Peer;
import io.peerpool.routing.PeerRouting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.mock;

/**
 * Transaction replay on its own: a {@link PeerConnection} over a stub pool of two fake databases
 * ({@link FakeDatabase}); the first dies in the middle of a transaction. What is compared (update
 * counts, generated keys, batch counts, the rows read so far), what makes a transaction
 * unrepeatable, the limit, which transactions are recorded at all, and the commit and rollback of
 * a lost connection. The real-server behaviour is covered by {@code TransactionReplayIntegrationTests}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TransactionReplayTests {

	private static final String READ = "SELECT balance FROM accounts WHERE id = ?";

	private static final String UPDATE = "UPDATE accounts SET balance = ? WHERE id = ?";

	private final FakeDatabase first = new FakeDatabase("first");

	private final FakeDatabase second = new FakeDatabase("second");

	private final Peer[] peers = { peer(0), peer(1) };

	private final FakeDatabase[] databases = { this.first, this.second };

	/** What the stub pool was told of replays: reason, outcome and peer. */
	private final List<String> replays = new ArrayList<>();

	private PeerPoolSettings settings = PeerPoolSettings.defaults("stub")
		.withTransactionReplay(TransactionReplay.ALL, 64, 1024 * 1024);

	@AfterEach
	void clearRouting() {
		PeerRouting.clear();
	}

	private static Peer peer(int index) {
		Peer peer = mock(Peer.class);
		given(peer.role()).willReturn(PeerRole.PRIMARY);
		given(peer.index()).willReturn(index);
		given(peer.name()).willReturn("peer" + index);
		return peer;
	}

	private PeerConnection transaction() throws SQLException {
		PeerConnection connection = new PeerConnection(new StubPool());
		connection.setAutoCommit(false);
		return connection;
	}

	private void balances(String... values) {
		List<String[]> rows = Arrays.stream(values).map((value) -> new String[] { value }).toList();
		this.first.rows = (sql, parameters) -> rows;
		this.second.rows = (sql, parameters) -> rows;
	}

	private static int read(Connection connection, long id) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(READ)) {
			statement.setLong(1, id);
			try (ResultSet rows = statement.executeQuery()) {
				assertThat(rows.next()).isTrue();
				return rows.getInt(1);
			}
		}
	}

	private static int update(Connection connection, int balance, long id) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(UPDATE)) {
			statement.setInt(1, balance);
			statement.setLong(2, id);
			return statement.executeUpdate();
		}
	}

	private static String replayDifference(SQLException failure) {
		return Arrays.stream(failure.getSuppressed()).map(Throwable::getMessage).findFirst().orElse("");
	}

	@Test
	void equalResultsLetTheTransactionGoOnOnTheOtherPeerWithTheFailedCallRunThere() throws SQLException {
		balances("100");
		PeerConnection connection = transaction();
		assertThat(read(connection, 7)).isEqualTo(100);
		PreparedStatement update = connection.prepareStatement(UPDATE);
		update.setInt(1, 50);
		update.setLong(2, 7);
		assertThat(update.executeUpdate()).isEqualTo(1);
		this.first.dead = true;
		update.setInt(1, 60);
		assertThat(update.executeUpdate()).isEqualTo(1);
		connection.commit();
		assertThat(connection.peer()).isSameAs(this.peers[1]);
		assertThat(this.second.executed).containsExactly(READ + " {1=7}", UPDATE + " {1=50, 2=7}",
				UPDATE + " {1=60, 2=7}");
		assertThat(this.second.commits).isOne();
		assertThat(this.replays).containsExactly("connection_lost replayed peer0");
	}

	@Test
	void aConnectionThePoolAbortedIsReplayedWhenTheNextStatementIsCreated() throws SQLException {
		balances("100");
		PeerConnection connection = transaction();
		assertThat(read(connection, 7)).isEqualTo(100);
		this.first.dieAndAbort();
		assertThat(update(connection, 60, 7)).isOne();
		connection.commit();
		assertThat(this.second.executed).containsExactly(READ + " {1=7}", UPDATE + " {1=60, 2=7}");
		assertThat(this.second.commits).isOne();
	}

	@Test
	void aDifferentUpdateCountGivesTheOriginalError() throws SQLException {
		PeerConnection connection = transaction();
		assertThat(update(connection, 50, 7)).isOne();
		this.second.counts = (sql, parameters) -> 0;
		this.first.dead = true;
		SQLException failure = catchThrowableOfType(SQLException.class, () -> update(connection, 60, 8));
		assertThat(failure.getMessage()).contains("(first)");
		assertThat(replayDifference(failure)).contains("update count 0 instead of 1");
		assertThat(this.second.rollbacks).as("the replay is undone").isOne();
		assertThat(connection.peer()).as("still on the failed connection").isSameAs(this.peers[0]);
		connection.rollback();
	}

	@Test
	void theLostConnectionGoesBackOnceWhenTheReplayBeginsAlsoWhenTheReplayFails() throws SQLException {
		PeerConnection connection = transaction();
		assertThat(update(connection, 50, 7)).isOne();
		Connection lost = connection.attachedPhysical();
		this.second.counts = (sql, parameters) -> 0;
		this.first.dead = true;
		catchThrowableOfType(SQLException.class, () -> update(connection, 60, 8));
		// its slot is free for the replays of other transactions on the same peer
		then(this.peers[0]).should().releaseAborted(eq(lost), any());
		assertThat(connection.attachedPhysical()).as("kept for the transaction's later calls").isSameAs(lost);
		connection.rollback();
		connection.close();
		then(this.peers[0]).should(never()).release(lost);
	}

	@Test
	void differentRowsGiveTheOriginalError() throws SQLException {
		balances("100");
		PeerConnection connection = transaction();
		read(connection, 7);
		this.second.rows = (sql, parameters) -> List.<String[]>of(new String[] { "90" });
		this.first.dead = true;
		SQLException failure = catchThrowableOfType(SQLException.class, () -> update(connection, 60, 7));
		assertThat(replayDifference(failure)).contains("rows differ");
	}

	@Test
	void onlyTheRowsTheApplicationReadAreCompared() throws SQLException {
		this.first.rows = (sql, parameters) -> List.of(new String[] { "1" }, new String[] { "2" });
		this.second.rows = (sql, parameters) -> List.of(new String[] { "1" }, new String[] { "3" }, new String[] { "4" });
		PeerConnection connection = transaction();
		read(connection, 7);
		this.first.dead = true;
		assertThat(update(connection, 60, 7)).isOne();
		assertThat(connection.peer()).isSameAs(this.peers[1]);
	}

	@Test
	void moreRowsWhereTheApplicationSawTheEndGiveTheOriginalError() throws SQLException {
		this.first.rows = (sql, parameters) -> List.<String[]>of(new String[] { "1" });
		this.second.rows = (sql, parameters) -> List.of(new String[] { "1" }, new String[] { "2" });
		PeerConnection connection = transaction();
		try (PreparedStatement statement = connection.prepareStatement(READ); ResultSet rows = statement.executeQuery()) {
			while (rows.next()) {
				rows.getInt(1);
			}
		}
		this.first.dead = true;
		SQLException failure = catchThrowableOfType(SQLException.class, () -> update(connection, 60, 7));
		assertThat(replayDifference(failure)).contains("more than the 1 rows");
	}

	@Test
	void aResultSetCutWhileReadingGoesOnAtTheSameRowOnTheOtherPeer() throws SQLException {
		balances("1", "2", "3");
		this.first.streamedRows = 2;
		PeerConnection connection = transaction();
		PreparedStatement statement = connection.prepareStatement(READ);
		ResultSet rows = statement.executeQuery();
		assertThat(rows.next()).isTrue();
		assertThat(rows.next()).isTrue();
		assertThat(rows.getString(1)).isEqualTo("2");
		this.first.dead = true;
		assertThat(rows.next()).isTrue();
		assertThat(rows.getString(1)).isEqualTo("3");
		assertThat(rows.next()).isFalse();
		assertThat(this.second.executed).hasSize(1);
		assertThat(rows.getStatement()).isSameAs(statement);
	}

	@Test
	void generatedKeysAreCompared() throws SQLException {
		this.first.nextKey = 10;
		this.second.nextKey = 11;
		PeerConnection connection = transaction();
		try (PreparedStatement insert = connection.prepareStatement("INSERT INTO t (v) VALUES (?)",
				Statement.RETURN_GENERATED_KEYS)) {
			insert.setString(1, "a");
			insert.executeUpdate();
			try (ResultSet keys = insert.getGeneratedKeys()) {
				assertThat(keys.next()).isTrue();
				assertThat(keys.getLong(1)).isEqualTo(10);
			}
		}
		this.first.dead = true;
		SQLException failure = catchThrowableOfType(SQLException.class, () -> update(connection, 60, 7));
		assertThat(replayDifference(failure)).contains("generated keys");
	}

	@Test
	void controlEqualGeneratedKeysAreReplayed() throws SQLException {
		this.first.nextKey = 10;
		this.second.nextKey = 10;
		PeerConnection connection = transaction();
		try (PreparedStatement insert = connection.prepareStatement("INSERT INTO t (v) VALUES (?)",
				Statement.RETURN_GENERATED_KEYS)) {
			insert.setString(1, "a");
			insert.executeUpdate();
			try (ResultSet keys = insert.getGeneratedKeys()) {
				keys.next();
			}
		}
		this.first.dead = true;
		assertThat(update(connection, 60, 7)).isOne();
		assertThat(this.second.executed).containsExactly("INSERT INTO t (v) VALUES (?) {1=a}", UPDATE + " {1=60, 2=7}");
	}

	@Test
	void batchCountsAreCompared() throws SQLException {
		PeerConnection connection = transaction();
		try (PreparedStatement batch = connection.prepareStatement(UPDATE)) {
			batch.setInt(1, 1);
			batch.setLong(2, 1);
			batch.addBatch();
			batch.setInt(1, 2);
			batch.setLong(2, 2);
			batch.addBatch();
			assertThat(batch.executeBatch()).containsExactly(1, 1);
		}
		this.second.counts = (sql, parameters) -> parameters.get(2).equals(2L) ? 0 : 1;
		this.first.dead = true;
		SQLException failure = catchThrowableOfType(SQLException.class, () -> update(connection, 60, 7));
		assertThat(replayDifference(failure)).contains("batch counts [1, 0] instead of [1, 1]");
	}

	@Test
	void pastTheStatementLimitTheTransactionIsNotRecordedAndItsMemoryIsReleased() throws SQLException {
		this.settings = this.settings.withTransactionReplay(TransactionReplay.ALL, 2, 1024 * 1024);
		PeerConnection connection = transaction();
		PreparedStatement kept = connection.prepareStatement(UPDATE);
		kept.setInt(1, 1);
		kept.setLong(2, 1);
		kept.executeUpdate();
		update(connection, 50, 7);
		assertThat(connection.transactionLog()).isNotNull();
		assertThat(((ReplayableStatement) kept).recordedCalls()).isEqualTo(2);
		update(connection, 51, 7);
		assertThat(connection.transactionLog()).as("past the limit").isNull();
		assertThat(((ReplayableStatement) kept).recordedCalls()).as("recording dropped").isZero();
		this.first.dead = true;
		SQLException failure = catchThrowableOfType(SQLException.class, () -> update(connection, 60, 7));
		assertThat(failure.getMessage()).contains("(first)");
		assertThat(failure.getSuppressed()).isEmpty();
		assertThat(this.second.executed).isEmpty();
	}

	@Test
	void pastTheByteLimitTheTransactionIsNotRecorded() throws SQLException {
		this.settings = this.settings.withTransactionReplay(TransactionReplay.ALL, 64, 1000);
		PeerConnection connection = transaction();
		try (PreparedStatement statement = connection.prepareStatement(UPDATE)) {
			statement.setString(1, "x".repeat(600));
			assertThat(connection.transactionLog()).isNull();
		}
		this.first.dead = true;
		catchThrowableOfType(SQLException.class, () -> update(connection, 60, 7));
		assertThat(this.second.executed).isEmpty();
	}

	@Test
	void withReplayNoneNothingIsRecorded() throws SQLException {
		this.settings = this.settings.withTransactionReplay(TransactionReplay.NONE, 64, 1024 * 1024);
		PeerConnection connection = transaction();
		update(connection, 50, 7);
		assertThat(connection.transactionLog()).isNull();
		assertThat(connection.prepareStatement(UPDATE)).as("the driver's own statement, as before")
			.isNotInstanceOf(ReplayableStatement.class);
		this.first.dead = true;
		catchThrowableOfType(SQLException.class, () -> update(connection, 60, 7));
		assertThat(this.second.executed).isEmpty();
	}

	@Test
	void autoCommitWorkIsNeverRecorded() throws SQLException {
		PeerConnection connection = new PeerConnection(new StubPool());
		update(connection, 50, 7);
		assertThat(connection.transactionLog()).isNull();
		// a later write keeps its parameters until it runs (a switchover's read-only refusal runs it again on the
		// writer), outside any transaction log; a later read is the driver's own
		assertThat(connection.prepareStatement(UPDATE)).isInstanceOfSatisfying(ReplayableStatement.class,
				(statement) -> assertThat(statement.isLogged()).isFalse());
		assertThat(connection.transactionLog()).isNull();
		assertThat(connection.prepareStatement("SELECT balance FROM accounts WHERE id = ?"))
			.isNotInstanceOf(ReplayableStatement.class);
	}

	@Test
	void byDefaultAReadWriteTransactionIsNotReplayed() throws SQLException {
		this.settings = PeerPoolSettings.defaults("stub");
		assertThat(this.settings.transactionReplay()).isEqualTo(TransactionReplay.READ_ONLY);
		balances("100");
		PeerConnection connection = transaction();
		read(connection, 7);
		assertThat(connection.transactionLog()).isNull();
		this.first.dead = true;
		catchThrowableOfType(SQLException.class, () -> read(connection, 8));
		assertThat(this.second.executed).isEmpty();
	}

	@Test
	void byDefaultAReadOnlyTransactionIsReplayed() throws SQLException {
		this.settings = PeerPoolSettings.defaults("stub");
		balances("100");
		PeerConnection connection = new PeerConnection(new StubPool());
		connection.setReadOnly(true);
		connection.setAutoCommit(false);
		read(connection, 7);
		this.first.dead = true;
		assertThat(read(connection, 8)).isEqualTo(100);
		assertThat(this.second.executed).containsExactly(READ + " {1=7}", READ + " {1=8}");
	}

	@Test
	void aWriteInAReadOnlyTransactionEndsItsReplayByDefault() throws SQLException {
		this.settings = PeerPoolSettings.defaults("stub");
		PeerConnection connection = new PeerConnection(new StubPool());
		connection.setReadOnly(true);
		connection.setAutoCommit(false);
		update(connection, 1, 7);
		assertThat(connection.transactionLog()).isNull();
	}

	@Test
	void sessionStateSetBySqlMakesTheTransactionUnrepeatable() throws SQLException {
		PeerConnection connection = transaction();
		update(connection, 50, 7);
		try (Statement statement = connection.createStatement()) {
			statement.execute("SET @tenant = 'acme'");
		}
		assertThat(connection.transactionLog()).isNull();
		this.first.dead = true;
		catchThrowableOfType(SQLException.class, () -> update(connection, 60, 7));
		assertThat(this.second.executed).isEmpty();
	}

	@Test
	void aLockFunctionMakesTheTransactionUnrepeatable() throws SQLException {
		PeerConnection connection = transaction();
		try (PreparedStatement statement = connection.prepareStatement("SELECT GET_LOCK('x', 1)")) {
			statement.executeQuery().close();
		}
		assertThat(connection.transactionLog()).isNull();
	}

	@Test
	void aStreamParameterMakesTheTransactionUnrepeatable() throws SQLException {
		PeerConnection connection = transaction();
		try (PreparedStatement statement = connection.prepareStatement("INSERT INTO t (data) VALUES (?)")) {
			statement.setBinaryStream(1, new ByteArrayInputStream(new byte[10]));
			statement.executeUpdate();
		}
		assertThat(connection.transactionLog()).isNull();
		this.first.dead = true;
		catchThrowableOfType(SQLException.class, () -> update(connection, 60, 7));
		assertThat(this.second.executed).isEmpty();
	}

	@Test
	void aCallableStatementMakesTheTransactionUnrepeatable() throws SQLException {
		PeerConnection connection = transaction();
		update(connection, 50, 7);
		try (CallableStatement call = connection.prepareCall("{call p(?)}")) {
			call.setInt(1, 1);
		}
		assertThat(connection.transactionLog()).isNull();
	}

	/** A call may have run on the first peer: nothing after it moves to another one, not even with all. */
	@Test
	void aTransactionThatCalledAProcedureIsNeverMovedToAnotherPeer() throws SQLException {
		PeerConnection connection = transaction();
		try (CallableStatement call = connection.prepareCall("{call p(?)}")) {
			call.setInt(1, 1);
			call.execute();
		}
		this.first.dead = true;
		SQLException failure = catchThrowableOfType(SQLException.class, () -> update(connection, 60, 7));
		assertThat((Throwable) failure).as("the connection error reaches the caller").isNotNull();
		assertThat(this.second.executed).isEmpty();
	}

	@Test
	void aStatementThatHasNotRunKeepsItsSettingsWhenTheTransactionBecomesUnrepeatable() throws SQLException {
		PeerConnection connection = transaction();
		Statement statement = connection.createStatement();
		statement.setMaxRows(5);
		assertThat(connection.peer()).as("waiting for its SQL").isNull();
		connection.setSavepoint();
		assertThat(connection.transactionLog()).isNull();
		statement.executeQuery("SELECT 1").close();
		assertThat(this.first.settings).containsExactly("setMaxRows(5)");
	}

	@Test
	void aSavepointMakesTheTransactionUnrepeatable() throws SQLException {
		PeerConnection connection = transaction();
		update(connection, 50, 7);
		connection.setSavepoint();
		assertThat(connection.transactionLog()).isNull();
	}

	@Test
	void aScrollOfAResultSetMakesTheTransactionUnrepeatable() throws SQLException {
		balances("1", "2");
		PeerConnection connection = transaction();
		try (PreparedStatement statement = connection.prepareStatement(READ); ResultSet rows = statement.executeQuery()) {
			rows.absolute(2);
		}
		assertThat(connection.transactionLog()).isNull();
	}

	@Test
	void theNextTransactionOnTheConnectionIsRecordedAfresh() throws SQLException {
		PeerConnection connection = transaction();
		update(connection, 50, 7);
		connection.commit();
		assertThat(connection.transactionLog()).isNull();
		update(connection, 51, 7);
		this.first.dead = true;
		assertThat(update(connection, 52, 7)).isOne();
		assertThat(this.second.executed).as("only the transaction after the commit")
			.containsExactly(UPDATE + " {1=51, 2=7}", UPDATE + " {1=52, 2=7}");
	}

	@Test
	void aCommitCutByTheLostConnectionHasAnUnknownOutcomeAndIsNotReplayed() throws SQLException {
		PeerConnection connection = transaction();
		update(connection, 50, 7);
		this.first.dead = true;
		SQLException failure = catchThrowableOfType(SQLException.class, connection::commit);
		assertThat(failure.getSQLState()).isEqualTo("08007");
		assertThat(failure.getCause()).isInstanceOf(SQLException.class).hasMessageContaining("(first)");
		assertThat(this.second.executed).isEmpty();
	}

	/**
	 * A planned switchover: the old primary turned read-only refuses the commit, so nothing was
	 * committed there; the transaction runs again on the writer and commits there.
	 */
	@Test
	void aCommitRefusedByAServerTurnedReadOnlyIsReplayedOnTheWriter() throws SQLException {
		PeerConnection connection = transaction();
		update(connection, 50, 7);
		this.first.readOnly = true;
		connection.commit();
		assertThat(this.first.commits).isZero();
		assertThat(this.second.commits).isEqualTo(1);
		assertThat(this.second.executed).hasSize(1);
		assertThat(connection.peer()).isSameAs(this.peers[1]);
	}

	/**
	 * A PostgreSQL primary made read-only for a switchover ({@code default_transaction_read_only})
	 * refuses an auto-commit write with {@code 25006}: on a connection the application did not make
	 * read-only, that is the server's refusal, so the write runs again on the writer, the borrow's
	 * first statement and a reused statement's later execution alike, and the peer's role is probed
	 * again at once.
	 */
	@Test
	void anAutoCommitWriteAPostgresServerRefusedAsReadOnlyRunsOnTheWriter() throws SQLException {
		this.first.readOnlyTransactions = true;
		StubPool pool = new StubPool();
		PeerConnection first = new PeerConnection(pool);
		assertThat(update(first, 10, 1)).isOne();
		assertThat(first.peer()).isSameAs(this.peers[1]);
		first.close();
		this.first.readOnlyTransactions = false;
		PeerConnection kept = new PeerConnection(pool);
		java.sql.Statement reused = kept.createStatement();
		assertThat(reused.executeUpdate("UPDATE accounts SET balance = 20 WHERE id = 1")).isOne();
		this.first.readOnlyTransactions = true;
		assertThat(reused.executeUpdate("UPDATE accounts SET balance = 30 WHERE id = 1")).isOne();
		assertThat(kept.peer()).isSameAs(this.peers[1]);
		assertThat(this.second.executed).containsExactly(UPDATE + " {1=10, 2=1}",
				"UPDATE accounts SET balance = 30 WHERE id = 1 {}");
		assertThat(pool.confirmedRoles).containsExactly(this.peers[0], this.peers[0]);
	}

	/**
	 * A recorded transaction whose write a PostgreSQL server refused as read-only after a read
	 * (the transaction began after the primary was made read-only) runs again on the writer.
	 */
	@Test
	void aRecordedTransactionWhoseWriteAPostgresServerRefusedAsReadOnlyRunsAgainOnTheWriter() throws SQLException {
		balances("100");
		PeerConnection connection = transaction();
		assertThat(read(connection, 7)).isEqualTo(100);
		this.first.readOnlyTransactions = true;
		assertThat(update(connection, 60, 7)).isOne();
		connection.commit();
		assertThat(connection.peer()).isSameAs(this.peers[1]);
		assertThat(this.second.executed).containsExactly(READ + " {1=7}", UPDATE + " {1=60, 2=7}");
		assertThat(this.second.commits).isOne();
	}

	/**
	 * A PostgreSQL hot standby cancelled an auto-commit read for a conflict with its recovery
	 * ({@code 40001}): nothing was wrong with the read, so it runs again on another peer.
	 */
	@Test
	void anAutoCommitReadAStandbyCancelledForItsRecoveryRunsAgainOnAnotherPeer() throws SQLException {
		given(this.peers[0].role()).willReturn(PeerRole.REPLICA);
		balances("100");
		this.first.recoveryConflicts = 1;
		PeerConnection connection = new PeerConnection(new StubPool());
		assertThat(read(connection, 7)).isEqualTo(100);
		assertThat(connection.peer()).isSameAs(this.peers[1]);
		assertThat(this.second.executed).containsExactly(READ + " {1=7}");
		connection.close();
	}

	/**
	 * A read-only transaction whose second read a hot standby cancelled for its recovery is
	 * replayed on another peer, the first read compared, and goes on there.
	 */
	@Test
	void aReadOnlyTransactionAStandbyCancelledForItsRecoveryIsReplayedOnAnotherPeer() throws SQLException {
		given(this.peers[0].role()).willReturn(PeerRole.REPLICA);
		balances("100");
		PeerConnection connection = new PeerConnection(new StubPool());
		connection.setReadOnly(true);
		connection.setAutoCommit(false);
		assertThat(read(connection, 7)).isEqualTo(100);
		this.first.recoveryConflicts = 1;
		assertThat(read(connection, 8)).isEqualTo(100);
		connection.commit();
		assertThat(connection.peer()).isSameAs(this.peers[1]);
		assertThat(this.second.executed).containsExactly(READ + " {1=7}", READ + " {1=8}");
		// the standby's connection works: it goes back to its pool, not aborted
		then(this.peers[0]).should().release(any());
		then(this.peers[0]).should(never()).releaseAborted(any(), any());
	}

	/**
	 * Control: the same SQLState from a peer that serves as a primary is a serialization failure,
	 * the application's to handle: it reaches the caller, and nothing runs elsewhere.
	 */
	@Test
	void controlASerializationFailureOnAPrimaryReachesTheCaller() throws SQLException {
		balances("100");
		this.first.recoveryConflicts = 1;
		PeerConnection connection = new PeerConnection(new StubPool());
		SQLException failure = catchThrowableOfType(SQLException.class, () -> read(connection, 7));
		assertThat(failure.getSQLState()).isEqualTo("40001");
		assertThat(this.second.executed).isEmpty();
	}

	/**
	 * A transaction the server rolled back as a deadlock's victim (1213) runs again, its read
	 * compared, on the same peer (the conflict says nothing of it), and commits: its connection
	 * works and goes back to its pool.
	 */
	@Test
	void aTransactionTheServerRolledBackAsADeadlockVictimRunsAgainOnTheSamePeerAndCommits() throws SQLException {
		balances("100");
		PeerConnection connection = transaction();
		assertThat(read(connection, 7)).isEqualTo(100);
		this.first.deadlocks = 1;
		assertThat(update(connection, 60, 7)).isOne();
		connection.commit();
		assertThat(connection.peer()).isSameAs(this.peers[0]);
		assertThat(this.first.executed).containsExactly(READ + " {1=7}", READ + " {1=7}", UPDATE + " {1=60, 2=7}");
		assertThat(this.first.commits).isOne();
		assertThat(this.second.executed).isEmpty();
		then(this.peers[0]).should().release(any());
		then(this.peers[0]).should(never()).releaseAborted(any(), any());
		assertThat(this.replays).containsExactly("conflict replayed peer0");
	}

	/** A commit Galera's certification refused (1213, nothing committed) runs the transaction again and commits. */
	@Test
	void aCommitThatFailedGalerasCertificationRunsTheTransactionAgainAndCommits() throws SQLException {
		PeerConnection connection = transaction();
		assertThat(update(connection, 60, 7)).isOne();
		this.first.certificationFailures = 1;
		connection.commit();
		assertThat(this.first.executed).containsExactly(UPDATE + " {1=60, 2=7}", UPDATE + " {1=60, 2=7}");
		assertThat(this.first.commits).isOne();
	}

	/** A deadlock's victim whose replay reads something else (the winner changed it) gets the deadlock. */
	@Test
	void aDeadlockVictimWhoseReplayReadsSomethingElseGetsTheDeadlock() throws SQLException {
		balances("100");
		PeerConnection connection = transaction();
		assertThat(read(connection, 7)).isEqualTo(100);
		this.first.rows = (sql, parameters) -> List.<String[]>of(new String[] { "101" });
		this.first.deadlocks = 1;
		SQLException failure = catchThrowableOfType(SQLException.class, () -> update(connection, 60, 7));
		assertThat(failure.getErrorCode()).isEqualTo(1213);
		assertThat(replayDifference(failure)).contains("different result");
		assertThat(this.first.commits).isZero();
		assertThat(this.replays).containsExactly("conflict failed peer0");
	}

	/** A transaction that keeps losing its conflict gets it once it ran again {@code MAX_CONFLICTS} times. */
	@Test
	void aTransactionThatKeepsLosingItsConflictGetsItAfterRunningAgainThreeTimes() throws SQLException {
		PeerConnection connection = transaction();
		assertThat(update(connection, 60, 7)).isOne();
		this.first.certificationFailures = 10;
		SQLException failure = catchThrowableOfType(SQLException.class, connection::commit);
		assertThat(failure.getErrorCode()).isEqualTo(1213);
		assertThat(this.first.certificationFailures).as("commits tried: the first and one per run again")
			.isEqualTo(10 - 1 - TransactionReplayer.MAX_CONFLICTS);
		assertThat(this.first.commits).isZero();
	}

	/** Control: a read-write transaction is not recorded under {@code read-only}: its deadlock reaches the caller. */
	@Test
	void controlUnderReadOnlyReplayAReadWriteTransactionsDeadlockReachesTheCaller() throws SQLException {
		this.settings = PeerPoolSettings.defaults("stub");
		balances("100");
		PeerConnection connection = transaction();
		assertThat(read(connection, 7)).isEqualTo(100);
		this.first.deadlocks = 1;
		SQLException failure = catchThrowableOfType(SQLException.class, () -> update(connection, 60, 7));
		assertThat(failure.getErrorCode()).isEqualTo(1213);
		assertThat(this.first.executed).containsExactly(READ + " {1=7}");
		assertThat(this.replays).as("nothing was recorded, nothing ran again").isEmpty();
	}

	/**
	 * Control: {@code 25006} on a connection the application made read-only is the application's
	 * own doing (a write in its read-only transaction): it reaches the caller, on the same peer,
	 * and no probe is asked for.
	 */
	@Test
	void controlAReadOnlyTransactionRefusalOnAConnectionTheApplicationMadeReadOnlyReachesTheCaller()
			throws SQLException {
		this.first.readOnlyTransactions = true;
		StubPool pool = new StubPool();
		PeerConnection connection = new PeerConnection(pool);
		connection.setReadOnly(true);
		SQLException failure = catchThrowableOfType(SQLException.class, () -> update(connection, 10, 1));
		assertThat(failure.getSQLState()).isEqualTo("25006");
		assertThat(this.second.executed).isEmpty();
		assertThat(pool.confirmedRoles).isEmpty();
	}

	/**
	 * Control: a transaction SQL made read-only ({@code SET TRANSACTION READ ONLY}, as Spring's
	 * {@code enforceReadOnly} sends it) has its write refused by its own doing: the refusal reaches
	 * the caller, the transaction is not run again elsewhere, and no probe is asked for.
	 */
	@Test
	void controlAWriteInATransactionSqlMadeReadOnlyGetsItsOwnRefusal() throws SQLException {
		StubPool pool = new StubPool();
		PeerConnection connection = new PeerConnection(pool);
		connection.setAutoCommit(false);
		connection.createStatement().executeUpdate("SET TRANSACTION READ ONLY");
		this.first.readOnlyTransactions = true;
		SQLException failure = catchThrowableOfType(SQLException.class, () -> update(connection, 10, 1));
		assertThat(failure.getSQLState()).isEqualTo("25006");
		assertThat(this.second.executed).isEmpty();
		assertThat(pool.confirmedRoles).isEmpty();
	}

	/** Control: a transaction that is not recorded gets the server's refusal, not 08007: nothing was committed. */
	@Test
	void controlARefusedCommitOfATransactionNotRecordedIsTheServersError() throws SQLException {
		this.settings = this.settings.withTransactionReplay(TransactionReplay.NONE, 64, 1024 * 1024);
		PeerConnection connection = transaction();
		update(connection, 50, 7);
		this.first.readOnly = true;
		SQLException failure = catchThrowableOfType(SQLException.class, connection::commit);
		assertThat(failure.getErrorCode()).isEqualTo(1290);
		assertThat(failure.getSQLState()).isEqualTo("HY000");
		assertThat(this.second.executed).isEmpty();
	}

	/**
	 * A planned switchover under code that keeps one connection for many auto-commit writes: a
	 * write the old primary, turned read-only, refused did nothing there, so it runs again on the
	 * writer also after the borrow's first statement: a reused {@code Statement}'s later execution.
	 */
	@Test
	void aLaterAutoCommitWriteOfAReusedStatementThatAServerTurnedReadOnlyRefusedRunsOnTheWriter() throws SQLException {
		PeerConnection connection = new PeerConnection(new StubPool());
		java.sql.Statement reused = connection.createStatement();
		assertThat(reused.executeUpdate("UPDATE accounts SET balance = 10 WHERE id = 1")).isEqualTo(1);
		this.first.readOnly = true;
		assertThat(reused.executeUpdate("UPDATE accounts SET balance = 20 WHERE id = 1")).isEqualTo(1);
		assertThat(reused.getConnection()).isSameAs(connection);
		assertThat(this.first.executed).containsExactly("UPDATE accounts SET balance = 10 WHERE id = 1 {}");
		assertThat(this.second.executed).containsExactly("UPDATE accounts SET balance = 20 WHERE id = 1 {}");
		assertThat(connection.peer()).isSameAs(this.peers[1]);
	}

	/** As above, for a write prepared after the borrow's first statement: it runs on the writer with its parameters. */
	@Test
	void aLaterPreparedAutoCommitWriteThatAServerTurnedReadOnlyRefusedRunsOnTheWriterWithItsParameters()
			throws SQLException {
		PeerConnection connection = new PeerConnection(new StubPool());
		update(connection, 10, 1);
		this.first.readOnly = true;
		assertThat(update(connection, 20, 1)).isEqualTo(1);
		assertThat(this.first.executed).containsExactly(UPDATE + " {1=10, 2=1}");
		assertThat(this.second.executed).containsExactly(UPDATE + " {1=20, 2=1}");
		assertThat(connection.peer()).isSameAs(this.peers[1]);
	}

	/**
	 * Plain JDBC that prepares a write once and runs it many times: an execution after the first
	 * that the old primary, turned read-only, refused runs on the writer with the parameters the
	 * statement has then, those set again and those kept from an earlier execution, the borrow's
	 * first statement as well as one prepared later.
	 */
	@Test
	void aLaterExecutionOfAReusedPreparedWriteThatAServerTurnedReadOnlyRefusedRunsOnTheWriterWithItsParameters()
			throws SQLException {
		for (boolean first : new boolean[] { true, false }) {
			FakeDatabase old = new FakeDatabase("old");
			FakeDatabase writer = new FakeDatabase("writer");
			this.databases[0] = old;
			this.databases[1] = writer;
			PeerConnection connection = new PeerConnection(new StubPool());
			if (!first) {
				connection.createStatement().executeQuery("SELECT 1");
			}
			PreparedStatement reused = connection.prepareStatement(UPDATE);
			reused.setFetchSize(5);
			reused.setInt(1, 10);
			reused.setLong(2, 1);
			assertThat(reused.executeUpdate()).isEqualTo(1);
			reused.setInt(1, 20);
			assertThat(reused.executeUpdate()).isEqualTo(1);
			old.readOnly = true;
			reused.setInt(1, 30);
			assertThat(reused.executeUpdate()).as("first statement: %s", first).isEqualTo(1);
			reused.setInt(1, 40);
			assertThat(reused.executeUpdate()).isEqualTo(1);
			assertThat(old.executed).as("first statement: %s", first)
				.endsWith(UPDATE + " {1=10, 2=1}", UPDATE + " {1=20, 2=1}");
			assertThat(writer.executed).as("first statement: %s", first)
				.containsExactly(UPDATE + " {1=30, 2=1}", UPDATE + " {1=40, 2=1}");
			assertThat(connection.peer()).isSameAs(this.peers[1]);
			assertThat(reused.getConnection()).isSameAs(connection);
		}
	}

	/**
	 * A later execution of a prepared statement or a batch that finds the connection lost is the
	 * caller's error (its outcome is unknown), and the connection lets go of the lost connection:
	 * the next statement runs on a peer that answers.
	 */
	@Test
	void aLaterExecutionOfAPreparedStatementOrABatchThatFindsTheConnectionLostLetsItGo() throws SQLException {
		for (boolean batch : new boolean[] { false, true }) {
			FakeDatabase lost = new FakeDatabase("lost");
			FakeDatabase other = new FakeDatabase("other");
			this.databases[0] = lost;
			this.databases[1] = other;
			PeerConnection connection = new PeerConnection(new StubPool());
			PreparedStatement reused = connection.prepareStatement(UPDATE);
			reused.setInt(1, 10);
			reused.setLong(2, 1);
			reused.executeUpdate();
			lost.dead = true;
			if (batch) {
				reused.addBatch();
				assertThat(catchThrowableOfType(SQLException.class, reused::executeBatch).getSQLState()).isEqualTo("08000");
			}
			else {
				assertThat(catchThrowableOfType(SQLException.class, reused::executeUpdate).getSQLState())
					.isEqualTo("08000");
			}
			assertThat(connection.createStatement().executeUpdate("UPDATE accounts SET balance = 20 WHERE id = 1"))
				.as("batch: %s", batch)
				.isEqualTo(1);
			assertThat(other.executed).containsExactly("UPDATE accounts SET balance = 20 WHERE id = 1 {}");
		}
	}

	/**
	 * {@code JdbcTemplate.batchUpdate} in auto-commit after the borrow's first statement: a batch is
	 * never run again elsewhere (a part may have run), so its rows are not recorded; the driver
	 * alone holds them, as before write statements kept their parameters.
	 */
	@Test
	void aBatchPreparedAfterTheFirstStatementIsNotRecorded() throws SQLException {
		PeerConnection connection = new PeerConnection(new StubPool());
		connection.createStatement().executeQuery("SELECT 1");
		PreparedStatement batched = connection.prepareStatement(UPDATE);
		for (int i = 0; i < 1_000; i++) {
			batched.setInt(1, i);
			batched.setLong(2, i);
			batched.addBatch();
		}
		assertThat(((ReplayablePreparedStatement) batched).recordedCalls()).isZero();
		assertThat(batched.executeBatch()).hasSize(1_000);
		assertThat(this.first.executed).hasSize(1_001);
	}

	/**
	 * Control: a reused prepared write given a stream (which the driver consumed) or run as a batch
	 * is not run again; the refusal reaches the caller.
	 */
	@Test
	void controlAReusedPreparedWriteWithAStreamOrABatchGetsTheServersRefusal() throws SQLException {
		PeerConnection connection = new PeerConnection(new StubPool());
		connection.createStatement().executeQuery("SELECT 1");
		PreparedStatement streamed = connection.prepareStatement(UPDATE);
		streamed.setBinaryStream(1, new java.io.ByteArrayInputStream(new byte[] { 1 }));
		streamed.setLong(2, 1);
		streamed.executeUpdate();
		PreparedStatement batched = connection.prepareStatement(UPDATE);
		batched.setInt(1, 10);
		batched.setLong(2, 1);
		batched.addBatch();
		batched.executeBatch();
		this.first.readOnly = true;
		assertThat(catchThrowableOfType(SQLException.class, streamed::executeUpdate).getErrorCode()).isEqualTo(1290);
		batched.setInt(1, 20);
		assertThat(catchThrowableOfType(SQLException.class, batched::executeUpdate).getErrorCode()).isEqualTo(1290);
		assertThat(this.second.executed).isEmpty();
	}

	/**
	 * Control: the same refusal reaches the caller inside a transaction that is not recorded (what
	 * it wrote before is refused with it) and for a batch (a part may have run), as before.
	 */
	@Test
	void controlALaterWriteRefusedByAServerTurnedReadOnlyInATransactionOrABatchIsTheServersError()
			throws SQLException {
		this.settings = this.settings.withTransactionReplay(TransactionReplay.NONE, 64, 1024 * 1024);
		PeerConnection inTransaction = transaction();
		java.sql.Statement statement = inTransaction.createStatement();
		statement.executeUpdate("UPDATE accounts SET balance = 10 WHERE id = 1");
		this.first.readOnly = true;
		assertThat(catchThrowableOfType(SQLException.class,
				() -> statement.executeUpdate("UPDATE accounts SET balance = 20 WHERE id = 1")).getErrorCode())
			.isEqualTo(1290);
		assertThat(catchThrowableOfType(SQLException.class, () -> update(inTransaction, 20, 1)).getErrorCode())
			.isEqualTo(1290);

		this.first.readOnly = false;
		PeerConnection batch = new PeerConnection(new StubPool());
		java.sql.Statement batched = batch.createStatement();
		batched.executeUpdate("UPDATE accounts SET balance = 10 WHERE id = 1");
		this.first.readOnly = true;
		batched.addBatch("UPDATE accounts SET balance = 20 WHERE id = 1");
		assertThat(catchThrowableOfType(SQLException.class, batched::executeBatch).getErrorCode()).isEqualTo(1290);
		assertThat(this.second.executed).isEmpty();
	}

	@Test
	void aRollbackOfALostConnectionSucceeds() throws SQLException {
		PeerConnection connection = transaction();
		update(connection, 50, 7);
		this.first.dead = true;
		connection.rollback();
		connection.close();
	}

	@Test
	void whenNoOtherPeerCanServeTheOriginalErrorCarriesWhy() throws SQLException {
		PeerConnection connection = transaction();
		update(connection, 50, 7);
		this.first.dead = true;
		this.second.dead = true;
		SQLException failure = catchThrowableOfType(SQLException.class, () -> update(connection, 60, 7));
		assertThat(failure.getMessage()).contains("(first)");
		assertThat(connection.peer()).isSameAs(this.peers[0]);
	}

	/** Hands out the first database not excluded; a connection-class SQLState is a peer failure. */
	private final class StubPool implements PeerAcquirer {

		/** The peers whose role a read-only refusal asked to probe again, in order. */
		final List<Peer> confirmedRoles = new ArrayList<>();

		@Override
		public String poolName() {
			return "stub";
		}

		@Override
		public PeerPoolSettings settings() {
			return TransactionReplayTests.this.settings;
		}

		@Override
		public boolean isReadWriteSplit() {
			return false;
		}

		@Override
		public Connection acquire(PeerConnection connection, boolean readIntent, long excluded) throws SQLException {
			for (int i = 0; i < TransactionReplayTests.this.peers.length; i++) {
				if ((excluded & (1L << i)) == 0) {
					Connection physical = TransactionReplayTests.this.databases[i].connect();
					connection.attach(TransactionReplayTests.this.peers[i], physical);
					return physical;
				}
			}
			throw new SQLException("No peer can serve", "08001");
		}

		@Override
		public boolean reportIfPeerFailure(Peer peer, SQLException failure) {
			// like the engine: a server running read-only refuses the session, and (like the classifier) a
			// connection closed by the pool says nothing of the server
			return io.peerpool.dialect.Dialect.isServerReadOnly(failure) || (failure.getSQLState() != null
					&& failure.getSQLState().startsWith("08") && !failure.getSQLState().equals("08003"));
		}

		@Override
		public void confirmRole(Peer peer) {
			this.confirmedRoles.add(peer);
		}

		@Override
		public void transactionReplayed(Peer peer, io.peerpool.PeerPoolListener.ReplayReason reason,
				boolean replayed) {
			TransactionReplayTests.this.replays.add(reason.tag() + " " + (replayed ? "replayed" : "failed") + " "
					+ peer.name());
		}

	}

}
