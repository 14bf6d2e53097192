package io.peerpool.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.CallableStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * A database for unit tests of transaction replay: answers queries and updates from functions of
 * the SQL and its parameters, logs what ran, and can "die" (every call that would reach the
 * server then fails with a connection-class error). JDBC objects are {@link Proxy proxies}: only
 * what the tests use is answered.
 */
final class FakeDatabase {

	final String name;

	/** Rows of a query, as text: the SQL and the parameters by index. */
	BiFunction<String, Map<Integer, Object>, List<String[]>> rows = (sql, parameters) -> List.of();

	/** The update count of an update. */
	BiFunction<String, Map<Integer, Object>, Integer> counts = (sql, parameters) -> 1;

	/** The generated key of an insert. */
	long nextKey = 1;

	boolean dead;

	/** The server runs read-only (a planned switchover): it refuses every update and commit, as MariaDB does. */
	boolean readOnly;

	/**
	 * The server's sessions start read-only (a PostgreSQL primary made read-only with
	 * {@code default_transaction_read_only}, or a standby): every update is refused with SQLState
	 * {@code 25006}, as PostgreSQL does; a commit of what only read is not.
	 */
	boolean readOnlyTransactions;

	/**
	 * The next this many queries are cancelled as a PostgreSQL hot standby cancels one for a
	 * conflict with its recovery (SQLState {@code 40001}); the connection stays usable.
	 */
	int recoveryConflicts;

	/**
	 * The next this many updates fail as a deadlock's victim, as MariaDB fails one (1213, SQLState
	 * {@code 40001}: the whole transaction rolled back); the connection stays usable.
	 */
	int deadlocks;

	/** The next this many commits fail Galera's certification (1213: nothing committed); the connection stays usable. */
	int certificationFailures;

	/** Connections handed out, to abort them as the pool does when their peer goes DOWN. */
	final List<boolean[]> open = new ArrayList<>();

	/** Fail a result set's next() after this many rows once the database is dead (a streamed result). */
	int streamedRows = Integer.MAX_VALUE;

	final List<String> executed = new ArrayList<>();

	/** Statement settings made ({@code setMaxRows(5)}). */
	final List<String> settings = new ArrayList<>();

	int commits;

	int rollbacks;

	FakeDatabase(String name) {
		this.name = name;
	}

	private SQLException deadlock() {
		return new SQLException("(" + this.name + ") Deadlock found when trying to get lock; try restarting transaction",
				"40001", 1213);
	}

	private void reach() throws SQLException {
		if (this.dead) {
			throw new SQLException("(" + this.name + ") Socket error", "08000");
		}
	}

	private void refuseIfReadOnly() throws SQLException {
		if (this.readOnlyTransactions) {
			throw new SQLException("(" + this.name + ") ERROR: cannot execute UPDATE in a read-only transaction", "25006");
		}
		refuseCommitIfReadOnly();
	}

	private void refuseCommitIfReadOnly() throws SQLException {
		if (this.readOnly) {
			throw new SQLException("(" + this.name + ") The MariaDB server is running with the --read-only "
					+ "option so it cannot execute this statement", "HY000", 1290);
		}
	}

	/** The server dies and the pool aborts the connections it handed out. */
	void dieAndAbort() {
		this.dead = true;
		this.open.forEach((closed) -> closed[0] = true);
	}

	Connection connect() {
		boolean[] closed = new boolean[1];
		this.open.add(closed);
		return proxy(Connection.class, (proxy, method, args) -> {
			if (closed[0] && !method.getName().equals("isClosed") && !method.getName().equals("close")) {
				// what HikariCP answers on a connection it aborted
				throw new SQLException("Connection is closed", "08003");
			}
			switch (method.getName()) {
				case "prepareStatement", "prepareCall":
					return statement((String) args[0], proxy);
				case "createStatement":
					return statement(null, proxy);
				case "getAutoCommit":
					return true;
				case "commit":
					reach();
					refuseCommitIfReadOnly();
					if (this.certificationFailures > 0) {
						this.certificationFailures--;
						throw deadlock();
					}
					this.commits++;
					return null;
				case "rollback":
					reach();
					this.rollbacks++;
					return null;
				case "isClosed":
					return closed[0];
				case "close":
					closed[0] = true;
					return null;
				default:
					return defaultValue(method.getReturnType());
			}
		});
	}

	private PreparedStatement statement(String prepared, Object connection) {
		Map<Integer, Object> parameters = new TreeMap<>();
		List<Map<Integer, Object>> batch = new ArrayList<>();
		Object[] last = new Object[2];
		return proxy(CallableStatement.class, (proxy, method, args) -> {
			String name = method.getName();
			if (name.startsWith("set") && args != null && args.length >= 2 && args[0] instanceof Integer index) {
				parameters.put(index, args[1]);
				return null;
			}
			if (name.startsWith("set") && args != null && args.length == 1) {
				this.settings.add(name + "(" + args[0] + ")");
				return null;
			}
			switch (name) {
				case "addBatch":
					batch.add(new TreeMap<>(parameters));
					return null;
				case "executeBatch": {
					reach();
					refuseIfReadOnly();
					int[] result = new int[batch.size()];
					for (int i = 0; i < result.length; i++) {
						this.executed.add(prepared + " " + batch.get(i));
						result[i] = this.counts.apply(prepared, batch.get(i));
					}
					batch.clear();
					return result;
				}
				case "executeQuery": {
					reach();
					if (this.recoveryConflicts > 0) {
						this.recoveryConflicts--;
						throw new SQLException("(" + this.name + ") ERROR: canceling statement due to conflict with recovery",
								"40001");
					}
					String sql = (args != null) ? (String) args[0] : prepared;
					this.executed.add(sql + " " + parameters);
					return resultSet(this.rows.apply(sql, new TreeMap<>(parameters)), proxy);
				}
				case "executeUpdate": {
					reach();
					refuseIfReadOnly();
					if (this.deadlocks > 0) {
						this.deadlocks--;
						throw deadlock();
					}
					String sql = (args != null) ? (String) args[0] : prepared;
					this.executed.add(sql + " " + parameters);
					last[0] = this.nextKey++;
					return this.counts.apply(sql, new TreeMap<>(parameters));
				}
				case "getGeneratedKeys":
					return resultSet(List.<String[]>of(new String[] { String.valueOf(last[0]) }), proxy);
				case "getConnection":
					return connection;
				case "isClosed":
					return false;
				default:
					return defaultValue(method.getReturnType());
			}
		});
	}

	private ResultSet resultSet(List<String[]> rows, Object statement) {
		int[] position = { -1 };
		int columns = rows.isEmpty() ? 1 : rows.get(0).length;
		ResultSetMetaData metaData = proxy(ResultSetMetaData.class,
				(proxy, method, args) -> "getColumnCount".equals(method.getName()) ? columns
						: defaultValue(method.getReturnType()));
		return proxy(ResultSet.class, (proxy, method, args) -> {
			switch (method.getName()) {
				case "next":
					if (this.dead && position[0] + 1 >= this.streamedRows) {
						reach();
					}
					position[0]++;
					return position[0] < rows.size();
				case "getString":
					return rows.get(position[0])[(Integer) args[0] - 1];
				case "getInt":
					return Integer.parseInt(rows.get(position[0])[(Integer) args[0] - 1]);
				case "getLong":
					return Long.parseLong(rows.get(position[0])[(Integer) args[0] - 1]);
				case "getMetaData":
					return metaData;
				case "getStatement":
					return statement;
				default:
					return defaultValue(method.getReturnType());
			}
		});
	}

	@SuppressWarnings("unchecked")
	private static <T> T proxy(Class<T> type, InvocationHandler handler) {
		return (T) Proxy.newProxyInstance(FakeDatabase.class.getClassLoader(), new Class<?>[] { type },
				(proxy, method, args) -> {
					if (method.getDeclaringClass() == Object.class) {
						return switch (method.getName()) {
							case "equals" -> proxy == args[0];
							case "hashCode" -> System.identityHashCode(proxy);
							default -> type.getSimpleName() + "@" + Integer.toHexString(System.identityHashCode(proxy));
						};
					}
					return handler.invoke(proxy, method, args);
				});
	}

	private static Object defaultValue(Class<?> type) {
		if (type == boolean.class) {
			return false;
		}
		if (type == int.class) {
			return 0;
		}
		if (type == long.class) {
			return 0L;
		}
		return null;
	}

}
