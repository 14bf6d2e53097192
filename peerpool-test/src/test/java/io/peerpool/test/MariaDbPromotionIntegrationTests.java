package io.peerpool.test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * The catch-up of {@link MariaDbCluster#promote(MariaDbServer, Duration)} with a reachable old
 * primary: a switchover back with nothing committed in between does not wait for a position the
 * server wrote itself, and a replica that cannot catch up fails the promotion within the bound,
 * saying what it waited for and what it reached.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MariaDbPromotionIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb repl = EmbeddedMariaDb.primaryWithReplicas(1);

	@Test
	@Order(1)
	void aSwitchoverBackWithNothingCommittedInBetweenDoesNotWaitForItsOwnTransactions() throws SQLException {
		MariaDbServer original = repl.primary();
		MariaDbServer replica = repl.replicas().get(0);
		execute(original, "CREATE TABLE back (id INT PRIMARY KEY)", "INSERT INTO back VALUES (1)");
		repl.promote(replica);

		// the new primary's last transactions were written by the original primary: they are in the
		// original's binary log, never in its gtid_slave_pos, which MASTER_GTID_WAIT alone waited for
		// until the admin connection's 30 s socket timeout
		repl.promote(original, Duration.ofSeconds(5));

		assertThat(repl.primary()).isSameAs(original);
		execute(original, "INSERT INTO back VALUES (2)");
		await().atMost(Duration.ofSeconds(30)).until(() -> count(replica, "back") == 2);
	}

	@Test
	@Order(2)
	void aReplicaThatCannotCatchUpFailsThePromotionNamingThePositions() throws SQLException {
		MariaDbServer primary = repl.primary();
		MariaDbServer replica = repl.replicas().get(0);
		execute(primary, "CREATE TABLE broken (id INT PRIMARY KEY)");
		await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> count(replica, "broken") == 0);
		// a row only the replica has (not in its binary log): the primary's insert of the same key
		// stops the replica's SQL thread with a duplicate key
		executeUnlogged(replica, "INSERT INTO app.broken VALUES (1)");
		execute(primary, "INSERT INTO broken VALUES (1)");
		String position = position(primary);

		assertThatIllegalStateException().isThrownBy(() -> repl.promote(replica, Duration.ofSeconds(2)))
			.withMessageContaining("Cannot promote " + replica.name())
			.withMessageContaining("did not reach GTID position " + position + " within 2000 ms")
			.withMessageContaining("its binary log is at")
			.withMessageContaining("SQL No")
			.withMessageContaining("Duplicate entry")
			.withMessageContaining(primary.name() + " stays the primary");

		assertThat(repl.primary()).as("primary after the failed promotion").isSameAs(primary);
		execute(primary, "INSERT INTO broken VALUES (2)");

		// repaired as a DBA does, the same promotion goes through
		executeUnlogged(replica, "DELETE FROM app.broken WHERE id = 1");
		replica.executeAsAdmin("START SLAVE");
		repl.promote(replica, Duration.ofSeconds(30));
		assertThat(repl.primary()).isSameAs(replica);
		assertThat(count(replica, "broken")).isEqualTo(2);
	}

	/** As root, kept out of the binary log (so out of GTID positions too). */
	private static void executeUnlogged(MariaDbServer server, String sql) throws SQLException {
		try (Connection connection = server.connectAsAdmin(); Statement statement = connection.createStatement()) {
			statement.execute("SET SESSION sql_log_bin = 0");
			statement.execute(sql);
		}
	}

	private static String position(MariaDbServer server) throws SQLException {
		try (Connection connection = server.connectAsAdmin();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT @@GLOBAL.gtid_binlog_pos")) {
			result.next();
			return result.getString(1);
		}
	}

}
