package io.peerpool;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

/**
 * Threads that run one transaction after another and record which server (by version string)
 * ran each, and any error; for the server-change tests.
 */
final class ServerChangeLoad implements AutoCloseable {

	/** One transaction: when it started (nanoTime), the server version it ran on, its error. */
	record Run(long started, String server, Exception failure) {
	}

	@FunctionalInterface
	interface Work {

		/** Runs the transaction's statements and returns the server's version. */
		String run(Connection connection) throws SQLException;

	}

	private final List<Run> runs = Collections.synchronizedList(new ArrayList<>());

	private final ExecutorService threads;

	private volatile boolean running = true;

	ServerChangeLoad(DataSource dataSource, int threadCount, Work work) {
		this.threads = Executors.newFixedThreadPool(threadCount);
		for (int i = 0; i < threadCount; i++) {
			this.threads.execute(() -> {
				while (this.running) {
					long started = System.nanoTime();
					try (Connection connection = dataSource.getConnection()) {
						connection.setAutoCommit(false);
						String server = work.run(connection);
						connection.commit();
						this.runs.add(new Run(started, server, null));
					}
					catch (SQLException | RuntimeException ex) {
						this.runs.add(new Run(started, null, ex));
					}
				}
			});
		}
	}

	List<Run> runs() {
		synchronized (this.runs) {
			return new ArrayList<>(this.runs);
		}
	}

	List<Run> startedAfter(long nanoTime) {
		return runs().stream().filter((run) -> run.started() > nanoTime).toList();
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
