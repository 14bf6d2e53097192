package io.peerpool;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import io.peerpool.balance.Balance;
import io.peerpool.test.ChaosReport;
import io.peerpool.test.ChaosRun;
import io.peerpool.test.ChaosTopology;
import io.peerpool.test.DatabaseServer;
import io.peerpool.test.FaultProxy;
import io.peerpool.test.JdbcDriver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A chaos run ({@link ChaosRun}) of 8 threads through a peerpool pool whose peers are reached
 * through {@link FaultProxy proxies}, while a seeded schedule kills, freezes, restarts and (where
 * the topology has it) promotes servers and resets or slows their connections. Subclasses give the
 * topology.
 *
 * <p>What is asserted, and why it cannot flake: the integrity of the data (no committed write lost
 * or duplicated, no write that failed before its commit present, every unknown commit reconciled),
 * no connection left active, no thread stuck, the password nowhere in the log. None of these depends
 * on timing. How long callers waited and how many transactions failed are printed, not asserted
 * (timing belongs in the benchmark); the figures of a longer run are in the benchmarks' RESULTS.md.
 *
 * <p>Replay a failure with its seed: {@code -Dpeerpool.chaos.seed=<seed>}; run longer with
 * {@code -Dpeerpool.chaos.duration=600} (seconds).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
abstract class AbstractChaosIntegrationTests {

	/** The fixed seed of CI runs; printed with the report. */
	static final long SEED = 13;

	static final Duration DURATION = Duration.ofSeconds(35);

	static final String USER = "chaos";

	/** Long and random, so that finding it in the log means it was logged. */
	final String password = "chaosPw" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);

	final Map<DatabaseServer, FaultProxy> proxies = new LinkedHashMap<>();

	abstract List<? extends DatabaseServer> servers();

	abstract ChaosTopology topology(Map<DatabaseServer, FaultProxy> proxies);

	abstract ChaosRun.Dialect dialect();

	abstract JdbcDriver driver();

	/** Role of each peer in the pool. */
	abstract PeerRole role(DatabaseServer server);

	/** Creates {@link #USER} with {@link #password} on the servers (replication spreads it where it can). */
	abstract void createUser() throws SQLException;

	@BeforeAll
	void startProxiesAndCreateTheUser() throws SQLException {
		for (DatabaseServer server : servers()) {
			this.proxies.put(server, FaultProxy.to(server).start());
		}
		createUser();
		// replicated users reach the replicas a moment later
		for (DatabaseServer server : servers()) {
			await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
				try (Connection connection = DriverManager.getConnection(server.jdbcUrl(driver()), USER, this.password)) {
					return connection.isValid(5);
				}
			});
		}
	}

	@AfterAll
	void closeProxies() {
		this.proxies.values().forEach(FaultProxy::close);
	}

	/** Fast detection (as the failover tests): probe every 500 ms, 1 s timeouts, acquire 5 s. */
	PeerPoolSettings settings() {
		return TestPools.fastSettings("chaos", Balance.ROUND_ROBIN);
	}

	/** acquire-timeout + detection (probe-interval + probe-timeout + connect-timeout). */
	Duration waitBound(PeerPoolSettings settings) {
		return settings.acquireTimeout().plus(settings.probeInterval()).plus(settings.probeTimeout())
			.plus(settings.connectTimeout());
	}

	@Test
	void chaosRunLosesNoCommittedWriteAndLeaksNothing() throws Exception {
		PeerPoolSettings settings = settings();
		ChaosReport report;
		try (LogCapture log = new LogCapture(); PeerPoolDataSource pool = pool(settings)) {
			ChaosRun run = ChaosRun.against(pool, topology(this.proxies), dialect())
				.threads(8)
				.duration(ChaosRun.durationProperty(DURATION))
				.seed(ChaosRun.seedProperty(SEED))
				// a quarter of the writes as JdbcTemplate.update outside a transaction sends them: one auto-commit
				// statement, which peerpool moves off a peer found DOWN and runs again after a read-only refusal
				.autoCommitShare(0.25)
				.waitBound(waitBound(settings))
				.activeConnections(() -> pool.getPeers().stream().mapToInt(PeerInfo::active).sum())
				.password(this.password, log::text);
			if (checksWriter()) {
				run.writer(() -> writer(pool));
			}
			report = run.run();
		}
		System.out.println(report);

		assertThat(report.events()).as("faults applied").isNotEmpty();
		assertThat(report.writesCommitted()).as("committed writes").isPositive();
		assertThat(report.lost()).as("committed writes missing on the primary").isEmpty();
		assertThat(report.duplicated()).as("writes present more than once").isEmpty();
		assertThat(report.failedButPresent()).as("writes that failed before commit but are present").isEmpty();
		assertThat(report.unknownPresent() + report.unknownAbsent()).as("unknown commits reconciled")
			.isEqualTo(report.writesUnknown());
		assertThat(report.activeAtEnd()).as("connections active after the threads stopped").isZero();
		assertThat(report.stuckThreads()).as("threads stuck at the end").isEmpty();
		assertThat(report.passwordChecked()).isTrue();
		assertThat(report.violations()).as("invariants").isEmpty();
		// Failures are counted and printed, not asserted: until callers are held while no peer can serve
		// (issue 13), every write that starts while the primary is down, frozen or not yet seen as the
		// new primary fails at once. Not even "none before the first fault" holds today: on PostgreSQL a
		// run failed 205 writes before any fault because a borrow that timed out while the peer's
		// HikariCP pool was still growing (total=2, active=2 of maximum 4, connect-timeout 1 s on a
		// loaded machine) is not counted as a busy pool (Peer.isExhausted compares active with the
		// maximum) and marks the healthy primary DOWN (reason connect).
		// The contract's bound on any caller's wait is acquire-timeout + detection (7.5 s here); the
		// runs so far stayed under 3 s. Asserted with 5 s of margin, as the failover tests bound the
		// freeze: what this guards against is unbounded (a thread held by a frozen server for ever, or
		// HikariCP's 30 s default), not a second more on a loaded machine.
		assertThat(report.maxWaitMillis()).as("longest wait of any thread, ms")
			.isLessThan(waitBound(settings).plusSeconds(5).toMillis());
	}

	/** Whether the pool has one writer that must follow the topology's primary (not Galera, where all nodes write). */
	boolean checksWriter() {
		return true;
	}

	/**
	 * The peer the pool sends writes to now (peers are named after their servers), for the run to
	 * check that it follows the primary; several writers (Galera) are not checked.
	 */
	String writer(PeerPoolDataSource pool) {
		String[] writers = pool.routingSnapshot(false);
		return (writers.length == 1) ? writers[0] : String.join(",", writers);
	}

	PeerPoolDataSource pool(PeerPoolSettings settings) {
		PeerPoolDataSource.Builder builder = PeerPoolDataSource.builder(settings.name())
			.settings(settings)
			.hikari("maximum-pool-size", "4")
			.hikari("minimum-idle", "2");
		for (DatabaseServer server : servers()) {
			builder.peer(server.name(), (peer) -> peer.url(this.proxies.get(server).jdbcUrl(server, driver()))
				.username(USER)
				.password(this.password)
				.role(role(server)));
		}
		return builder.build();
	}

}
