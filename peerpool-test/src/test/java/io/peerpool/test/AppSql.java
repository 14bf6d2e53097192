package io.peerpool.test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Statements the kit's MariaDB tests run as the application user, on one server. */
final class AppSql {

	private AppSql() {
	}

	static void execute(MariaDbServer server, String... statements) throws SQLException {
		try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
	}

	static long count(MariaDbServer server, String table) throws SQLException {
		try (Connection connection = server.connect();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
			result.next();
			return result.getLong(1);
		}
	}

	static boolean tableExists(MariaDbServer server, String table) throws SQLException {
		try (Connection connection = server.connect();
				ResultSet tables = connection.getMetaData().getTables("app", null, table, null)) {
			return tables.next();
		}
	}

}
