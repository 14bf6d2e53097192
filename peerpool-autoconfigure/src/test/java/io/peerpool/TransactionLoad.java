package io.peerpool;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

/**
 * N threads running short transactions (insert + read back the server's port + commit) through
 * a DataSource, recording for each transaction when it started and ended, where it ran and how
 * it ended. Tests then compare these records with the instants of the faults they inject.
 */
final class TransactionLoad implements AutoCloseable {

	/** One transaction. Times are System.nanoTime(). */
	record Outcome(long started, long ended, int port, SQLException failure, String thread) {

		boolean failed() {
			return this.failure != null;
		}

	}

	private final DataSource dataSource;

	private final String portQuery;

	private final List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());

	private final ExecutorService threads;

	private final AtomicLong sequence = new AtomicLong();

	private volatile boolean running = true;

	private final int threadCount;

	TransactionLoad(DataSource dataSource, int threadCount, String portQuery) {
		this.dataSource = dataSource;
		this.portQuery = portQuery;
		this.threadCount = threadCount;
		this.threads = Executors.newFixedThreadPool(threadCount);
		for (int i = 0; i < threadCount; i++) {
			this.threads.execute(this::loop);
		}
	}

	static void createTable(DataSource dataSource, String ddl) throws SQLException {
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute(ddl);
		}
	}

	private void loop() {
		while (this.running) {
			long started = System.nanoTime();
			int port = -1;
			SQLException failure = null;
			try (Connection connection = this.dataSource.getConnection()) {
				connection.setAutoCommit(false);
				try (PreparedStatement insert = connection.prepareStatement("INSERT INTO load_rows (seq) VALUES (?)")) {
					insert.setLong(1, this.sequence.incrementAndGet());
					insert.executeUpdate();
				}
				try (Statement statement = connection.createStatement();
						ResultSet result = statement.executeQuery(this.portQuery)) {
					result.next();
					port = result.getInt(1);
				}
				connection.commit();
			}
			catch (SQLException ex) {
				failure = ex;
			}
			this.outcomes.add(new Outcome(started, System.nanoTime(), port, failure, Thread.currentThread().getName()));
		}
	}

	/** A copy of the outcomes so far. */
	List<Outcome> outcomes() {
		synchronized (this.outcomes) {
			return new ArrayList<>(this.outcomes);
		}
	}

	/** Outcomes of transactions that started after {@code nanoTime}. */
	List<Outcome> startedAfter(long nanoTime) {
		return outcomes().stream().filter((o) -> o.started() > nanoTime).toList();
	}

	long successfulOn(int port) {
		return outcomes().stream().filter((o) -> !o.failed() && o.port() == port).count();
	}

	long successes() {
		return outcomes().stream().filter((o) -> !o.failed()).count();
	}

	/** Threads that finished a transaction they started after {@code nanoTime}: none is stuck. */
	long threadsThatFinishedATransactionStartedAfter(long nanoTime) {
		return startedAfter(nanoTime).stream().map(Outcome::thread).distinct().count();
	}

	int threadCount() {
		return this.threadCount;
	}

	/** The longest time any transaction took, in milliseconds. */
	long maxMillis() {
		return outcomes().stream().mapToLong((o) -> (o.ended() - o.started()) / 1_000_000).max().orElse(0);
	}

	@Override
	public void close() throws InterruptedException {
		this.running = false;
		this.threads.shutdown();
		if (!this.threads.awaitTermination(30, TimeUnit.SECONDS)) {
			throw new IllegalStateException("load threads still blocked after 30 s");
		}
	}

}
