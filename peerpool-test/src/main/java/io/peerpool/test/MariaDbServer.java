package io.peerpool.test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MariaDB 11.4 server ({@code mariadbd}) of an {@link EmbeddedMariaDb} topology, on its own
 * port and data directory, with the binary log and GTIDs on so that it can be a primary or a
 * replica. The application user ({@code app}/{@code app}) owns the {@code app} database and is
 * not a superuser, so {@code read_only} applies to it; root (no password) is the admin user.
 *
 * <p>The server's own log is {@code server.log} in {@link #dataDirectory()}.
 */
public final class MariaDbServer extends ServerProcess {

	private static final Logger logger = LoggerFactory.getLogger(MariaDbServer.class);

	/** Socket timeout of the kit's own admin statements, so a frozen server cannot hang a test. */
	private static final int ADMIN_SOCKET_TIMEOUT_MILLIS = 30_000;

	private final String name;

	private final int serverId;

	private final int port;

	private final Path dataDirectory;

	private final MariaDbBinaries binaries;

	private volatile MariaDbProcess process;

	private volatile boolean closed;

	private volatile boolean readOnly;

	/** The server this one replicates from, or null for a primary or a peer. */
	private volatile MariaDbServer source;

	/** MASTER_USE_GTID mode to point replication at {@link #source} once reachable again, or null. */
	private volatile String pendingGtidMode;

	/** Global privileges the application user gets on the first start. */
	private final List<String> applicationGrants;

	/** Whether {@code read_only} is on the command line (survives a restart) rather than set at run time. */
	private final boolean persistentReadOnly;

	MariaDbServer(String name, int serverId, MariaDbBinaries binaries) {
		this(name, serverId, binaries, List.of(), false);
	}

	MariaDbServer(String name, int serverId, MariaDbBinaries binaries, List<String> applicationGrants,
			boolean persistentReadOnly) {
		this.applicationGrants = List.copyOf(applicationGrants);
		this.persistentReadOnly = persistentReadOnly;
		this.name = name;
		this.serverId = serverId;
		this.binaries = binaries;
		this.port = FreePorts.next();
		this.dataDirectory = KitEnvironment.newDataDirectory("mariadb-" + name);
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public int port() {
		return this.port;
	}

	@Override
	public String database() {
		return MariaDbBinaries.DATABASE;
	}

	@Override
	public String username() {
		return MariaDbBinaries.APP_USER;
	}

	@Override
	public String password() {
		return MariaDbBinaries.APP_PASSWORD;
	}

	/** {@code @@server_id}, distinct for every server of the JVM. */
	public int serverId() {
		return this.serverId;
	}

	/** Data directory; holds {@code server.log}. */
	public Path dataDirectory() {
		return this.dataDirectory;
	}

	/**
	 * {@inheritDoc}
	 * <p>{@link JdbcDriver#MARIADB}: TLS off with {@code sslMode=disable} (mariadb-java-client 3.x and
	 * 4.x; 4.x would otherwise try TLS). {@link JdbcDriver#MYSQL}: {@code useSSL=false} and
	 * {@code allowPublicKeyRetrieval=true} for mysql-connector-j 8/9.
	 * @throws IllegalArgumentException for {@link JdbcDriver#POSTGRESQL}
	 */
	@Override
	public String jdbcUrl(JdbcDriver driver) {
		String address = "//" + host() + ":" + this.port + "/" + database();
		return switch (driver) {
			case MARIADB -> "jdbc:mariadb:" + address + "?sslMode=disable";
			case MYSQL -> "jdbc:mysql:" + address + "?useSSL=false&allowPublicKeyRetrieval=true";
			case POSTGRESQL -> throw new IllegalArgumentException("MariaDB server " + this.name + " has no PostgreSQL URL");
		};
	}

	/** A connection as {@code app} with mariadb-java-client (10 s connect timeout). */
	@Override
	public Connection connect() throws SQLException {
		Properties properties = new Properties();
		properties.setProperty("user", username());
		properties.setProperty("password", password());
		properties.setProperty("connectTimeout", "10000");
		return DriverManager.getConnection(jdbcUrl(JdbcDriver.MARIADB), properties);
	}

	/** A connection as root (superuser, ignores {@code read_only}), 10 s connect timeout. */
	@Override
	public Connection connectAsAdmin() throws SQLException {
		return MariaDbProcess.connectAsRoot(this.port, 10_000, 0);
	}

	/**
	 * Runs one statement as root (bounded by a 30 s socket timeout).
	 * @throws IllegalStateException when it fails
	 */
	public void executeAsAdmin(String sql) {
		try (Connection connection = adminConnection(); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(this.name + ": " + sql + " failed: " + ex.getMessage(), ex);
		}
	}

	/**
	 * {@code Seconds_Behind_Master} of this server's replication, or null when it does not
	 * replicate or a replication thread is stopped.
	 */
	public Long lagSeconds() {
		try (Connection connection = adminConnection();
				Statement statement = connection.createStatement();
				ResultSet status = statement.executeQuery("SHOW SLAVE STATUS")) {
			if (!status.next()) {
				return null;
			}
			long seconds = status.getLong("Seconds_Behind_Master");
			return status.wasNull() ? null : seconds;
		}
		catch (SQLException ex) {
			throw new IllegalStateException(this.name + ": SHOW SLAVE STATUS failed: " + ex.getMessage(), ex);
		}
	}

	@Override
	@Nullable ProcessHandle processHandle() {
		MariaDbProcess current = this.process;
		return (current != null) ? current.handle() : null;
	}

	@Override
	public synchronized void kill() {
		MariaDbProcess current = this.process;
		if (current != null && current.isAlive()) {
			current.kill();
			logger.info("Killed {} (port {})", this.name, this.port);
		}
	}

	@Override
	void afterThaw() {
		applyPendingRole();
	}

	/**
	 * Kills the server if it runs and starts it again on the same port and data; returns when it
	 * accepts connections and, for a replica whose source runs, replicates again.
	 */
	@Override
	public synchronized void restart() {
		if (this.closed) {
			throw new IllegalStateException(this.name + " is closed");
		}
		kill();
		start();
		if (this.pendingGtidMode != null) {
			applyPendingRole();
		}
		else if (this.source != null) {
			resumeReplication();
		}
		MariaDbServer currentSource = this.source;
		if (currentSource != null && currentSource.isRunning() && !currentSource.isFrozen()) {
			awaitReplicating();
		}
	}

	/** Kills the server for good and deletes its data directory. */
	@Override
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		kill();
		try {
			MariaDbBinaries.deleteTree(this.dataDirectory);
			MariaDbBinaries.deleteTree(this.dataDirectory.resolveSibling(this.dataDirectory.getFileName() + "-tmp"));
		}
		catch (RuntimeException ex) {
			logger.warn("Could not delete {}: {}", this.dataDirectory, ex.toString());
		}
	}

	@Override
	public String toString() {
		return this.name + "@" + host() + ":" + this.port;
	}

	// ---- used by EmbeddedMariaDb ----

	/** Starts the server (copying the template data directory on the first start). */
	synchronized void start() {
		if (isRunning()) {
			return;
		}
		long started = System.nanoTime();
		boolean first = this.process == null;
		if (first) {
			this.binaries.copyTemplateTo(this.dataDirectory);
		}
		List<String> options = new ArrayList<>();
		options.add("--server-id=" + this.serverId);
		options.add("--log-bin=mariadb-bin");
		options.add("--relay-log=mariadb-relay");
		options.add("--log-slave-updates");
		options.add("--binlog-format=ROW");
		options.add("--sync-binlog=0");
		options.add("--gtid-strict-mode=ON");
		// a replica notices a dead or restarted primary within seconds, not the default minute
		options.add("--slave-net-timeout=5");
		// replication is started by the kit, after resumeReplication() has repaired what a kill left
		options.add("--skip-slave-start");
		if (this.readOnly && this.persistentReadOnly) {
			options.add("--read-only");
		}
		Path log = this.dataDirectory.resolve("server.log");
		MariaDbProcess launched = MariaDbProcess.start(this.name, this.binaries.baseDirectory(), this.dataDirectory,
				this.port, options, log);
		this.process = launched;
		try (Connection connection = launched.waitUntilReady()) {
			// nothing to do: reaching here means it accepts connections
		}
		catch (SQLException ex) {
			// closing a fresh connection failed: harmless
		}
		if (first && !this.applicationGrants.isEmpty()) {
			// each server grants itself, outside the binary log: a GTID of a replica's own would make it
			// diverge from its primary
			execute("SET SESSION sql_log_bin = 0", "GRANT " + String.join(", ", this.applicationGrants) + " ON *.* TO '"
					+ MariaDbBinaries.APP_USER + "'@'%'");
		}
		if (!this.persistentReadOnly) {
			if (first || this.pendingGtidMode != null) {
				// set at run time, as a DBA does: gone after a restart
				executeAsAdmin("SET GLOBAL read_only = " + (this.readOnly ? "1" : "0"));
			}
			else {
				// restarted: the configuration has no read_only, so the server is writable again
				this.readOnly = false;
			}
		}
		logger.info("Started {} (server_id {}, port {}, data {}) in {} ms", this.name, this.serverId, this.port,
				this.dataDirectory, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
	}

	MariaDbServer source() {
		return this.source;
	}

	boolean isReadOnly() {
		return this.readOnly;
	}

	/**
	 * Whether this server is read-only: applied at once if running, else at the next start; it
	 * survives a restart only with {@link EmbeddedMariaDb#persistentReadOnly()}.
	 */
	void setReadOnly(boolean readOnly) {
		this.readOnly = readOnly;
		if (isRunning() && !isFrozen()) {
			executeAsAdmin("SET GLOBAL read_only = " + (readOnly ? "1" : "0"));
		}
	}

	/** Makes the server read-only when it is next started or thawed (it is not reachable now). */
	void setReadOnlyOnRestart() {
		this.readOnly = true;
	}

	/** Replication to set up when this (now unreachable) server is restarted or thawed. */
	void setSourceOnRestart(MariaDbServer newSource, String useGtid) {
		this.source = newSource;
		this.pendingGtidMode = useGtid;
	}

	/** A role change made while the server was down or frozen. */
	private void applyPendingRole() {
		String mode = this.pendingGtidMode;
		if (mode == null) {
			return;
		}
		this.pendingGtidMode = null;
		executeAsAdmin("SET GLOBAL read_only = " + (this.readOnly ? "1" : "0"));
		replicateFrom(this.source, mode);
	}

	/**
	 * Points this server's replication at {@code newSource} ({@code MASTER_USE_GTID=slave_pos}
	 * for a replica, {@code current_pos} for a former primary whose own transactions are only in
	 * its binary log) and starts it.
	 */
	void replicateFrom(MariaDbServer newSource, String useGtid) {
		this.source = newSource;
		this.pendingGtidMode = null;
		execute("STOP SLAVE",
				"CHANGE MASTER TO MASTER_HOST='" + newSource.host() + "', MASTER_PORT=" + newSource.port()
						+ ", MASTER_USER='" + MariaDbBinaries.REPLICATION_USER + "', MASTER_PASSWORD='"
						+ MariaDbBinaries.REPLICATION_PASSWORD + "', MASTER_CONNECT_RETRY=1, MASTER_SSL=0, MASTER_USE_GTID=" + useGtid,
				"START SLAVE");
	}

	/**
	 * Starts replication again after a restart, first repairing what a {@code kill -9} can leave
	 * behind. A replicated DDL statement is written to this server's binary log before
	 * {@code mysql.gtid_slave_pos} records it as applied (DDL is not part of the transaction that
	 * updates that table); killed in between, the replica would fetch the statement again and stop
	 * with "out-of-order sequence number ... gtid strict mode is enabled". The binary log
	 * ({@code log_slave_updates}) is the truth of what was applied, so a slave position behind it is
	 * moved up to it: what a DBA does by hand for that error.
	 */
	private void resumeReplication() {
		try (Connection connection = adminConnection();
				Statement statement = connection.createStatement()) {
			String binlog;
			String applied;
			try (ResultSet result = statement
				.executeQuery("SELECT @@GLOBAL.gtid_binlog_pos, @@GLOBAL.gtid_slave_pos")) {
				result.next();
				binlog = result.getString(1);
				applied = result.getString(2);
			}
			if (GtidPosition.isAhead(binlog, applied)) {
				logger.info("{}: binary log at {} is ahead of gtid_slave_pos {} (killed between the two): "
						+ "resuming replication from the binary log", this.name, binlog, applied);
				statement.execute("SET GLOBAL gtid_slave_pos = '" + binlog + "'");
			}
			statement.execute("START SLAVE");
		}
		catch (SQLException ex) {
			throw new IllegalStateException(this.name + ": cannot resume replication: " + ex.getMessage(), ex);
		}
	}

	/** Stops replication and forgets its configuration (this server becomes a primary). */
	void stopReplicating() {
		this.source = null;
		execute("STOP SLAVE", "RESET SLAVE ALL");
	}

	/** Waits until both replication threads run ({@code Slave_IO_Running} and {@code Slave_SQL_Running} = Yes). */
	void awaitReplicating() {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(MariaDbProcess.READY_TIMEOUT_SECONDS);
		String state = "no status";
		while (System.nanoTime() < deadline) {
			try (Connection connection = adminConnection();
					Statement statement = connection.createStatement();
					ResultSet status = statement.executeQuery("SHOW SLAVE STATUS")) {
				if (status.next()) {
					String io = status.getString("Slave_IO_Running");
					String sql = status.getString("Slave_SQL_Running");
					if ("Yes".equals(io) && "Yes".equals(sql)) {
						return;
					}
					state = "IO " + io + ", SQL " + sql + ", last IO error: " + status.getString("Last_IO_Error")
							+ ", last SQL error: " + status.getString("Last_SQL_Error");
				}
			}
			catch (SQLException ex) {
				state = ex.toString();
			}
			sleep(100);
		}
		throw new IllegalStateException(this.name + " does not replicate from " + this.source + " (" + state + "); log "
				+ this.dataDirectory.resolve("server.log"));
	}

	/** {@code @@gtid_binlog_pos}: the GTIDs this server has written to its binary log. */
	String gtidBinlogPosition() {
		try (Connection connection = adminConnection();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT @@GLOBAL.gtid_binlog_pos")) {
			result.next();
			return result.getString(1);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(this.name + ": cannot read gtid_binlog_pos: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Waits up to {@code timeout} until this server's binary log holds every transaction of
	 * {@code gtidPosition} (another server's {@code gtid_binlog_pos}). The binary log
	 * ({@code log_slave_updates}) is compared, not only {@code gtid_slave_pos}: a transaction this
	 * server wrote itself while it was primary is in its binary log but never in its slave
	 * position, and {@code MASTER_GTID_WAIT} alone would wait for it forever. Between two looks,
	 * {@code MASTER_GTID_WAIT} in short slices returns as soon as replication applies the position.
	 * @throws IllegalStateException when the position is not reached in time, naming the position
	 * waited for, the one reached and the state of replication
	 */
	void awaitGtid(String gtidPosition, Duration timeout) {
		if (gtidPosition == null || gtidPosition.isEmpty()) {
			return;
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		try (Connection connection = adminConnection(); Statement statement = connection.createStatement()) {
			while (true) {
				String binlog;
				String applied;
				try (ResultSet result = statement.executeQuery("SELECT @@GLOBAL.gtid_binlog_pos, @@GLOBAL.gtid_slave_pos")) {
					result.next();
					binlog = result.getString(1);
					applied = result.getString(2);
				}
				if (GtidPosition.covers(binlog, gtidPosition)) {
					return;
				}
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					throw new IllegalStateException(this.name + " did not reach GTID position " + gtidPosition
							+ " within " + timeout.toMillis() + " ms: its binary log is at '" + binlog
							+ "', gtid_slave_pos '" + applied + "'; " + replicationState(statement));
				}
				// well below the admin connection's socket timeout, so the wait is bounded by ours
				double slice = Math.min(left, 200_000_000L) / 1e9;
				try (ResultSet ignored = statement.executeQuery(
						"SELECT MASTER_GTID_WAIT('" + gtidPosition + "', " + String.format(java.util.Locale.ROOT, "%.3f", slice) + ")")) {
					// 0 reached, -1 timed out: the binary log decides above
				}
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(this.name + ": waiting for GTID position " + gtidPosition + " failed: "
					+ ex.getMessage(), ex);
		}
	}

	private static String replicationState(Statement statement) throws SQLException {
		try (ResultSet status = statement.executeQuery("SHOW SLAVE STATUS")) {
			if (!status.next()) {
				return "it does not replicate";
			}
			return "replicating from port " + status.getString("Master_Port") + ", IO " + status.getString("Slave_IO_Running")
					+ ", SQL " + status.getString("Slave_SQL_Running") + ", last IO error: '"
					+ status.getString("Last_IO_Error") + "', last SQL error: '" + status.getString("Last_SQL_Error") + "'";
		}
	}

	private void execute(String... statements) {
		try (Connection connection = adminConnection(); Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(this.name + ": " + ex.getMessage(), ex);
		}
	}

	private Connection adminConnection() throws SQLException {
		return MariaDbProcess.connectAsRoot(this.port, 5_000, ADMIN_SOCKET_TIMEOUT_MILLIS);
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
