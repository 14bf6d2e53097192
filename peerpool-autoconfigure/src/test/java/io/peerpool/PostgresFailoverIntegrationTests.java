package io.peerpool;

import java.util.List;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.peerpool.test.DatabaseServer;
import io.peerpool.test.EmbeddedPostgres;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.PostgresMajor;

/**
 * The failover scenarios on three PostgreSQL 17 peers with PgJDBC, whose handshake hangs for ever
 * on a frozen server unless peerpool sets {@code loginTimeout}.
 */
class PostgresFailoverIntegrationTests extends AbstractFailoverIntegrationTests {

	@RegisterExtension
	static final EmbeddedPostgres pg = EmbeddedPostgres.of(PostgresMajor.V17, PostgresMajor.V17, PostgresMajor.V17);

	@Override
	List<? extends DatabaseServer> servers() {
		return pg.servers();
	}

	@Override
	List<JdbcDriver> drivers() {
		return List.of(JdbcDriver.POSTGRESQL);
	}

	@Override
	String portQuery() {
		return "SELECT inet_server_port()";
	}

	@Override
	String createTable() {
		return "CREATE TABLE IF NOT EXISTS load_rows (id BIGSERIAL PRIMARY KEY, seq BIGINT)";
	}

}
