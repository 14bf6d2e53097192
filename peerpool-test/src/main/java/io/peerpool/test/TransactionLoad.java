package io.peerpool.test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * N threads running short transactions back to back through a {@link DataSource}: insert a row
 * into {@code load_rows (seq)}, read which server answered ({@code portQuery}, for example
 * {@code SELECT @@port} or {@code SELECT inet_server_port()}), commit. Every transaction is
 * recorded with when it started and ended, the port that served it and how it ended, so that a
 * test or a benchmark can compare the records with the instants of the faults it injects.
 *
 * <pre class="code">
 * try (TransactionLoad load = new TransactionLoad(dataSource, 8, "SELECT @@port")) {
 *     server.kill();
 *     long killedAt = System.nanoTime();
 *     await().until(() -&gt; load.startedAfter(killedAt).size() &gt; 200);
 *     assertThat(load.startedAfter(killedAt)).noneMatch(TransactionLoad.Outcome::failed);
 * }
 * </pre>
 *
 * The table must exist ({@code seq} a {@code BIGINT}; give it whatever key suits the server).
 * {@code seq} is unique over every load of the JVM, so it can be the key: a key the client chose,
 * unlike a server's {@code AUTO_INCREMENT} or {@code UUID()}, is the same on every node of a
 * multi-primary cluster and cannot collide there, and a write run twice fails on it.
 * Threads are daemons: one stuck in a driver for ever never keeps the JVM alive.
 */
public final class TransactionLoad implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(TransactionLoad.class);

	/**
	 * One transaction; times are {@link System#nanoTime()}, {@code port} is -1 and {@code failure}
	 * is set when it failed.
	 */
	public record Outcome(long started, long ended, int port, Exception failure, String thread) {

		public boolean failed() {
			return this.failure != null;
		}

		public long latencyNanos() {
			return this.ended - this.started;
		}

		/** "ExceptionClass: message" of the failure, or null. */
		public String error() {
			return (this.failure != null) ? this.failure.getClass().getSimpleName() + ": " + this.failure.getMessage()
					: null;
		}

	}

	private final DataSource dataSource;

	private final String portQuery;

	private final Duration failurePause;

	private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();

	private final List<Thread> threads = new ArrayList<>();

	/** Over the JVM, not per load: loads one after the other may write into the same table. */
	private static final AtomicLong sequence = new AtomicLong();

	private final AtomicBoolean unexpectedReported = new AtomicBoolean();

	private volatile boolean running = true;

	/** Starts {@code threadCount} threads that run transactions back to back. */
	public TransactionLoad(DataSource dataSource, int threadCount, String portQuery) {
		this(dataSource, threadCount, portQuery, Duration.ZERO);
	}

	/**
	 * Starts {@code threadCount} threads; after a failed transaction a thread pauses
	 * {@code failurePause}, as an application's retry delay would (without it a system that fails
	 * fast while every server is down counts hundreds of thousands of failures and burns the CPU the
	 * restarting servers need).
	 */
	public TransactionLoad(DataSource dataSource, int threadCount, String portQuery, Duration failurePause) {
		this.dataSource = dataSource;
		this.portQuery = portQuery;
		this.failurePause = failurePause;
		for (int i = 0; i < threadCount; i++) {
			Thread thread = new Thread(this::loop, "load-" + i);
			thread.setDaemon(true);
			this.threads.add(thread);
			thread.start();
		}
	}

	private void loop() {
		while (this.running) {
			long started = System.nanoTime();
			int port = -1;
			Exception failure = null;
			try (Connection connection = this.dataSource.getConnection()) {
				connection.setAutoCommit(false);
				try (PreparedStatement insert = connection.prepareStatement("INSERT INTO load_rows (seq) VALUES (?)")) {
					insert.setLong(1, sequence.incrementAndGet());
					insert.executeUpdate();
				}
				try (Statement statement = connection.createStatement();
						ResultSet result = statement.executeQuery(this.portQuery)) {
					result.next();
					port = result.getInt(1);
				}
				connection.commit();
			}
			catch (SQLException | RuntimeException ex) {
				failure = ex;
				port = -1;
				if (ex instanceof RuntimeException && this.unexpectedReported.compareAndSet(false, true)) {
					// not a JDBC error: a bug somewhere below, worth its stack trace (once)
					logger.error("Unexpected exception in a transaction", ex);
				}
			}
			this.outcomes.add(new Outcome(started, System.nanoTime(), port, failure, Thread.currentThread().getName()));
			if (failure != null && !this.failurePause.isZero()) {
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

	/** A copy of the outcomes so far, in the order they ended. */
	public List<Outcome> outcomes() {
		return new ArrayList<>(this.outcomes);
	}

	/** Outcomes of transactions that started after {@code nanoTime}. */
	public List<Outcome> startedAfter(long nanoTime) {
		return outcomes().stream().filter((o) -> o.started() > nanoTime).toList();
	}

	/** Successful transactions served by the server on {@code port}. */
	public long successfulOn(int port) {
		return outcomes().stream().filter((o) -> !o.failed() && o.port() == port).count();
	}

	public long successes() {
		return outcomes().stream().filter((o) -> !o.failed()).count();
	}

	/** Threads that finished a transaction they started after {@code nanoTime}: none is stuck. */
	public long threadsThatFinishedATransactionStartedAfter(long nanoTime) {
		return startedAfter(nanoTime).stream().map(Outcome::thread).distinct().count();
	}

	public int threadCount() {
		return this.threads.size();
	}

	/**
	 * What the load did since {@code nanoTime}, for a test's failure message: transactions started
	 * after it (successful by port, failed by error), and each thread's current stack when it has
	 * ended none for a second (a thread blocked in a driver or a pool shows where).
	 */
	public String describe(long nanoTime) {
		long now = System.nanoTime();
		List<Outcome> since = startedAfter(nanoTime);
		Map<Integer, Long> successfulByPort = since.stream()
			.filter((o) -> !o.failed())
			.collect(Collectors.groupingBy(Outcome::port, TreeMap::new, Collectors.counting()));
		Map<String, Long> failedByError = since.stream()
			.filter(Outcome::failed)
			.collect(Collectors.groupingBy(Outcome::error, Collectors.counting()));
		StringBuilder text = new StringBuilder();
		text.append(since.size()).append(" transactions started in the ")
			.append(TimeUnit.NANOSECONDS.toMillis(now - nanoTime)).append(" ms since; successful by port: ")
			.append(successfulByPort).append("; failed by error: ").append(failedByError);
		Map<String, Long> lastEnded = new HashMap<>();
		for (Outcome outcome : this.outcomes) {
			lastEnded.merge(outcome.thread(), outcome.ended(), Math::max);
		}
		for (Thread thread : this.threads) {
			Long ended = lastEnded.get(thread.getName());
			long idleMillis = TimeUnit.NANOSECONDS.toMillis(now - ((ended != null) ? ended : nanoTime));
			if (thread.isAlive() && idleMillis > 1000) {
				text.append(System.lineSeparator()).append(thread.getName()).append(" has ended no transaction for ")
					.append(idleMillis).append(" ms, ").append(thread.getState()).append(':');
				for (StackTraceElement frame : thread.getStackTrace()) {
					text.append(System.lineSeparator()).append("\tat ").append(frame);
				}
			}
		}
		return text.toString();
	}

	/** The longest time any transaction took, in milliseconds. */
	public long maxMillis() {
		return outcomes().stream().mapToLong((o) -> o.latencyNanos() / 1_000_000).max().orElse(0);
	}

	/**
	 * Stops the threads and waits for them up to {@code timeout}.
	 * @return how many threads are still blocked after it
	 */
	public int stop(Duration timeout) throws InterruptedException {
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

	/**
	 * Stops the threads.
	 * @throws IllegalStateException when a thread is still blocked after 30 s
	 */
	@Override
	public void close() throws InterruptedException {
		int blocked = stop(Duration.ofSeconds(30));
		if (blocked > 0) {
			throw new IllegalStateException(blocked + " load threads still blocked after 30 s");
		}
	}

}
