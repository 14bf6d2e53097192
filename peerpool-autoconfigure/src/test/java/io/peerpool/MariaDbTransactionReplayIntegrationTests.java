package io.peerpool;

import java.util.List;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.peerpool.test.DatabaseServer;
import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.JdbcDriver;

/** Transaction replay on two MariaDB servers, Connector/J. */
class MariaDbTransactionReplayIntegrationTests extends AbstractTransactionReplayIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.peers(2);

	@Override
	List<? extends DatabaseServer> servers() {
		return db.servers();
	}

	@Override
	JdbcDriver driver() {
		return JdbcDriver.MARIADB;
	}

	@Override
	String createTransfers() {
		return "CREATE TABLE IF NOT EXISTS transfers (id BIGINT AUTO_INCREMENT PRIMARY KEY,"
				+ " ref VARCHAR(60) NOT NULL, amount INT NOT NULL)";
	}

	@Override
	String nextTransferId(long next) {
		return "ALTER TABLE transfers AUTO_INCREMENT = " + next;
	}

	@Override
	String portQuery() {
		return "SELECT @@port";
	}

	@Override
	String hibernateDialect() {
		return "org.hibernate.dialect.MariaDBDialect";
	}

	@Override
	String sessionStatement() {
		return "SET @peerpool_pinned = 1";
	}

}
