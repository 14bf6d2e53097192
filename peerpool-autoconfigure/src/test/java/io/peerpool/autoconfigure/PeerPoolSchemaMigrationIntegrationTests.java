package io.peerpool.autoconfigure;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.MariaDbServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Schema migrations, as Boot's auto-configuration runs them on the pool's {@code DataSource}, run
 * once, through the writable primary, while a replica is down: the replicas (declared first, found
 * by {@code role: auto}) get the migration by replication, not by running it. Flyway and Liquibase
 * read their history and take their locks in the same transactions as they write: a read on a
 * replica would miss what the primary holds, a write there would be refused by {@code read_only}.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PeerPoolSchemaMigrationIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.primaryWithReplicas(2);

	/**
	 * Flyway migrates only an empty schema (or one with its history): each test leaves the schema as
	 * it found it, on every server, before the next test kills a replica (killed while applying DDL,
	 * a replica diverges from its primary).
	 */
	@AfterEach
	void dropWhatTheMigrationsMade() throws SQLException {
		try (Connection connection = db.primary().connect(); Statement statement = connection.createStatement()) {
			statement.execute("DROP TABLE IF EXISTS flyway_schema_history, migrated_accounts, DATABASECHANGELOG,"
					+ " DATABASECHANGELOGLOCK, liquibase_accounts");
		}
		db.awaitReplicated(Duration.ofSeconds(30));
	}

	@Test
	void flywayMigrationRunsOnTheWritablePrimaryWhileAReplicaIsDown() {
		MariaDbServer down = db.replicas().get(1);
		down.kill();
		try {
			app(FlywayAutoConfiguration.class, "spring.flyway.locations=classpath:db/peerpool-migration").run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(count(db.primary(), "SELECT COUNT(*) FROM flyway_schema_history WHERE success = 1")).isEqualTo(1);
				assertThat(count(db.primary(), "SELECT COUNT(*) FROM migrated_accounts")).isEqualTo(1);
			});
		}
		finally {
			down.restart();
		}
	}

	@Test
	void liquibaseChangeLogRunsOnceOnTheWritablePrimaryWhileAReplicaIsDownAndAgainChangesNothing() {
		MariaDbServer down = db.replicas().get(1);
		down.kill();
		try {
			ApplicationContextRunner app = app(LiquibaseAutoConfiguration.class,
					"spring.liquibase.change-log=classpath:db/peerpool-changelog/changelog.yaml");
			app.run((context) -> {
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
			app.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(count(db.primary(), "SELECT COUNT(*) FROM DATABASECHANGELOG")).isEqualTo(1);
				assertThat(count(db.primary(), "SELECT COUNT(*) FROM liquibase_accounts")).isEqualTo(1);
			});
		}
		finally {
			down.restart();
		}
	}

	/**
	 * A migration user of its own ({@code spring.flyway.user}: the DDL privileges kept off the
	 * application's user, as production often does): Boot derives a DataSource for it from the
	 * application's ({@code DataSourceBuilder.derivedFrom}), which must reach the writable primary.
	 * On the old code that derivation failed at startup ("Unable to find suitable method for url").
	 */
	@Test
	void flywayWithAMigrationUserOfItsOwnMigratesOnTheWritablePrimary() {
		createMigrationUser();
		app(FlywayAutoConfiguration.class, "spring.flyway.locations=classpath:db/peerpool-migration")
			.withPropertyValues("spring.flyway.user=migrator", "spring.flyway.password=" + MIGRATOR_PASSWORD)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(count(db.primary(),
						"SELECT COUNT(*) FROM flyway_schema_history WHERE success = 1 AND installed_by = 'migrator'"))
					.as("migrated by its own user").isEqualTo(1);
				assertThat(count(db.primary(), "SELECT COUNT(*) FROM migrated_accounts")).isEqualTo(1);
			});
	}

	@Test
	void liquibaseWithAMigrationUserOfItsOwnMigratesOnTheWritablePrimary() {
		createMigrationUser();
		app(LiquibaseAutoConfiguration.class, "spring.liquibase.change-log=classpath:db/peerpool-changelog/changelog.yaml")
			.withPropertyValues("spring.liquibase.user=migrator", "spring.liquibase.password=" + MIGRATOR_PASSWORD)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(count(db.primary(), "SELECT COUNT(*) FROM DATABASECHANGELOG")).isEqualTo(1);
				assertThat(count(db.primary(), "SELECT COUNT(*) FROM liquibase_accounts")).isEqualTo(1);
			});
	}

	private static final String MIGRATOR_PASSWORD = "migrator-secret";

	/** A user with the schema's DDL privileges, as a DBA creates one for migrations (replicated to the replicas). */
	private static void createMigrationUser() {
		db.primary().executeAsAdmin("CREATE USER IF NOT EXISTS 'migrator'@'%' IDENTIFIED BY '" + MIGRATOR_PASSWORD + "'");
		db.primary().executeAsAdmin("GRANT ALL PRIVILEGES ON app.* TO 'migrator'@'%'");
	}

	/** The application: a pool of the two replicas (the second down) and the primary, all {@code role: auto}, and the migration tool. */
	private static ApplicationContextRunner app(Class<?> migrations, String location) {
		ApplicationContextRunner runner = new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(PeerPoolAutoConfiguration.class, DataSourceAutoConfiguration.class, migrations))
			.withPropertyValues(location);
		String[] peers = { "a", "b", "c" };
		MariaDbServer[] servers = { db.replicas().get(0), db.replicas().get(1), db.primary() };
		for (int i = 0; i < peers.length; i++) {
			String prefix = "spring.datasource.peerpool.peers." + peers[i];
			runner = runner.withPropertyValues(prefix + ".url=" + servers[i].jdbcUrl(JdbcDriver.MARIADB),
					prefix + ".role=auto", prefix + ".username=" + db.primary().username(),
					prefix + ".password=" + db.primary().password());
		}
		return runner;
	}

	private static int count(MariaDbServer server, String sql) throws SQLException {
		try (Connection connection = server.connect(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(sql)) {
			result.next();
			return result.getInt(1);
		}
	}

}
