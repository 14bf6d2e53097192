package io.peerpool;

import java.util.List;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.peerpool.test.DatabaseServer;
import io.peerpool.test.EmbeddedPostgres;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.PostgresMajor;

/** Transaction replay on two PostgreSQL 17 servers, PgJDBC. */
class PostgresTransactionReplayIntegrationTests extends AbstractTransactionReplayIntegrationTests {

	@RegisterExtension
	static final EmbeddedPostgres pg = EmbeddedPostgres.of(PostgresMajor.V17, PostgresMajor.V17);

	@Override
	List<? extends DatabaseServer> servers() {
		return pg.servers();
	}

	@Override
	JdbcDriver driver() {
		return JdbcDriver.POSTGRESQL;
	}

	@Override
	String createTransfers() {
		return "CREATE TABLE IF NOT EXISTS transfers (id BIGSERIAL PRIMARY KEY, ref VARCHAR(60) NOT NULL,"
				+ " amount INT NOT NULL)";
	}

	@Override
	String nextTransferId(long next) {
		// a sequence is not transactional: the killed server's rolled-back insert used a value
		return "ALTER SEQUENCE transfers_id_seq RESTART WITH " + next;
	}

	@Override
	String portQuery() {
		return "SELECT inet_server_port()";
	}

	@Override
	String hibernateDialect() {
		return "org.hibernate.dialect.PostgreSQLDialect";
	}

	@Override
	String sessionStatement() {
		return "SET application_name = 'peerpool-pinned'";
	}

}
