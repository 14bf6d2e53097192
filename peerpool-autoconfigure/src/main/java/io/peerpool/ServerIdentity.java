package io.peerpool;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Objects;

/**
 * Which server answers at a peer's address: product, version and an identifier that changes when
 * another server (a restored dump, another cluster, a new major version behind the same proxy or
 * VIP) takes its place: PostgreSQL's {@code system_identifier}, MySQL's {@code server_uuid},
 * MariaDB's {@code server_id}.
 *
 * @param product database product ({@code MariaDB}, {@code MySQL}, {@code PostgreSQL}, ...)
 * @param version server version
 * @param id server identifier, or {@code null} when the server does not tell (PostgreSQL without
 * the {@code pg_monitor} role, for example)
 */
public record ServerIdentity(String product, String version, String id) {

	public ServerIdentity {
		Objects.requireNonNull(product, "product");
		Objects.requireNonNull(version, "version");
	}

	/** Reads the identity of the server behind {@code connection}: one short query. */
	public static ServerIdentity of(Connection connection) throws SQLException {
		DatabaseMetaData metaData = connection.getMetaData();
		String product = metaData.getDatabaseProductName();
		String version = metaData.getDatabaseProductVersion();
		String lowerProduct = product.toLowerCase(Locale.ROOT);
		if (lowerProduct.contains("postgres")) {
			return postgres(connection);
		}
		if (lowerProduct.contains("mysql") || lowerProduct.contains("mariadb")) {
			return mysqlFamily(connection, version);
		}
		return new ServerIdentity(product, version, null);
	}

	private static ServerIdentity mysqlFamily(Connection connection, String reportedVersion) throws SQLException {
		// both drivers report MariaDB's version string as is ("11.4.5-MariaDB"); MariaDB has no server_uuid
		boolean mariaDb = reportedVersion.contains("MariaDB");
		String query = mariaDb ? "SELECT @@version, @@server_id" : "SELECT @@version, @@server_uuid";
		try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(query)) {
			result.next();
			return new ServerIdentity(mariaDb ? "MariaDB" : "MySQL", result.getString(1),
					(mariaDb ? "server_id=" : "server_uuid=") + result.getString(2));
		}
	}

	private static ServerIdentity postgres(Connection connection) throws SQLException {
		String version;
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SHOW server_version")) {
			result.next();
			version = result.getString(1);
		}
		// pg_control_system() may be denied to the application's user; then the version must do
		String id = null;
		boolean autoCommit = connection.getAutoCommit();
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(
						"SELECT system_identifier FROM pg_control_system()")) {
			if (result.next()) {
				id = "system_identifier=" + result.getString(1);
			}
		}
		catch (SQLException ex) {
			if (!autoCommit) {
				connection.rollback();
			}
		}
		return new ServerIdentity("PostgreSQL", version, id);
	}

	@Override
	public String toString() {
		return this.product + " " + this.version + ((this.id != null) ? " (" + this.id + ")" : "");
	}

}
