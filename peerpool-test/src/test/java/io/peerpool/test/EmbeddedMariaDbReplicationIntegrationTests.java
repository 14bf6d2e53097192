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
 * {@link EmbeddedMariaDb#primaryWithReplicas(int)} against real servers: GTID replication,
 * {@code read_only} replicas, restart, lag and promotion (last, as it changes the roles).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmbeddedMariaDbReplicationIntegrationTests {

	private static final int ER_OPTION_PREVENTS_STATEMENT = 1290;

	@RegisterExtension
	static final EmbeddedMariaDb repl = EmbeddedMariaDb.primaryWithReplicas(2);

	@Test
	@Order(1)
	void rowWrittenOnPrimaryAppearsOnEveryReplica() throws SQLException {
		assertThat(repl.primary().name()).isEqualTo("primary");
		assertThat(repl.replicas()).extracting(MariaDbServer::name).containsExactly("replica0", "replica1");
		assertThat(repl.primary().lagSeconds()).isNull();
		execute(repl.primary(), "CREATE TABLE replicated (id INT PRIMARY KEY)", "INSERT INTO replicated VALUES (1)");

		for (MariaDbServer replica : repl.replicas()) {
			await().atMost(Duration.ofSeconds(30)).until(() -> count(replica, "replicated") == 1);
			assertThat(replica.lagSeconds()).isNotNull();
		}
	}

	@Test
	@Order(2)
	void replicaRejectsWritesOfTheApplicationUser() throws SQLException {
		execute(repl.primary(), "CREATE TABLE readonly_check (id INT PRIMARY KEY)");
		MariaDbServer replica = repl.replicas().get(0);
		await().atMost(Duration.ofSeconds(30)).until(() -> tableExists(replica, "readonly_check"));

		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> execute(replica, "INSERT INTO readonly_check VALUES (1)"))
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(ER_OPTION_PREVENTS_STATEMENT));
	}

	@Test
	@Order(3)
	void restartedReplicaCatchesUp() throws SQLException {
		MariaDbServer replica = repl.replicas().get(1);
		execute(repl.primary(), "CREATE TABLE catch_up (id INT PRIMARY KEY)");
		replica.kill();
		execute(repl.primary(), "INSERT INTO catch_up VALUES (1)");

		replica.restart();

		// the table may not have reached the replica before the kill: until it has, the count fails
		await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(SQLException.class)
			.until(() -> count(replica, "catch_up") == 1);
	}

	/**
	 * A replica killed after it wrote a replicated DDL statement to its binary log but before
	 * {@code gtid_slave_pos} recorded it (seen in CI: "out-of-order sequence number ... gtid strict
	 * mode") must still catch up after restart. The gap is made exactly rather than by racing a kill.
	 */
	@Test
	@Order(4)
	void replicaKilledBetweenBinaryLogAndSlavePositionCatchesUp() throws SQLException {
		MariaDbServer replica = repl.replicas().get(1);
		execute(repl.primary(), "CREATE TABLE crash_gap (id INT PRIMARY KEY)");
		await().atMost(Duration.ofSeconds(30)).until(() -> tableExists(replica, "crash_gap"));
		String[] last = replica.gtidBinlogPosition().split("-");
		replica.executeAsAdmin("STOP SLAVE");
		replica.executeAsAdmin("SET GLOBAL gtid_slave_pos = '" + last[0] + "-" + last[1] + "-"
				+ (Long.parseLong(last[2]) - 1) + "'");
		replica.kill();
		execute(repl.primary(), "INSERT INTO crash_gap VALUES (1)");

		replica.restart();

		await().atMost(Duration.ofSeconds(30)).until(() -> count(replica, "crash_gap") == 1);
	}

	@Test
	@Order(5)
	void lagDelaysTheReplicaAndZeroRemovesIt() throws SQLException {
		MariaDbServer replica = repl.replicas().get(0);
		execute(repl.primary(), "CREATE TABLE lagged (id INT PRIMARY KEY)");
		await().atMost(Duration.ofSeconds(30)).until(() -> tableExists(replica, "lagged"));

		repl.lag(replica, Duration.ofSeconds(2));
		try {
			execute(repl.primary(), "INSERT INTO lagged VALUES (1)");
			assertThat(count(replica, "lagged")).as("row on the lagged replica right after the insert").isZero();
			await().atMost(Duration.ofSeconds(10))
				.pollInterval(Duration.ofMillis(100))
				.until(() -> replica.lagSeconds() != null && replica.lagSeconds() > 0);
			await().atMost(Duration.ofSeconds(30)).until(() -> count(replica, "lagged") == 1);
		}
		finally {
			repl.lag(replica, Duration.ZERO);
		}
		execute(repl.primary(), "INSERT INTO lagged VALUES (2)");
		await().atMost(Duration.ofSeconds(2)).until(() -> count(replica, "lagged") == 2);
	}

	@Test
	@Order(6)
	void promoteMakesTheReplicaWritableAndTheOldPrimaryItsReplica() throws SQLException {
		MariaDbServer oldPrimary = repl.primary();
		MariaDbServer newPrimary = repl.replicas().get(0);
		MariaDbServer otherReplica = repl.replicas().get(1);
		execute(oldPrimary, "CREATE TABLE promoted (id INT PRIMARY KEY)", "INSERT INTO promoted VALUES (1)");

		repl.promote(newPrimary);

		assertThat(repl.primary()).isSameAs(newPrimary);
		assertThat(repl.replicas()).containsExactlyInAnyOrder(oldPrimary, otherReplica);
		assertThat(newPrimary.lagSeconds()).isNull();
		assertThat(count(newPrimary, "promoted")).as("committed on the old primary before promotion").isEqualTo(1);
		execute(newPrimary, "INSERT INTO promoted VALUES (2)");
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> execute(oldPrimary, "INSERT INTO promoted VALUES (3)"))
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo(ER_OPTION_PREVENTS_STATEMENT));
		for (MariaDbServer replica : repl.replicas()) {
			await().atMost(Duration.ofSeconds(30)).until(() -> count(replica, "promoted") == 2);
			assertThat(replica.lagSeconds()).isNotNull();
		}
	}

}
