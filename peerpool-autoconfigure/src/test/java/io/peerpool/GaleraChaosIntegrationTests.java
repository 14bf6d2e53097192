package io.peerpool;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.peerpool.test.ChaosRun;
import io.peerpool.test.ChaosTopology;
import io.peerpool.test.DatabaseServer;
import io.peerpool.test.EmbeddedGalera;
import io.peerpool.test.FaultProxy;
import io.peerpool.test.JdbcDriver;

/**
 * The chaos run on a three-node Galera cluster (every node a writable {@code primary}), through
 * fault proxies. Skipped where the Galera packages are missing, failed under {@code CI=true}.
 */
class GaleraChaosIntegrationTests extends AbstractChaosIntegrationTests {

	@RegisterExtension
	static final EmbeddedGalera galera = EmbeddedGalera.nodes(3);

	@Override
	List<? extends DatabaseServer> servers() {
		return galera.nodes();
	}

	@Override
	boolean checksWriter() {
		// every Synced node takes writes
		return false;
	}

	@Override
	ChaosTopology topology(Map<DatabaseServer, FaultProxy> proxies) {
		return ChaosTopology.of(galera, proxies);
	}

	@Override
	ChaosRun.Dialect dialect() {
		return ChaosRun.Dialect.MARIADB;
	}

	@Override
	JdbcDriver driver() {
		return JdbcDriver.MARIADB;
	}

	@Override
	PeerRole role(DatabaseServer server) {
		return PeerRole.PRIMARY;
	}

	@Override
	void createUser() throws SQLException {
		// Galera replicates the DDL to every node
		try (Connection connection = galera.node(0).connectAsAdmin(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE USER '" + USER + "'@'%' IDENTIFIED BY '" + this.password + "'");
			statement.execute("GRANT ALL PRIVILEGES ON " + galera.node(0).database() + ".* TO '" + USER + "'@'%'");
		}
	}

}
