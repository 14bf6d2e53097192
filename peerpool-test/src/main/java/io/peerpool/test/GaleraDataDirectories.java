package io.peerpool.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Data directories of Galera nodes: a template made once by {@code mariadb-install-db} (system
 * tables, database {@code app}, users {@code app} and {@code root@127.0.0.1}), copied for each
 * node. Nodes that join an existing cluster get their data by state transfer anyway; the copy
 * only spares the bootstrap node a second {@code mariadb-install-db}.
 *
 * <p>When the JVM is root the nodes run as {@code mysql}, so every directory must be owned by
 * {@code mysql} and each parent must be traversable by it; when {@link KitEnvironment#baseDirectory()}
 * is not, a directory under {@code /var/tmp} is used instead (never {@code java.io.tmpdir}).
 */
final class GaleraDataDirectories {

	private static final Logger logger = LoggerFactory.getLogger(GaleraDataDirectories.class);

	static final String DATABASE = "app";

	static final String USERNAME = "app";

	static final String PASSWORD = "app";

	/** Options shared by bootstrap and server: small, fast, no TLS (11.x would generate a certificate). */
	static final List<String> SMALL_SERVER_OPTIONS = List.of("--innodb-buffer-pool-size=16M",
			"--innodb-log-file-size=8M", "--innodb-log-buffer-size=2M", "--innodb-flush-log-at-trx-commit=0",
			"--loose-innodb-doublewrite=0", "--innodb-temp-data-file-path=ibtmp1:4M:autoextend",
			"--performance-schema=OFF", "--skip-name-resolve");

	private final GaleraBinaries binaries;

	private final Path root;

	private final boolean temporaryRoot;

	GaleraDataDirectories(GaleraBinaries binaries) {
		this.binaries = binaries;
		Path preferred = KitEnvironment.baseDirectory().resolve("galera");
		if (!GaleraBinaries.isRoot() || traversableByOthers(preferred.getParent())) {
			this.root = KitEnvironment.createDirectories(preferred);
			this.temporaryRoot = false;
		}
		else {
			this.root = KitEnvironment
				.createDirectories(Paths.get("/var/tmp", "peerpool-galera-" + ProcessHandle.current().pid()));
			this.temporaryRoot = true;
			logger.info("{} is not traversable by user {}: Galera data goes to {}", preferred.getParent(),
					GaleraBinaries.SERVER_USER, this.root);
		}
		makeTraversable(this.root);
	}

	/** A fresh data directory for one node, a copy of the template, owned by the server user. */
	Path newNodeDirectory(String name) {
		Path template = template();
		try {
			Path directory = Files.createTempDirectory(this.root, name + "-");
			run(List.of("cp", "-a", template + "/.", directory.toString()), null, null);
			chownToServerUser(directory);
			return directory;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create a Galera data directory under " + this.root, ex);
		}
	}

	/**
	 * Deletes node directories (about 70 MB each, a new set per cluster) and the {@code /var/tmp}
	 * fallback; the template stays for the next cluster.
	 */
	void delete(List<Path> nodeDirectories) {
		for (Path directory : nodeDirectories) {
			deleteRecursively(directory);
		}
		if (this.temporaryRoot) {
			deleteRecursively(this.root);
		}
	}

	private Path template() {
		Path template = this.root.resolve("template");
		Path marker = template.resolve("peerpool-template.txt");
		String identity = templateIdentity();
		try (FileChannel channel = FileChannel.open(this.root.resolve("template.lock"), StandardOpenOption.CREATE,
				StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
			if (Files.isRegularFile(marker) && Files.readString(marker).equals(identity)) {
				return template;
			}
			deleteRecursively(template);
			Path building = Files.createTempDirectory(this.root, "template-building-");
			createTemplate(building);
			Files.writeString(building.resolve("peerpool-template.txt"), identity);
			Files.move(building, template);
			return template;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create the Galera template data directory in " + this.root, ex);
		}
	}

	private void createTemplate(Path directory) throws IOException {
		long started = System.nanoTime();
		chownToServerUser(directory);
		Path log = this.root.resolve("template.log");
		Files.deleteIfExists(log);
		List<String> installDb = new ArrayList<>(List.of(this.binaries.installDb.toString(), "--no-defaults",
				"--datadir=" + directory, "--auth-root-authentication-method=normal", "--skip-test-db"));
		installDb.addAll(userOption());
		installDb.addAll(SMALL_SERVER_OPTIONS);
		run(installDb, log, null);
		// bootstrap mode skips grant tables until FLUSH PRIVILEGES loads them
		String sql = String.join("\n", "FLUSH PRIVILEGES;",
				"CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '';",
				"GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;",
				"CREATE DATABASE IF NOT EXISTS " + DATABASE + ";",
				"CREATE USER IF NOT EXISTS '" + USERNAME + "'@'127.0.0.1' IDENTIFIED BY '" + PASSWORD + "';",
				"GRANT ALL PRIVILEGES ON " + DATABASE + ".* TO '" + USERNAME + "'@'127.0.0.1';", "");
		List<String> bootstrap = new ArrayList<>(List.of(this.binaries.mariadbd.toString(), "--no-defaults",
				"--datadir=" + directory, "--bootstrap", "--log-warnings=0"));
		bootstrap.addAll(userOption());
		bootstrap.addAll(SMALL_SERVER_OPTIONS);
		run(bootstrap, log, sql);
		// nodes must start without a wsrep state of their own
		Files.deleteIfExists(directory.resolve("grastate.dat"));
		chownToServerUser(directory);
		logger.info("Created Galera template data directory in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
	}

	private String templateIdentity() {
		try {
			return this.binaries.mariadbd + " " + Files.size(this.binaries.mariadbd) + " "
					+ Files.getLastModifiedTime(this.binaries.mariadbd).toMillis();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static List<String> userOption() {
		return GaleraBinaries.isRoot() ? List.of("--user=" + GaleraBinaries.SERVER_USER) : List.of();
	}

	static void chownToServerUser(Path path) {
		if (GaleraBinaries.isRoot()) {
			run(List.of("chown", "-R", GaleraBinaries.SERVER_USER + ":" + GaleraBinaries.SERVER_USER, path.toString()),
					null, null);
		}
	}

	/** Runs a short command to completion; on failure the exception carries its output. */
	static void run(List<String> command, Path log, String stdin) {
		try {
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
			Path output = (log != null) ? log : Files.createTempFile(KitEnvironment.baseDirectory(), "command-", ".log");
			builder.redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
			Process process = builder.start();
			try (var in = process.getOutputStream()) {
				if (stdin != null) {
					in.write(stdin.getBytes(StandardCharsets.UTF_8));
				}
			}
			if (!process.waitFor(120, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException("Timed out: " + String.join(" ", command) + " (output in " + output + ")");
			}
			if (process.exitValue() != 0) {
				throw new IllegalStateException("Failed with exit code " + process.exitValue() + ": "
						+ String.join(" ", command) + "\n" + GaleraNode.tail(output, 20));
			}
			if (log == null) {
				Files.deleteIfExists(output);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot run " + command, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while running " + command, ex);
		}
	}

	/** Whether user {@code mysql} can reach {@code directory}: every ancestor must be {@code o+x}. */
	private static boolean traversableByOthers(Path directory) {
		try {
			for (Path path = directory.toAbsolutePath(); path != null; path = path.getParent()) {
				if (Files.exists(path) && !Files.getPosixFilePermissions(path).contains(PosixFilePermission.OTHERS_EXECUTE)) {
					return false;
				}
			}
			return true;
		}
		catch (IOException | UnsupportedOperationException ex) {
			return false;
		}
	}

	private static void makeTraversable(Path directory) {
		try {
			Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(directory);
			permissions.add(PosixFilePermission.OTHERS_EXECUTE);
			permissions.add(PosixFilePermission.GROUP_EXECUTE);
			Files.setPosixFilePermissions(directory, permissions);
		}
		catch (IOException | UnsupportedOperationException ex) {
			logger.debug("Cannot make {} traversable", directory, ex);
		}
	}

	private static void deleteRecursively(Path path) {
		if (!Files.exists(path)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(path)) {
			paths.sorted(Comparator.reverseOrder()).forEach((p) -> p.toFile().delete());
		}
		catch (IOException ex) {
			logger.debug("Cannot delete {}", path, ex);
		}
	}

}
