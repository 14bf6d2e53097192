package io.peerpool.dialect;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * The database products peerpool knows, detected in one place: from the JDBC URL and driver
 * before a connection exists (driver settings), then from a connection's metadata (what the
 * server really is: MariaDB answers Connector/J's {@code jdbc:mysql:} URLs too).
 */
enum Product {

	MYSQL("org.hibernate.dialect.MySQLDialect", "MYSQL", "mysql", "com.mysql:mysql-connector-j"),

	MARIADB("org.hibernate.dialect.MariaDBDialect", "MARIADB", "maria", "org.mariadb.jdbc:mariadb-java-client"),

	POSTGRESQL("org.hibernate.dialect.PostgreSQLDialect", "POSTGRES", "postgresql", "org.postgresql:postgresql"),

	H2("org.hibernate.dialect.H2Dialect", "H2", "h2", "com.h2database:h2"),

	OTHER(null, null, null, null);

	/** Hibernate's dialect class. */
	final @Nullable String hibernateDialect;

	/** The name of jOOQ's {@code SQLDialect}. */
	final @Nullable String jooqDialect;

	/** Boot's {@code spring.data.jdbc.dialect} value. */
	final @Nullable String dataJdbcDialect;

	/** The Maven coordinates of the JDBC driver. */
	final @Nullable String driverArtifact;

	Product(@Nullable String hibernateDialect, @Nullable String jooqDialect, @Nullable String dataJdbcDialect,
			@Nullable String driverArtifact) {
		this.hibernateDialect = hibernateDialect;
		this.jooqDialect = jooqDialect;
		this.dataJdbcDialect = dataJdbcDialect;
		this.driverArtifact = driverArtifact;
	}

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
