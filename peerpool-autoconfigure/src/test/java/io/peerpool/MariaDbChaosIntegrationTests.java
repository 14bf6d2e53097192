package io.peerpool;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.peerpool.test.ChaosRun;
import io.peerpool.test.ChaosTopology;
import io.peerpool.test.DatabaseServer;
import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.FaultProxy;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.MariaDbServer;

/**
 * The chaos run on a MariaDB primary and two replicas, every peer {@code role: auto} (so that a
 * planned switchover is followed), through fault proxies. The replicas' {@code read_only} is set at
 * run time, as on a hand-configured replica: a restarted replica comes back writable, and a
 * promotion re-points it ({@code STOP SLAVE; CHANGE MASTER; START SLAVE}) while the old primary is
 * read-only. Seed 13 restarts replica0 and then promotes replica1: peerpool once made replica0
 * the writer in that moment, which the run's writer check reports.
 */
class MariaDbChaosIntegrationTests extends AbstractChaosIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.primaryWithReplicas(2);

	@Override
	List<? extends DatabaseServer> servers() {
		return ChaosTopology.of(db, Map.of()).servers();
	}

	@Override
	ChaosTopology topology(Map<DatabaseServer, FaultProxy> proxies) {
		return ChaosTopology.of(db, proxies);
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
		return PeerRole.AUTO;
	}

	@Override
	void createUser() throws SQLException {
		MariaDbServer primary = db.primary();
		primary.executeAsAdmin("CREATE USER '" + USER + "'@'%' IDENTIFIED BY '" + this.password + "'");
		primary.executeAsAdmin("GRANT ALL PRIVILEGES ON " + primary.database() + ".* TO '" + USER + "'@'%'");
		// nothing more: as an application's user, lag is measured by replication position
	}

}
