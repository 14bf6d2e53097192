package io.peerpool.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Optional;

/**
 * The system's MariaDB server and Galera wsrep provider (Debian packages {@code mariadb-server},
 * {@code galera-4} and {@code rsync}). Unlike the other servers of the kit these do not come from
 * Maven: no artifact on Maven Central ships {@code libgalera_smm.so}.
 */
final class GaleraBinaries {

	static final String INSTALL_HINT = "Galera tests need Debian packages mariadb-server galera-4 rsync: "
			+ "run sudo .ci/install-prerequisites";

	private static final List<String> MARIADBD = List.of("/usr/sbin/mariadbd", "/usr/bin/mariadbd",
			"/usr/libexec/mariadbd", "/usr/sbin/mysqld");

	private static final List<String> INSTALL_DB = List.of("/usr/bin/mariadb-install-db",
			"/usr/bin/mysql_install_db", "/usr/scripts/mariadb-install-db");

	private static final List<String> PROVIDER = List.of("/usr/lib/galera/libgalera_smm.so",
			"/usr/lib/libgalera_smm.so", "/usr/lib64/galera-4/libgalera_smm.so", "/usr/lib64/galera/libgalera_smm.so",
			"/usr/lib/galera-4/libgalera_smm.so", "/usr/lib/x86_64-linux-gnu/galera/libgalera_smm.so");

	private static final List<String> RSYNC = List.of("/usr/bin/rsync", "/bin/rsync", "/usr/local/bin/rsync");

	/** OS user the nodes run as when the JVM is root: rsync state transfer refuses to run as root. */
	static final String SERVER_USER = "mysql";

	final Path mariadbd;

	final Path installDb;

	final Path provider;

	private GaleraBinaries(Path mariadbd, Path installDb, Path provider) {
		this.mariadbd = mariadbd;
		this.installDb = installDb;
		this.provider = provider;
	}

	/** The binaries, or empty when one of them (or, for root, the {@code mysql} user) is missing. */
	static Optional<GaleraBinaries> find() {
		Optional<Path> mariadbd = firstExecutable(MARIADBD);
		Optional<Path> installDb = firstExecutable(INSTALL_DB);
		Optional<Path> provider = PROVIDER.stream().map(Paths::get).filter(Files::isReadable).findFirst();
		boolean sstPossible = firstExecutable(RSYNC).isPresent() && mariadbd.isPresent()
				&& Files.isExecutable(sstScriptDirectory(mariadbd.get()).resolve("wsrep_sst_rsync"));
		boolean userPossible = !isRoot() || serverUserExists();
		if (mariadbd.isEmpty() || installDb.isEmpty() || provider.isEmpty() || !sstPossible || !userPossible) {
			return Optional.empty();
		}
		return Optional.of(new GaleraBinaries(mariadbd.get(), installDb.get(), provider.get()));
	}

	/** mariadbd runs {@code wsrep_sst_rsync} through {@code PATH}: Debian keeps it in {@code /usr/bin}. */
	static Path sstScriptDirectory(Path mariadbd) {
		Path usr = mariadbd.toAbsolutePath().getParent().getParent();
		return usr.resolve("bin");
	}

	static boolean isRoot() {
		return "root".equals(System.getProperty("user.name"));
	}

	private static boolean serverUserExists() {
		try {
			return Files.readAllLines(Paths.get("/etc/passwd"))
				.stream()
				.anyMatch((line) -> line.startsWith(SERVER_USER + ":"));
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static Optional<Path> firstExecutable(List<String> candidates) {
		return candidates.stream().map(Paths::get).filter(Files::isExecutable).findFirst();
	}

}
