package io.peerpool.test;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * One real database server process on 127.0.0.1 that a test can break on purpose.
 *
 * <p>Faults are made for real, the way they happen in production: {@link #kill()} is SIGKILL
 * (the port then refuses), {@link #freeze()} is SIGSTOP (the kernel still accepts TCP, the
 * server never answers: the slow case every driver gets wrong), {@link #restart()} brings the
 * same server back on the same port with the same data.
 */
public interface DatabaseServer extends AutoCloseable {

	/** Name of this server within its topology, for example {@code peer0} or {@code replica1}. */
	String name();

	/** Always {@code 127.0.0.1}. */
	default String host() {
		return "127.0.0.1";
	}

	/** TCP port; stays the same across {@link #restart()}. */
	int port();

	/** Database (schema) the application user owns. */
	String database();

	/** Application user: not a superuser, so {@code read_only} applies to it. */
	String username();

	/** Password of {@link #username()}. */
	String password();

	/** JDBC URL of this server for the given driver, with settings that suit a local test server. */
	String jdbcUrl(JdbcDriver driver);

	/** A new connection as the application user, with the default driver of the product. */
	Connection connect() throws SQLException;

	/** A new connection as the administrative user (root / postgres). */
	Connection connectAsAdmin() throws SQLException;

	/** Process id of the server (the postmaster for PostgreSQL), or -1 when it is not running. */
	long pid();

	/** Whether the server process is alive (frozen counts as alive). */
	boolean isRunning();

	/** Whether the server is stopped with SIGSTOP. */
	boolean isFrozen();

	/**
	 * SIGKILL: new connections are refused, open ones are reset. Idempotent. A frozen server is sent
	 * SIGCONT first, so it may still answer what it had already received (a pending commit, say):
	 * to cut a request without an answer, cut the connection instead.
	 */
	void kill();

	/** SIGSTOP on the server and all its processes: TCP is accepted, nothing is ever answered. */
	void freeze();

	/** SIGCONT after {@link #freeze()}. */
	void thaw();

	/** Starts the server again on the same port with the same data (kills it first if it runs). */
	void restart();

	/** Stops the server for good (thaws it first if frozen). Idempotent. */
	@Override
	void close();

}
