package io.peerpool.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

import org.jspecify.annotations.Nullable;

/**
 * The session settings a {@link PeerConnection} carries to each physical connection it takes (its
 * first, a move to a primary, a failover, a replay), made before the physical connection existed
 * or on the one it replaces. Auto-commit, read-only, isolation and holdability are fields of the
 * connection itself (most applications set one; the connection is allocated per borrow); the ones
 * few applications set are kept here, allocated at the first of them.
 */
final class SessionSettings {

	@Nullable String catalog;

	@Nullable String schema;

	@Nullable Properties clientInfo;

	@Nullable Executor networkExecutor;

	int networkTimeout = -1;

	@Nullable Map<String, Class<?>> typeMap;

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
	 * @param isolation the transaction isolation, or -1 when not set
	 * @param holdability the holdability, or -1 when not set
	 */
	static void apply(Connection target, boolean pooledAutoCommit, boolean autoCommit, boolean readOnly,
			int isolation, int holdability, @Nullable SessionSettings more) throws SQLException {
		if (pooledAutoCommit != autoCommit) {
			target.setAutoCommit(autoCommit);
		}
		if (readOnly) {
			target.setReadOnly(true);
		}
		if (isolation >= 0) {
			target.setTransactionIsolation(isolation);
		}
		if (holdability >= 0) {
			target.setHoldability(holdability);
		}
		if (more != null) {
			more.applyTo(target);
		}
	}

	private void applyTo(Connection target) throws SQLException {
		if (this.catalog != null) {
			target.setCatalog(this.catalog);
		}
		if (this.schema != null) {
			target.setSchema(this.schema);
		}
		if (this.clientInfo != null) {
			target.setClientInfo(this.clientInfo);
		}
		if (this.networkTimeout >= 0) {
			target.setNetworkTimeout(this.networkExecutor, this.networkTimeout);
		}
		if (this.typeMap != null) {
			target.setTypeMap(this.typeMap);
		}
	}

}
