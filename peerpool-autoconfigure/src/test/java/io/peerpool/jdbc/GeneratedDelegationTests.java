package io.peerpool.jdbc;

import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import io.peerpool.PeerPoolSettings;
import io.peerpool.peer.Peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * The delegating base classes generated at build time ({@code peerpool-codegen}): each method a
 * hand-written class leaves to its base reaches the driver's object once, with the same arguments;
 * and the hand-written classes leave exactly the methods that only delegate, so that a method whose
 * override is lost (routing, recording, replay) does not silently go straight to the driver.
 */
class GeneratedDelegationTests {

	@Test
	void aRecordedResultSetSendsWhatItLeavesToItsBaseToTheDriverOnce() throws Exception {
		List<String> calls = new ArrayList<>();
		StatementHost host = mock(StatementHost.class);
		TransactionLog log = new TransactionLog(host, 10, 100_000);
		RecordedResultSet rows = new RecordedResultSet(log, mock(ReplayableStatement.class),
				recorder(ResultSet.class, calls));
		assertThat(sendsOnce(rows, ResultSet.class, DelegatingResultSet.class, calls)).isGreaterThan(140);
		// the moves other than next(), every change through the result set, and every stream, LOB, array,
		// ref, row id and XML value end the replay first
		verify(host, times(125)).abandonReplay();
	}

	@Test
	void everyValueGetterOfARecordedResultSetReachesTheDriverOnceAndNotesTheRead() throws Exception {
		List<String> calls = new ArrayList<>();
		StatementHost host = mock(StatementHost.class);
		TransactionLog log = new TransactionLog(host, 10, 100_000);
		RecordedResultSet rows = new RecordedResultSet(log, mock(ReplayableStatement.class),
				recorder(ResultSet.class, calls));
		rows.next();
		int getters = 0;
		for (Method method : ResultSet.class.getMethods()) {
			if (!VALUE_GETTERS.contains(method.getName())) {
				continue;
			}
			Object[] arguments = Arrays.stream(method.getParameterTypes()).map(GeneratedDelegationTests::sample).toArray();
			long before = rows.trace().checksum();
			calls.clear();
			method.invoke(rows, arguments);
			assertThat(calls).as(signature(method)).containsExactly(signature(method) + Arrays.toString(arguments));
			assertThat(rows.trace().checksum()).as(signature(method) + " noted").isNotEqualTo(before);
			getters++;
		}
		assertThat(getters).isEqualTo(45);
		verify(host, times(0)).abandonReplay();
	}

	/** The getters of a value a replay can read again and compare, and {@code wasNull()}. */
	private static final Set<String> VALUE_GETTERS = Set.of("getString", "getNString", "getBoolean", "getByte",
			"getShort", "getInt", "getLong", "getFloat", "getDouble", "getBigDecimal", "getBytes", "getDate", "getTime",
			"getTimestamp", "getObject", "getURL", "wasNull");

	@Test
	void replayableStatementsSendWhatTheyLeaveToTheirBasesToTheDriverOnce() throws Exception {
		List<String> calls = new ArrayList<>();
		StatementHost host = mock(StatementHost.class);
		ReplayableStatement statement = new ReplayableStatement(host, recorder(Statement.class, calls),
				(connection, sql) -> connection.createStatement());
		// the 18 that only delegate, and the settings generated as a call of apply (made now and recorded)
		assertThat(sendsOnce(statement, Statement.class, DelegatingStatement.class, calls))
			.isEqualTo(18 + RECORDED_SETTINGS);
		ReplayablePreparedStatement prepared = new ReplayablePreparedStatement(host,
				recorder(PreparedStatement.class, calls), "SELECT 1", (connection, sql) -> connection.prepareStatement(sql));
		// the two that only delegate, and the parameter setters generated as a call of apply (made now and recorded)
		assertThat(sendsOnce(prepared, PreparedStatement.class, DelegatingPreparedStatement.class, calls))
			.isEqualTo(2 + RECORDED_SETTERS);
	}

	/**
	 * The setters of {@code PreparedStatement} generated in {@link DelegatingPreparedStatement}: all
	 * 50, and {@code addBatch()} and {@code clearParameters()}.
	 */
	private static final int RECORDED_SETTERS = 50 + 2;

	/**
	 * The settings of {@code Statement} generated in {@link DelegatingStatement}: nine setters,
	 * {@code clearBatch()}, {@code clearWarnings()} and {@code closeOnCompletion()}.
	 */
	private static final int RECORDED_SETTINGS = 9 + 3;

	@Test
	void aPeerConnectionSendsWhatItLeavesToItsBaseToItsPhysicalConnectionOnce() throws Exception {
		List<String> calls = new ArrayList<>();
		Connection physical = recorder(Connection.class, calls);
		PeerConnection connection = new PeerConnection(new StubAcquirer(false) {

			@Override
			public Connection acquire(PeerConnection owner, boolean readIntent, long excluded) {
				owner.attach(mock(Peer.class), physical);
				return physical;
			}

		});
		connection.anyPhysical();
		// and the savepoint calls and LOB creators, after unreplayable(), the session setters, made now and kept, and
		// the statement creators, each made through create, prepare or call
		assertThat(sendsOnce(connection, Connection.class, DelegatingConnection.class, calls))
			.isEqualTo(6 + UNREPLAYABLE.size() + SESSION_SETTERS.size() + CREATORS.size());
	}

	@Test
	void theMetaDataReachesTheDriverForEveryMethodButGetConnection() throws Exception {
		List<String> calls = new ArrayList<>();
		Connection physical = mock(Connection.class);
		DatabaseMetaData driver = recorder(DatabaseMetaData.class, calls);
		when(physical.getMetaData()).thenReturn(driver);
		PeerConnection connection = new PeerConnection(new StubAcquirer(false) {

			@Override
			public Connection acquire(PeerConnection owner, boolean readIntent, long excluded) {
				owner.attach(mock(Peer.class), physical);
				return physical;
			}

		});
		DatabaseMetaData metaData = connection.getMetaData();
		// all but getConnection()
		assertThat(sendsOnce(metaData, DatabaseMetaData.class, DelegatingDatabaseMetaData.class, calls))
			.isEqualTo((int) Arrays.stream(DatabaseMetaData.class.getMethods())
				.filter((method) -> !Modifier.isStatic(method.getModifiers()))
				.count() - 1);
		calls.clear();
		assertThat(metaData.getConnection()).isSameAs(connection);
		assertThat(calls).isEmpty();
	}

	@Test
	void aDriversCallReachesTheDriverForEveryMethodButGetConnection() throws Exception {
		List<String> calls = new ArrayList<>();
		CallableStatement driver = recorder(CallableStatement.class, calls);
		Connection application = mock(Connection.class);
		PeerCallableStatement call = new PeerCallableStatement(application, driver);
		int methods = sendsOnce(call, CallableStatement.class, DelegatingCallableStatement.class, calls)
				+ sendsOnce(call, CallableStatement.class, DelegatingDriverPreparedStatement.class, calls);
		// all but getConnection()
		assertThat(methods).isEqualTo((int) Arrays.stream(CallableStatement.class.getMethods())
			.filter((method) -> !Modifier.isStatic(method.getModifiers()))
			.count() - 1);
		calls.clear();
		assertThat(call.getConnection()).isSameAs(application);
		assertThat(new PeerPreparedStatement(application, driver).getConnection()).isSameAs(application);
		assertThat(calls).isEmpty();
	}

	/**
	 * JDBC's {@code unwrap}: a wrapper is itself an instance of the interfaces it implements, and
	 * answers so without asking the driver (which knows nothing of peerpool's classes).
	 */
	@Test
	void everyWrapperUnwrapsToItselfWithoutTheDriver() throws Exception {
		List<String> calls = new ArrayList<>();
		StatementHost host = mock(StatementHost.class);
		ReplayableStatement statement = new ReplayableStatement(host, recorder(Statement.class, calls),
				(connection, sql) -> connection.createStatement());
		ReplayablePreparedStatement prepared = new ReplayablePreparedStatement(host,
				recorder(PreparedStatement.class, calls), "SELECT 1", (connection, sql) -> connection.prepareStatement(sql));
		Connection application = mock(Connection.class);
		PeerPreparedStatement driverPrepared = new PeerPreparedStatement(application, recorder(PreparedStatement.class, calls));
		PeerCallableStatement call = new PeerCallableStatement(application, recorder(CallableStatement.class, calls));
		PeerDatabaseMetaData metaData = new PeerDatabaseMetaData(application, recorder(DatabaseMetaData.class, calls));
		RecordedResultSet rows = new RecordedResultSet(new TransactionLog(host, 10, 1_000_000), statement,
				recorder(ResultSet.class, calls));
		for (java.sql.Wrapper wrapper : List.of(statement, prepared, driverPrepared, call, metaData, rows)) {
			assertThat(wrapper.isWrapperFor(wrapper.getClass())).as(wrapper.getClass().getSimpleName()).isTrue();
			assertThat(wrapper.unwrap(wrapper.getClass())).as(wrapper.getClass().getSimpleName()).isSameAs(wrapper);
		}
		assertThat(calls).isEmpty();
		assertThat(statement.unwrap(String.class)).as("what the wrapper is not: the driver's answer").isNull();
		assertThat(calls).containsExactly("unwrap(Class)[class java.lang.String]");
	}

	@Test
	void recordedResultSetKeepsOnlyWhatFollowsTheRows() {
		Set<String> own = ownMethods(RecordedResultSet.class, ResultSet.class);
		own.removeIf((method) -> VALUE_GETTERS.contains(method.substring(0, method.indexOf('('))));
		assertThat(own).containsExactlyInAnyOrder("close()", "getStatement()", "isClosed()", "next()");
		// the value getters, each noting its read, are generated in the base: none is hand-written
		assertThat(inherited(RecordedResultSet.class, ResultSet.class, DelegatingResultSet.class)
			.stream()
			.filter((method) -> VALUE_GETTERS.contains(method.substring(0, method.indexOf('('))))).hasSize(45);
	}

	@Test
	void replayableStatementsLeaveOnlyPureDelegationToTheirBases() {
		Set<String> plain = inherited(ReplayableStatement.class, Statement.class, DelegatingStatement.class);
		// the settings, generated as a call of apply with their kind: recorded, not pure delegation
		assertThat(plain.removeIf((method) -> method.startsWith("set") || method.equals("clearBatch()")
				|| method.equals("clearWarnings()") || method.equals("closeOnCompletion()"))).isTrue();
		// the executions but the query, generated as a call of run or count (routed: ReplayableStatementTests)
		assertThat(routed(plain)).containsExactlyInAnyOrder("execute(String)", "execute(String,String[])",
				"execute(String,int)", "execute(String,int[])", "executeBatch()", "executeLargeBatch()",
				"executeLargeUpdate(String)", "executeLargeUpdate(String,String[])", "executeLargeUpdate(String,int)",
				"executeLargeUpdate(String,int[])", "executeUpdate(String)", "executeUpdate(String,String[])",
				"executeUpdate(String,int)", "executeUpdate(String,int[])");
		// cancel() is ReplayableStatement's own: a statement that has not run has nothing to cancel
		assertThat(plain).containsExactlyInAnyOrder("enquoteIdentifier(String,boolean)", "enquoteLiteral(String)",
					"enquoteNCharLiteral(String)", "getFetchDirection()", "getFetchSize()", "getLargeMaxRows()",
					"getMaxFieldSize()", "getMaxRows()", "getQueryTimeout()", "getResultSetConcurrency()",
					"getResultSetHoldability()", "getResultSetType()", "getWarnings()", "isCloseOnCompletion()",
					"isPoolable()", "isSimpleIdentifier(String)", "isWrapperFor(Class)", "unwrap(Class)");
		Set<String> prepared = inherited(ReplayablePreparedStatement.class, PreparedStatement.class,
				DelegatingPreparedStatement.class);
		// the parameter setters, generated as a call of apply with their kind: recorded, not pure delegation
		assertThat(prepared.removeIf((method) -> method.startsWith("set") || method.equals("addBatch()")
				|| method.equals("clearParameters()"))).isTrue();
		assertThat(routed(prepared)).containsExactlyInAnyOrder("execute()", "executeLargeUpdate()", "executeUpdate()");
		assertThat(prepared).containsExactlyInAnyOrder("getMetaData()", "getParameterMetaData()");
	}

	/** Removes the execute methods from {@code methods}: they are routed, not delegated. */
	private static Set<String> routed(Set<String> methods) {
		Set<String> routed = new TreeSet<>();
		methods.removeIf((method) -> method.startsWith("execute") && routed.add(method));
		return routed;
	}

	/** The calls of a connection whose result belongs to its physical connection: savepoints and LOBs. */
	private static final Set<String> UNREPLAYABLE = Set.of("setSavepoint()", "setSavepoint(String)",
			"rollback(Savepoint)", "releaseSavepoint(Savepoint)", "createBlob()", "createClob()", "createNClob()",
			"createSQLXML()");

	/** The session setters, generated as a call of remember with their kind (made now and kept for the next physical connection). */
	private static final Set<String> SESSION_SETTERS = Set.of("setReadOnly(boolean)", "setCatalog(String)",
			"setTransactionIsolation(int)", "setTypeMap(Map)", "setHoldability(int)", "setSchema(String)",
			"setNetworkTimeout(Executor,int)");

	/**
	 * The statement creators, generated as a call of create, prepare or call with the driver's call as a
	 * lambda (which makes the statement again on another peer); plain {@code createStatement()} is hand-written.
	 */
	private static final Set<String> CREATORS = Set.of("createStatement(int,int)", "createStatement(int,int,int)",
			"prepareStatement(String)", "prepareStatement(String,int)", "prepareStatement(String,int[])",
			"prepareStatement(String,String[])", "prepareStatement(String,int,int)", "prepareStatement(String,int,int,int)",
			"prepareCall(String)", "prepareCall(String,int,int)", "prepareCall(String,int,int,int)");

	@Test
	void peerConnectionLeavesOnlyCallsThatNeedAnyPhysicalConnectionToItsBase() {
		Set<String> inherited = inherited(PeerConnection.class, Connection.class, DelegatingConnection.class);
		// these end the replay and decide the peer first (unreplayable()): their result belongs to the physical connection
		assertThat(inherited).containsAll(UNREPLAYABLE);
		inherited.removeAll(UNREPLAYABLE);
		assertThat(inherited).containsAll(SESSION_SETTERS);
		inherited.removeAll(SESSION_SETTERS);
		assertThat(inherited).containsAll(CREATORS);
		inherited.removeAll(CREATORS);
		assertThat(inherited).containsExactlyInAnyOrder("createArrayOf(String,Object[])", "createStruct(String,Object[])",
				"getClientInfo()", "getClientInfo(String)", "isWrapperFor(Class)", "nativeSQL(String)");
		// they would take a physical connection before the intent is known
		assertThat(interfaceDefaults(PeerConnection.class, Connection.class)).containsExactlyInAnyOrder("beginRequest()",
				"endRequest()", "setShardingKey(ShardingKey)", "setShardingKey(ShardingKey,ShardingKey)",
				"setShardingKeyIfValid(ShardingKey,int)", "setShardingKeyIfValid(ShardingKey,ShardingKey,int)");
		assertThat(interfaceDefaults(RecordedResultSet.class, ResultSet.class)).isEmpty();
		assertThat(interfaceDefaults(ReplayablePreparedStatement.class, PreparedStatement.class)).isEmpty();
	}

	@Test
	void theHandWrittenSuperclassesOfTheWrappersImplementNoJdbcMethod() {
		// what the connection and its statements do lives there (routing, replay state, recording, first
		// execution); a JDBC method among them would silently take the place of a generated or hand-written one
		for (Class<?> superclass : List.of(StatementHost.class, RoutedConnection.class, RecordingConnection.class,
				RecordingStatement.class, RoutedStatement.class)) {
			for (Method method : superclass.getDeclaredMethods()) {
				for (Class<?> type : List.of(Connection.class, PreparedStatement.class)) {
					assertThat(Arrays.stream(type.getMethods()).map(GeneratedDelegationTests::signature))
						.as(superclass.getSimpleName())
						.doesNotContain(signature(method));
				}
			}
		}
	}

	/** The methods of {@code type} that {@code implementation} leaves to the interface's default. */
	private static Set<String> interfaceDefaults(Class<?> implementation, Class<?> type) {
		Set<String> defaults = new TreeSet<>();
		for (Method method : type.getMethods()) {
			if (!Modifier.isStatic(method.getModifiers())
					&& implementationOf(implementation, method).getDeclaringClass().isInterface()) {
				defaults.add(signature(method));
			}
		}
		return defaults;
	}

	/**
	 * Calls on {@code wrapper} every method of {@code type} it gets from its generated {@code base}:
	 * each reaches the recorder once, as itself, with the same arguments.
	 * @return how many
	 */
	private static int sendsOnce(Object wrapper, Class<?> type, Class<?> base, List<String> calls) throws Exception {
		Set<String> inherited = inherited(wrapper.getClass(), type, base);
		if (wrapper instanceof ReplayableStatement) {
			// routed to the statement of the connection's peer, tested in ReplayableStatementTests
			routed(inherited);
		}
		int methods = 0;
		for (Method method : type.getMethods()) {
			if (Modifier.isStatic(method.getModifiers()) || !inherited.contains(signature(method))) {
				continue;
			}
			Object[] arguments = Arrays.stream(method.getParameterTypes()).map(GeneratedDelegationTests::sample).toArray();
			calls.clear();
			method.invoke(wrapper, arguments);
			assertThat(calls).as(signature(method)).containsExactly(signature(method) + Arrays.toString(arguments));
			methods++;
		}
		return methods;
	}

	@SuppressWarnings("unchecked")
	private static <T> T recorder(Class<T> type, List<String> calls) {
		return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, (proxy, method, arguments) -> {
			Object[] given = (arguments != null) ? arguments : new Object[0];
			calls.add(signature(method) + Arrays.toString(given));
			return zero(method.getReturnType());
		});
	}

	/** The methods of {@code type} that {@code implementation} gets from its generated {@code base}. */
	private static Set<String> inherited(Class<?> implementation, Class<?> type, Class<?> base) {
		Set<String> inherited = new TreeSet<>();
		for (Method method : type.getMethods()) {
			if (Modifier.isStatic(method.getModifiers())) {
				continue;
			}
			Method found = implementationOf(implementation, method);
			// a public class gets a bridge for each public method of a package-private superclass
			if (found.getDeclaringClass() == base || found.isBridge() || found.isSynthetic()) {
				inherited.add(signature(method));
			}
		}
		return inherited;
	}

	/** The methods of {@code type} that {@code implementation} declares itself. */
	private static Set<String> ownMethods(Class<?> implementation, Class<?> type) {
		Set<String> own = new TreeSet<>();
		for (Method method : type.getMethods()) {
			if (!Modifier.isStatic(method.getModifiers())
					&& implementationOf(implementation, method).getDeclaringClass() == implementation) {
				own.add(signature(method));
			}
		}
		return own;
	}

	private static Method implementationOf(Class<?> implementation, Method method) {
		try {
			return implementation.getMethod(method.getName(), method.getParameterTypes());
		}
		catch (NoSuchMethodException ex) {
			throw new AssertionError(ex);
		}
	}

	private static String signature(Method method) {
		StringBuilder signature = new StringBuilder(method.getName()).append('(');
		Class<?>[] parameters = method.getParameterTypes();
		for (int i = 0; i < parameters.length; i++) {
			signature.append((i > 0) ? "," : "").append(parameters[i].getSimpleName());
		}
		return signature.append(')').toString();
	}

	/** What a driver answers: the type's default value. */
	private static Object zero(Class<?> type) {
		return (type.isPrimitive() && type != void.class) ? Array.get(Array.newInstance(type, 1), 0) : null;
	}

	private static Object sample(Class<?> type) {
		if (type == int.class) {
			return 3;
		}
		if (type == boolean.class) {
			return true;
		}
		if (type.isPrimitive()) {
			return zero(type);
		}
		if (type == String.class) {
			return "column";
		}
		if (type == Class.class) {
			return String.class;
		}
		if (type.isArray()) {
			return Array.newInstance(type.getComponentType(), 1);
		}
		if (type == java.net.URL.class) {
			try {
				return new java.net.URL("http://127.0.0.1/");
			}
			catch (java.net.MalformedURLException ex) {
				throw new IllegalStateException(ex);
			}
		}
		if (type.isInterface() || !Modifier.isFinal(type.getModifiers())) {
			return mock(type);
		}
		throw new IllegalArgumentException("No sample for " + type);
	}

}
