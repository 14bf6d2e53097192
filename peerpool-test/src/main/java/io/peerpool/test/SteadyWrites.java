package io.peerpool.test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A steady trickle of writes on one server, in the background: one statement every {@code every},
 * on one connection as the application user, so that a primary's replication position moves
 * between a pool's probes (what lag by position is measured against). Stops at {@link #close()},
 * or by itself once the server is gone (killed by the test).
 */
public final class SteadyWrites implements AutoCloseable {

	private final ScheduledExecutorService scheduler;

	private final Connection connection;

	private SteadyWrites(Connection connection, String sql, Duration every) throws SQLException {
		this.connection = connection;
		Statement statement = connection.createStatement();
		this.scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "steady-writes");
			thread.setDaemon(true);
			return thread;
		});
		this.scheduler.scheduleWithFixedDelay(() -> {
			try {
				statement.execute(sql);
			}
			catch (SQLException ex) {
				// the server is gone: nothing more to write
				this.scheduler.shutdown();
			}
		}, 0, every.toNanos(), TimeUnit.NANOSECONDS);
	}

	/** Starts running {@code sql} on {@code server} every {@code every}; fails now if it cannot connect. */
	public static SteadyWrites start(DatabaseServer server, String sql, Duration every) throws SQLException {
		return new SteadyWrites(server.connect(), sql, every);
	}

	/** Stops the writes and waits for the one running; safe to call more than once. */
	@Override
	public void close() throws InterruptedException {
		this.scheduler.shutdown();
		this.scheduler.awaitTermination(5, TimeUnit.SECONDS);
		try {
			this.connection.close();
		}
		catch (SQLException ex) {
			// the server is gone
		}
	}

}
