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
 * N threads, each running short transactions back to back: insert a row, read the server's port,
 * commit. Every transaction is recorded with its start, end, the port that served it and, if it
 * failed, the error.
 */
final class TransactionLoad implements AutoCloseable {

	/**
	 * Pause of a thread after a failed transaction, as an application's retry delay would be; without
	 * it a system that fails fast (all servers down) would count hundreds of thousands of failures
	 * and burn the CPU the restarting servers need.
	 */
	static final long FAILURE_PAUSE_MILLIS = 10;

	/** One transaction; times are {@link System#nanoTime()}, port is -1 when it failed. */
	record Operation(long started, long ended, int port, String error) {

		boolean failed() {
			return this.error != null;
		}

		long latencyNanos() {
			return this.ended - this.started;
		}

	}

	private final DataSource dataSource;

	private final ConcurrentLinkedQueue<Operation> operations = new ConcurrentLinkedQueue<>();

	private final List<Thread> threads = new ArrayList<>();

	private final AtomicLong sequence = new AtomicLong();

	private volatile boolean running = true;

	private final java.util.concurrent.atomic.AtomicBoolean unexpectedReported = new java.util.concurrent.atomic.AtomicBoolean();

	TransactionLoad(DataSource dataSource, int threadCount) {
		this.dataSource = dataSource;
		for (int i = 0; i < threadCount; i++) {
			Thread thread = new Thread(this::loop, "load-" + i);
			// a thread stuck in a driver for ever must not keep the JVM alive
			thread.setDaemon(true);
			this.threads.add(thread);
			thread.start();
		}
	}

	private void loop() {
		while (this.running) {
			long started = System.nanoTime();
			int port = -1;
			String error = null;
			try (Connection connection = this.dataSource.getConnection()) {
				connection.setAutoCommit(false);
				try (PreparedStatement insert = connection.prepareStatement("INSERT INTO load_rows (seq) VALUES (?)")) {
					insert.setLong(1, this.sequence.incrementAndGet());
					insert.executeUpdate();
				}
				try (Statement statement = connection.createStatement();
						ResultSet result = statement.executeQuery("SELECT @@port")) {
					result.next();
					port = result.getInt(1);
				}
				connection.commit();
			}
			catch (SQLException | RuntimeException ex) {
				error = ex.getClass().getSimpleName() + ": " + ex.getMessage();
				if (ex instanceof RuntimeException && this.unexpectedReported.compareAndSet(false, true)) {
					// not a JDBC error: a bug somewhere below, worth its stack trace (once)
					System.err.println("Unexpected exception in a transaction:");
					ex.printStackTrace();
				}
				port = -1;
			}
			this.operations.add(new Operation(started, System.nanoTime(), port, error));
			if (error != null) {
				try {
					Thread.sleep(FAILURE_PAUSE_MILLIS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
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

	List<Operation> operations() {
		return new ArrayList<>(this.operations);
	}

	@Override
	public void close() throws InterruptedException {
		stop(Duration.ofSeconds(30));
	}

}
