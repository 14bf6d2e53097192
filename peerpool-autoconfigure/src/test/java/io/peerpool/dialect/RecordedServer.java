package io.peerpool.dialect;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLSyntaxErrorException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A connection that answers from what was recorded of a real server: its metadata (product name
 * and version string) and the rows of the statements it was sent; records every statement. A
 * statement nobody recorded fails like a removed one does (a syntax error), so a test sees a
 * statement the server version no longer has.
 */
final class RecordedServer {

	private final String productName;

	private final String productVersion;

	/** Statement prefix to rows (column label to value, in column order), or to an exception. */
	private final Map<String, Object> answers = new LinkedHashMap<>();

	final List<String> sent = new ArrayList<>();

	RecordedServer(String productName, String productVersion) {
		this.productName = productName;
		this.productVersion = productVersion;
	}

	/** The rows {@code sql} (or a statement that starts with it) answers. */
	@SafeVarargs
	final RecordedServer answer(String sql, Map<String, Object>... rows) {
		this.answers.put(sql, List.of(rows));
		return this;
	}

	RecordedServer deny(String sql, int errorCode) {
		this.answers.put(sql, new SQLException("Access denied; you need (at least one of) the privilege(s) for this operation",
				"42000", errorCode));
		return this;
	}

	/** {@code sql} (or a statement that starts with it) fails with {@code failure}. */
	RecordedServer fail(String sql, SQLException failure) {
		this.answers.put(sql, failure);
		return this;
	}

	static Map<String, Object> row(Object... labelsAndValues) {
		Map<String, Object> row = new LinkedHashMap<>();
		for (int i = 0; i < labelsAndValues.length; i += 2) {
			row.put((String) labelsAndValues[i], labelsAndValues[i + 1]);
		}
		return row;
	}

	Connection connection() {
		return proxy(Connection.class, (proxy, method, args) -> switch (method.getName()) {
			case "getMetaData" -> proxy(DatabaseMetaData.class, (p, m, a) -> switch (m.getName()) {
				case "getDatabaseProductName" -> this.productName;
				case "getDatabaseProductVersion" -> this.productVersion;
				default -> null;
			});
			case "createStatement" -> statement(null);
			case "prepareStatement" -> statement((String) args[0]);
			case "getAutoCommit", "isValid" -> true;
			case "getNetworkTimeout" -> 0;
			case "isClosed" -> false;
			default -> null;
		});
	}

	private Object statement(String prepared) {
		Class<?> type = (prepared != null) ? PreparedStatement.class : Statement.class;
		return proxy(type, (proxy, method, args) -> switch (method.getName()) {
			case "executeQuery" -> query((prepared != null) ? prepared : (String) args[0]);
			case "execute" -> {
				query((prepared != null) ? prepared : (String) args[0]);
				yield false;
			}
			default -> null;
		});
	}

	@SuppressWarnings("unchecked")
	private ResultSet query(String sql) throws SQLException {
		this.sent.add(sql);
		for (Map.Entry<String, Object> answer : this.answers.entrySet()) {
			if (sql.startsWith(answer.getKey())) {
				if (answer.getValue() instanceof SQLException failure) {
					throw failure;
				}
				return resultSet((List<Map<String, Object>>) answer.getValue());
			}
		}
		throw new SQLSyntaxErrorException("You have an error in your SQL syntax near '" + sql + "'", "42000", 1064);
	}

	private static ResultSet resultSet(List<Map<String, Object>> rows) {
		int[] at = { -1 };
		Object[] last = { null };
		return proxy(ResultSet.class, (proxy, method, args) -> {
			switch (method.getName()) {
				case "next":
					return ++at[0] < rows.size();
				case "wasNull":
					return last[0] == null;
				case "close":
					return null;
				default:
			}
			if (!method.getName().startsWith("get") || args == null || args.length != 1) {
				return null;
			}
			Map<String, Object> row = rows.get(at[0]);
			Object value = (args[0] instanceof Integer index) ? new ArrayList<>(row.values()).get(index - 1)
					: row.get((String) args[0]);
			if (args[0] instanceof String label && !row.containsKey(label)) {
				throw new SQLException("Column '" + label + "' not found");
			}
			last[0] = value;
			return convert(value, method.getReturnType());
		});
	}

	private static Object convert(Object value, Class<?> type) {
		if (type == String.class) {
			return (value != null) ? value.toString() : null;
		}
		if (type == boolean.class) {
			return value != null && (Boolean.TRUE.equals(value) || "1".equals(value.toString())
					|| "ON".equalsIgnoreCase(value.toString()) || "t".equals(value.toString()));
		}
		if (type == long.class) {
			return (value != null) ? ((Number) value).longValue() : 0L;
		}
		if (type == int.class) {
			return (value != null) ? ((Number) value).intValue() : 0;
		}
		if (type == double.class) {
			return (value != null) ? ((Number) value).doubleValue() : 0.0;
		}
		return value;
	}

	@SuppressWarnings("unchecked")
	private static <T> T proxy(Class<T> type, InvocationHandler handler) {
		return (T) Proxy.newProxyInstance(RecordedServer.class.getClassLoader(), new Class<?>[] { type }, handler);
	}

}
