package io.peerpool.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

/**
 * The failover benchmark's load: N threads of write transactions back to back, each inserting a
 * row with an id the client chose ({@code load_rows.seq}, unique over the whole run), reading
 * which server answered ({@code SELECT @@port}) and committing. Every transaction is recorded
 * with its id and whether it failed in {@code commit()} (outcome unknown), so that the rows left
 * on the servers at the end tell lost, duplicated and phantom writes apart.
 *
 * <p>The kit's {@code TransactionLoad} records no id; this one is the same loop with one.
 * Threads are daemons: one stuck in a driver for ever does not keep the JVM alive.
 */
final class FailoverLoad {

	/** One transaction; times are {@link System#nanoTime()}, {@code port} is -1 when it failed. */
	record Outcome(long id, long started, long ended, int port, Exception failure, boolean inCommit, String thread) {

		boolean failed() {
			return this.failure != null;
		}

		/** Failed in {@code commit()}: the write may or may not be there. */
		boolean unknown() {
			return this.failure != null && this.inCommit;
		}

		long latencyNanos() {
			return this.ended - this.started;
		}

		String error() {
			return (this.failure != null) ? this.failure.getClass().getSimpleName() + ": " + this.failure.getMessage()
					: null;
		}

	}

	private final DataSource dataSource;

	private final Duration failurePause;

	private final AtomicLong ids;

	private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();

	private final List<Thread> threads = new ArrayList<>();

	private volatile boolean running = true;

	FailoverLoad(DataSource dataSource, int threadCount, Duration failurePause, AtomicLong ids) {
		this.dataSource = dataSource;
		this.failurePause = failurePause;
		this.ids = ids;
		for (int i = 0; i < threadCount; i++) {
			Thread thread = new Thread(this::loop, "load-" + i);
			thread.setDaemon(true);
			this.threads.add(thread);
			thread.start();
		}
	}

	private void loop() {
		while (this.running) {
			long id = this.ids.incrementAndGet();
			long started = System.nanoTime();
			int port = -1;
			Exception failure = null;
			boolean inCommit = false;
			try (Connection connection = this.dataSource.getConnection()) {
				connection.setAutoCommit(false);
				try (PreparedStatement insert = connection.prepareStatement("INSERT INTO load_rows (seq) VALUES (?)")) {
					insert.setLong(1, id);
					insert.executeUpdate();
				}
				// from here on a failure (in commit(), or in close() after it) leaves the outcome unknown
				inCommit = true;
				connection.commit();
				// where it ran is read after the commit: a server's own port, read inside the transaction, would
				// differ on any other peer, and a verified transaction replay rightly refuses a different result
				port = portOf(connection);
			}
			catch (SQLException | RuntimeException ex) {
				failure = ex;
				port = -1;
			}
			this.outcomes.add(new Outcome(id, started, System.nanoTime(), port, failure, inCommit,
					Thread.currentThread().getName()));
			if (failure != null) {
				try {
					Thread.sleep(this.failurePause.toMillis());
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

	/** The port of the server behind {@code connection}, or -1 when it cannot be read (the write is committed anyway). */
	private static int portOf(Connection connection) {
		try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery("SELECT @@port")) {
			result.next();
			return result.getInt(1);
		}
		catch (SQLException ex) {
			return -1;
		}
	}

	/**
	 * Stops the threads and waits for them up to {@code timeout}.
	 * @return how many threads are still blocked after it
	 */
	int stop(Duration timeout) throws InterruptedException {
		this.running = false;
		long deadline = System.nanoTime() + timeout.toNanos();
		int blocked = 0;
		for (Thread thread : this.threads) {
			long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
			if (remaining > 0) {
				thread.join(remaining);
			}
			if (thread.isAlive()) {
				blocked++;
			}
		}
		return blocked;
	}

	/** The outcomes so far, in the order they ended. */
	List<Outcome> outcomes() {
		return new ArrayList<>(this.outcomes);
	}

}
