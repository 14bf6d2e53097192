package io.peerpool.test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The kit is realistic by default: the application user has application privileges only, and a
 * replica's {@code read_only} was set at run time, so a restart brings it back writable; a test
 * asks for more by name.
 */
class EmbeddedMariaDbRealismIntegrationTests {

	/** ER_SPECIFIC_ACCESS_DENIED_ERROR */
	private static final int ACCESS_DENIED = 1227;

	@RegisterExtension
	static final EmbeddedMariaDb realistic = EmbeddedMariaDb.primaryWithReplicas(1);

	@RegisterExtension
	static final EmbeddedMariaDb privileged = EmbeddedMariaDb.primaryWithReplicas(1)
		.withApplicationGrants("SLAVE MONITOR")
		.persistentReadOnly();

	@Test
	void theApplicationUserHasNoReplicationPrivilegeAndARestartedReplicaIsWritableAndReplicates() throws SQLException {
		MariaDbServer replica = realistic.replicas().get(0);
		try (Connection connection = replica.connect(); Statement statement = connection.createStatement()) {
			assertThat(queryInt(statement, "SELECT @@read_only")).as("read-only before the restart").isOne();
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> statement.executeQuery("SHOW SLAVE STATUS"))
				.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(ACCESS_DENIED));
		}

		replica.restart();

		try (Connection connection = replica.connect(); Statement statement = connection.createStatement()) {
			assertThat(queryInt(statement, "SELECT @@read_only")).as("read_only was set at run time").isZero();
		}
		try (Connection connection = realistic.primary().connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS after_restart (id INT PRIMARY KEY)");
		}
		await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
			try (Connection connection = replica.connect(); Statement statement = connection.createStatement()) {
				return queryInt(statement, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_NAME = 'after_restart'") == 1;
			}
		});
	}

	@Test
	void aTestAsksForPrivilegesAndAPersistentReadOnlyByName() throws SQLException {
		MariaDbServer replica = privileged.replicas().get(0);
		try (Connection connection = replica.connect(); Statement statement = connection.createStatement();
				ResultSet status = statement.executeQuery("SHOW SLAVE STATUS")) {
			assertThat(status.next()).as("SLAVE MONITOR granted").isTrue();
		}

		replica.restart();

		try (Connection connection = replica.connect(); Statement statement = connection.createStatement()) {
			assertThat(queryInt(statement, "SELECT @@read_only")).as("read_only on the command line").isOne();
		}
	}

	private static int queryInt(Statement statement, String sql) throws SQLException {
		try (ResultSet result = statement.executeQuery(sql)) {
			result.next();
			return result.getInt(1);
		}
	}

}
