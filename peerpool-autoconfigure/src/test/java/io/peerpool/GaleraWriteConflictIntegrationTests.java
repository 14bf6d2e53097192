package io.peerpool;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import io.peerpool.PeerPoolSettings.GaleraWriters;
import io.peerpool.PeerPoolSettings.PeerConfig;
import io.peerpool.PeerPoolSettings.TransactionReplay;
import io.peerpool.balance.Balance;
import io.peerpool.test.EmbeddedGalera;
import io.peerpool.test.GaleraNode;
import io.peerpool.test.JdbcDriver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Concurrent transactions that change the same row, as Spring code writes them (JPA transactions
 * through {@code JpaTransactionManager}, {@code JdbcTemplate.update(String)} in a
 * {@code TransactionTemplate}), over a real three-node Galera cluster with the default balance.
 *
 * <p>Galera certifies each transaction at its commit against what the other nodes committed
 * meanwhile: two transactions that change one row on two nodes cannot both commit, and the later
 * fails with 1213 "Deadlock found when trying to get lock" although it never waited for a lock. On
 * one node the second waits for the first's row lock and commits. With {@code galera-writers: one}
 * (the default) every write goes to one node and none fails; the control with {@code all} shows the
 * failures it prevents. The writes move to the next node and back when the writer is drained and
 * resumed, without a conflict, and to the next node when it freezes. With {@code transaction-replay:
 * all} the transactions the cluster rolls back at a freeze run again, and a read-modify-write that
 * lost its certification runs again only when it reads the same.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class GaleraWriteConflictIntegrationTests {

	@RegisterExtension
	static final EmbeddedGalera galera = EmbeddedGalera.nodes(3);

	private static final int THREADS = 8;

	private final List<AutoCloseable> resources = new ArrayList<>();

	@BeforeAll
	static void createTable() throws SQLException {
		try (Connection connection = galera.node(0).connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE counters (id INT PRIMARY KEY, n BIGINT NOT NULL)");
		}
	}

	@BeforeEach
	void resetCounter() throws SQLException {
		try (Connection connection = galera.node(0).connect(); Statement statement = connection.createStatement()) {
			statement.execute("REPLACE INTO counters VALUES (1, 0)");
		}
	}

	@AfterEach
	void closePoolsAndHealCluster() throws Exception {
		for (GaleraNode node : galera.nodes()) {
			if (node.isFrozen()) {
				node.thaw();
			}
		}
		for (int i = this.resources.size() - 1; i >= 0; i--) {
			this.resources.get(i).close();
		}
		galera.awaitSynced();
	}

	@Test
	void concurrentJpaTransactionsOnOneRowAllCommitOnOneWriterWhileReadOnlyOnesReadFromTheOtherNodes()
			throws Exception {
		PeerPoolDataSource pool = pool("one", null);
		JpaWork jpa = new JpaWork(pool, "org.hibernate.dialect.MariaDBDialect", false);
		this.resources.add(jpa);
		TransactionTemplate writes = jpa.transactions(TransactionDefinition.ISOLATION_DEFAULT, false);
		TransactionTemplate reads = jpa.transactions(TransactionDefinition.ISOLATION_DEFAULT, true);
		Set<Integer> writtenOn = ConcurrentHashMap.newKeySet();
		Set<Integer> readFrom = ConcurrentHashMap.newKeySet();

		List<String> failures = run(50, () -> {
			writes.executeWithoutResult((status) -> {
				jpa.entityManager.createNativeQuery("UPDATE counters SET n = n + 1 WHERE id = 1").executeUpdate();
				writtenOn.add(((Number) jpa.entityManager.createNativeQuery("SELECT @@port").getSingleResult()).intValue());
			});
			reads.executeWithoutResult((status) -> readFrom
				.add(((Number) jpa.entityManager.createNativeQuery("SELECT @@port").getSingleResult()).intValue()));
		});

		assertThat(failures).as("failed transactions").isEmpty();
		assertThat(counter()).as("every increment committed").isEqualTo(THREADS * 50L);
		assertThat(writtenOn).as("nodes the read-write transactions ran on").containsExactly(galera.node(0).port());
		assertThat(readFrom).as("nodes the read-only transactions ran on")
			.containsExactlyInAnyOrder(galera.node(1).port(), galera.node(2).port());
	}

	@Test
	void controlWithEveryNodeTakingWritesConcurrentTransactionsOnOneRowFailGalerasCertification() throws Exception {
		PeerPoolDataSource pool = pool("all", GaleraWriters.ALL);
		TransactionTemplate writes = new TransactionTemplate(new DataSourceTransactionManager(pool));
		JdbcTemplate jdbc = new JdbcTemplate(pool);

		List<String> failures = run(50,
				() -> writes.executeWithoutResult((status) -> jdbc.update("UPDATE counters SET n = n + 1 WHERE id = 1")));

		// the figure in peerpool-benchmarks/RESULTS.md
		System.out.println("galera-writers all: " + failures.size() + " of " + THREADS * 50
				+ " transactions failed Galera's certification");
		assertThat(failures).as("transactions failed by certification conflicts").isNotEmpty()
			.allSatisfy((failure) -> assertThat(failure).startsWith("40001 1213 ").contains("Deadlock found"));
		assertThat(counter()).as("the increments that committed").isEqualTo(THREADS * 50L - failures.size());
	}

	@Test
	void theWritesMoveWhenTheWriterIsDrainedComeBackWhenItIsResumedAndMoveWhenItFreezesWithoutAConflict()
			throws Exception {
		PeerPoolDataSource pool = pool("moves", null, TransactionReplay.READ_ONLY);
		GaleraNode first = galera.node(0);
		GaleraNode second = galera.node(1);
		try (Increments load = new Increments(pool)) {
			load.awaitMoreOn(first, 100);

			assertThat(pool.getPeers()).as("the peers health shows taking the writes").filteredOn(PeerInfo::takesWrites)
				.extracting(PeerInfo::name).containsExactly(first.name());
			pool.drain(first.name());
			load.awaitMoreOn(second, 100);
			assertThat(load.failures()).as("failures while the writes moved off the drained writer").isEmpty();
			assertThat(pool.getPeers()).as("the peers health shows taking the writes").filteredOn(PeerInfo::takesWrites)
				.extracting(PeerInfo::name).containsExactly(second.name());

			pool.resume(first.name());
			load.awaitMoreOn(first, 100);
			assertThat(load.failures()).as("failures while the writes moved back to the resumed node").isEmpty();

			first.freeze();
			await().atMost(Duration.ofSeconds(20)).until(() -> pool.peer(first.name()).state() == PeerState.DOWN);
			load.awaitMoreOn(second, 100);
			// by now every transaction that was on the frozen writer has failed (its connections were aborted)
			List<String> failedByTheFreeze = load.failures();
			long onThird = load.committedOn(galera.node(2));
			load.awaitMoreOn(second, 200);

			// each thread may lose the transaction it had on the frozen node, and the next one on the new writer: once
			// the cluster evicts the frozen node, the write sets it had sent are applied, and the local transactions they
			// meet on the new writer are rolled back (1213, the cluster's own abort: the next test replays them)
			assertThat(failedByTheFreeze).as("transactions that failed by the freeze (at most two per thread)")
				.hasSizeLessThanOrEqualTo(2 * THREADS)
				.allSatisfy((failure) -> assertThat(failure).matches("(08\\d\\d\\d |40001 1213 ).*"));
			assertThat(load.failures()).as("failures once the writes had moved").isEqualTo(failedByTheFreeze);
			assertThat(load.committedOn(galera.node(2))).as("writes on the third node").isEqualTo(onThird);
			load.stopAndCheckTheCount(failedByTheFreeze);
		}
	}

	/**
	 * With {@code transaction-replay: all} a freeze of the writer fails no transaction apart from
	 * commits cut on their way (of unknown outcome, {@code 08007}): one cut in a statement runs
	 * again on the next writer, and one the cluster rolled back there for the frozen node's write
	 * sets runs again too.
	 */
	@Test
	void withReplayAllAFreezeOfTheWriterFailsNothingButCommitsOfUnknownOutcome() throws Exception {
		PeerPoolDataSource pool = pool("replayed", null, TransactionReplay.ALL);
		GaleraNode first = galera.node(0);
		GaleraNode second = galera.node(1);
		try (Increments load = new Increments(pool)) {
			load.awaitMoreOn(first, 100);

			first.freeze();
			await().atMost(Duration.ofSeconds(20)).until(() -> pool.peer(first.name()).state() == PeerState.DOWN);
			load.awaitMoreOn(second, 300);

			assertThat(load.failures()).as("failed transactions").allSatisfy((failure) -> assertThat(failure)
				.startsWith("08007 ").contains("may or may not have been committed"));
			load.stopAndCheckTheCount(load.failures());
		}
	}

	/**
	 * Every node takes writes and every transaction is replayed: a read-modify-write of one row
	 * (read {@code n} {@code FOR UPDATE}, write {@code n + 1}) that lost its certification runs again
	 * only when what it read is still what it reads; otherwise the application gets the 1213. No
	 * increment is lost, which a blind re-run of the write would do (the read's lock is the node's
	 * own: certification is what orders two nodes' transactions). A plain {@code SELECT} would lose
	 * increments on one node already, with or without peerpool: InnoDB's consistent read takes no lock.
	 */
	@Test
	void withReplayAllAReadModifyWriteThatLostItsCertificationIsNeverRunAgainBlindly() throws Exception {
		PeerPoolDataSource pool = pool("rmw", GaleraWriters.ALL, TransactionReplay.ALL);
		TransactionTemplate writes = new TransactionTemplate(new DataSourceTransactionManager(pool));
		JdbcTemplate jdbc = new JdbcTemplate(pool);

		List<String> failures = run(50, () -> writes.executeWithoutResult((status) -> {
			long n = jdbc.queryForObject("SELECT n FROM counters WHERE id = 1 FOR UPDATE", Long.class);
			jdbc.update("UPDATE counters SET n = ? WHERE id = 1", n + 1);
		}));

		assertThat(failures).as("transactions that lost and read something else when run again")
			.allSatisfy((failure) -> assertThat(failure).startsWith("40001 1213 "));
		assertThat(counter()).as("every committed increment, none lost").isEqualTo(THREADS * 50L - failures.size());
	}

	/** {@link #THREADS} threads incrementing the row in read-write Spring transactions until closed. */
	private static final class Increments implements AutoCloseable {

		private final AtomicBoolean stop = new AtomicBoolean();

		private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

		private final Map<Integer, AtomicLong> committedOn = new ConcurrentHashMap<>();

		private final AtomicLong committed = new AtomicLong();

		private final ExecutorService threads = Executors.newFixedThreadPool(THREADS);

		private final List<Future<?>> loops = new ArrayList<>();

		Increments(PeerPoolDataSource pool) {
			TransactionTemplate writes = new TransactionTemplate(new DataSourceTransactionManager(pool));
			JdbcTemplate jdbc = new JdbcTemplate(pool);
			for (int t = 0; t < THREADS; t++) {
				this.loops.add(this.threads.submit(() -> {
					while (!this.stop.get()) {
						try {
							int port = writes.execute((status) -> {
								jdbc.update("UPDATE counters SET n = n + 1 WHERE id = 1");
								return jdbc.queryForObject("SELECT @@port", Integer.class);
							});
							this.committed.incrementAndGet();
							this.committedOn.computeIfAbsent(port, (p) -> new AtomicLong()).incrementAndGet();
						}
						catch (RuntimeException ex) {
							this.failures.add(describe(ex));
						}
					}
				}));
			}
		}

		long committedOn(GaleraNode node) {
			AtomicLong count = this.committedOn.get(node.port());
			return (count != null) ? count.get() : 0L;
		}

		void awaitMoreOn(GaleraNode node, long more) {
			long before = committedOn(node);
			await().atMost(Duration.ofSeconds(20)).until(() -> committedOn(node) >= before + more);
		}

		List<String> failures() {
			return List.copyOf(this.failures);
		}

		/**
		 * Stops the threads; the row then holds every increment reported committed, and those cut at
		 * their commit (of unknown outcome, among {@code failed}) at most once each.
		 */
		void stopAndCheckTheCount(List<String> failed) throws Exception {
			this.stop.set(true);
			for (Future<?> loop : this.loops) {
				loop.get(30, TimeUnit.SECONDS);
			}
			long unknownOutcome = failed.stream().filter((failure) -> failure.startsWith("08007")).count();
			assertThat(counter()).as("every increment reported committed, and those of unknown outcome at most once")
				.isBetween(this.committed.get(), this.committed.get() + unknownOutcome);
		}

		@Override
		public void close() {
			this.stop.set(true);
			this.threads.shutdownNow();
		}

	}

	/** The driver's error under Spring's exception: SQLState, vendor code and message. */
	private static String describe(RuntimeException failure) {
		for (Throwable t = failure; t != null; t = t.getCause()) {
			if (t instanceof SQLException sql) {
				return sql.getSQLState() + " " + sql.getErrorCode() + " " + sql.getMessage();
			}
		}
		return String.valueOf(failure);
	}

	/** {@code work} run {@code times} times by each of {@link #THREADS} threads at once; the failures ({@link #describe}). */
	private static List<String> run(int times, Runnable work) throws Exception {
		ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
		ExecutorService threads = Executors.newFixedThreadPool(THREADS);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < THREADS; t++) {
				futures.add(threads.submit(() -> {
					for (int i = 0; i < times; i++) {
						try {
							work.run();
						}
						catch (RuntimeException ex) {
							failures.add(describe(ex));
						}
					}
				}));
			}
			for (Future<?> future : futures) {
				future.get(2, TimeUnit.MINUTES);
			}
		}
		finally {
			threads.shutdownNow();
		}
		return List.copyOf(failures);
	}

	/** The row's count, read on a node that is not frozen. */
	private static long counter() throws SQLException {
		GaleraNode awake = galera.nodes().stream().filter((node) -> !node.isFrozen()).findFirst().orElseThrow();
		try (Connection connection = awake.connect(); Statement statement = connection.createStatement();
				java.sql.ResultSet result = statement.executeQuery("SELECT n FROM counters WHERE id = 1")) {
			result.next();
			return result.getLong(1);
		}
	}

	/**
	 * The three nodes as users declare them (every one {@code primary}), default balance;
	 * {@code writers} {@code null}: the default.
	 */
	private PeerPoolDataSource pool(String name, GaleraWriters writers) {
		return pool(name, writers, TransactionReplay.READ_ONLY);
	}

	private PeerPoolDataSource pool(String name, GaleraWriters writers, TransactionReplay replay) {
		PeerPoolSettings settings = new PeerPoolSettings(name, Balance.RANDOM, Duration.ofSeconds(1),
				Duration.ofMillis(300), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(5))
			.withTransactionReplay(replay, PeerPoolSettings.DEFAULT_REPLAY_LIMIT_STATEMENTS,
					PeerPoolSettings.DEFAULT_REPLAY_LIMIT_BYTES);
		List<PeerConfig> peers = new ArrayList<>();
		for (GaleraNode node : galera.nodes()) {
			peers.add(new PeerConfig(name, node.name(), node.jdbcUrl(JdbcDriver.MARIADB), node.username(),
					node.password(), null, PeerRole.PRIMARY, 1, settings.connectTimeout(),
					Map.of("maximum-pool-size", "4", "minimum-idle", "2")));
		}
		PeerPoolDataSource.Builder builder = PeerPoolDataSource.builder(name).settings(settings).peers(peers);
		if (writers != null) {
			builder.galeraWriters(writers);
		}
		PeerPoolDataSource pool = builder.build();
		this.resources.add(pool);
		return pool;
	}

}
