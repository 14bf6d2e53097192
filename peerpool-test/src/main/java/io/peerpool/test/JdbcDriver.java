package io.peerpool.test;

/** The JDBC drivers peerpool is tested with; each server builds its URL for one of them. */
public enum JdbcDriver {

	/** Oracle's mysql-connector-j ({@code jdbc:mysql:}). */
	MYSQL("com.mysql.cj.jdbc.Driver"),

	/** mariadb-java-client ({@code jdbc:mariadb:}); TLS is disabled for the test servers. */
	MARIADB("org.mariadb.jdbc.Driver"),

	/** PgJDBC ({@code jdbc:postgresql:}). */
	POSTGRESQL("org.postgresql.Driver");

	private final String driverClassName;

	JdbcDriver(String driverClassName) {
		this.driverClassName = driverClassName;
	}

	/** Fully qualified class name of the driver. */
	public String driverClassName() {
		return this.driverClassName;
	}

}
