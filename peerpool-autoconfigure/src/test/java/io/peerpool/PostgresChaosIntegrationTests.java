package io.peerpool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.peerpool.test.ChaosRun;
import io.peerpool.test.ChaosTopology;
import io.peerpool.test.DatabaseServer;
import io.peerpool.test.EmbeddedPostgres;
import io.peerpool.test.FaultProxy;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.PostgresMajor;
import io.peerpool.test.PostgresServer;

/**
 * The chaos run on a PostgreSQL 17 primary and two hot standbys, {@code role: auto}, through fault
 * proxies. At most one promotion, a planned switchover (the primary made read-only, a standby
 * promoted once it caught up): the kit cannot make a former primary a standby again, and a
 * switchover must leave a standby.
 */
class PostgresChaosIntegrationTests extends AbstractChaosIntegrationTests {

	@RegisterExtension
	static final EmbeddedPostgres pg = EmbeddedPostgres.primaryWithStandbys(PostgresMajor.V17, 2);

	@Override
	List<? extends DatabaseServer> servers() {
		return pg.servers();
	}

	@Override
	ChaosTopology topology(Map<DatabaseServer, FaultProxy> proxies) {
		return ChaosTopology.of(pg, proxies);
	}

	@Override
	ChaosRun.Dialect dialect() {
		return ChaosRun.Dialect.POSTGRESQL;
	}

	@Override
	JdbcDriver driver() {
		return JdbcDriver.POSTGRESQL;
	}

	@Override
	PeerRole role(DatabaseServer server) {
		return PeerRole.AUTO;
	}

	@Override
	void createUser() throws SQLException {
		PostgresServer primary = pg.primary();
		primary.executeAsAdmin("CREATE ROLE " + USER + " LOGIN PASSWORD '" + this.password + "'");
		primary.executeAsAdmin("GRANT USAGE, CREATE ON SCHEMA public TO " + USER);
		// the kit trusts every user but its own on 127.0.0.1: make this one give its password too
		for (PostgresServer server : pg.servers()) {
			Path hba = server.dataDirectory().resolve("pg_hba.conf");
			try {
				Files.writeString(hba, "host all " + USER + " 127.0.0.1/32 scram-sha-256\n" + Files.readString(hba));
			}
			catch (IOException ex) {
				throw new IllegalStateException("Cannot write " + hba, ex);
			}
			server.executeAsAdmin("SELECT pg_reload_conf()");
		}
	}

}
