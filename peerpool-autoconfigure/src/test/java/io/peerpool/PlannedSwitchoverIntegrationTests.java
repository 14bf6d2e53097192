package io.peerpool;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.peerpool.balance.Balance;
import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.MariaDbServer;
import io.peerpool.test.TransactionLoad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A planned switchover under 8 threads of writes (the old primary set read-only, a replica
 * promoted, {@code role: auto}): writers with no writable peer wait for the promoted one instead
 * of failing; a write refused by the old primary's {@code read_only} runs again on the new one.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PlannedSwitchoverIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.primaryWithReplicas(2);

	@Test
	void writesWaitForThePromotedPrimaryInsteadOfFailing() throws Exception {
		try (Connection connection = db.primary().connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS load_rows (id BIGINT AUTO_INCREMENT PRIMARY KEY, seq BIGINT)");
		}
		PeerPoolSettings settings = new PeerPoolSettings("switchover", Balance.RANDOM, Duration.ofSeconds(30),
				Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(10));
		MariaDbServer oldPrimary = db.primary();
		MariaDbServer promoted = db.replicas().get(0);
		try (PeerPoolDataSource pool = TestPools.over(settings, db.servers(), JdbcDriver.MARIADB, (s) -> PeerRole.AUTO);
				TransactionLoad load = new TransactionLoad(pool, 8, "SELECT @@port")) {
			await().atMost(Duration.ofSeconds(20)).until(() -> load.successfulOn(oldPrimary.port()) > 100);
			db.promote(promoted);
			await().atMost(Duration.ofSeconds(30)).until(() -> load.successfulOn(promoted.port()) > 200);
			load.stop(Duration.ofSeconds(30));

			// MariaDB refuses the commit of a transaction that wrote before read_only=1 took effect: only
			// a replay of the transaction on the new primary could save it, so at most the one
			// transaction each thread had open at that instant fails; every later write waits for the
			// new primary instead of failing
			List<TransactionLoad.Outcome> failed = load.outcomes().stream().filter(TransactionLoad.Outcome::failed).toList();
			assertThat(failed).as("failed writes").allSatisfy((outcome) -> assertThat(outcome.error()).contains("read-only"));
			assertThat(failed.stream().collect(Collectors.groupingBy(TransactionLoad.Outcome::thread, Collectors.counting())))
				.as("failed writes per thread")
				.allSatisfy((thread, count) -> assertThat(count).isLessThanOrEqualTo(1L));
			assertThat(pool.peer(promoted.name()).role()).isEqualTo(PeerRole.PRIMARY);
		}
	}

}
