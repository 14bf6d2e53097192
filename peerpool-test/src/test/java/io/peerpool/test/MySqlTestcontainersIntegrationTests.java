package io.peerpool.test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.mysql.MySQLContainer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Oracle MySQL 8.4 with mysql-connector-j. MySQL server binaries are not published on Maven
 * Central, so this is the one server of the kit that needs Docker; without a Docker engine the
 * class is skipped (never the only test of anything: the MariaDB and Galera tests run without Docker).
 */
@Testcontainers(disabledWithoutDocker = true)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MySqlTestcontainersIntegrationTests {

	@Container
	static final MySQLContainer mysql = new MySQLContainer("mysql:8.4");

	@Test
	void connectorJConnectsToMySql84() throws SQLException {
		Properties properties = new Properties();
		properties.setProperty("user", mysql.getUsername());
		properties.setProperty("password", mysql.getPassword());
		properties.setProperty("connectTimeout", "10000");
		properties.setProperty("socketTimeout", "30000");
		try (Connection connection = DriverManager.getConnection(mysql.getJdbcUrl(), properties);
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT VERSION()")) {
			assertThat(connection.getMetaData().getDriverName()).contains("MySQL Connector/J");
			assertThat(result.next()).isTrue();
			assertThat(result.getString(1)).startsWith("8.4.");
		}
	}

}
