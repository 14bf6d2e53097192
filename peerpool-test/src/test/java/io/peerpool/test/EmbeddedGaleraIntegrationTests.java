package io.peerpool.test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/** The Galera cluster of the kit against the real system mariadbd + galera-4: replication, eviction, quorum. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EmbeddedGaleraIntegrationTests {

	@RegisterExtension
	static final EmbeddedGalera galera = EmbeddedGalera.nodes(3);

	@BeforeAll
	static void createTable() throws SQLException {
		try (Connection connection = galera.node(0).connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE items (id INT AUTO_INCREMENT PRIMARY KEY, label VARCHAR(64) NOT NULL)");
		}
	}

	@AfterEach
	void healCluster() {
		// every test starts from a whole cluster, whatever the previous one broke
		for (GaleraNode node : galera.nodes()) {
			if (node.isFrozen()) {
				node.thaw();
			}
			else if (!node.isRunning()) {
				node.restart();
			}
		}
		galera.awaitSynced();
	}

	@Test
	void threeNodesAreSyncedInOneClusterOfThree() throws SQLException {
		assertThat(galera.nodes()).hasSize(3);
		for (GaleraNode node : galera.nodes()) {
			assertThat(node.wsrepStatus("wsrep_local_state_comment")).as(node.name()).isEqualTo("Synced");
			assertThat(node.wsrepStatus("wsrep_ready")).as(node.name()).isEqualTo("ON");
			assertThat(node.wsrepStatus("wsrep_cluster_size")).as(node.name()).isEqualTo("3");
			assertThat(node.wsrepStatus("wsrep_cluster_status")).as(node.name()).isEqualTo("Primary");
		}
		assertThat(galera.nodes()).extracting(GaleraNode::port).doesNotHaveDuplicates();
	}

	@Test
	void nodesRunAsMysqlWhenRootWithShortEvictionTimeouts() throws SQLException {
		for (GaleraNode node : galera.nodes()) {
			if ("root".equals(System.getProperty("user.name"))) {
				// rsync state transfer refuses to run as root
				assertThat(ProcessHandle.of(node.pid()).flatMap((process) -> process.info().user())).as(node.name())
					.hasValue("mysql");
			}
			try (Connection connection = node.connectAsAdmin(); Statement statement = connection.createStatement();
					ResultSet result = statement.executeQuery("SELECT @@wsrep_provider_options, @@wsrep_sst_method")) {
				assertThat(result.next()).isTrue();
				assertThat(result.getString(1)).contains("evs.suspect_timeout = PT2S", "evs.inactive_timeout = PT3S");
				assertThat(result.getString(2)).isEqualTo("rsync");
			}
		}
	}

	@Test
	void writeOnOneNodeIsReadableOnTheOthersWithBothDrivers() throws SQLException {
		insert(galera.node(1), "written-on-node1");
		for (GaleraNode node : galera.nodes()) {
			for (JdbcDriver driver : List.of(JdbcDriver.MARIADB, JdbcDriver.MYSQL)) {
				assertThat(labels(node, driver)).as(node.name() + " via " + driver).contains("written-on-node1");
			}
		}
	}

	@Test
	void frozenNodeIsEvictedTheOthersAcceptWritesAndAfterThawItRejoinsAndCatchesUp() throws SQLException {
		GaleraNode frozen = galera.node(2);
		frozen.freeze();
		assertThat(frozen.isFrozen()).isTrue();
		await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(250))
			.ignoreExceptions()
			.until(() -> "2".equals(galera.node(0).wsrepStatus("wsrep_cluster_size"))
					&& "2".equals(galera.node(1).wsrepStatus("wsrep_cluster_size")));
		insert(galera.node(0), "while-node2-frozen-a");
		insert(galera.node(1), "while-node2-frozen-b");
		assertThat(labels(galera.node(1), JdbcDriver.MARIADB)).contains("while-node2-frozen-a");

		frozen.thaw();
		galera.awaitSynced();
		assertThat(frozen.wsrepStatus("wsrep_local_state_comment")).isEqualTo("Synced");
		assertThat(frozen.wsrepStatus("wsrep_cluster_size")).isEqualTo("3");
		assertThat(labels(frozen, JdbcDriver.MARIADB)).contains("while-node2-frozen-a", "while-node2-frozen-b");
	}

	@Test
	void lastNodeWithoutQuorumAnswersSelectOneButRefusesTablesUntilTheOthersThaw() throws SQLException {
		GaleraNode survivor = galera.node(0);
		galera.node(1).freeze();
		galera.node(2).freeze();
		await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(250))
			.ignoreExceptions()
			.until(() -> "OFF".equals(survivor.wsrepStatus("wsrep_ready")));
		assertThat(survivor.wsrepStatus("wsrep_cluster_status")).isEqualTo("non-Primary");
		try (Connection connection = survivor.connect(); Statement statement = connection.createStatement()) {
			try (ResultSet result = statement.executeQuery("SELECT 1")) {
				assertThat(result.next()).isTrue();
				assertThat(result.getInt(1)).isEqualTo(1);
			}
			assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> statement.executeQuery("SELECT COUNT(*) FROM items"))
				.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(1047))
				.withMessageContaining("WSREP has not yet prepared node");
		}

		galera.node(1).thaw();
		galera.node(2).thaw();
		galera.awaitSynced();
		assertThat(survivor.wsrepStatus("wsrep_ready")).isEqualTo("ON");
		insert(survivor, "after-quorum-recovered");
		assertThat(labels(galera.node(2), JdbcDriver.MARIADB)).contains("after-quorum-recovered");
	}

	@Test
	void killedNodeRefusesConnectionsAndRestartRejoinsOnTheSamePort() throws SQLException {
		GaleraNode node = galera.node(1);
		int port = node.port();
		node.kill();
		assertThat(node.isRunning()).isFalse();
		assertThat(node.pid()).isEqualTo(-1);
		assertThatExceptionOfType(SQLException.class).isThrownBy(node::connect);
		await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(250))
			.ignoreExceptions()
			.until(() -> "2".equals(galera.node(0).wsrepStatus("wsrep_cluster_size")));
		insert(galera.node(0), "while-node1-dead");

		node.restart();
		assertThat(node.port()).isEqualTo(port);
		assertThat(node.wsrepStatus("wsrep_local_state_comment")).isEqualTo("Synced");
		galera.awaitSynced();
		assertThat(labels(node, JdbcDriver.MYSQL)).contains("while-node1-dead");
	}

	private static void insert(GaleraNode node, String label) throws SQLException {
		try (Connection connection = node.connect();
				var statement = connection.prepareStatement("INSERT INTO items (label) VALUES (?)")) {
			statement.setString(1, label);
			assertThat(statement.executeUpdate()).isEqualTo(1);
		}
	}

	/** Reads every label with a causal read (wsrep_sync_wait): the node first applies what the cluster committed. */
	private static List<String> labels(GaleraNode node, JdbcDriver driver) throws SQLException {
		Properties properties = new Properties();
		properties.setProperty("user", node.username());
		properties.setProperty("password", node.password());
		properties.setProperty("connectTimeout", "5000");
		properties.setProperty("socketTimeout", "15000");
		try (Connection connection = DriverManager.getConnection(node.jdbcUrl(driver), properties);
				Statement statement = connection.createStatement()) {
			statement.execute("SET SESSION wsrep_sync_wait = 1");
			List<String> labels = new ArrayList<>();
			try (ResultSet result = statement.executeQuery("SELECT label FROM items ORDER BY id")) {
				while (result.next()) {
					labels.add(result.getString(1));
				}
			}
			return labels;
		}
	}

}
