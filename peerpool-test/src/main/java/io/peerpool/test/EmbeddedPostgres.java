package io.peerpool.test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Independent PostgreSQL servers of chosen major versions on 127.0.0.1, from zonky's binaries.
 *
 * <pre class="code">
 * &#64;RegisterExtension
 * static final EmbeddedPostgres pg = EmbeddedPostgres.of(PostgresMajor.V14, PostgresMajor.V17);
 *
 * &#64;Test
 * void survivesRestart() throws Exception {
 * 	PostgresServer pg17 = pg.server("pg17");
 * 	pg17.kill();
 * 	pg17.restart();
 * 	try (Connection connection = pg17.connect()) { ... }
 * }
 * </pre>
 *
 * <p>Servers are named {@code pg<major>} ({@code pg17-0}, {@code pg17-1} when a major appears more
 * than once). As a JUnit 5 extension the servers start once before all tests of the class and stop
 * after them; other code calls {@link #start()} and {@link #close()}. Each server has the database
 * {@code app} owned by the non-superuser {@code app} (password {@code app}); the admin is
 * {@code postgres}. The contrib extensions (hstore, citext, ...) can be created by the admin.
 */
public final class EmbeddedPostgres implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(EmbeddedPostgres.class);

	private final List<PostgresServer> servers;

	private EmbeddedPostgres(List<PostgresServer> servers) {
		this.servers = Collections.unmodifiableList(servers);
	}

	/** One server per given major, in that order; not started yet. */
	public static EmbeddedPostgres of(PostgresMajor... majors) {
		if (majors.length == 0) {
			throw new IllegalArgumentException("At least one PostgreSQL major version is needed");
		}
		Map<PostgresMajor, Integer> counts = new HashMap<>();
		for (PostgresMajor major : majors) {
			counts.merge(major, 1, Integer::sum);
		}
		Map<PostgresMajor, Integer> seen = new HashMap<>();
		List<PostgresServer> servers = new ArrayList<>();
		for (PostgresMajor major : majors) {
			int index = seen.merge(major, 1, Integer::sum) - 1;
			String name = (counts.get(major) > 1) ? major.serverName() + "-" + index : major.serverName();
			servers.add(new PostgresServer(name, major));
		}
		return new EmbeddedPostgres(servers);
	}

	/**
	 * Starts every server that does not run yet, in parallel (initdb and start are mostly waiting);
	 * on failure stops them all.
	 */
	public EmbeddedPostgres start() {
		List<CompletableFuture<Void>> starts = new ArrayList<>();
		for (PostgresServer server : this.servers) {
			starts.add(CompletableFuture.runAsync(server::start, (task) -> {
				Thread thread = new Thread(task, "peerpool-test-start-" + server.name());
				thread.setDaemon(true);
				thread.start();
			}));
		}
		RuntimeException failure = null;
		for (CompletableFuture<Void> start : starts) {
			try {
				start.join();
			}
			catch (CompletionException ex) {
				RuntimeException cause = (ex.getCause() instanceof RuntimeException runtime) ? runtime
						: new IllegalStateException(ex.getCause());
				if (failure == null) {
					failure = cause;
				}
				else {
					failure.addSuppressed(cause);
				}
			}
		}
		if (failure != null) {
			close();
			throw failure;
		}
		return this;
	}

	/** All servers, in the order given to {@link #of(PostgresMajor...)}. */
	public List<PostgresServer> servers() {
		return this.servers;
	}

	/** The server at {@code index}. */
	public PostgresServer server(int index) {
		return this.servers.get(index);
	}

	/** The server named {@code name}, for example {@code pg17}. */
	public PostgresServer server(String name) {
		return this.servers.stream()
			.filter((server) -> server.name().equals(name))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("No server named " + name + " in " + this.servers));
	}

	/** Stops every server. Idempotent. */
	@Override
	public void close() {
		for (PostgresServer server : this.servers) {
			try {
				server.close();
			}
			catch (RuntimeException ex) {
				logger.warn("Could not close {}", server, ex);
			}
		}
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		start();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		// nested test classes run beforeAll/afterAll again: only the outermost class stops the servers
		if (!context.getRequiredTestClass().isAnnotationPresent(Nested.class)) {
			close();
		}
	}

	@Override
	public String toString() {
		return "EmbeddedPostgres" + this.servers;
	}

}
