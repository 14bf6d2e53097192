package io.peerpool.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

import org.jspecify.annotations.Nullable;

import io.peerpool.peer.Peer;

/**
 * The session settings a {@link PeerConnection} carries to each physical connection it takes (its
 * first, a move to a primary, a failover, a replay), made before the physical connection existed
 * or on the one it replaces. Auto-commit, read-only, isolation and holdability are fields of the
 * connection itself (most applications set one; the connection is allocated per borrow); the ones
 * few applications set are kept here, allocated at the first of them. Each setter is made by one
 * switch ({@link #make}), the application's call and the same setting on a later physical
 * connection alike, so that the two cannot differ.
 */
final class SessionSettings {

	// the kinds of the session setters DelegatingConnection generates (named for the setter), and client info

	static final int SET_READ_ONLY = 1;

	static final int SET_TRANSACTION_ISOLATION = 2;

	static final int SET_HOLDABILITY = 3;

	static final int SET_CATALOG = 4;

	static final int SET_SCHEMA = 5;

	static final int SET_TYPE_MAP = 6;

	static final int SET_NETWORK_TIMEOUT = 7;

	/** Both {@code setClientInfo}: all properties ({@code value} a {@code Properties}), or one (name, value). */
	static final int SET_CLIENT_INFO = 8;

	@Nullable String catalog;

	@Nullable String schema;

	@Nullable Properties clientInfo;

	@Nullable Executor networkExecutor;

	int networkTimeout = -1;

	@Nullable Map<String, Class<?>> typeMap;

	/**
	 * Makes one session setting on {@code target}: the application's call on the physical connection
	 * it has now, and the same setting on each one it takes later ({@link #apply}).
	 */
	@SuppressWarnings("unchecked")
	static void make(Connection target, int kind, int number, @Nullable Object value, @Nullable Object second)
			throws SQLException {
		switch (kind) {
			case SET_READ_ONLY -> target.setReadOnly(number != 0);
			case SET_TRANSACTION_ISOLATION -> target.setTransactionIsolation(number);
			case SET_HOLDABILITY -> target.setHoldability(number);
			case SET_CATALOG -> target.setCatalog((String) value);
			case SET_SCHEMA -> target.setSchema((String) value);
			case SET_TYPE_MAP -> target.setTypeMap((Map<String, Class<?>>) value);
			case SET_NETWORK_TIMEOUT -> target.setNetworkTimeout((Executor) value, number);
			case SET_CLIENT_INFO -> {
				if (value instanceof Properties properties) {
					target.setClientInfo(properties);
				}
				else {
					target.setClientInfo((String) value, (String) second);
				}
			}
			default -> throw new IllegalArgumentException("Unknown session setting " + kind);
		}
	}

	/** Keeps a setting that is not a field of the connection, for the physical connections it takes later. */
	@SuppressWarnings("unchecked")
	void keep(int kind, int number, @Nullable Object value, @Nullable Object second) {
		switch (kind) {
			case SET_CATALOG -> this.catalog = (String) value;
			case SET_SCHEMA -> this.schema = (String) value;
			case SET_TYPE_MAP -> this.typeMap = (Map<String, Class<?>>) value;
			case SET_NETWORK_TIMEOUT -> {
				this.networkExecutor = (Executor) value;
				this.networkTimeout = number;
			}
			case SET_CLIENT_INFO -> {
				if (value instanceof Properties properties) {
					clientInfo(properties);
				}
				else {
					clientInfo((String) value, (String) second);
				}
			}
			default -> throw new IllegalArgumentException("Not a setting kept apart from the connection: " + kind);
		}
	}

	/** One client info property: {@code null} removes it. */
	void clientInfo(String name, @Nullable String value) {
		Properties info = this.clientInfo;
		if (info == null) {
			info = new Properties();
			this.clientInfo = info;
		}
		if (value != null) {
			info.setProperty(name, value);
		}
		else {
			info.remove(name);
		}
	}

	/** Every client info property, copied: the application may change its object afterwards. */
	void clientInfo(Properties properties) {
		Properties copy = new Properties();
		copy.putAll(properties);
		this.clientInfo = copy;
	}

	/**
	 * Makes the settings on {@code target}, a physical connection just taken. Drivers send
	 * auto-commit and read-only to the server: a failure here is the first sign of a dead peer.
	 * @param pooledAutoCommit the auto-commit HikariCP hands {@code target} out with (what SQL changed
	 * behind JDBC's back is put right when such a borrow ends): the driver is not asked, which for
	 * some (H2) takes a lock
	 * @param readOnly 1 or 0 when the connection's read-only differs from that HikariCP hands
	 * {@code target} out with ({@code hikari.read-only}), else -1
	 * @param isolation the transaction isolation, or -1 when not set
	 * @param holdability the holdability, or -1 when not set
	 */
	static void apply(Connection target, boolean pooledAutoCommit, boolean autoCommit, int readOnly,
			int isolation, int holdability, @Nullable SessionSettings more) throws SQLException {
		if (pooledAutoCommit != autoCommit) {
			target.setAutoCommit(autoCommit);
		}
		if (readOnly >= 0) {
			make(target, SET_READ_ONLY, readOnly, null, null);
		}
		if (isolation >= 0) {
			make(target, SET_TRANSACTION_ISOLATION, isolation, null, null);
		}
		if (holdability >= 0) {
			make(target, SET_HOLDABILITY, holdability, null, null);
		}
		if (more != null) {
			more.applyTo(target);
		}
	}

	private void applyTo(Connection target) throws SQLException {
		if (this.catalog != null) {
			make(target, SET_CATALOG, 0, this.catalog, null);
		}
		if (this.schema != null) {
			make(target, SET_SCHEMA, 0, this.schema, null);
		}
		if (this.clientInfo != null) {
			make(target, SET_CLIENT_INFO, 0, this.clientInfo, null);
		}
		if (this.networkTimeout >= 0) {
			make(target, SET_NETWORK_TIMEOUT, this.networkTimeout, this.networkExecutor, null);
		}
		if (this.typeMap != null) {
			make(target, SET_TYPE_MAP, 0, this.typeMap, null);
		}
	}

	/**
	 * Auto-commit switched behind JDBC's back (by SQL such as {@code SET autocommit=0}, a procedure,
	 * the driver's own connection), which HikariCP does not see and so does not reset: what such a
	 * borrow left uncommitted is rolled back (as HikariCP does for a transaction left open through
	 * JDBC) and auto-commit set back to the borrow's {@code autoCommit}, so that the next borrower
	 * neither commits it by its own {@code setAutoCommit} nor runs its statements in a transaction
	 * nobody commits. Only after a borrow that ran SQL able to do so (a write, which includes calls,
	 * or session SQL) or unwrapped the connection. A connection whose state cannot be read is not
	 * pooled again.
	 */
	static void restoreAutoCommit(Peer served, Connection current, boolean autoCommit) {
		try {
			boolean actual = current.getAutoCommit();
			if (actual != autoCommit) {
				if (!actual) {
					current.rollback();
				}
				// through HikariCP's proxy, which then resets it to the pool's value when it is given back
				current.setAutoCommit(autoCommit);
			}
		}
		catch (SQLException ex) {
			served.evict(current);
		}
	}

}
