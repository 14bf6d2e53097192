package io.peerpool;

import java.util.List;

import org.jooq.SQLDialect;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.jdbc.core.dialect.JdbcDialect;
import org.springframework.data.jdbc.core.dialect.JdbcPostgresDialect;

import io.peerpool.test.DatabaseServer;
import io.peerpool.test.EmbeddedPostgres;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.PostgresMajor;

/**
 * {@link AbstractMetadataWithoutWriterIntegrationTests} on PostgreSQL, at the default
 * {@code unknown-lag}: a standby whose primary is dead has replayed all it received, so it serves
 * reads. Hibernate's PostgreSQL dialect is not helped: it reads the server's version with a query
 * in a read-write transaction, which waits for a writer as any such transaction does (set
 * {@code spring.jpa.database-platform}; the failure analysis says so).
 */
class PostgresMetadataWithoutWriterIntegrationTests extends AbstractMetadataWithoutWriterIntegrationTests {

	@RegisterExtension
	static final EmbeddedPostgres db = EmbeddedPostgres.primaryWithStandbys(PostgresMajor.V17, 1);

	@Override
	List<? extends DatabaseServer> servers() {
		return db.servers();
	}

	@Override
	JdbcDriver driver() {
		return JdbcDriver.POSTGRESQL;
	}

	@Override
	String productName() {
		return "PostgreSQL";
	}

	@Override
	SQLDialect jooqDialect() {
		return SQLDialect.POSTGRES;
	}

	@Override
	Class<? extends JdbcDialect> dataJdbcDialect() {
		return JdbcPostgresDialect.class;
	}

	@Override
	String identityQuery() {
		return "SELECT inet_server_port()";
	}

	@Override
	int identity(DatabaseServer server) {
		return server.port();
	}

}
