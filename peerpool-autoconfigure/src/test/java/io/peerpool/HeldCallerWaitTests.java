package io.peerpool;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How a held caller waits (hold, not fail): on a {@code java.util.concurrent} condition, not on an
 * object monitor. On Java 21 to 23 a virtual thread in {@code Object.wait()} pins its carrier, so
 * as many held requests as carriers (the number of cores) would stop every virtual thread of the
 * application for as long as the hold lasts; this machine has no Java 21, so the test looks at
 * what the waiting thread is parked on. Over an in-memory H2 peer, drained so that nothing serves.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HeldCallerWaitTests {

	private final PeerPoolDataSource pool = PeerPoolDataSource.builder("held")
		.probe(PeerProbe.validity())
		.peer("h2", "jdbc:h2:mem:heldcaller;DB_CLOSE_DELAY=-1", "sa", "")
		.acquireTimeout(Duration.ofSeconds(30))
		.build();

	@AfterEach
	void close() {
		this.pool.close();
	}

	@Test
	void aHeldCallerWaitsOnAConditionNotOnAMonitorAndIsServedWhenThePeerIsBack() throws Exception {
		selectOne(this.pool.getConnection());
		this.pool.drain("h2");
		AtomicReference<Thread> caller = new AtomicReference<>();
		CompletableFuture<Integer> held = CompletableFuture.supplyAsync(() -> {
			caller.set(Thread.currentThread());
			try {
				return selectOne(this.pool.getConnection());
			}
			catch (SQLException ex) {
				throw new IllegalStateException(ex);
			}
		});
		await().atMost(Duration.ofSeconds(10)).until(() -> this.pool.holdingCallers() == 1);
		ThreadInfo waiting = await().atMost(Duration.ofSeconds(10))
			.until(() -> ManagementFactory.getThreadMXBean().getThreadInfo(caller.get().getId()),
					(info) -> info.getThreadState() == Thread.State.TIMED_WAITING);
		assertThat(waiting.getLockName()).as("what the held caller waits on")
			.startsWith("java.util.concurrent.locks.AbstractQueuedSynchronizer$ConditionObject");
		this.pool.resume("h2");
		assertThat(held.get(20, TimeUnit.SECONDS)).isEqualTo(1);
	}

	private static int selectOne(Connection connection) throws SQLException {
		try (connection; Statement statement = connection.createStatement();
				var rows = statement.executeQuery("SELECT 1")) {
			rows.next();
			return rows.getInt(1);
		}
	}

}
