package io.peerpool.dialect;

import java.util.Locale;

/**
 * The database products peerpool knows, detected in one place: from the JDBC URL and driver
 * before a connection exists (driver settings), then from a connection's metadata (what the
 * server really is: MariaDB answers Connector/J's {@code jdbc:mysql:} URLs too).
 */
enum Product {

	MYSQL, MARIADB, POSTGRESQL, H2, OTHER;

	/** The product of a JDBC URL (and driver class, when given): which driver will connect. */
	public static Product of(String url, String driverClassName) {
		String lowerUrl = (url != null) ? url.toLowerCase(Locale.ROOT) : "";
		String driver = (driverClassName != null) ? driverClassName : "";
		if (driver.startsWith("org.mariadb.") || lowerUrl.startsWith("jdbc:mariadb:")) {
			return MARIADB;
		}
		if (driver.startsWith("com.mysql.") || lowerUrl.startsWith("jdbc:mysql:")) {
			return MYSQL;
		}
		if (driver.startsWith("org.postgresql.") || lowerUrl.startsWith("jdbc:postgresql:")) {
			return POSTGRESQL;
		}
		if (driver.startsWith("org.h2.") || lowerUrl.startsWith("jdbc:h2:")) {
			return H2;
		}
		return OTHER;
	}

	/**
	 * The server's product from its metadata ({@code getDatabaseProductName()},
	 * {@code getDatabaseProductVersion()}). Both MySQL drivers report a MariaDB server's version
	 * with "MariaDB" in it, whatever product name they give.
	 */
	public static Product ofServer(String productName, String productVersion) {
		String name = (productName != null) ? productName.toLowerCase(Locale.ROOT) : "";
		String version = (productVersion != null) ? productVersion.toLowerCase(Locale.ROOT) : "";
		if (name.contains("mariadb") || ((name.contains("mysql")) && version.contains("mariadb"))) {
			return MARIADB;
		}
		if (name.contains("mysql")) {
			return MYSQL;
		}
		if (name.contains("postgres")) {
			return POSTGRESQL;
		}
		if (name.equals("h2")) {
			return H2;
		}
		return OTHER;
	}

	/** Whether this is MySQL or MariaDB (one protocol, one set of error codes). */
	public boolean isMySqlFamily() {
		return this == MYSQL || this == MARIADB;
	}

}
