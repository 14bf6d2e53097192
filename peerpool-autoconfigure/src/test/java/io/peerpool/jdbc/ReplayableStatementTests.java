package io.peerpool.jdbc;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Connection;
import java.sql.Date;
import java.sql.JDBCType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mockito.InOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

/**
 * The replayable first statement on its own, against a stub {@link StatementHost} and mocked
 * driver statements: what it records, what it replays on the statement re-created after a
 * failover, and that it stops recording after the first execution. The real-server behaviour is covered by the failover tests.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReplayableStatementTests {

	private static final SQLException DEAD = new SQLException("Socket error", "08S01");

	private final StatementHost connection = mock(StatementHost.class);

	private final Connection application = mock(Connection.class);

	private final Connection firstPhysical = mock(Connection.class);

	private final Connection nextPhysical = mock(Connection.class);

	/**
	 * {@code cancel()} comes from another thread (a watchdog, a time limiter): on a statement still
	 * waiting for its SQL nothing runs, and it must not take a physical connection, from a thread
	 * that is not the connection's, to cancel nothing.
	 */
	@Test
	void cancelOfAStatementThatHasNotRunTakesNoConnection() throws SQLException {
		ReplayableStatement statement = new ReplayableStatement(this.connection, null,
				(physical, sql) -> physical.createStatement());
		statement.cancel();
		verify(this.connection, never()).physicalConnection();
		Statement driver = mock(Statement.class);
		ReplayableStatement running = new ReplayableStatement(this.connection, driver,
				(physical, sql) -> physical.createStatement());
		running.cancel();
		verify(driver).cancel();
	}

	@Test
	void lazyStatementRecordsSettingsWithoutAConnectionAndReplaysThemWhenItsSqlIsKnown() throws SQLException {
		Statement driver = mock(Statement.class);
		ResultSet rows = mock(ResultSet.class);
		given(this.connection.physicalConnection()).willReturn(this.firstPhysical);
		given(this.firstPhysical.createStatement()).willReturn(driver);
		given(driver.executeQuery("SELECT 1")).willReturn(rows);
		ReplayableStatement statement = new ReplayableStatement(this.connection, null,
				(physical, sql) -> physical.createStatement());
		statement.setFetchSize(100);
		statement.setQueryTimeout(5);
		statement.setEscapeProcessing(false);
		verifyNoInteractions(this.firstPhysical);
		assertThat(statement.executeQuery("SELECT 1")).isSameAs(rows);
		InOrder order = inOrder(this.connection, driver);
		order.verify(this.connection).beforeStatement("SELECT 1");
		order.verify(this.connection).physicalConnection();
		order.verify(driver).setFetchSize(100);
		order.verify(driver).setQueryTimeout(5);
		order.verify(driver).setEscapeProcessing(false);
		order.verify(driver).executeQuery("SELECT 1");
		order.verify(this.connection).statementSucceeded();
		given(this.connection.connection()).willReturn(this.application);
		assertThat(statement.getConnection()).as("the connection the application sees").isSameAs(this.application);
	}

	@Test
	void lazyStatementClosedBeforeItRanTakesNoConnection() throws SQLException {
		ReplayableStatement statement = new ReplayableStatement(this.connection, null,
				(physical, sql) -> physical.createStatement());
		assertThat(statement.isClosed()).isFalse();
		statement.close();
		assertThat(statement.isClosed()).isTrue();
		assertThatExceptionOfType(SQLException.class).isThrownBy(() -> statement.executeQuery("SELECT 1"))
			.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("HY010"));
		verify(this.connection, never()).physicalConnection();
	}

	@Test
	void gettersOfALazyStatementTakeTheConnection() throws SQLException {
		Statement driver = mock(Statement.class);
		given(this.connection.physicalConnection()).willReturn(this.firstPhysical);
		given(this.firstPhysical.createStatement()).willReturn(driver);
		given(driver.getFetchSize()).willReturn(100);
		ReplayableStatement statement = new ReplayableStatement(this.connection, null,
				(physical, sql) -> physical.createStatement());
		statement.setFetchSize(100);
		assertThat(statement.getFetchSize()).isEqualTo(100);
		verify(driver).setFetchSize(100);
	}

	@Test
	void preparedStatementReplaysItsParametersInOrderOnTheNextPeer() throws SQLException {
		PreparedStatement first = mock(PreparedStatement.class);
		PreparedStatement next = mock(PreparedStatement.class);
		ResultSet rows = mock(ResultSet.class);
		given(first.executeQuery()).willThrow(DEAD);
		given(next.executeQuery()).willReturn(rows);
		given(this.connection.isAttached()).willReturn(true);
		given(this.connection.failover(eq(DEAD), eq(true), anyBoolean())).willReturn(this.nextPhysical);
		given(this.nextPhysical.prepareStatement("SELECT ?")).willReturn(next);
		ReplayablePreparedStatement statement = prepared(first, "SELECT ?");
		statement.setInt(1, 1_000_000);
		statement.setLong(2, Long.MIN_VALUE);
		statement.setString(3, "three");
		statement.setNull(4, Types.VARCHAR);
		statement.setDouble(5, -0.1);
		statement.setFloat(6, 1.25f);
		statement.setBoolean(7, true);
		statement.setObject(8, BigDecimal.TEN, Types.DECIMAL, -2);
		statement.setInt(1, 2);
		assertThat(statement.executeQuery()).isSameAs(rows);
		verify(first).close();
		InOrder order = inOrder(next);
		order.verify(next).setInt(1, 1_000_000);
		order.verify(next).setLong(2, Long.MIN_VALUE);
		order.verify(next).setString(3, "three");
		order.verify(next).setNull(4, Types.VARCHAR);
		order.verify(next).setDouble(5, -0.1);
		order.verify(next).setFloat(6, 1.25f);
		order.verify(next).setBoolean(7, true);
		order.verify(next).setObject(8, BigDecimal.TEN, Types.DECIMAL, -2);
		order.verify(next).setInt(1, 2);
		order.verify(next).executeQuery();
		verify(this.connection).statementSucceeded();
	}

	@Test
	void afterTheFirstExecutionItOnlyDelegates() throws SQLException {
		PreparedStatement driver = mock(PreparedStatement.class);
		given(this.connection.isAttached()).willReturn(true);
		given(driver.executeUpdate()).willReturn(1000, 0);
		ReplayablePreparedStatement statement = prepared(driver, "UPDATE t SET a = ?");
		statement.setInt(1, 1);
		assertThat(statement.executeUpdate()).isEqualTo(1000);
		assertThat(statement.isRecording()).isFalse();
		statement.setInt(1, 2);
		given(driver.executeUpdate()).willThrow(DEAD);
		assertThatExceptionOfType(SQLException.class).isThrownBy(statement::executeUpdate).isSameAs(DEAD);
		verify(driver).setInt(1, 2);
		verify(this.connection, never()).failover(any(), anyBoolean(), anyBoolean());
		verify(this.connection, times(1)).statementSucceeded();
	}

	@Test
	void failureThatMayNotBeRetriedReachesTheCallerAndStopsRecording() throws SQLException {
		PreparedStatement driver = mock(PreparedStatement.class);
		given(this.connection.isAttached()).willReturn(true);
		given(driver.executeUpdate()).willThrow(DEAD);
		given(this.connection.failover(eq(DEAD), eq(false), anyBoolean())).willReturn(null);
		ReplayablePreparedStatement statement = prepared(driver, "INSERT INTO t VALUES (?)");
		statement.setInt(1, 1);
		assertThatExceptionOfType(SQLException.class).isThrownBy(statement::executeUpdate).isSameAs(DEAD);
		assertThat(statement.isRecording()).isFalse();
		verify(driver, never()).close();
		verify(this.connection, never()).statementSucceeded();
	}

	@Test
	void whenNoPeerIsLeftThatErrorIsThrownWithTheOriginalFailureSuppressed() throws SQLException {
		PreparedStatement driver = mock(PreparedStatement.class);
		SQLException noPeer = new SQLException("No peer of pool 'p' can serve", "08001");
		given(this.connection.isAttached()).willReturn(true);
		given(driver.executeQuery()).willThrow(DEAD);
		given(this.connection.failover(eq(DEAD), eq(true), anyBoolean())).willThrow(noPeer);
		ReplayablePreparedStatement statement = prepared(driver, "SELECT 1");
		assertThatExceptionOfType(SQLException.class).isThrownBy(statement::executeQuery)
			.isSameAs(noPeer)
			.satisfies((ex) -> assertThat(ex.getSuppressed()).containsExactly(DEAD));
	}

	@Test
	void statementMovesWithItsConnectionWhenAWriteMovedItToAPrimary() throws SQLException {
		Statement onReplica = mock(Statement.class);
		Statement onPrimary = mock(Statement.class);
		given(this.connection.isAttached()).willReturn(false);
		given(this.connection.physicalConnection()).willReturn(this.nextPhysical);
		given(this.nextPhysical.createStatement()).willReturn(onPrimary);
		given(onPrimary.executeUpdate("DELETE FROM t")).willReturn(3);
		ReplayableStatement statement = new ReplayableStatement(this.connection, onReplica,
				(physical, sql) -> physical.createStatement());
		statement.setMaxRows(10);
		assertThat(statement.executeUpdate("DELETE FROM t")).isEqualTo(3);
		verify(onReplica).setMaxRows(10);
		verify(onReplica).close();
		verify(onPrimary).setMaxRows(10);
	}

	@Test
	void batchOfAPlainStatementIsReplayed() throws SQLException {
		Statement first = mock(Statement.class);
		Statement next = mock(Statement.class);
		given(this.connection.isAttached()).willReturn(true);
		given(first.executeBatch()).willThrow(DEAD);
		given(next.executeBatch()).willReturn(new int[] { 1, 1 });
		given(this.connection.failover(eq(DEAD), eq(false), anyBoolean())).willReturn(this.nextPhysical);
		given(this.nextPhysical.createStatement()).willReturn(next);
		ReplayableStatement statement = new ReplayableStatement(this.connection, first,
				(physical, sql) -> physical.createStatement());
		statement.addBatch("INSERT INTO t VALUES (1)");
		statement.addBatch("INSERT INTO t VALUES (2)");
		assertThat(statement.executeBatch()).containsExactly(1, 1);
		InOrder order = inOrder(next);
		order.verify(next).addBatch("INSERT INTO t VALUES (1)");
		order.verify(next).addBatch("INSERT INTO t VALUES (2)");
		order.verify(next).executeBatch();
	}

	@Test
	void recordingGrowsAndKeepsTheOrder() throws SQLException {
		StatementRecording recording = new StatementRecording();
		for (int i = 1; i <= 100; i++) {
			recording.add(StatementRecording.SET_LONG, i, i * 1_000_000_007L, null);
		}
		PreparedStatement target = mock(PreparedStatement.class);
		recording.replay(target);
		assertThat(recording.size()).isEqualTo(100);
		InOrder order = inOrder(target);
		for (int i = 1; i <= 100; i++) {
			order.verify(target).setLong(i, i * 1_000_000_007L);
		}
	}

	/**
	 * What a statement keeps after its executions (an auto-commit write): the latest call per
	 * parameter index and per setting, in order, none from before a {@code clearParameters()}.
	 */
	@Test
	void keepingTheLatestLeavesWhatTheStatementHasNowInOrder() throws SQLException {
		StatementRecording recording = new StatementRecording();
		recording.add(StatementRecording.SET_FETCH_SIZE, 0, 5, null);
		recording.add(StatementRecording.SET_INT, 1, 1, null);
		recording.add(StatementRecording.SET_STRING, 2, 0, "a");
		recording.add(StatementRecording.CLEAR_WARNINGS, 0, 0, null);
		recording.add(StatementRecording.SET_INT, 1, 2, null);
		recording.add(StatementRecording.SET_FETCH_SIZE, 0, 7, null);
		assertThat(recording.keepLatest()).isTrue();
		PreparedStatement target = mock(PreparedStatement.class);
		recording.replay(target);
		assertThat(recording.size()).isEqualTo(3);
		InOrder order = inOrder(target);
		order.verify(target).setString(2, "a");
		order.verify(target).setInt(1, 2);
		order.verify(target).setFetchSize(7);
		verify(target, never()).clearWarnings();

		recording.add(StatementRecording.CLEAR_PARAMETERS, 0, 0, null);
		recording.add(StatementRecording.SET_LONG, 3, 9, null);
		assertThat(recording.keepLatest()).isTrue();
		PreparedStatement cleared = mock(PreparedStatement.class);
		recording.replay(cleared);
		assertThat(recording.size()).isEqualTo(2);
		verify(cleared).setFetchSize(7);
		verify(cleared).setLong(3, 9);
		verify(cleared, never()).setString(anyInt(), any());
	}

	/** A pending batch cannot be kept this way: the statement stops keeping (and is not run again elsewhere). */
	@Test
	void aPendingBatchIsNotKept() {
		StatementRecording recording = new StatementRecording();
		recording.add(StatementRecording.SET_INT, 1, 1, null);
		recording.add(StatementRecording.ADD_BATCH, 0, 0, null);
		assertThat(recording.keepLatest()).isFalse();
		assertThat(recording.addKeepingLatest(StatementRecording.ADD_BATCH, 0, 0, null)).isFalse();
		StatementRecording cleared = new StatementRecording();
		cleared.add(StatementRecording.ADD_BATCH, 0, 0, null);
		cleared.add(StatementRecording.CLEAR_BATCH, 0, 0, null);
		cleared.add(StatementRecording.SET_INT, 1, 1, null);
		assertThat(cleared.keepLatest()).isTrue();
		assertThat(cleared.size()).isEqualTo(1);
	}

	/** However often a kept statement runs, what it keeps stays within about twice what it has set. */
	@Test
	void aReusedAutoCommitWriteKeepsABoundedRecording() throws SQLException {
		PreparedStatement driver = mock(PreparedStatement.class);
		given(this.connection.isAttached()).willReturn(true);
		given(driver.executeUpdate()).willReturn(1);
		ReplayablePreparedStatement statement = prepared(driver, "UPDATE t SET a = ? WHERE b = ?");
		statement.keepParameters();
		int most = 0;
		for (int i = 0; i < 10_000; i++) {
			statement.setInt(1, i);
			statement.setString(2, "b" + i);
			statement.executeUpdate();
			most = Math.max(most, statement.recordedCalls());
		}
		assertThat(most).isLessThanOrEqualTo(2 * 2 + 8);
		assertThat(statement.hasKeptParameters()).isTrue();
	}

	/** Every setter a caller may use before the first execution is given again to the re-created statement. */
	@ParameterizedTest(name = "{0}")
	@MethodSource("replayableMethods")
	void everyRecordedCallIsReplayedWithTheSameArguments(String name, Method method) throws Exception {
		PreparedStatement first = mock(PreparedStatement.class);
		PreparedStatement next = mock(PreparedStatement.class);
		given(this.connection.isAttached()).willReturn(true);
		given(first.execute()).willThrow(DEAD);
		given(next.execute()).willReturn(true);
		given(this.connection.failover(eq(DEAD), eq(false), anyBoolean())).willReturn(this.nextPhysical);
		given(this.nextPhysical.prepareStatement("UPDATE t SET a = ?")).willReturn(next);
		ReplayablePreparedStatement statement = prepared(first, "UPDATE t SET a = ?");
		Object[] arguments = Arrays.stream(method.getParameterTypes()).map(ReplayableStatementTests::sample).toArray();
		method.invoke(statement, arguments);
		method.invoke(verify(first), arguments);
		assertThat(statement.execute()).isTrue();
		method.invoke(verify(next), arguments);
		verify(next).execute();
	}

	/**
	 * A stream or reader the first driver consumed cannot be given to the next peer: the failure
	 * reaches the caller (and condemns the peer) instead of an empty or truncated value being written.
	 */
	@ParameterizedTest(name = "{0}")
	@MethodSource("streamMethods")
	void aConsumedStreamIsNeverReplayed(String name, Method method) throws Exception {
		PreparedStatement first = mock(PreparedStatement.class);
		given(this.connection.isAttached()).willReturn(true);
		given(first.execute()).willThrow(DEAD);
		given(this.connection.failover(any(), anyBoolean(), anyBoolean())).willReturn(this.nextPhysical);
		ReplayablePreparedStatement statement = prepared(first, "UPDATE t SET a = ?");
		Object[] arguments = Arrays.stream(method.getParameterTypes()).map(ReplayableStatementTests::sample).toArray();
		method.invoke(statement, arguments);
		assertThatExceptionOfType(SQLException.class).isThrownBy(statement::execute).isSameAs(DEAD);
		verify(this.connection).reportFailure(DEAD);
		verify(this.connection, never()).failover(any(), anyBoolean(), anyBoolean());
		verifyNoInteractions(this.nextPhysical);
	}

	/**
	 * Each execute method (the generated ones too, calls of run or count with the driver's call as a
	 * lambda): a first execution that finds the peer dead runs again on the next peer, with the same
	 * arguments, and its result is the next driver's.
	 */
	@ParameterizedTest(name = "{0}")
	@MethodSource("executeMethods")
	void everyExecuteMethodRunsAgainOnTheNextPeerWithItsArguments(String name, Method method) throws Exception {
		boolean prepared = method.getDeclaringClass() == PreparedStatement.class;
		Class<? extends Statement> kind = prepared ? PreparedStatement.class : Statement.class;
		Statement first = mock(kind);
		Statement next = mock(kind);
		Object[] arguments = Arrays.stream(method.getParameterTypes()).map(ReplayableStatementTests::sample).toArray();
		// not the mock's default: the execution's result is the next driver's
		Object result = sample(method.getReturnType());
		method.invoke(org.mockito.BDDMockito.willThrow(DEAD).given(first), arguments);
		method.invoke(org.mockito.BDDMockito.willReturn(result).given(next), arguments);
		given(this.connection.isAttached()).willReturn(true);
		given(this.connection.failover(eq(DEAD), anyBoolean(), anyBoolean())).willReturn(this.nextPhysical);
		given(this.nextPhysical.createStatement()).willReturn(next);
		given(this.nextPhysical.prepareStatement("SELECT 1")).willReturn((PreparedStatement) (prepared ? next : null));
		Statement statement = prepared ? prepared((PreparedStatement) first, "SELECT 1")
				: new ReplayableStatement(this.connection, first, (physical, sql) -> physical.createStatement());
		assertThat(method.invoke(statement, arguments)).isEqualTo(result);
		method.invoke(verify(first), arguments);
		method.invoke(verify(next), arguments);
	}

	static Stream<Object[]> executeMethods() {
		return Stream
			.concat(Arrays.stream(Statement.class.getMethods()), Arrays.stream(PreparedStatement.class.getDeclaredMethods()))
			.filter((method) -> method.getName().startsWith("execute") && !Modifier.isStatic(method.getModifiers()))
			.map((method) -> new Object[] { signature(method), method });
	}

	static Stream<Object[]> replayableMethods() {
		return settersAndClears().filter((method) -> !takesStream((Method) method[1]));
	}

	static Stream<Object[]> streamMethods() {
		return settersAndClears().filter((method) -> takesStream((Method) method[1]));
	}

	private static boolean takesStream(Method method) {
		return Arrays.stream(method.getParameterTypes())
			.anyMatch((type) -> type == InputStream.class || type == Reader.class);
	}

	private static Stream<Object[]> settersAndClears() {
		List<Object[]> methods = new ArrayList<>();
		for (Method method : PreparedStatement.class.getMethods()) {
			String name = method.getName();
			if (!Modifier.isStatic(method.getModifiers()) && (name.startsWith("set") || name.startsWith("clear")
					|| name.equals("addBatch") || name.equals("closeOnCompletion"))) {
				methods.add(new Object[] { signature(method), method });
			}
		}
		return methods.stream();
	}

	@Test
	void aStreamGivenAsAnObjectIsNeverReplayed() throws SQLException {
		PreparedStatement first = mock(PreparedStatement.class);
		given(this.connection.isAttached()).willReturn(true);
		given(first.executeUpdate()).willThrow(DEAD);
		given(this.connection.failover(any(), anyBoolean(), anyBoolean())).willReturn(this.nextPhysical);
		ReplayablePreparedStatement statement = prepared(first, "INSERT INTO t (data) VALUES (?)");
		statement.setObject(1, new ByteArrayInputStream(new byte[] { 1 }));
		assertThatExceptionOfType(SQLException.class).isThrownBy(statement::executeUpdate).isSameAs(DEAD);
		verifyNoInteractions(this.nextPhysical);
	}

	/** A query that writes ({@code INSERT ... RETURNING}, {@code nextval}, {@code GET_LOCK}) is not one that only reads. */
	@ParameterizedTest
	@org.junit.jupiter.params.provider.ValueSource(strings = { "INSERT INTO t (name) VALUES ('x') RETURNING id",
			"SELECT nextval('s')", "SELECT GET_LOCK('x', 1)", "{call p()}" })
	void aQueryThatWritesIsNotRetriedAsARead(String sql) throws SQLException {
		PreparedStatement first = mock(PreparedStatement.class);
		given(this.connection.isAttached()).willReturn(true);
		given(first.executeQuery()).willThrow(DEAD);
		ReplayablePreparedStatement statement = prepared(first, sql);
		assertThatExceptionOfType(SQLException.class).isThrownBy(statement::executeQuery).isSameAs(DEAD);
		verify(this.connection).failover(eq(DEAD), eq(false), anyBoolean());
	}

	/** The wrappers implement every JDBC method themselves: none falls back to an interface's default. */
	@Test
	void noInterfaceDefaultIsInherited() {
		for (Method method : PreparedStatement.class.getMethods()) {
			if (Modifier.isStatic(method.getModifiers())) {
				continue;
			}
			try {
				Method implementation = ReplayablePreparedStatement.class.getMethod(method.getName(),
						method.getParameterTypes());
				assertThat(implementation.getDeclaringClass().isInterface()).as(signature(method)).isFalse();
			}
			catch (NoSuchMethodException ex) {
				throw new AssertionError(ex);
			}
		}
	}

	private ReplayablePreparedStatement prepared(PreparedStatement driver, String sql) {
		return new ReplayablePreparedStatement(this.connection, driver, sql,
				(physical, text) -> physical.prepareStatement(text));
	}

	private static String signature(Method method) {
		return method.getName() + Arrays.toString(
				Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName).toArray());
	}

	private static Object sample(Class<?> type) {
		if (type == int.class) {
			return 300;
		}
		if (type == long.class) {
			return 5_000_000_000L;
		}
		if (type == boolean.class) {
			return true;
		}
		if (type == byte.class) {
			return (byte) -7;
		}
		if (type == short.class) {
			return (short) 1234;
		}
		if (type == float.class) {
			return 1.5f;
		}
		if (type == double.class) {
			return -2.25;
		}
		if (type == String.class) {
			return "name";
		}
		if (type == Object.class) {
			return List.of("object");
		}
		if (type == BigDecimal.class) {
			return new BigDecimal("12.34");
		}
		if (type == byte[].class) {
			return new byte[] { 1, 2 };
		}
		if (type == int[].class) {
			return new int[] { 1, 2 };
		}
		if (type == long[].class) {
			return new long[] { 3, 4 };
		}
		if (type == String[].class) {
			return new String[] { "id" };
		}
		if (type == Date.class) {
			return new Date(86_400_000L);
		}
		if (type == Time.class) {
			return new Time(3_600_000L);
		}
		if (type == Timestamp.class) {
			return new Timestamp(1_000L);
		}
		if (type == InputStream.class) {
			return new ByteArrayInputStream(new byte[] { 3 });
		}
		if (type == Reader.class) {
			return new StringReader("reader");
		}
		if (type == SQLType.class) {
			return JDBCType.NUMERIC;
		}
		if (type == Map.class) {
			return Map.of();
		}
		if (type == URL.class) {
			try {
				return new URL("http://127.0.0.1/");
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}
		return mock(type);
	}

}
