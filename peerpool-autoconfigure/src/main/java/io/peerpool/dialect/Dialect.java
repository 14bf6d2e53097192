package io.peerpool.dialect;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import io.peerpool.ProbeResult;
import io.peerpool.PeerServerChangedEvent.ServerIdentity;

/**
 * What peerpool says to one product (and version) of server: the probe's queries, replica lag and
 * replication positions, the server's identity. One subclass per product, chosen once from a
 * connection's metadata ({@link #of(Connection)}) or from what was recorded of it
 * ({@link #of(String, String)}); a server version that renamed a statement is handled in its
 * product's class.
 */
public abstract class Dialect {

	private final String product;

	private final String version;

	Dialect(String product, String version) {
		this.product = product;
		this.version = version;
	}

	/** The dialect of the server behind {@code connection}, from its metadata (no query). */
	public static Dialect of(Connection connection) throws SQLException {
		DatabaseMetaData metaData = connection.getMetaData();
		return of(metaData.getDatabaseProductName(), metaData.getDatabaseProductVersion());
	}

	/**
	 * The dialect of a server that reported {@code productName} and {@code productVersion}
	 * (metadata, or a {@link ServerIdentity}'s product and version).
	 */
	public static Dialect of(String productName, String productVersion) {
		String version = (productVersion != null) ? productVersion : "";
		return switch (Product.ofServer(productName, version)) {
			case MARIADB -> new MariaDbDialect(version);
			case MYSQL -> new MySqlDialect(version);
			case POSTGRESQL -> new PostgresDialect(version);
			case H2, OTHER -> new GenericDialect((productName != null) ? productName : "unknown", version);
		};
	}

	/**
	 * The Hibernate dialect of the product a JDBC URL (and driver class) connects to, for a message
	 * that names it; {@code null} for a product peerpool does not know. A {@code jdbc:mysql:} URL
	 * may reach a MariaDB server: only a connection tells.
	 */
	public static @Nullable String hibernateDialect(String url, @Nullable String driverClassName) {
		return Product.of(url, driverClassName).hibernateDialect;
	}

	/**
	 * The name of jOOQ's {@code SQLDialect} for a URL (and driver class), for when no server
	 * answered jOOQ's lookup at startup; {@code null} for a product peerpool does not know.
	 */
	public static @Nullable String jooqDialect(String url, @Nullable String driverClassName) {
		return Product.of(url, driverClassName).jooqDialect;
	}

	/**
	 * Boot's {@code spring.data.jdbc.dialect} value for a URL (and driver class), for a message that
	 * names it; {@code null} for a product peerpool does not know.
	 */
	public static @Nullable String dataJdbcDialect(String url, @Nullable String driverClassName) {
		return Product.of(url, driverClassName).dataJdbcDialect;
	}

	/**
	 * The Maven coordinates of the JDBC driver a URL (and driver class) needs, for a message that
	 * names the dependency to add; {@code null} for a product peerpool does not know.
	 */
	public static @Nullable String driverArtifact(String url, @Nullable String driverClassName) {
		return Product.of(url, driverClassName).driverArtifact;
	}

	/** The dialect of a server whose identity was recorded; {@code null} stays unknown. */
	static Dialect of(ServerIdentity server) {
		return (server != null) ? of(server.product(), server.version()) : null;
	}

	/** The product name shown to users and kept in {@link ServerIdentity} ({@code MariaDB}, ...). */
	public String product() {
		return this.product;
	}

	/** The version the server reported in its metadata. */
	String version() {
		return this.version;
	}

	/** Reads the identity of the server: one short query. */
	public abstract ServerIdentity identity(Connection connection) throws SQLException;

	/**
	 * The identity from one query that answers the server's version and its id
	 * ({@code SELECT @@version, @@server_id}), the id shown as {@code idName=<id>}.
	 */
	final ServerIdentity identityOf(Connection connection, String sql, String idName) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
			result.next();
			return new ServerIdentity(product(), result.getString(1), idName + "=" + result.getString(2));
		}
	}

	/**
	 * peerpool's probe of a connection already known to be valid.
	 * @param recovering whether the peer is DOWN and about to be taken back (stricter checks)
	 */
	public ProbeResult probe(Connection connection, boolean recovering) throws SQLException {
		return probe(connection, recovering, true);
	}

	/**
	 * peerpool's probe of a connection already known to be valid.
	 * @param recovering whether the peer is DOWN and about to be taken back (stricter checks)
	 * @param serverLag whether to ask for the server's own lag figure; {@code false} when the
	 * user was denied it lately (each denial is an error in the server's and the driver's logs)
	 */
	public abstract ProbeResult probe(Connection connection, boolean recovering, boolean serverLag)
			throws SQLException;

	/** The position of the write just made on {@code primary}, or {@code null} when unknown. */
	public String positionAfterWrite(Connection primary) throws SQLException {
		return null;
	}

	/** Waits at most {@code timeout} for {@code replica} to apply {@code position}. */
	public boolean hasApplied(Connection replica, String position, Duration timeout) throws SQLException {
		return false;
	}

	/**
	 * The position of the write just made on {@code node}, a node of a synchronous cluster
	 * (Galera), where the other nodes apply it without replicating from it: by default as
	 * {@link #positionAfterWrite}.
	 */
	public @Nullable String clusterPositionAfterWrite(Connection node) throws SQLException {
		return positionAfterWrite(node);
	}

	/**
	 * Waits at most {@code timeout} for {@code node}, a node of a synchronous cluster, to commit
	 * {@code position}: by default as {@link #hasApplied}.
	 */
	public boolean clusterHasApplied(Connection node, String position, Duration timeout) throws SQLException {
		return hasApplied(node, position, timeout);
	}

	/**
	 * Whether a server at {@code position} has applied everything a primary had at
	 * {@code primaryPosition} (positions as this product's probe reports them).
	 */
	abstract boolean hasReached(String position, String primaryPosition);

	/** The first column of a one-row query, or {@code null}. */
	static String queryString(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
			return result.next() ? result.getString(1) : null;
		}
	}

	/** The first column of a one-row query, or {@code null} when there is none or it is empty (a position). */
	static @Nullable String queryPosition(Connection connection, String sql) throws SQLException {
		String position = queryString(connection, sql);
		return (position == null || position.isEmpty()) ? null : position;
	}

	/** {@code major * 1_000_000 + minor * 1_000 + patch} of a version such as {@code 8.0.36-0ubuntu0.22.04.1}. */
	static int versionNumber(String version) {
		int[] parts = new int[3];
		int part = 0;
		boolean digits = false;
		for (int i = 0; i < version.length() && part < 3; i++) {
			char c = version.charAt(i);
			if (Character.isDigit(c)) {
				parts[part] = parts[part] * 10 + (c - '0');
				digits = true;
			}
			else if (c == '.' && digits) {
				part++;
				digits = false;
			}
			else if (digits || part > 0) {
				break;
			}
		}
		return parts[0] * 1_000_000 + parts[1] * 1_000 + parts[2];
	}

	/**
	 * Whether a vendor's code says that the server refused the user ({@code 28P01}, MySQL and
	 * MariaDB 1044, 1045, 1698); the standard {@code 28000} is the caller's to check.
	 */
	public static boolean isAuthFailure(SQLException sql) {
		return PostgresDialect.isInvalidPassword(sql) || MySqlDialect.isAccessDenied(sql);
	}

	/**
	 * What a vendor's code says of the server before its SQLState class does (Galera's node not
	 * ready, PostgreSQL's shutdowns, which come with class 57 or 08), or {@code null}.
	 */
	public static @Nullable VendorFailure serverFailure(SQLException sql) {
		if (sql.getErrorCode() == GaleraChecks.GALERA_NOT_READY) {
			return VendorFailure.NOT_READY;
		}
		return PostgresDialect.failureOfState(sql);
	}

	/**
	 * What a vendor's code says of the connection or the server when its SQLState does not (MySQL
	 * and MariaDB's shutdown and lost-connection codes, H2's closed database), or {@code null}.
	 */
	public static @Nullable VendorFailure connectionFailure(SQLException sql) {
		VendorFailure failure = MySqlDialect.failureOfCode(sql);
		return (failure != null) ? failure : GenericDialect.failureOfCode(sql);
	}

	/**
	 * Whether a vendor's code says that one connection was ended, not the server (MariaDB's
	 * {@code KILL}, PostgreSQL's {@code pg_terminate_backend}).
	 */
	public static boolean endsOneConnection(SQLException sql) {
		return MariaDbDialect.isConnectionKilled(sql) || PostgresDialect.isTerminatedBackend(sql);
	}

	/**
	 * Whether a vendor's code, on the error or one of its causes, says that the server refuses
	 * every write, whatever the session asked for (MySQL and MariaDB running read-only): the
	 * statement or commit was refused, so nothing of it was done.
	 */
	public static boolean isServerReadOnly(SQLException sql) {
		return anyInCauses(sql, MySqlDialect::isReadOnlyRefusal);
	}

	/**
	 * Whether the error, or one of its causes, is PostgreSQL's refusal of a write in a read-only
	 * transaction (SQLState {@code 25006}). Ambiguous where {@link #isServerReadOnly} is not: the
	 * server's sessions start read-only (a standby, {@code default_transaction_read_only}) or the
	 * application asked for it; the connection that knows what the application asked decides.
	 */
	public static boolean isReadOnlyTransactionRefusal(SQLException sql) {
		return anyInCauses(sql, PostgresDialect::isReadOnlyTransaction);
	}

	/**
	 * Whether the error, or one of its causes, is a new connection refused because the server is
	 * at its connection limit: MySQL's and MariaDB's {@code max_connections} (1040) and
	 * {@code max_user_connections} (1203, 1226), PostgreSQL's {@code max_connections} and a role's
	 * or database's {@code CONNECTION LIMIT} (53300). The server answered: it is busy, not down, and
	 * the connections already open to it work.
	 */
	public static boolean isConnectionLimit(SQLException sql) {
		return anyInCauses(sql, (cause) -> MySqlDialect.isConnectionLimitCode(cause)
				|| PostgresDialect.isTooManyConnections(cause));
	}

	/**
	 * Whether the error, or one of its causes, is what PostgreSQL gives a query on a hot standby
	 * that it cancelled for a conflict with recovery (SQLState {@code 40001}, or {@code 40P01} for a
	 * deadlock with the startup process): the standby had to replay something the query stood in the
	 * way of (a vacuum of rows it still sees, a lock) for longer than
	 * {@code max_standby_streaming_delay}. Only on a standby: on a primary the same codes are a
	 * serialization failure or a deadlock, the application's to handle.
	 */
	public static boolean isRecoveryConflict(SQLException sql) {
		return anyInCauses(sql, PostgresDialect::isSerializationOrDeadlockState);
	}

	/**
	 * Whether the error, or one of its causes, says the server rolled the whole transaction back
	 * for a conflict with another one, committing nothing of it: a deadlock's victim (MySQL and
	 * MariaDB 1213, PostgreSQL {@code 40P01}), a Galera certification failure or a transaction Galera
	 * aborted for a replicated one (1213), a PostgreSQL serialization failure ({@code 40001}). On a
	 * hot standby the PostgreSQL codes are a recovery conflict ({@link #isRecoveryConflict}) instead.
	 * A lock wait timeout (1205) is not one: it rolls back only the statement.
	 */
	public static boolean isTransactionRolledBack(SQLException sql) {
		return anyInCauses(sql,
				(cause) -> MySqlDialect.isDeadlock(cause) || PostgresDialect.isSerializationOrDeadlockState(cause));
	}

	/** Whether {@code sql} or one of the SQL exceptions it was caused by matches. */
	private static boolean anyInCauses(SQLException sql, java.util.function.Predicate<SQLException> matches) {
		for (SQLException current = sql; current != null; current = (current.getCause() instanceof SQLException cause
				&& cause != current) ? cause : null) {
			if (matches.test(current)) {
				return true;
			}
		}
		return false;
	}

	/** What a vendor's error code says of the server or the connection. */
	public enum VendorFailure {

		/** The server is not ready to serve (a Galera node out of the primary component, a server starting). */
		NOT_READY,

		/** The server is shutting down. */
		SHUTDOWN,

		/** The connection is gone (killed, lost, the server closed it). */
		CONNECTION_LOST

	}

	@Override
	public String toString() {
		return getClass().getSimpleName() + "[" + this.version + "]";
	}

}
