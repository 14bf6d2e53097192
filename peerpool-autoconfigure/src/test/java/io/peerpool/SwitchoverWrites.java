package io.peerpool;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.peerpool.test.DatabaseServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Writes of client-chosen ids in several threads through a planned switchover, and the check that
 * none failed and each is on the new primary once: the load of the switchover tests on MariaDB
 * ({@link PlannedSwitchoverIntegrationTests}) and PostgreSQL ({@link PostgresPlannedSwitchoverIntegrationTests}).
 */
final class SwitchoverWrites {

	private SwitchoverWrites() {
	}

	/** One write of a client-chosen id by one of the writer threads. */
	@FunctionalInterface
	interface Write {

		void run(long id, int thread) throws Exception;

	}

	/**
	 * Runs {@code write} in {@code threadCount} threads, a new id each time, until 200 rows are
	 * written; then {@code switchover} makes {@code promoted} the primary, and the writes go on until
	 * 200 more rows of {@code table} are on it. Asserts that none failed.
	 * @return the ids reported written
	 */
	static Set<Long> writeThrough(Runnable switchover, DatabaseServer promoted, String table, int threadCount,
			Write write) throws Exception {
		return writeThrough(switchover, promoted, table, threadCount, write, (thread, failure) -> false).written();
	}

	/** What {@link #writeThrough} saw: the ids reported written, and those whose outcome the caller could not know. */
	record Outcome(Set<Long> written, Set<Long> unknown) {

	}

	/**
	 * {@link #writeThrough(Runnable, DatabaseServer, String, int, Write)} where a failure that
	 * {@code unknownOutcome} accepts (for the writer thread it came from) is an outcome the
	 * application cannot know (a commit, or an auto-commit statement, cut by a lost connection),
	 * counted apart; any other failure fails the test.
	 */
	static Outcome writeThrough(Runnable switchover, DatabaseServer promoted, String table, int threadCount,
			Write write, java.util.function.BiPredicate<Integer, Throwable> unknownOutcome) throws Exception {
		Set<Long> written = ConcurrentHashMap.newKeySet();
		Set<Long> unknown = ConcurrentHashMap.newKeySet();
		ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
		AtomicLong ids = new AtomicLong(System.currentTimeMillis() * 1000);
		AtomicBoolean running = new AtomicBoolean(true);
		ExecutorService threads = Executors.newFixedThreadPool(threadCount);
		try {
			List<Future<?>> writers = new ArrayList<>();
			for (int t = 0; t < threadCount; t++) {
				int thread = t;
				writers.add(threads.submit(() -> {
					while (running.get()) {
						long id = ids.incrementAndGet();
						try {
							write.run(id, thread);
							written.add(id);
						}
						catch (Exception | AssertionError ex) {
							if (unknownOutcome.test(thread, ex)) {
								unknown.add(id);
							}
							else {
								failures.add(id + ": " + ex);
							}
						}
					}
					return null;
				}));
			}
			await().atMost(Duration.ofSeconds(20)).until(() -> written.size() > 200);
			long beforeSwitchover = written.size();
			switchover.run();
			await().atMost(Duration.ofSeconds(30)).until(() -> countOn(promoted, table) > beforeSwitchover + 200);
			running.set(false);
			for (Future<?> writer : writers) {
				writer.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(failures).as("failed writes").isEmpty();
		return new Outcome(written, unknown);
	}

	/** Every id in {@code written} is in {@code table} on {@code server}, once. */
	static void everyWriteOnceOn(DatabaseServer server, String table, Set<Long> written) throws SQLException {
		Set<Long> present = new HashSet<>();
		List<Long> duplicates = new ArrayList<>();
		try (Connection connection = server.connect(); Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT id FROM " + table)) {
			while (rows.next()) {
				if (!present.add(rows.getLong(1))) {
					duplicates.add(rows.getLong(1));
				}
			}
		}
		assertThat(duplicates).as("duplicated writes").isEmpty();
		assertThat(written).as("every write reported done is on the new primary").allMatch(present::contains);
	}

	private static long countOn(DatabaseServer server, String table) {
		try (Connection connection = server.connect(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT count(*) FROM " + table)) {
			result.next();
			return result.getLong(1);
		}
		catch (SQLException ex) {
			return 0;
		}
	}

}
