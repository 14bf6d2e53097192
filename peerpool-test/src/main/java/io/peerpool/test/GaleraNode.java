package io.peerpool.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of an {@link EmbeddedGalera} cluster: a system {@code mariadbd} with the Galera wsrep
 * provider, on its own 127.0.0.1 ports for SQL, group communication, IST and SST.
 *
 * <p>Faults behave as in production: a {@link #freeze() frozen} node is evicted by the others after
 * about three seconds (short {@code evs.*} timeouts); after {@link #thaw()} it notices, rejoins
 * and catches up by incremental state transfer. A {@link #restart() restarted} node rejoins the
 * cluster (or bootstraps a new one when no other node runs).
 */
public final class GaleraNode extends ServerProcess {

	private static final Logger logger = LoggerFactory.getLogger(GaleraNode.class);

	/**
	 * Failure detection in about 3 s instead of the default 15 s or more, so tests of eviction
	 * stay short; the gcache is small because tests write little.
	 */
	static final String PROVIDER_TIMEOUTS = "evs.suspect_timeout=PT2S;evs.inactive_timeout=PT3S;"
			+ "evs.inactive_check_period=PT0.5S;evs.keepalive_period=PT0.5S;evs.install_timeout=PT3S;"
			+ "evs.join_retrans_period=PT0.5S;gmcast.peer_timeout=PT2S;gcache.size=16M";

	private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

	private final EmbeddedGalera cluster;

	private final GaleraBinaries binaries;

	private final String name;

	private final Path dataDirectory;

	private final int port;

	private final int groupPort;

	private final int istPort;

	private final int sstPort;

	private volatile ProcessHandle process;

	/** The position the next start begins from ({@code --wsrep-start-position}), or {@code null}. */
	private volatile @Nullable String startPosition;

	GaleraNode(EmbeddedGalera cluster, GaleraBinaries binaries, String name, Path dataDirectory) {
		this.cluster = cluster;
		this.binaries = binaries;
		this.name = name;
		this.dataDirectory = dataDirectory;
		this.port = FreePorts.next();
		this.groupPort = FreePorts.next();
		this.istPort = FreePorts.next();
		this.sstPort = FreePorts.next();
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public int port() {
		return this.port;
	}

	/** Port of Galera group communication ({@code gmcast.listen_addr}). */
	public int groupPort() {
		return this.groupPort;
	}

	@Override
	public String database() {
		return GaleraDataDirectories.DATABASE;
	}

	@Override
	public String username() {
		return GaleraDataDirectories.USERNAME;
	}

	@Override
	public String password() {
		return GaleraDataDirectories.PASSWORD;
	}

	/** Data directory; the server's output is in {@code server.log} there. */
	public Path dataDirectory() {
		return this.dataDirectory;
	}

	@Override
	public String jdbcUrl(JdbcDriver driver) {
		String base = "//" + host() + ":" + this.port + "/" + database();
		return switch (driver) {
			case MARIADB -> "jdbc:mariadb:" + base + "?sslMode=disable";
			case MYSQL -> "jdbc:mysql:" + base + "?useSSL=false&allowPublicKeyRetrieval=true";
			case POSTGRESQL -> throw new IllegalArgumentException("A Galera node speaks the MySQL protocol, not PostgreSQL's");
		};
	}

	/** Connects as {@code app} with the MariaDB driver (MySQL's when only that is present), bounded by timeouts. */
	@Override
	public Connection connect() throws SQLException {
		return open(username(), password());
	}

	/** Connects as {@code root} over TCP, bounded by timeouts. */
	@Override
	public Connection connectAsAdmin() throws SQLException {
		return open("root", "");
	}

	/**
	 * A global status variable of this node, read as root, for example
	 * {@code wsrep_local_state_comment} ({@code Synced}), {@code wsrep_ready} ({@code ON}) or
	 * {@code wsrep_cluster_size}; {@code null} when the server has no such variable.
	 * @throws SQLException when the node does not answer within a few seconds
	 */
	public String wsrepStatus(String variable) throws SQLException {
		return wsrepStatus().get(variable.toLowerCase());
	}

	/** All {@code wsrep_%} global status variables of this node, keys in lower case. */
	Map<String, String> wsrepStatus() throws SQLException {
		try (Connection connection = connectAsAdmin();
				PreparedStatement statement = connection.prepareStatement("SHOW GLOBAL STATUS LIKE 'wsrep%'");
				ResultSet result = statement.executeQuery()) {
			Map<String, String> status = new java.util.HashMap<>();
			while (result.next()) {
				status.put(result.getString(1).toLowerCase(), result.getString(2));
			}
			return status;
		}
	}

	@Override
	@Nullable ProcessHandle processHandle() {
		return this.process;
	}

	@Override
	public synchronized void kill() {
		ProcessHandle current = this.process;
		if (current != null) {
			Processes.killTree(current);
			logger.info("Killed Galera node {} (pid {})", this.name, current.pid());
		}
		this.process = null;
	}

	/*
	 * freeze(): SIGSTOP on mariadbd and its state-transfer helpers; the other nodes evict it after
	 * about 3 s. thaw() returns at once: the node first still believes in its old view, then finds
	 * it was evicted and rejoins by IST a few seconds later; EmbeddedGalera#awaitSynced() waits for that.
	 */

	/** Kills the node and starts it again on the same ports and data; returns once it is Synced. */
	@Override
	public synchronized void restart() {
		kill();
		start(!this.cluster.anyOtherNodeRunning(this));
	}

	/**
	 * Kills the node and starts it again as the packaged service does after a crash
	 * ({@code galera_recovery}): a killed node's {@code grastate.dat} says seqno -1, so it first
	 * recovers its position from its own data ({@code mariadbd --wsrep-recover}) and starts from
	 * there. It then rejoins by incremental state transfer (IST) while the donor's gcache still
	 * holds what it missed, where {@link #restart()} makes it ask for a full state transfer (SST).
	 * Returns once it is Synced.
	 * @return the recovered position ({@code uuid:seqno})
	 */
	public synchronized String restartFromRecoveredPosition() {
		kill();
		Path log = this.dataDirectory.resolve("wsrep-recover.log");
		List<String> command = new ArrayList<>(command(false));
		command.add("--wsrep-recover");
		command.add("--log-error=" + log);
		try {
			Files.deleteIfExists(log);
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		GaleraDataDirectories.run(command, null, null);
		String recovered;
		try {
			recovered = Files.readAllLines(log, java.nio.charset.StandardCharsets.ISO_8859_1)
				.stream()
				.filter((line) -> line.contains("WSREP: Recovered position: "))
				.map((line) -> line.substring(line.indexOf("Recovered position: ") + 20).trim())
				.reduce((first, second) -> second)
				.orElseThrow(() -> new IllegalStateException("mariadbd --wsrep-recover recovered no position on "
						+ this.name + " (log: " + log + ")\n" + tail(log, 20)));
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		this.startPosition = recovered;
		try {
			start(!this.cluster.anyOtherNodeRunning(this));
		}
		finally {
			this.startPosition = null;
		}
		return recovered;
	}

	@Override
	public synchronized void close() {
		kill();
	}

	/** Starts mariadbd and waits until the node is Synced and ready; {@code bootstrap} forms a new cluster. */
	synchronized void start(boolean bootstrap) {
		if (isRunning()) {
			throw new IllegalStateException(this.name + " is already running (pid " + pid() + ")");
		}
		if (bootstrap) {
			allowBootstrap();
		}
		Path log = this.dataDirectory.resolve("server.log");
		List<String> command = command(bootstrap);
		try {
			Files.writeString(log, "---- " + java.time.Instant.now() + " " + String.join(" ", command) + "\n",
					java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
			// mariadbd finds wsrep_sst_rsync and rsync through PATH
			String path = builder.environment().getOrDefault("PATH", "");
			builder.environment()
				.put("PATH", GaleraBinaries.sstScriptDirectory(this.binaries.mariadbd) + ":" + path + ":/usr/bin:/bin:/usr/sbin:/sbin");
			Process started = builder.start();
			this.process = started.toHandle();
			Processes.register(this.process);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot start Galera node " + this.name + " (log: " + log + ")", ex);
		}
		awaitReady(log);
		logger.info("Galera node {} is Synced on port {} (pid {}{})", this.name, this.port, pid(),
				bootstrap ? ", bootstrapped the cluster" : "");
	}

	private List<String> command(boolean bootstrap) {
		List<String> command = new ArrayList<>();
		command.add(this.binaries.mariadbd.toString());
		command.add("--no-defaults");
		command.addAll(GaleraDataDirectories.userOption());
		command.add("--datadir=" + this.dataDirectory);
		command.add("--port=" + this.port);
		command.add("--bind-address=127.0.0.1");
		command.add("--socket=" + socketPath());
		command.add("--pid-file=" + this.dataDirectory.resolve("mariadbd.pid"));
		command.add("--skip-ssl");
		command.addAll(GaleraDataDirectories.SMALL_SERVER_OPTIONS);
		command.add("--max-connections=200");
		command.add("--binlog-format=ROW");
		command.add("--default-storage-engine=InnoDB");
		command.add("--innodb-autoinc-lock-mode=2");
		command.add("--wsrep-on=ON");
		command.add("--wsrep-provider=" + this.binaries.provider);
		command.add("--wsrep-cluster-name=peerpool");
		command.add("--wsrep-cluster-address=" + this.cluster.clusterAddress());
		command.add("--wsrep-node-name=" + this.name);
		command.add("--wsrep-node-address=127.0.0.1:" + this.groupPort);
		command.add("--wsrep-node-incoming-address=127.0.0.1:" + this.port);
		command.add("--wsrep-sst-method=rsync");
		command.add("--wsrep-sst-receive-address=127.0.0.1:" + this.sstPort);
		command.add("--wsrep-provider-options=gmcast.listen_addr=tcp://127.0.0.1:" + this.groupPort
				+ ";ist.recv_addr=127.0.0.1:" + this.istPort + ";" + PROVIDER_TIMEOUTS);
		command.addAll(this.cluster.serverOptions());
		if (bootstrap) {
			command.add("--wsrep-new-cluster");
		}
		String position = this.startPosition;
		if (position != null) {
			command.add("--wsrep-start-position=" + position);
		}
		return command;
	}

	/** Unix socket paths are limited to about 107 bytes; deep work trees exceed that. */
	private String socketPath() {
		String inDataDirectory = this.dataDirectory.resolve("mariadbd.sock").toString();
		return (inDataDirectory.length() < 100) ? inDataDirectory : "/tmp/peerpool-galera-" + this.port + ".sock";
	}

	/** A node that was killed marks itself unsafe to bootstrap; as the only survivor it is safe. */
	private void allowBootstrap() {
		Path state = this.dataDirectory.resolve("grastate.dat");
		try {
			if (Files.isRegularFile(state)) {
				Files.writeString(state, Files.readString(state).replace("safe_to_bootstrap: 0", "safe_to_bootstrap: 1"));
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot update " + state, ex);
		}
	}

	private void awaitReady(Path log) {
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		String last = "no answer";
		while (System.nanoTime() < deadline) {
			ProcessHandle current = this.process;
			if (current == null || !current.isAlive()) {
				throw new IllegalStateException("Galera node " + this.name + " exited during start (log: " + log
						+ ")\n" + tail(log, 30));
			}
			try {
				Map<String, String> status = wsrepStatus();
				last = "state " + status.get("wsrep_local_state_comment") + ", ready " + status.get("wsrep_ready");
				if ("Synced".equals(status.get("wsrep_local_state_comment")) && "ON".equals(status.get("wsrep_ready"))) {
					return;
				}
			}
			catch (SQLException ex) {
				last = ex.getMessage();
			}
			pause(200);
		}
		kill();
		throw new IllegalStateException("Galera node " + this.name + " was not Synced within " + START_TIMEOUT.toSeconds()
				+ " s (last: " + last + "; log: " + log + ")\n" + tail(log, 30));
	}

	private Connection open(String user, String password) throws SQLException {
		Properties properties = new Properties();
		properties.setProperty("user", user);
		properties.setProperty("password", password);
		// a frozen node accepts TCP and never answers: bound the handshake and every read
		properties.setProperty("connectTimeout", "3000");
		properties.setProperty("socketTimeout", "10000");
		return DriverManager.getConnection(jdbcUrl(defaultDriver()), properties);
	}

	private static JdbcDriver defaultDriver() {
		try {
			Class.forName(JdbcDriver.MARIADB.driverClassName());
			return JdbcDriver.MARIADB;
		}
		catch (ClassNotFoundException ex) {
			return JdbcDriver.MYSQL;
		}
	}

	static String tail(Path log, int lines) {
		try {
			List<String> all = Files.readAllLines(log, java.nio.charset.StandardCharsets.ISO_8859_1);
			return all.subList(Math.max(0, all.size() - lines), all.size()).stream().collect(Collectors.joining("\n"));
		}
		catch (IOException ex) {
			return "(cannot read " + log + ": " + ex.getMessage() + ")";
		}
	}

	private static void pause(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	@Override
	public String toString() {
		return "GaleraNode[" + this.name + " 127.0.0.1:" + this.port + ", pid " + pid() + (isFrozen() ? ", frozen" : "") + "]";
	}

}
