package io.peerpool.autoconfigure;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.MariaDbServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Flyway runs once, through the writable primary of the pool, while a replica is down: the
 * migration reaches every server by replication, not by running on each.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PeerPoolFlywayIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.primaryWithReplicas(2);

	@Test
	void migrationRunsOnTheWritablePrimaryWhileAReplicaIsDown() {
		MariaDbServer down = db.replicas().get(1);
		down.kill();
		try {
			new ApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(PeerPoolAutoConfiguration.class, DataSourceAutoConfiguration.class,
						FlywayAutoConfiguration.class))
				.withPropertyValues("spring.flyway.locations=classpath:db/peerpool-migration",
						"spring.datasource.peerpool.peers.a.url=" + db.replicas().get(0).jdbcUrl(JdbcDriver.MARIADB),
						"spring.datasource.peerpool.peers.a.role=auto",
						"spring.datasource.peerpool.peers.b.url=" + down.jdbcUrl(JdbcDriver.MARIADB),
						"spring.datasource.peerpool.peers.b.role=auto",
						"spring.datasource.peerpool.peers.c.url=" + db.primary().jdbcUrl(JdbcDriver.MARIADB),
						"spring.datasource.peerpool.peers.c.role=auto")
				.withPropertyValues(credentials("a"))
				.withPropertyValues(credentials("b"))
				.withPropertyValues(credentials("c"))
				.run((context) -> {
					assertThat(context).hasNotFailed();
					assertThat(count(db.primary(), "SELECT COUNT(*) FROM flyway_schema_history WHERE success = 1"))
						.isEqualTo(1);
					assertThat(count(db.primary(), "SELECT COUNT(*) FROM migrated_accounts")).isEqualTo(1);
				});
		}
		finally {
			down.restart();
		}
	}

	private static String[] credentials(String peer) {
		return new String[] { "spring.datasource.peerpool.peers." + peer + ".username=" + db.primary().username(),
				"spring.datasource.peerpool.peers." + peer + ".password=" + db.primary().password() };
	}

	private static int count(MariaDbServer server, String sql) throws SQLException {
		try (Connection connection = server.connect(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(sql)) {
			result.next();
			return result.getInt(1);
		}
	}

}
