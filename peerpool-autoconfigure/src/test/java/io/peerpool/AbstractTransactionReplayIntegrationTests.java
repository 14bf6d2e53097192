package io.peerpool;

import java.sql.Connection;
import java.sql.JDBCType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.Arrays;
import java.util.Calendar;
import java.util.List;
import java.util.TimeZone;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.peerpool.PeerPoolSettings.TransactionReplay;
import io.peerpool.balance.Balance;
import io.peerpool.test.DatabaseServer;
import io.peerpool.test.JdbcDriver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * Transaction replay on two real servers of one product that both take writes and hold the same rows
 * (no replication: a transaction's writes land only where it commits). The first serves
 * ({@code sequential}); it is killed ({@code kill -9}) in the middle of a transaction of reads and
 * writes. With {@code transaction-replay: all} the transaction runs again on the second, every
 * result compared, and commits there exactly once; without replay, with a result that differs
 * there, past the limit, or when the commit itself is cut, the application gets the error.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractTransactionReplayIntegrationTests {

	private static final AtomicLong ids = new AtomicLong(1000);

	/** Two servers that take writes, not replicating. */
	abstract List<? extends DatabaseServer> servers();

	abstract JdbcDriver driver();

	/** DDL of {@code transfers (id generated, ref, amount)}. */
	abstract String createTransfers();

	/** Makes the next generated id of {@code transfers} {@code next}. */
	abstract String nextTransferId(long next);

	/** A query answering the port of the server that ran it. */
	abstract String portQuery();

	/** Hibernate's dialect for these servers. */
	abstract String hibernateDialect();

	/** SQL that sets session state (which keeps a borrow on its peer). */
	abstract String sessionStatement();

	@BeforeAll
	void createTables() throws SQLException {
		for (DatabaseServer server : servers()) {
			try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
				statement.execute("CREATE TABLE IF NOT EXISTS accounts (id BIGINT PRIMARY KEY, balance INT NOT NULL)");
				statement.execute(createTransfers());
				statement.execute("CREATE TABLE IF NOT EXISTS stamped (ref VARCHAR(60) NOT NULL, at TIMESTAMP NOT NULL,"
						+ " amount INT NOT NULL)");
			}
		}
	}

	@AfterEach
	void bringTheFirstBack() {
		if (first().isFrozen()) {
			first().thaw();
		}
		if (!first().isRunning()) {
			first().restart();
		}
	}

	private DatabaseServer first() {
		return servers().get(0);
	}

	private DatabaseServer second() {
		return servers().get(1);
	}

	private PeerPoolDataSource pool(TransactionReplay replay, int limitStatements) {
		PeerPoolSettings settings = TestPools.fastSettings("replay", Balance.SEQUENTIAL)
			.withTransactionReplay(replay, limitStatements, PeerPoolSettings.DEFAULT_REPLAY_LIMIT_BYTES);
		PeerPoolDataSource pool = TestPools.over(settings, servers(), driver());
		await().atMost(Duration.ofSeconds(30))
			.until(() -> pool.getPeers().stream().allMatch((peer) -> peer.state() == PeerState.UP));
		return pool;
	}

	/**
	 * A pool that finds a peer DOWN only by a failure of the application's own work: no heartbeat, the
	 * next probe of an UP peer a minute away, and no idle connections for HikariCP to open in the
	 * background (a refused attempt marks the peer DOWN at once). A statement sent right after a kill
	 * is then the one that finds the connection lost, not one that a detection already moved elsewhere.
	 */
	private PeerPoolDataSource poolWithoutDetection(TransactionReplay replay) {
		PeerPoolSettings fast = TestPools.fastSettings("replay", Balance.SEQUENTIAL);
		PeerPoolSettings settings = new PeerPoolSettings(fast.name(), fast.balance(), Duration.ofMinutes(1),
				Duration.ZERO, fast.probeTimeout(), fast.connectTimeout(), fast.acquireTimeout(), fast.readWriteSplit(),
				fast.readsIncludePrimary(), fast.maxReplicaLag(), fast.readYourWrites(), fast.pinDuration(),
				fast.unknownLag(), Duration.ZERO, fast.heartbeatTimeout(), replay, 64,
				PeerPoolSettings.DEFAULT_REPLAY_LIMIT_BYTES);
		PeerPoolDataSource pool = TestPools.over(settings, servers(), driver(), (server) -> PeerRole.PRIMARY,
				PeerProbe.standard(), java.util.Map.of("maximum-pool-size", "4", "minimum-idle", "0"));
		await().atMost(Duration.ofSeconds(30))
			.until(() -> pool.getPeers().stream().allMatch((peer) -> peer.state() == PeerState.UP));
		return pool;
	}

	/**
	 * Two accounts with the same balances on both servers, and the next AUTO_INCREMENT value of
	 * {@code transfers} the same on both (a rolled-back insert does not give its value back).
	 */
	private long[] sameAccountsOnBoth() throws SQLException {
		long from = ids.incrementAndGet();
		long to = ids.incrementAndGet();
		long nextTransfer = ids.addAndGet(100);
		for (DatabaseServer server : servers()) {
			try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
				statement.executeUpdate("INSERT INTO accounts VALUES (" + from + ", 100), (" + to + ", 0)");
				statement.execute(nextTransferId(nextTransfer));
			}
		}
		return new long[] { from, to, nextTransfer };
	}

	/** What the transaction does before the kill: a read, an insert whose key it reads, an update, a batch. */
	private static long transferBegins(Connection connection, long[] accounts, String ref) throws SQLException {
		connection.setAutoCommit(false);
		try (PreparedStatement read = connection.prepareStatement("SELECT balance FROM accounts WHERE id = ?")) {
			read.setLong(1, accounts[0]);
			try (ResultSet rows = read.executeQuery()) {
				assertThat(rows.next()).isTrue();
				assertThat(rows.getInt(1)).isEqualTo(100);
			}
		}
		long key;
		try (PreparedStatement insert = connection.prepareStatement(
				"INSERT INTO transfers (ref, amount) VALUES (?, ?)", Statement.RETURN_GENERATED_KEYS)) {
			insert.setString(1, ref);
			insert.setInt(2, 30);
			assertThat(insert.executeUpdate()).isEqualTo(1);
			try (ResultSet keys = insert.getGeneratedKeys()) {
				assertThat(keys.next()).isTrue();
				key = keys.getLong(1);
			}
		}
		try (PreparedStatement update = connection
			.prepareStatement("UPDATE accounts SET balance = balance + ? WHERE id = ?")) {
			update.setInt(1, -30);
			update.setLong(2, accounts[0]);
			update.addBatch();
			update.setInt(1, 30);
			update.setLong(2, accounts[1]);
			update.addBatch();
			assertThat(update.executeBatch()).containsExactly(1, 1);
		}
		return key;
	}

	/** What the transaction does after the kill: the first call to reach the server finds it dead. */
	private void transferEnds(Connection connection, long[] accounts) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT balance FROM accounts WHERE id IN (" + accounts[0] + ", "
						+ accounts[1] + ") ORDER BY id")) {
			assertThat(rows.next()).isTrue();
			assertThat(rows.getInt(1)).isEqualTo(70);
			assertThat(rows.next()).isTrue();
			assertThat(rows.getInt(1)).isEqualTo(30);
		}
		connection.commit();
	}

	private static int transfersOn(DatabaseServer server, String ref) throws SQLException {
		try (Connection connection = server.connect();
				PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM transfers WHERE ref = ?")) {
			statement.setString(1, ref);
			try (ResultSet rows = statement.executeQuery()) {
				rows.next();
				return rows.getInt(1);
			}
		}
	}

	private static int balanceOn(DatabaseServer server, long account) throws SQLException {
		try (Connection connection = server.connect(); Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT balance FROM accounts WHERE id = " + account)) {
			rows.next();
			return rows.getInt(1);
		}
	}

	private int portOf(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(portQuery())) {
			rows.next();
			return rows.getInt(1);
		}
	}

	/** A failure of the connection, as the pool judges it (08xxx on MariaDB, 57P01 when PostgreSQL is killed). */
	private static boolean isConnectionError(SQLException failure) {
		return new io.peerpool.failure.DefaultPeerFailureClassifier().classify(failure) != null;
	}

	private static String describe(Throwable failure) {
		java.io.StringWriter text = new java.io.StringWriter();
		failure.printStackTrace(new java.io.PrintWriter(text));
		return text.toString();
	}

	private static String ref() {
		return "tx-" + ids.incrementAndGet() + "-" + System.nanoTime();
	}

	@Test
	void withReplayAllATransactionCutByAKillCommitsOnTheOtherPeerExactlyOnce() throws SQLException {
		long[] accounts = sameAccountsOnBoth();
		String ref = ref();
		try (PeerPoolDataSource pool = pool(TransactionReplay.ALL, 64); Connection connection = pool.getConnection()) {
			long key = transferBegins(connection, accounts, ref);
			assertThat(key).isEqualTo(accounts[2]);
			first().kill();
			transferEnds(connection, accounts);
			assertThat(portOf(connection)).as("the connection went on on the second server").isEqualTo(second().port());
		}
		assertThat(transfersOn(second(), ref)).isEqualTo(1);
		assertThat(balanceOn(second(), accounts[0])).isEqualTo(70);
		assertThat(balanceOn(second(), accounts[1])).isEqualTo(30);
		first().restart();
		assertThat(transfersOn(first(), ref)).as("rolled back by the killed server").isZero();
		assertThat(balanceOn(first(), accounts[0])).isEqualTo(100);
	}

	/**
	 * Hibernate binds timestamps with a {@code Calendar} when {@code hibernate.jdbc.time_zone} is set:
	 * such a parameter, and one with an {@code SQLType} (where the driver takes one: PgJDBC does not),
	 * is bound again when the transaction is replayed.
	 */
	@Test
	void withReplayAllParametersBoundWithACalendarOrAnSqlTypeAreBoundAgainOnTheOtherPeer() throws SQLException {
		String ref = ref();
		// not the JVM's zone (UTC here): a calendar lost on the way would shift the stored time
		Calendar zone = Calendar.getInstance(TimeZone.getTimeZone("Pacific/Auckland"));
		Timestamp at = Timestamp.valueOf("2026-12-01 10:15:30");
		Timestamp later = Timestamp.valueOf("2026-12-01 10:16:30");
		try (PeerPoolDataSource pool = pool(TransactionReplay.ALL, 64); Connection connection = pool.getConnection()) {
			connection.setAutoCommit(false);
			try (PreparedStatement insert = connection
				.prepareStatement("INSERT INTO stamped (ref, at, amount) VALUES (?, ?, ?)")) {
				insert.setString(1, ref);
				insert.setTimestamp(2, at, zone);
				amount(insert, 30);
				assertThat(insert.executeUpdate()).isEqualTo(1);
				insert.setTimestamp(2, later, zone);
				amount(insert, 40);
				assertThat(insert.executeUpdate()).isEqualTo(1);
			}
			first().kill();
			assertThat(stamped(connection, ref, zone)).containsExactly(at + "=30", later + "=40");
			connection.commit();
			assertThat(portOf(connection)).as("replayed on the second server").isEqualTo(second().port());
		}
		try (Connection connection = second().connect()) {
			assertThat(stamped(connection, ref, zone)).containsExactly(at + "=30", later + "=40");
		}
	}

	private void amount(PreparedStatement insert, int amount) throws SQLException {
		if (driver() == JdbcDriver.POSTGRESQL) {
			insert.setInt(3, amount);
		}
		else {
			insert.setObject(3, amount, JDBCType.INTEGER);
		}
	}

	/** The rows of {@code stamped} with {@code ref}, as {@code at=amount}, {@code at} read in {@code zone}. */
	private static List<String> stamped(Connection connection, String ref, Calendar zone) throws SQLException {
		try (PreparedStatement query = connection
			.prepareStatement("SELECT at, amount FROM stamped WHERE ref = ? ORDER BY at")) {
			query.setString(1, ref);
			try (ResultSet rows = query.executeQuery()) {
				List<String> found = new java.util.ArrayList<>();
				while (rows.next()) {
					found.add(rows.getTimestamp(1, zone) + "=" + rows.getInt(2));
				}
				return found;
			}
		}
	}

	@Test
	void withReplayAllATransactionOnAFrozenPeerCommitsOnTheOtherPeerExactlyOnce() throws SQLException {
		long[] accounts = sameAccountsOnBoth();
		String ref = ref();
		try (PeerPoolDataSource pool = pool(TransactionReplay.ALL, 64); Connection connection = pool.getConnection()) {
			transferBegins(connection, accounts, ref);
			first().freeze();
			// the next statement waits until the heartbeat finds the frozen server and its connections are aborted
			transferEnds(connection, accounts);
			assertThat(portOf(connection)).isEqualTo(second().port());
			first().thaw();
		}
		assertThat(transfersOn(second(), ref)).isEqualTo(1);
		assertThat(balanceOn(second(), accounts[1])).isEqualTo(30);
		assertThat(transfersOn(first(), ref)).as("never committed on the frozen server").isZero();
	}

	@Test
	void controlWithReplayNoneTheSameTransactionFailsWithTheConnectionError() throws SQLException {
		long[] accounts = sameAccountsOnBoth();
		String ref = ref();
		try (PeerPoolDataSource pool = pool(TransactionReplay.NONE, 64); Connection connection = pool.getConnection()) {
			transferBegins(connection, accounts, ref);
			first().kill();
			SQLException failure = catchThrowableOfType(SQLException.class, () -> transferEnds(connection, accounts));
			assertThat(isConnectionError(failure)).as(describe(failure)).isTrue();
			connection.rollback();
		}
		assertThat(transfersOn(second(), ref)).isZero();
		assertThat(balanceOn(second(), accounts[0])).isEqualTo(100);
	}

	/**
	 * The application's way out of a transaction whose connection was lost (the error, then
	 * {@code rollback()}): the same borrowed connection serves the next transaction, on a peer
	 * that answers, as a new borrow would.
	 */
	@Test
	void afterTheRollbackOfATransactionWhoseConnectionWasLostTheNextTransactionRunsOnAnotherPeer()
			throws SQLException {
		long[] accounts = sameAccountsOnBoth();
		try (PeerPoolDataSource pool = pool(TransactionReplay.NONE, 64); Connection connection = pool.getConnection()) {
			connection.setAutoCommit(false);
			assertThat(balance(connection, accounts[0])).isEqualTo(100);
			first().kill();
			SQLException failure = catchThrowableOfType(SQLException.class, () -> balance(connection, accounts[1]));
			assertThat(isConnectionError(failure)).as(describe(failure)).isTrue();
			connection.rollback();
			try (Statement statement = connection.createStatement()) {
				assertThat(statement.executeUpdate("UPDATE accounts SET balance = 1 WHERE id = " + accounts[1])).isOne();
			}
			assertThat(portOf(connection)).isEqualTo(second().port());
			connection.commit();
		}
		assertThat(balanceOn(second(), accounts[1])).isOne();
	}

	/**
	 * The same in auto-commit mode: a statement that finds the connection lost fails (an auto-commit
	 * write with an unknown outcome is never run again), and the next statement of the borrow runs
	 * on a peer that answers instead of on the broken connection.
	 */
	@Test
	void inAutoCommitTheStatementAfterOneThatFoundTheConnectionLostRunsOnAnotherPeer() throws SQLException {
		long[] accounts = sameAccountsOnBoth();
		try (PeerPoolDataSource pool = poolWithoutDetection(TransactionReplay.NONE); Connection connection = pool.getConnection()) {
			assertThat(portOf(connection)).isEqualTo(first().port());
			first().kill();
			SQLException failure = catchThrowableOfType(SQLException.class, () -> {
				try (Statement statement = connection.createStatement()) {
					statement.executeUpdate("UPDATE accounts SET balance = 2 WHERE id = " + accounts[1]);
				}
			});
			assertThat(isConnectionError(failure)).as(describe(failure)).isTrue();
			nextWriteRunsOnTheSecond(connection, accounts[1]);
		}
		assertThat(balanceOn(second(), accounts[1])).isEqualTo(3);
	}

	/** The borrow's next write after the one that found its connection lost: it runs, on the second server. */
	private void nextWriteRunsOnTheSecond(Connection connection, long account) throws SQLException {
		try (PreparedStatement update = connection.prepareStatement("UPDATE accounts SET balance = ? WHERE id = ?")) {
			update.setInt(1, 3);
			update.setLong(2, account);
			assertThat(update.executeUpdate()).isOne();
		}
		assertThat(portOf(connection)).isEqualTo(second().port());
	}

	/**
	 * The same when the statement that finds the connection lost is the driver's own (a prepared
	 * statement made after the borrow's first statement ran, which peerpool does not wrap for
	 * failover): the connection pool behind marks the connection closed, and the next statement
	 * the borrow prepares runs on a peer that answers instead of failing with "connection closed".
	 */
	@Test
	void inAutoCommitAStatementPreparedAfterADriverStatementFoundTheConnectionLostRunsOnAnotherPeer()
			throws SQLException {
		long[] accounts = sameAccountsOnBoth();
		try (PeerPoolDataSource pool = pool(TransactionReplay.NONE, 64); Connection connection = pool.getConnection()) {
			assertThat(portOf(connection)).isEqualTo(first().port());
			try (PreparedStatement driverOwn = connection.prepareStatement("UPDATE accounts SET balance = ? WHERE id = ?")) {
				first().kill();
				driverOwn.setInt(1, 2);
				driverOwn.setLong(2, accounts[1]);
				SQLException failure = catchThrowableOfType(SQLException.class, driverOwn::executeUpdate);
				assertThat(isConnectionError(failure)).as(describe(failure)).isTrue();
			}
			nextWriteRunsOnTheSecond(connection, accounts[1]);
		}
		assertThat(balanceOn(second(), accounts[1])).isEqualTo(3);
	}

	/**
	 * The same when the statement that finds the connection lost is a later execution of a
	 * prepared statement the borrow reuses: it fails, and the borrow's next statement (a plain one,
	 * which takes no new prepared statement to hide the broken connection) runs on a peer that
	 * answers.
	 */
	@Test
	void inAutoCommitAStatementAfterAReusedPreparedStatementFoundTheConnectionLostRunsOnAnotherPeer()
			throws SQLException {
		long[] accounts = sameAccountsOnBoth();
		try (PeerPoolDataSource pool = poolWithoutDetection(TransactionReplay.NONE); Connection connection = pool.getConnection()) {
			try (PreparedStatement reused = connection.prepareStatement("UPDATE accounts SET balance = ? WHERE id = ?")) {
				reused.setInt(1, 1);
				reused.setLong(2, accounts[1]);
				assertThat(reused.executeUpdate()).isOne();
				assertThat(portOf(connection)).isEqualTo(first().port());
				first().kill();
				reused.setInt(1, 2);
				SQLException failure = catchThrowableOfType(SQLException.class, reused::executeUpdate);
				assertThat(isConnectionError(failure)).as(describe(failure)).isTrue();
			}
			try (Statement statement = connection.createStatement()) {
				assertThat(statement.executeUpdate("UPDATE accounts SET balance = 3 WHERE id = " + accounts[1])).isOne();
			}
			assertThat(portOf(connection)).isEqualTo(second().port());
		}
		assertThat(balanceOn(second(), accounts[1])).isEqualTo(3);
	}

	/** How the serving peer fails between two statements of a borrow. */
	enum Fault {

		KILL, FREEZE;

		void apply(DatabaseServer server) {
			if (this == KILL) {
				server.kill();
			}
			else {
				server.freeze();
			}
		}

	}

	private static void awaitFirstDown(PeerPoolDataSource pool) {
		await().atMost(Duration.ofSeconds(20)).until(() -> pool.getPeers().get(0).state() == PeerState.DOWN);
	}

	/**
	 * A borrow in auto-commit whose peer was found DOWN between two of its statements (killed, or
	 * frozen and caught by the heartbeat): nothing of its next statements reached that peer and no
	 * transaction or session state is there to lose, so they run on a peer that answers, without an
	 * error. Both kinds of statement: one created after the fault ({@code JdbcTemplate}'s way) and a
	 * plain statement created before it and executed again.
	 */
	@ParameterizedTest
	@EnumSource(Fault.class)
	void inAutoCommitTheStatementsAfterTheBorrowsPeerWasFoundDownRunOnAnotherPeer(Fault fault) throws SQLException {
		long[] accounts = sameAccountsOnBoth();
		try (PeerPoolDataSource pool = pool(TransactionReplay.NONE, 64); Connection connection = pool.getConnection();
				Statement before = connection.createStatement()) {
			assertThat(before.executeUpdate("UPDATE accounts SET balance = 1 WHERE id = " + accounts[1])).isOne();
			assertThat(portOf(connection)).isEqualTo(first().port());
			fault.apply(first());
			awaitFirstDown(pool);
			assertThat(before.executeUpdate("UPDATE accounts SET balance = 2 WHERE id = " + accounts[1])).isOne();
			assertThat(balanceOn(second(), accounts[1])).isEqualTo(2);
			nextWriteRunsOnTheSecond(connection, accounts[1]);
		}
		assertThat(balanceOn(second(), accounts[1])).isEqualTo(3);
	}

	/**
	 * The same for a transaction begun on such a borrow (a read in auto-commit before it, as with
	 * open-in-view): {@code setAutoCommit(false)} is not sent to the dead peer's connection, and the
	 * transaction runs and commits on a peer that answers.
	 */
	@ParameterizedTest
	@EnumSource(Fault.class)
	void aTransactionBegunAfterTheBorrowsPeerWasFoundDownRunsOnAnotherPeer(Fault fault) throws SQLException {
		long[] accounts = sameAccountsOnBoth();
		try (PeerPoolDataSource pool = pool(TransactionReplay.NONE, 64); Connection connection = pool.getConnection()) {
			assertThat(balance(connection, accounts[0])).isEqualTo(100);
			assertThat(portOf(connection)).isEqualTo(first().port());
			fault.apply(first());
			awaitFirstDown(pool);
			connection.setAutoCommit(false);
			try (Statement statement = connection.createStatement()) {
				assertThat(statement.executeUpdate("UPDATE accounts SET balance = 4 WHERE id = " + accounts[1])).isOne();
			}
			assertThat(portOf(connection)).isEqualTo(second().port());
			connection.commit();
		}
		assertThat(balanceOn(second(), accounts[1])).isEqualTo(4);
	}

	/**
	 * The same through JPA with open-in-view, as Spring Boot sets it up: the request's entity
	 * manager holds its connection from its first read (a read-only transaction) to the request's
	 * end. When that connection's peer dies and is found DOWN, the request's read-write transaction
	 * after it begins and commits on a peer that answers.
	 */
	@ParameterizedTest
	@EnumSource(Fault.class)
	void anOpenInViewRequestsTransactionAfterItsPeerWasFoundDownRunsOnAnotherPeer(Fault fault) throws SQLException {
		long[] accounts = sameAccountsOnBoth();
		try (PeerPoolDataSource pool = pool(TransactionReplay.NONE, 64);
				JpaWork jpa = new JpaWork(pool, hibernateDialect(), false)) {
			jpa.inView(() -> {
				Integer read = jpa.transactions(org.springframework.transaction.TransactionDefinition.ISOLATION_DEFAULT, true)
					.execute((status) -> ((Number) jpa.single(portQuery())).intValue());
				assertThat(read).isEqualTo(first().port());
				fault.apply(first());
				awaitFirstDown(pool);
				Integer wrote = jpa.transactions(org.springframework.transaction.TransactionDefinition.ISOLATION_DEFAULT, false)
					.execute((status) -> {
						assertThat(jpa.entityManager.createNativeQuery("UPDATE accounts SET balance = 6 WHERE id = ?")
							.setParameter(1, accounts[1])
							.executeUpdate()).isOne();
						return ((Number) jpa.single(portQuery())).intValue();
					});
				assertThat(wrote).isEqualTo(second().port());
			});
		}
		assertThat(balanceOn(second(), accounts[1])).isEqualTo(6);
	}

	/**
	 * Control: a borrow whose session SQL keeps it on its peer (a session variable, {@code SET ...})
	 * is not moved when the peer is found DOWN, since its state would be lost behind the
	 * application's back: its next statement fails with the connection's error.
	 */
	@Test
	void controlABorrowPinnedBySessionSqlIsNotMovedWhenItsPeerIsFoundDown() throws SQLException {
		long[] accounts = sameAccountsOnBoth();
		try (PeerPoolDataSource pool = pool(TransactionReplay.NONE, 64); Connection connection = pool.getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute(sessionStatement());
			assertThat(portOf(connection)).isEqualTo(first().port());
			first().kill();
			awaitFirstDown(pool);
			SQLException failure = catchThrowableOfType(SQLException.class,
					() -> statement.executeUpdate("UPDATE accounts SET balance = 5 WHERE id = " + accounts[1]));
			assertThat((Throwable) failure).as("the pinned borrow's statement fails").isNotNull();
		}
		assertThat(balanceOn(second(), accounts[1])).isZero();
	}

	@Test
	void aResultThatDiffersOnTheOtherPeerGivesTheOriginalError() throws SQLException {
		long[] accounts = sameAccountsOnBoth();
		String ref = ref();
		try (PeerPoolDataSource pool = pool(TransactionReplay.ALL, 64); Connection connection = pool.getConnection()) {
			transferBegins(connection, accounts, ref);
			// another client changed what the transaction read, on the server it would be replayed on
			try (Connection other = second().connect(); Statement statement = other.createStatement()) {
				statement.executeUpdate("UPDATE accounts SET balance = 90 WHERE id = " + accounts[0]);
			}
			first().kill();
			SQLException failure = catchThrowableOfType(SQLException.class, () -> transferEnds(connection, accounts));
			assertThat(isConnectionError(failure)).as("the original error").isTrue();
			assertThat(Arrays.stream(failure.getSuppressed()).map(Throwable::getMessage)).as(describe(failure))
				.anySatisfy((message) -> assertThat(message).contains("different result").contains("rows differ"));
			connection.rollback();
		}
		assertThat(transfersOn(second(), ref)).as("the replay was rolled back").isZero();
		assertThat(balanceOn(second(), accounts[0])).isEqualTo(90);
	}

	@Test
	void aTransactionPastTheLimitIsNotRecordedAndGivesTheOriginalError() throws SQLException {
		long[] accounts = sameAccountsOnBoth();
		String ref = ref();
		try (PeerPoolDataSource pool = pool(TransactionReplay.ALL, 2); Connection connection = pool.getConnection()) {
			transferBegins(connection, accounts, ref);
			first().kill();
			SQLException failure = catchThrowableOfType(SQLException.class, () -> transferEnds(connection, accounts));
			assertThat(isConnectionError(failure)).as(describe(failure)).isTrue();
			assertThat(failure.getSuppressed()).isEmpty();
			connection.rollback();
		}
		assertThat(transfersOn(second(), ref)).isZero();
	}

	@Test
	void withReplayAllACommitAfterThePoolAbortedTheConnectionCommitsOnTheOtherPeerExactlyOnce() throws SQLException {
		long[] accounts = sameAccountsOnBoth();
		String ref = ref();
		try (PeerPoolDataSource pool = pool(TransactionReplay.ALL, 64); Connection connection = pool.getConnection()) {
			transferBegins(connection, accounts, ref);
			first().freeze();
			awaitAbortedOnTheFirst(pool);
			// the commit is the next call: it never reached the frozen server
			connection.commit();
			assertThat(portOf(connection)).isEqualTo(second().port());
			first().thaw();
		}
		assertThat(transfersOn(second(), ref)).isEqualTo(1);
		assertThat(balanceOn(second(), accounts[0])).isEqualTo(70);
		assertThat(balanceOn(second(), accounts[1])).isEqualTo(30);
		assertThat(transfersOn(first(), ref)).as("rolled back by the server whose connection was aborted").isZero();
	}

	@Test
	void controlWithReplayNoneACommitAfterThePoolAbortedTheConnectionSaysNothingWasCommitted() throws SQLException {
		long[] accounts = sameAccountsOnBoth();
		String ref = ref();
		try (PeerPoolDataSource pool = pool(TransactionReplay.NONE, 64); Connection connection = pool.getConnection()) {
			transferBegins(connection, accounts, ref);
			first().freeze();
			awaitAbortedOnTheFirst(pool);
			SQLException failure = catchThrowableOfType(SQLException.class, connection::commit);
			// known: the commit was never sent (not the 08007 of a commit cut on its way)
			assertThat(failure.getSQLState()).as(describe(failure)).isEqualTo("08003");
			assertThat(failure.getMessage()).contains("was not committed");
			connection.rollback();
			first().thaw();
		}
		assertThat(transfersOn(second(), ref)).isZero();
		assertThat(transfersOn(first(), ref)).isZero();
	}

	/** Whether a thread waits in {@code commit()} for the server's answer: the commit was sent. */
	private static boolean inCommit() {
		return Thread.getAllStackTraces().values().stream().anyMatch((stack) -> {
			boolean peerCommit = false;
			for (StackTraceElement frame : stack) {
				peerCommit |= frame.getClassName().endsWith("PeerConnection") && frame.getMethodName().equals("commit");
			}
			// waiting for the server's answer: a socket read under the commit
			return peerCommit && Arrays.stream(stack)
				.anyMatch((frame) -> frame.getClassName().contains("Socket") && frame.getMethodName().startsWith("read"));
		});
	}

	/** The first peer is DOWN: the pool aborts its borrowed connections (the transaction's among them). */
	private void awaitAbortedOnTheFirst(PeerPoolDataSource pool) {
		await().atMost(Duration.ofSeconds(10)).until(() -> pool.getPeer(first().name()).state() == PeerState.DOWN);
	}

	@Test
	void aCommitCutOnItsWayHasAnUnknownOutcomeAndIsNeverReplayed() throws SQLException {
		long[] accounts = sameAccountsOnBoth();
		String ref = ref();
		try (PeerPoolDataSource pool = pool(TransactionReplay.ALL, 64); Connection connection = pool.getConnection()) {
			transferBegins(connection, accounts, ref);
			// the commit is sent while the peer is UP and the server never answers (frozen); the pool then
			// finds the peer DOWN and cuts its connections: the commit may yet run when the server thaws
			// (a commit after the pool found the peer DOWN is never sent, and so replayed: see above)
			first().freeze();
			java.util.concurrent.CompletableFuture<Throwable> commit = java.util.concurrent.CompletableFuture
				.supplyAsync(() -> org.assertj.core.api.Assertions.catchThrowable(connection::commit));
			await().atMost(Duration.ofSeconds(5)).until(AbstractTransactionReplayIntegrationTests::inCommit);
			Throwable thrown = commit.orTimeout(10, TimeUnit.SECONDS).join();
			assertThat(thrown).as("the commit failed").isInstanceOf(SQLException.class);
			SQLException failure = (SQLException) thrown;
			assertThat(failure.getSQLState()).isEqualTo("08007");
			assertThat(failure.getCause()).isInstanceOf(SQLException.class);
			assertThat(isConnectionError((SQLException) failure.getCause())).isTrue();
			// the transaction is gone with the connection: a rollback has nothing to undo and succeeds
			connection.rollback();
		}
		assertThat(transfersOn(second(), ref)).as("never replayed").isZero();
	}

	/**
	 * A read-only transaction (JDBC read-only: the server refuses writes in it) whose commit is cut
	 * on its way: nothing was there to commit, so the commit succeeds, with or without replay (a
	 * read-only transaction that fails at its commit after all its reads were made loses the
	 * application's work for nothing); the connection goes on on the other server.
	 */
	@ParameterizedTest
	@EnumSource(names = { "NONE", "READ_ONLY" })
	void aReadOnlyTransactionWhoseCommitIsCutSucceedsForNothingWasToCommit(TransactionReplay replay)
			throws SQLException {
		long[] accounts = sameAccountsOnBoth();
		try (PeerPoolDataSource pool = pool(replay, 64); Connection connection = pool.getConnection()) {
			connection.setReadOnly(true);
			connection.setAutoCommit(false);
			assertThat(balance(connection, accounts[0])).isEqualTo(100);
			first().freeze();
			java.util.concurrent.CompletableFuture<Throwable> commit = java.util.concurrent.CompletableFuture
				.supplyAsync(() -> org.assertj.core.api.Assertions.catchThrowable(connection::commit));
			await().atMost(Duration.ofSeconds(5)).until(AbstractTransactionReplayIntegrationTests::inCommit);
			Throwable thrown = commit.orTimeout(10, TimeUnit.SECONDS).join();
			assertThat(thrown).as("the commit of a read-only transaction").isNull();
			assertThat(balance(connection, accounts[1])).as("the next transaction").isZero();
			assertThat(portOf(connection)).isEqualTo(second().port());
			connection.commit();
			first().thaw();
		}
	}

	/** The same after the pool aborted the connection before the commit: the reads stand, the commit succeeds. */
	@Test
	void aReadOnlyTransactionWhoseConnectionThePoolAbortedBeforeTheCommitCommits() throws SQLException {
		long[] accounts = sameAccountsOnBoth();
		try (PeerPoolDataSource pool = pool(TransactionReplay.NONE, 64); Connection connection = pool.getConnection()) {
			connection.setReadOnly(true);
			connection.setAutoCommit(false);
			assertThat(balance(connection, accounts[0])).isEqualTo(100);
			first().freeze();
			awaitAbortedOnTheFirst(pool);
			connection.commit();
			assertThat(portOf(connection)).isEqualTo(second().port());
			connection.commit();
			first().thaw();
		}
	}

	/**
	 * A pool whose connections are read-only by its HikariCP settings ({@code hikari.read-only},
	 * a reporting pool), used by plain JDBC that never calls {@code setReadOnly}: its transactions
	 * are read-only ones, replayed by default like those that ask for it.
	 */
	@Test
	void aTransactionOfAPoolConfiguredReadOnlyIsReplayedByDefault() throws SQLException {
		long[] accounts = sameAccountsOnBoth();
		try (PeerPoolDataSource pool = readOnlyPool(); Connection connection = pool.getConnection()) {
			connection.setAutoCommit(false);
			assertThat(balance(connection, accounts[0])).isEqualTo(100);
			first().kill();
			assertThat(balance(connection, accounts[1])).as("after the kill").isZero();
			assertThat(portOf(connection)).isEqualTo(second().port());
			connection.commit();
		}
	}

	@Test
	void aConnectionOfAPoolConfiguredReadOnlySaysSoBeforeItsFirstStatement() throws SQLException {
		try (PeerPoolDataSource pool = readOnlyPool(); Connection connection = pool.getConnection()) {
			assertThat(connection.isReadOnly()).as("before the first statement").isTrue();
			assertThat(portOf(connection)).isPositive();
			assertThat(connection.isReadOnly()).as("after it").isTrue();
		}
	}

	/** {@code setReadOnly(false)} before the first statement, on a pool configured read-only: the transaction may write. */
	@Test
	void setReadOnlyFalseBeforeTheFirstStatementLetsAPoolConfiguredReadOnlyWrite() throws SQLException {
		long id = ids.incrementAndGet();
		try (PeerPoolDataSource pool = readOnlyPool(); Connection connection = pool.getConnection()) {
			connection.setReadOnly(false);
			assertThat(connection.isReadOnly()).isFalse();
			connection.setAutoCommit(false);
			try (Statement statement = connection.createStatement()) {
				assertThat(statement.executeUpdate("INSERT INTO accounts VALUES (" + id + ", 7)")).isOne();
			}
			connection.commit();
		}
		try (Connection check = first().connect(); Statement statement = check.createStatement();
				ResultSet rows = statement.executeQuery("SELECT balance FROM accounts WHERE id = " + id)) {
			assertThat(rows.next()).as("the row written").isTrue();
		}
	}

	private PeerPoolDataSource readOnlyPool() {
		PeerPoolSettings settings = TestPools.fastSettings("read-only-pool", Balance.SEQUENTIAL);
		PeerPoolDataSource pool = TestPools.over(settings, servers(), driver(), (server) -> PeerRole.PRIMARY,
				PeerProbe.standard(), java.util.Map.of("maximum-pool-size", "4", "minimum-idle", "2", "read-only", "true"));
		await().atMost(Duration.ofSeconds(30))
			.until(() -> pool.getPeers().stream().allMatch((peer) -> peer.state() == PeerState.UP));
		return pool;
	}

	private static int balance(Connection connection, long account) throws SQLException {
		try (PreparedStatement read = connection.prepareStatement("SELECT balance FROM accounts WHERE id = ?")) {
			read.setLong(1, account);
			try (ResultSet rows = read.executeQuery()) {
				assertThat(rows.next()).isTrue();
				return rows.getInt(1);
			}
		}
	}

	/**
	 * Also with Spring's {@code enforceReadOnly}, which sends {@code SET TRANSACTION READ ONLY} at the
	 * transaction's begin: the transaction stays read-only, and is replayed by default like one that
	 * only calls {@code setReadOnly(true)}.
	 */
	@ParameterizedTest(name = "enforceReadOnly {0}")
	@org.junit.jupiter.params.provider.ValueSource(booleans = { false, true })
	void aReadOnlySpringTransactionIsReplayedByDefault(boolean enforceReadOnly) throws SQLException {
		long[] accounts = sameAccountsOnBoth();
		PeerPoolSettings settings = TestPools.fastSettings("replay", Balance.SEQUENTIAL);
		assertThat(settings.transactionReplay()).isEqualTo(TransactionReplay.READ_ONLY);
		try (PeerPoolDataSource pool = TestPools.over(settings, servers(), driver())) {
			await().atMost(Duration.ofSeconds(30))
				.until(() -> pool.getPeers().stream().allMatch((peer) -> peer.state() == PeerState.UP));
			JdbcTemplate jdbc = new JdbcTemplate(pool);
			DataSourceTransactionManager transactions = new DataSourceTransactionManager(pool);
			transactions.setEnforceReadOnly(enforceReadOnly);
			TransactionTemplate readOnly = new TransactionTemplate(transactions);
			readOnly.setReadOnly(true);
			Integer port = readOnly.execute((status) -> {
				Integer balance = jdbc.queryForObject("SELECT balance FROM accounts WHERE id = ?", Integer.class,
						accounts[0]);
				assertThat(balance).isEqualTo(100);
				first().kill();
				assertThat(jdbc.queryForObject("SELECT balance FROM accounts WHERE id = ?", Integer.class, accounts[1]))
					.isZero();
				// after the replay, not part of it (the port differs between the servers: a replay would refuse it)
				return jdbc.queryForObject(portQuery(), Integer.class);
			});
			assertThat(port).isEqualTo(second().port());
		}
	}

	/**
	 * JPA as Spring Boot sets it up ({@code JpaTransactionManager}, Hibernate, Boot's connection
	 * handling): a read-only {@code @Transactional} cut by a kill is replayed by default, whatever
	 * Hibernate asks of the connection around its queries.
	 */
	@Test
	void aReadOnlyJpaTransactionIsReplayedByDefault() throws SQLException {
		long[] accounts = sameAccountsOnBoth();
		PeerPoolSettings settings = TestPools.fastSettings("replay", Balance.SEQUENTIAL);
		try (PeerPoolDataSource pool = TestPools.over(settings, servers(), driver());
				JpaWork jpa = new JpaWork(pool, hibernateDialect(), false)) {
			await().atMost(Duration.ofSeconds(30))
				.until(() -> pool.getPeers().stream().allMatch((peer) -> peer.state() == PeerState.UP));
			Integer port = jpa.transactions(org.springframework.transaction.TransactionDefinition.ISOLATION_DEFAULT, true)
				.execute((status) -> {
					assertThat(((Number) jpa.single("SELECT balance FROM accounts WHERE id = " + accounts[0])).intValue())
						.isEqualTo(100);
					first().kill();
					assertThat(((Number) jpa.single("SELECT balance FROM accounts WHERE id = " + accounts[1])).intValue())
						.isZero();
					return ((Number) jpa.single(portQuery())).intValue();
				});
			assertThat(port).isEqualTo(second().port());
		}
	}

	/** With {@code transaction-replay: all}, a JPA read-write transaction cut by a kill commits on the other peer, once. */
	@Test
	void withReplayAllAJpaTransactionCutByAKillCommitsOnTheOtherPeerExactlyOnce() throws SQLException {
		long[] accounts = sameAccountsOnBoth();
		String ref = ref();
		try (PeerPoolDataSource pool = pool(TransactionReplay.ALL, 64);
				JpaWork jpa = new JpaWork(pool, hibernateDialect(), false)) {
			jpa.transactions(org.springframework.transaction.TransactionDefinition.ISOLATION_DEFAULT, false)
				.executeWithoutResult((status) -> {
					assertThat(((Number) jpa.single("SELECT balance FROM accounts WHERE id = " + accounts[0])).intValue())
						.isEqualTo(100);
					assertThat(jpa.entityManager.createNativeQuery("INSERT INTO transfers (ref, amount) VALUES (?, ?)")
						.setParameter(1, ref).setParameter(2, 30).executeUpdate()).isEqualTo(1);
					first().kill();
					assertThat(jpa.entityManager.createNativeQuery("UPDATE accounts SET balance = balance - 30 WHERE id = ?")
						.setParameter(1, accounts[0]).executeUpdate()).isEqualTo(1);
				});
		}
		assertThat(transfersOn(second(), ref)).isEqualTo(1);
		assertThat(balanceOn(second(), accounts[0])).isEqualTo(70);
		first().restart();
		assertThat(transfersOn(first(), ref)).as("rolled back by the killed server").isZero();
	}

	/**
	 * Two read-write Spring transactions move money between two accounts in opposite order and
	 * deadlock; the server rolls the victim back whole (MariaDB 1213, PostgreSQL {@code 40P01}). With
	 * {@code transaction-replay: all} the victim runs again on the same server once the other let go,
	 * its update counts compared, and commits: both transfers are there and no caller saw the deadlock.
	 */
	@Test
	void withReplayAllADeadlocksVictimRunsAgainAndBothTransfersCommit() throws Exception {
		long[] accounts = sameAccountsOnBoth();
		try (PeerPoolDataSource pool = pool(TransactionReplay.ALL, 64)) {
			io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
			new io.peerpool.metrics.PeerPoolMetrics(() -> List.of(pool)).bindTo(registry);

			List<Throwable> failures = deadlockingTransfers(pool, accounts);

			assertThat(failures).as("failed transfers").isEmpty();
			assertThat(registry.get("peerpool.transactions.replayed").tags("reason", "conflict", "outcome", "replayed")
				.counter()
				.count()).as("the victim's replay, counted").isEqualTo(1.0);
		}
		assertThat(balanceOn(first(), accounts[0])).isEqualTo(100 - 10 + 5);
		assertThat(balanceOn(first(), accounts[1])).isEqualTo(10 - 5);
		assertThat(balanceOn(second(), accounts[0])).as("nothing ran on the other server").isEqualTo(100);
	}

	/** Control: without replay the deadlock's victim reaches its caller, and only the other transfer is there. */
	@Test
	void controlWithReplayNoneADeadlocksVictimFails() throws Exception {
		long[] accounts = sameAccountsOnBoth();
		try (PeerPoolDataSource pool = pool(TransactionReplay.NONE, 64)) {
			List<Throwable> failures = deadlockingTransfers(pool, accounts);

			assertThat(failures).as("failed transfers").singleElement()
				.isInstanceOf(org.springframework.dao.PessimisticLockingFailureException.class);
		}
		assertThat(balanceOn(first(), accounts[0]) + balanceOn(first(), accounts[1])).isEqualTo(100);
		assertThat(balanceOn(first(), accounts[0])).isIn(100 - 10, 100 + 5);
	}

	/**
	 * Two transfers that each lock one account, wait until the other locked the other, then update
	 * it: a deadlock. What the two callers got.
	 */
	private static List<Throwable> deadlockingTransfers(PeerPoolDataSource pool, long[] accounts) throws Exception {
		JdbcTemplate jdbc = new JdbcTemplate(pool);
		TransactionTemplate readWrite = new TransactionTemplate(new DataSourceTransactionManager(pool));
		java.util.concurrent.CyclicBarrier bothLocked = new java.util.concurrent.CyclicBarrier(2);
		java.util.function.BiFunction<long[], Integer, Runnable> transfer = (order, amount) -> () -> readWrite
			.executeWithoutResult((status) -> {
				jdbc.update("UPDATE accounts SET balance = balance - ? WHERE id = ?", amount, order[0]);
				try {
					bothLocked.await(30, TimeUnit.SECONDS);
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
				jdbc.update("UPDATE accounts SET balance = balance + ? WHERE id = ?", amount, order[1]);
			});
		java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(2);
		try {
			List<java.util.concurrent.Future<?>> both = List.of(
					threads.submit(transfer.apply(new long[] { accounts[0], accounts[1] }, 10)),
					threads.submit(transfer.apply(new long[] { accounts[1], accounts[0] }, 5)));
			List<Throwable> failures = new java.util.ArrayList<>();
			for (java.util.concurrent.Future<?> one : both) {
				try {
					one.get(60, TimeUnit.SECONDS);
				}
				catch (java.util.concurrent.ExecutionException ex) {
					failures.add(ex.getCause());
				}
			}
			return failures;
		}
		finally {
			threads.shutdownNow();
		}
	}

	@Test
	void controlAReadWriteSpringTransactionIsNotReplayedByDefault() throws SQLException {
		long[] accounts = sameAccountsOnBoth();
		PeerPoolSettings settings = TestPools.fastSettings("replay", Balance.SEQUENTIAL);
		try (PeerPoolDataSource pool = TestPools.over(settings, servers(), driver())) {
			await().atMost(Duration.ofSeconds(30))
				.until(() -> pool.getPeers().stream().allMatch((peer) -> peer.state() == PeerState.UP));
			JdbcTemplate jdbc = new JdbcTemplate(pool);
			TransactionTemplate readWrite = new TransactionTemplate(new DataSourceTransactionManager(pool));
			RuntimeException failure = catchThrowableOfType(RuntimeException.class, () -> readWrite.execute((status) -> {
				jdbc.queryForObject("SELECT balance FROM accounts WHERE id = ?", Integer.class, accounts[0]);
				first().kill();
				return jdbc.queryForObject("SELECT balance FROM accounts WHERE id = ?", Integer.class, accounts[1]);
			}));
			assertThat(failure).isInstanceOf(org.springframework.dao.DataAccessException.class);
		}
	}

}
