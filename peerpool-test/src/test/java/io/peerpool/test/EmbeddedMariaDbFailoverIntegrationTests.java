package io.peerpool.test;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.peerpool.test.AppSql.execute;
import static io.peerpool.test.AppSql.count;
import static io.peerpool.test.AppSql.tableExists;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Failover with {@link EmbeddedMariaDb#primaryWithReplicas(int)}: a restarted primary, and
 * promotion while the primary is dead or frozen (it rejoins as a replica when it is back).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmbeddedMariaDbFailoverIntegrationTests {

	private static final int ER_OPTION_PREVENTS_STATEMENT = 1290;

	@RegisterExtension
	static final EmbeddedMariaDb repl = EmbeddedMariaDb.primaryWithReplicas(2);

	@Test
	@Order(1)
	void replicasFollowARestartedPrimary() throws SQLException {
		MariaDbServer primary = repl.primary();
		execute(primary, "CREATE TABLE restarted (id INT PRIMARY KEY)", "INSERT INTO restarted VALUES (1)");

		primary.restart();
		execute(primary, "INSERT INTO restarted VALUES (2)");

		for (MariaDbServer replica : repl.replicas()) {
			await().atMost(Duration.ofSeconds(30)).until(() -> count(replica, "restarted") == 2);
		}
	}

	@Test
	@Order(2)
	void promoteAfterThePrimaryIsKilledAndTheOldPrimaryRejoinsOnRestart() throws SQLException {
		MariaDbServer oldPrimary = repl.primary();
		MariaDbServer newPrimary = repl.replicas().get(0);
		MariaDbServer otherReplica = repl.replicas().get(1);
		execute(oldPrimary, "CREATE TABLE killed (id INT PRIMARY KEY)", "INSERT INTO killed VALUES (1)");
		for (MariaDbServer replica : repl.replicas()) {
			await().atMost(Duration.ofSeconds(30)).until(() -> count(replica, "killed") == 1);
		}

		oldPrimary.kill();
		repl.promote(newPrimary);

		execute(newPrimary, "INSERT INTO killed VALUES (2)");
		await().atMost(Duration.ofSeconds(30)).until(() -> count(otherReplica, "killed") == 2);

		oldPrimary.restart();

		assertThat(repl.replicas()).contains(oldPrimary);
		await().atMost(Duration.ofSeconds(30)).until(() -> count(oldPrimary, "killed") == 2);
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> execute(oldPrimary, "INSERT INTO killed VALUES (3)"))
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(ER_OPTION_PREVENTS_STATEMENT));
	}

	@Test
	@Order(3)
	void promoteWhileThePrimaryIsFrozenAndTheOldPrimaryRejoinsOnThaw() throws SQLException {
		MariaDbServer oldPrimary = repl.primary();
		MariaDbServer newPrimary = repl.replicas().get(0);
		execute(oldPrimary, "CREATE TABLE frozen (id INT PRIMARY KEY)");
		for (MariaDbServer replica : repl.replicas()) {
			await().atMost(Duration.ofSeconds(30)).until(() -> tableExists(replica, "frozen"));
		}

		oldPrimary.freeze();
		try {
			repl.promote(newPrimary);
			execute(newPrimary, "INSERT INTO frozen VALUES (1)");
		}
		finally {
			oldPrimary.thaw();
		}

		await().atMost(Duration.ofSeconds(30)).until(() -> count(oldPrimary, "frozen") == 1);
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> execute(oldPrimary, "INSERT INTO frozen VALUES (2)"))
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(ER_OPTION_PREVENTS_STATEMENT));
	}

}
