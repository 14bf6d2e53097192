package io.peerpool.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * One running {@code mariadbd} process: how it is launched, when it is ready, how it ends.
 * {@link MariaDbServer} makes a new one for every (re)start.
 */
final class MariaDbProcess {

	/** How long a server may take to accept connections (generous: 2 cores, other builds running). */
	static final long READY_TIMEOUT_SECONDS = 60;

	private final String name;

	private final Process process;

	private final int port;

	private final Path log;

	private MariaDbProcess(String name, Process process, int port, Path log) {
		this.name = name;
		this.process = process;
		this.port = port;
		this.log = log;
	}

	/** Launches {@code mariadbd}; stdout and stderr (the error log) are appended to {@code log}. */
	static MariaDbProcess start(String name, Path baseDirectory, Path dataDirectory, int port, List<String> extraOptions,
			Path log) {
		List<String> command = new ArrayList<>();
		command.add(baseDirectory.resolve("bin/mariadbd").toString());
		command.addAll(MariaDbBinaries.commonOptions(baseDirectory, dataDirectory));
		command.add("--port=" + port);
		command.add("--bind-address=127.0.0.1");
		// relative to the data directory (the working directory): an absolute path could pass the
		// 107-byte limit of a Unix socket path in a deep checkout
		command.add("--socket=mariadb.sock");
		command.add("--pid-file=mariadb.pid");
		command.addAll(extraOptions);
		try {
			Process process = new ProcessBuilder(command).directory(dataDirectory.toFile())
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
				.start();
			Processes.register(process.toHandle());
			return new MariaDbProcess(name, process, port, log);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start mariadbd for " + name, ex);
		}
	}

	long pid() {
		return this.process.pid();
	}

	boolean isAlive() {
		return this.process.isAlive();
	}

	ProcessHandle handle() {
		return this.process.toHandle();
	}

	/**
	 * Polls a root connection until the server answers; fails with the tail of the log when the
	 * process dies or is not ready in {@link #READY_TIMEOUT_SECONDS}.
	 */
	Connection waitUntilReady() {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_TIMEOUT_SECONDS);
		SQLException last = null;
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("mariadbd of " + this.name + " exited with code "
						+ this.process.exitValue() + " while starting; log " + this.log + ":\n"
						+ MariaDbBinaries.tail(this.log));
			}
			try {
				return connectAsRoot(this.port, 1000, 30_000);
			}
			catch (SQLException ex) {
				last = ex;
			}
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				kill();
				throw new IllegalStateException("Interrupted while waiting for " + this.name, ex);
			}
		}
		kill();
		throw new IllegalStateException("mariadbd of " + this.name + " did not accept connections on port " + this.port
				+ " within " + READY_TIMEOUT_SECONDS + " s (last error: " + last + "); log " + this.log + ":\n"
				+ MariaDbBinaries.tail(this.log));
	}

	/** Waits for the process to end by itself (after {@code SHUTDOWN}). */
	void awaitExit(long seconds) {
		try {
			if (!this.process.waitFor(seconds, TimeUnit.SECONDS)) {
				throw new IllegalStateException("mariadbd of " + this.name + " did not shut down in " + seconds
						+ " s; log " + this.log + ":\n" + MariaDbBinaries.tail(this.log));
			}
			Processes.unregister(this.process.toHandle());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** SIGCONT (in case it is stopped) and SIGKILL; returns once the process is gone. */
	void kill() {
		Processes.killTree(this.process.toHandle());
	}

	/** A root connection with bounded connect and socket timeouts (milliseconds). */
	static Connection connectAsRoot(int port, int connectTimeoutMillis, int socketTimeoutMillis) throws SQLException {
		Properties properties = new Properties();
		properties.setProperty("user", "root");
		properties.setProperty("password", "");
		properties.setProperty("connectTimeout", Integer.toString(connectTimeoutMillis));
		properties.setProperty("socketTimeout", Integer.toString(socketTimeoutMillis));
		return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/?sslMode=disable", properties);
	}

}
