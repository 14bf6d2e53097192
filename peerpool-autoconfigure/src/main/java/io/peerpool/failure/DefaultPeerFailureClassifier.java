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

import io.peerpool.dialect.Dialect;
import io.peerpool.dialect.Dialect.VendorFailure;

/**
 * The classification HikariCP's {@code ProxyConnection.checkException} made the reference, extended
 * with the vendor codes of MySQL, MariaDB, Galera, PostgreSQL and H2 that mean "this server cannot
 * serve", and with authentication failures. The standard SQLState classes are judged here; each
 * product's own codes are its dialect's ({@link Dialect#serverFailure},
 * {@link Dialect#connectionFailure}), so that a new product touches the dialects only.
 *
 * <p>Deliberately not a peer failure: a {@code SQLTimeoutException} from a query timeout the
 * application set (MySQL 1317/3024, PostgreSQL 57014), syntax and constraint errors, and an
 * exception whose class says authentication or connection while its SQLState says otherwise
 * (MariaDB Connector/J's for a write in a read-only transaction, 25006, or an application's
 * {@code SIGNAL}), and a new connection refused because the server is at its connection limit
 * ({@link Dialect#isConnectionLimit}: the server answered, and the connections already open to it
 * work; marking it DOWN would abort them). A network
 * timeout on an open connection is reported by every driver as SQLState class 08 and is caught
 * there.
 */
public class DefaultPeerFailureClassifier implements PeerFailureClassifier {

	private static final int MAX_DEPTH = 10;

	@Override
	public FailureReason classify(SQLException exception) {
		if (Dialect.isConnectionLimit(exception)) {
			// busy, not down: MariaDB says it with 08004, which would read as a refused connection
			return null;
		}
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
			if (current instanceof SQLException sql && Dialect.endsOneConnection(sql)) {
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
		// by the exception class only when the SQLState does not say otherwise: MariaDB Connector/J gives class 25
		// (a write in a read-only transaction) as an authorization exception, and every class it does not know (an
		// application's SIGNAL SQLSTATE '45000', 3D000 no database) as a transient connection exception
		if ((sql instanceof SQLInvalidAuthorizationSpecException && (state == null || state.startsWith("28")))
				|| "28000".equals(state) || Dialect.isAuthFailure(sql)) {
			return FailureReason.AUTH;
		}
		// a vendor's code that says more than its SQLState class (a Galera node not ready, a PostgreSQL shutdown)
		FailureReason server = reason(Dialect.serverFailure(sql));
		if (server != null) {
			return server;
		}
		if (state != null && state.startsWith("08")) {
			if (hasCause(sql, SocketTimeoutException.class)) {
				// MariaDB's "Socket timeout when connecting": a hung server (frozen), not a lost connection
				return FailureReason.TIMEOUT;
			}
			return connectFailure(sql) ? FailureReason.CONNECT : FailureReason.CONNECTION_LOST;
		}
		FailureReason connection = reason(Dialect.connectionFailure(sql));
		if (connection != null) {
			return connection;
		}
		if (sql instanceof SQLTransientConnectionException && state == null) {
			return FailureReason.CONNECT;
		}
		return null;
	}

	private static FailureReason reason(VendorFailure failure) {
		if (failure == null) {
			return null;
		}
		return switch (failure) {
			case NOT_READY -> FailureReason.NOT_READY;
			case SHUTDOWN -> FailureReason.SHUTDOWN;
			case CONNECTION_LOST -> FailureReason.CONNECTION_LOST;
		};
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
