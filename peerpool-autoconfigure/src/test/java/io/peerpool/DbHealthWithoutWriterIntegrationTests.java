package io.peerpool;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import io.peerpool.balance.Balance;
import io.peerpool.health.PeerPoolDbHealthIndicator;
import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.MariaDbServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Boot's {@code db} check of a pool whose replicas answer but which has no peer that takes writes
 * (its primary read-only for a switchover, or dead), called as a platform's probe or JMX calls it,
 * outside any request: the check's connection, a write's, was held for a writer until
 * {@code acquire-timeout} (here 30 s), longer than a platform's health probe waits, only to fail
 * then. It answers at once: the database answers reads (UP), and {@code writes} says that no peer
 * takes them, naming each peer's state and role; with every peer down, DOWN.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DbHealthWithoutWriterIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.primaryWithReplicas(1);

	/** acquire-timeout 30 s: a check held for a writer would outlast the preemptive bound by far. */
	private static final PeerPoolSettings SETTINGS = new PeerPoolSettings("health", Balance.ROUND_ROBIN,
			Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(1),
			Duration.ofSeconds(30));

	/** Far below acquire-timeout, far above a check that answers without waiting for a writer. */
	private static final Duration PROBE_OF_A_PLATFORM = Duration.ofSeconds(5);

	@AfterEach
	void writerBack() {
		MariaDbServer primary = db.primary();
		if (!primary.isRunning()) {
			primary.restart();
		}
		primary.executeAsAdmin("SET GLOBAL read_only = 0");
		for (MariaDbServer replica : db.replicas()) {
			if (!replica.isRunning()) {
				replica.restart();
				// the kit's replicas come back writable, as a replica whose read_only a DBA set at run time does
				replica.executeAsAdmin("SET GLOBAL read_only = 1");
			}
		}
	}

	private static PeerPoolDataSource pool() {
		return TestPools.over(SETTINGS, db.servers(), JdbcDriver.MARIADB, (server) -> PeerRole.AUTO);
	}

	private static boolean takesWrites(PeerPoolDataSource pool, MariaDbServer server) {
		return pool.getPeer(server.name()).takesWrites();
	}

	@Test
	void withThePrimaryReadOnlyTheCheckAnswersAtOnceFromAReplicaSayingNoPeerTakesWrites() {
		try (PeerPoolDataSource pool = pool()) {
			PeerPoolDbHealthIndicator check = new PeerPoolDbHealthIndicator(pool, pool);
			await().atMost(Duration.ofSeconds(20)).until(() -> takesWrites(pool, db.primary()));
			assertThat(check.health().getStatus()).as("with a writer").isEqualTo(Status.UP);

			// a DBA's first step of a switchover, as admin: SET GLOBAL needs a privilege the pool's user lacks
			db.primary().executeAsAdmin("SET GLOBAL read_only = 1");
			await().atMost(Duration.ofSeconds(20)).until(() -> !takesWrites(pool, db.primary()));
			Health health = assertTimeoutPreemptively(PROBE_OF_A_PLATFORM, () -> check.health());
			assertThat(health.getStatus()).as("the database answers reads").isEqualTo(Status.UP);
			assertThat(String.valueOf(health.getDetails().get("writes")))
				.contains("no peer of pool 'health' takes writes now")
				.contains(db.primary().name() + ": UP (replica)")
				.contains(db.replicas().get(0).name() + ": UP (replica)");

			db.primary().executeAsAdmin("SET GLOBAL read_only = 0");
			await().atMost(Duration.ofSeconds(20)).until(() -> takesWrites(pool, db.primary()));
			Health writable = check.health();
			assertThat(writable.getStatus()).as("with the writer back").isEqualTo(Status.UP);
			assertThat(writable.getDetails()).doesNotContainKey("writes");
		}
	}

	@Test
	void withThePrimaryDeadTheCheckAnswersAtOnceFromItsReplicaAndDownOnceThatDiesToo() {
		try (PeerPoolDataSource pool = pool()) {
			PeerPoolDbHealthIndicator check = new PeerPoolDbHealthIndicator(pool, pool);
			await().atMost(Duration.ofSeconds(20)).until(() -> takesWrites(pool, db.primary())
					&& pool.getPeer(db.replicas().get(0).name()).isUp());
			db.primary().kill();
			await().atMost(Duration.ofSeconds(20))
				.until(() -> pool.getPeer(db.primary().name()).state() == PeerState.DOWN);
			Health health = assertTimeoutPreemptively(PROBE_OF_A_PLATFORM, () -> check.health());
			assertThat(health.getStatus()).as("the database answers reads").isEqualTo(Status.UP);
			assertThat(String.valueOf(health.getDetails().get("writes")))
				.contains("no peer of pool 'health' takes writes now")
				.contains(db.primary().name() + ": DOWN")
				.contains(db.replicas().get(0).name() + ": UP (replica)");

			db.replicas().get(0).kill();
			await().atMost(Duration.ofSeconds(20))
				.until(() -> pool.getPeer(db.replicas().get(0).name()).state() == PeerState.DOWN);
			Health none = assertTimeoutPreemptively(PROBE_OF_A_PLATFORM, () -> check.health());
			assertThat(none.getStatus()).as("no peer answers").isEqualTo(Status.DOWN);
		}
	}

}
