package io.peerpool.autoconfigure;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.MariaDbServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Liquibase, as Boot's auto-configuration runs it on the pool's {@code DataSource}, runs once,
 * through the writable primary, while a replica is down: the replicas (declared first, found by
 * {@code role: auto}) get the change set and Liquibase's own tables by replication. Liquibase takes
 * its lock with an update of {@code DATABASECHANGELOGLOCK} and reads its history in the same
 * transactions: a read that went to a replica would miss what the primary holds, a write there
 * would be refused by {@code read_only}.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PeerPoolLiquibaseIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.primaryWithReplicas(2);

	@Test
	void changeLogRunsOnceOnTheWritablePrimaryWhileAReplicaIsDownAndAgainChangesNothing() {
		MariaDbServer down = db.replicas().get(1);
		down.kill();
		try {
			ApplicationContextRunner runner = new ApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(PeerPoolAutoConfiguration.class, DataSourceAutoConfiguration.class,
						LiquibaseAutoConfiguration.class))
				.withPropertyValues("spring.liquibase.change-log=classpath:db/peerpool-changelog/changelog.yaml",
						"spring.datasource.peerpool.peers.a.url=" + db.replicas().get(0).jdbcUrl(JdbcDriver.MARIADB),
						"spring.datasource.peerpool.peers.a.role=auto",
						"spring.datasource.peerpool.peers.b.url=" + down.jdbcUrl(JdbcDriver.MARIADB),
						"spring.datasource.peerpool.peers.b.role=auto",
						"spring.datasource.peerpool.peers.c.url=" + db.primary().jdbcUrl(JdbcDriver.MARIADB),
						"spring.datasource.peerpool.peers.c.role=auto")
				.withPropertyValues(credentials("a"))
				.withPropertyValues(credentials("b"))
				.withPropertyValues(credentials("c"));
			runner.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(count(db.primary(), "SELECT COUNT(*) FROM DATABASECHANGELOG")).isEqualTo(1);
				assertThat(count(db.primary(), "SELECT COUNT(*) FROM liquibase_accounts")).isEqualTo(1);
				assertThat(count(db.primary(), "SELECT COUNT(*) FROM DATABASECHANGELOGLOCK WHERE LOCKED = 1"))
					.as("Liquibase's lock, released").isZero();
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(count(db.replicas().get(0), "SELECT COUNT(*) FROM liquibase_accounts"))
						.as("the change set on the replica, by replication").isEqualTo(1));
			});
			// the next start of the application (another instance, a redeploy) finds the change set applied
			runner.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(count(db.primary(), "SELECT COUNT(*) FROM DATABASECHANGELOG")).isEqualTo(1);
				assertThat(count(db.primary(), "SELECT COUNT(*) FROM liquibase_accounts")).isEqualTo(1);
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
