package io.peerpool;

import java.util.List;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.peerpool.test.DatabaseServer;
import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.JdbcDriver;

/** The failover scenarios on three MariaDB peers, with mariadb-java-client and mysql-connector-j. */
class MariaDbFailoverIntegrationTests extends AbstractFailoverIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.peers(3);

	@Override
	List<? extends DatabaseServer> servers() {
		return db.servers();
	}

	@Override
	List<JdbcDriver> drivers() {
		return List.of(JdbcDriver.MARIADB, JdbcDriver.MYSQL);
	}

	@Override
	String portQuery() {
		return "SELECT @@port";
	}

	@Override
	String createTable() {
		return "CREATE TABLE IF NOT EXISTS load_rows (id BIGINT AUTO_INCREMENT PRIMARY KEY, seq BIGINT)";
	}

}
