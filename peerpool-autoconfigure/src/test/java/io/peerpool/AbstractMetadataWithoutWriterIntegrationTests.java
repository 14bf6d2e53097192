package io.peerpool;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.jooq.SQLDialect;
import org.jooq.tools.jdbc.JDBCUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.data.jdbc.core.dialect.DialectResolver;
import org.springframework.data.jdbc.core.dialect.JdbcDialect;
import org.springframework.jdbc.core.JdbcTemplate;

import io.peerpool.balance.Balance;
import io.peerpool.test.DatabaseServer;
import io.peerpool.test.JdbcDriver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * An application that starts, or asks the database what it is, while its primary is dead and a
 * replica serves reads: what says nothing about where work runs ({@code getMetaData()}, as jOOQ,
 * Hibernate and Spring Data JDBC ask for their dialect at startup)
 * is answered by that replica, without waiting for a writer. Before, it waited up to
 * {@code acquire-timeout} and failed. The connection's first statement still decides where its
 * work runs: a write waits for a writer.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
abstract class AbstractMetadataWithoutWriterIntegrationTests {

	/** Probes every 200 ms; acquire-timeout 2 s. */
	private static final PeerPoolSettings SETTINGS = new PeerPoolSettings("no-writer", Balance.ROUND_ROBIN,
			Duration.ofSeconds(2), Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(1),
			Duration.ofSeconds(2));

	/** The primary, then the replica. */
	abstract List<? extends DatabaseServer> servers();

	abstract JdbcDriver driver();

	/** What {@code DatabaseMetaData.getDatabaseProductName()} and jOOQ say of the servers. */
	abstract String productName();

	abstract SQLDialect jooqDialect();

	/** The Spring Data JDBC dialect its resolver gives for the servers. */
	abstract Class<? extends JdbcDialect> dataJdbcDialect();

	/** A query that answers with the server's identity, and that identity for {@code server}. */
	abstract String identityQuery();

	abstract int identity(DatabaseServer server);

	/** What the pool sets besides the test's settings. */
	void configure(PeerPoolDataSource.Builder builder) {
	}

	final DatabaseServer primary() {
		return servers().get(0);
	}

	final DatabaseServer replica() {
		return servers().get(1);
	}

	@AfterEach
	void primaryBack() {
		if (!primary().isRunning()) {
			primary().restart();
		}
	}

	@Test
	void theMetadataComesFromTheReplicaAndTheFirstStatementStillDecides() throws SQLException {
		primary().kill();
		try (PeerPoolDataSource pool = poolWithoutItsPrimary()) {
			try (Connection connection = pool.getConnection()) {
				DatabaseMetaData metaData = connection.getMetaData();
				assertThat(metaData.getDatabaseProductName()).isEqualTo(productName());
				// what Boot's jOOQ auto-configuration asks for its dialect
				assertThat(JDBCUtils.dialect(connection)).isEqualTo(jooqDialect());
				connection.setReadOnly(true);
				assertThat(identity(connection)).as("a read").isEqualTo(identity(replica()));
			}
			// what Boot's Spring Data JDBC auto-configuration asks for its dialect
			assertThat(DialectResolver.getDialect(new JdbcTemplate(pool))).isInstanceOf(dataJdbcDialect());
			try (Connection connection = pool.getConnection()) {
				connection.getMetaData();
				// the write is not sent to the replica that answered the metadata: it waits for a writer
				assertThatExceptionOfType(NoAvailablePeerException.class)
					.isThrownBy(() -> connection.createStatement().executeUpdate("CREATE TABLE t (id INT)"))
					.withMessageContaining("write");
			}
		}
	}

	/** A pool of the servers (the primary declared {@code primary}, the replica {@code replica}) once it saw them. */
	final PeerPoolDataSource poolWithoutItsPrimary() {
		PeerPoolDataSource pool = TestPools.over(SETTINGS, servers(), driver(),
				(server) -> (server == primary()) ? PeerRole.PRIMARY : PeerRole.REPLICA, PeerProbe.standard(),
				Map.of("maximum-pool-size", "4", "minimum-idle", "2"), this::configure);
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(pool.getPeers())
			.extracting(PeerInfo::state)
			.as("%s", pool.getPeers())
			.containsExactly(PeerState.DOWN, PeerState.UP));
		return pool;
	}

	private int identity(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(identityQuery())) {
			result.next();
			return result.getInt(1);
		}
	}

}
