package io.peerpool;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
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
 * A replica is promoted while 6 threads write: with {@code role: auto} the pool learns the new
 * roles from its probes and every write that starts after that lands on the new primary. Writes
 * during the switchover window may fail (the old primary refuses them as read-only), as with any
 * failover; none may fail outside it.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PromotionUnderLoadIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.primaryWithReplicas(2);

	@Test
	void writesFollowAPromotedReplica() throws Exception {
		try (Connection connection = db.primary().connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS load_rows (id BIGINT AUTO_INCREMENT PRIMARY KEY, seq BIGINT)");
		}
		PeerPoolSettings settings = new PeerPoolSettings("promote", Balance.RANDOM, Duration.ofSeconds(1),
				Duration.ofMillis(300), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(5));
		MariaDbServer oldPrimary = db.primary();
		MariaDbServer promoted = db.replicas().get(0);
		try (PeerPoolDataSource pool = TestPools.over(settings, db.servers(), JdbcDriver.MARIADB, (s) -> PeerRole.AUTO);
				TransactionLoad load = new TransactionLoad(pool, 6, "SELECT @@port")) {
			await().atMost(Duration.ofSeconds(20)).until(() -> load.successfulOn(oldPrimary.port()) > 100);
			long promotedAt = System.nanoTime();
			db.promote(promoted);
			await().atMost(Duration.ofSeconds(20)).until(() -> pool.peer(promoted.name()).role() == PeerRole.PRIMARY
					&& pool.peer(oldPrimary.name()).role() == PeerRole.REPLICA);
			long learnedAt = System.nanoTime();
			LoadWaits.awaitStartedAfter(load, learnedAt, 200, Duration.ofSeconds(30), pool);

			assertThat(load.startedAfter(learnedAt)).as("writes after the pool learned the new roles")
				.allSatisfy((outcome) -> {
					assertThat((Throwable) outcome.failure()).isNull();
					assertThat(outcome.port()).isEqualTo(promoted.port());
				});
			assertThat(load.outcomes()).filteredOn(TransactionLoad.Outcome::failed)
				.as("failed writes happen only in the switchover window")
				.allSatisfy((outcome) -> assertThat(outcome.ended()).isGreaterThan(promotedAt))
				.allSatisfy((outcome) -> assertThat(outcome.started()).isLessThan(learnedAt));
		}
	}

}
