package io.peerpool.failure;

import java.io.EOFException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;

/**
 * The classification HikariCP's {@code ProxyConnection.checkException} made the reference, extended
 * with the vendor codes of MySQL, MariaDB, Galera, PostgreSQL and H2 that mean "this server cannot
 * serve", and with authentication failures.
 *
 * <p>Deliberately not a peer failure: a {@code SQLTimeoutException} from a query timeout the
 * application set (MySQL 1317/3024, PostgreSQL 57014), syntax and constraint errors. A network
 * timeout on an open connection is reported by every driver as SQLState class 08 and is caught
 * there.
 */
public class DefaultPeerFailureClassifier implements PeerFailureClassifier {

	/** MySQL / MariaDB error codes that mean the connection or the server is gone. */
	private static final Set<Integer> MYSQL_CONNECTION_CODES = Set.of(
			1053, // ER_SERVER_SHUTDOWN
			1077, // ER_NORMAL_SHUTDOWN
			1152, // ER_ABORTING_CONNECTION
			1927, // ER_CONNECTION_KILLED (MariaDB)
			2002, // CR_CONNECTION_ERROR
			2003, // CR_CONN_HOST_ERROR
			2006, // CR_SERVER_GONE_ERROR
			2013, // CR_SERVER_LOST
			2055); // CR_SERVER_LOST_EXTENDED

	/** Galera: "WSREP has not yet prepared node for application use" (no quorum, not synced). */
	private static final int GALERA_NOT_READY = 1047;

	/** MariaDB: "Connection was killed" (a {@code KILL} of that connection). */
	private static final int CONNECTION_KILLED = 1927;

	/** PostgreSQL admin_shutdown: "terminating connection due to administrator command". */
	private static final String TERMINATED_BACKEND = "57P01";

	/** MySQL / MariaDB / PostgreSQL authentication failures. */
	private static final Set<Integer> MYSQL_AUTH_CODES = Set.of(1044, 1045, 1698);

	/** H2: "Database is already closed". */
	private static final int H2_DATABASE_CLOSED = 90067;

	private static final int MAX_DEPTH = 10;

	@Override
	public FailureReason classify(SQLException exception) {
		Throwable current = exception;
		for (int depth = 0; current != null && depth < MAX_DEPTH; depth++) {
			FailureReason reason = (current instanceof SQLException sql) ? classifySql(sql) : classifyCause(current);
			if (reason != null) {
				return reason;
			}
			current = next(current);
		}
		return null;
	}

	/**
	 * A lost connection, a timeout or a refused statement on an open connection may be that
	 * connection's alone: MariaDB's {@code KILL <id>} (1927), PostgreSQL's {@code pg_terminate_backend}
	 * (57P01, also sent to every backend by a fast shutdown, which the probe then sees), a socket
	 * timeout the user set for long queries, a socket closed by an interrupt. Server-wide by nature,
	 * and so DOWN at once: authentication, a node not ready, a server shutting down (1053, 1077,
	 * 57P02, 57P03).
	 */
	@Override
	public boolean mayConcernOneConnection(SQLException exception) {
		FailureReason reason = classify(exception);
		if (reason == FailureReason.CONNECTION_LOST || reason == FailureReason.TIMEOUT
				|| reason == FailureReason.CONNECT) {
			return true;
		}
		Throwable current = exception;
		for (int depth = 0; current != null && depth < MAX_DEPTH; depth++) {
			if (current instanceof SQLException sql
					&& (TERMINATED_BACKEND.equals(sql.getSQLState()) || sql.getErrorCode() == CONNECTION_KILLED)) {
				return true;
			}
			current = next(current);
		}
		return false;
	}

	private static Throwable next(Throwable current) {
		if (current instanceof SQLException sql && sql.getNextException() != null
				&& sql.getNextException() != current) {
			return sql.getNextException();
		}
		return (current.getCause() != current) ? current.getCause() : null;
	}

	private FailureReason classifySql(SQLException sql) {
		String state = sql.getSQLState();
		int code = sql.getErrorCode();
		if (sql instanceof SQLInvalidAuthorizationSpecException || "28000".equals(state) || "28P01".equals(state)
				|| MYSQL_AUTH_CODES.contains(code) && state != null && state.startsWith("28")) {
			return FailureReason.AUTH;
		}
		if (code == GALERA_NOT_READY) {
			return FailureReason.NOT_READY;
		}
		if (state != null) {
			if (state.startsWith("57P0")) { // admin_shutdown, crash_shutdown, cannot_connect_now
				return "57P03".equals(state) ? FailureReason.NOT_READY : FailureReason.SHUTDOWN;
			}
			if (state.startsWith("08")) {
				if (hasCause(sql, SocketTimeoutException.class)) {
					// MariaDB's "Socket timeout when connecting": a hung server (frozen), not a lost connection
					return FailureReason.TIMEOUT;
				}
				return connectFailure(sql) ? FailureReason.CONNECT : FailureReason.CONNECTION_LOST;
			}
		}
		if (code == 1053 || code == 1077) {
			return FailureReason.SHUTDOWN;
		}
		if (MYSQL_CONNECTION_CODES.contains(code) && (state == null || !state.startsWith("42"))) {
			return FailureReason.CONNECTION_LOST;
		}
		if (code == H2_DATABASE_CLOSED) {
			return FailureReason.CONNECTION_LOST;
		}
		if (sql instanceof SQLTransientConnectionException) {
			return FailureReason.CONNECT;
		}
		return null;
	}

	private static boolean connectFailure(SQLException sql) {
		// 08001: unable to establish, 08004: rejected; a ConnectException below says the same
		return "08001".equals(sql.getSQLState()) || "08004".equals(sql.getSQLState()) || hasCause(sql, ConnectException.class);
	}

	private static FailureReason classifyCause(Throwable cause) {
		if (cause instanceof SocketTimeoutException || cause instanceof InterruptedIOException) {
			return FailureReason.TIMEOUT;
		}
		if (cause instanceof ConnectException || cause instanceof NoRouteToHostException
				|| cause instanceof UnknownHostException) {
			return FailureReason.CONNECT;
		}
		if (cause instanceof SocketException || cause instanceof EOFException) {
			return FailureReason.CONNECTION_LOST;
		}
		return null;
	}

	private static boolean hasCause(Throwable throwable, Class<? extends Throwable> type) {
		for (Throwable t = throwable; t != null; t = (t.getCause() != t) ? t.getCause() : null) {
			if (type.isInstance(t)) {
				return true;
			}
		}
		return false;
	}

}
