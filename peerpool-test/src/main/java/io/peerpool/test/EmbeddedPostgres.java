package io.peerpool.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
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
 * The application user has no predefined role ({@code pg_monitor}, ...) unless a test asks for
 * one with {@link #withApplicationGrants(String...)}. A standby stays a standby across a restart
 * ({@code standby.signal}), as in production.
 *
 * <p>{@link #primaryWithStandbys(PostgresMajor, int)} starts a {@code primary} with hot standbys
 * ({@code standby0}, ...) on streaming replication instead:
 *
 * <pre class="code">
 * &#64;RegisterExtension
 * static final EmbeddedPostgres pg = EmbeddedPostgres.primaryWithStandbys(PostgresMajor.V17, 2);
 *
 * &#64;Test
 * void readsFromAStandby() throws Exception {
 * 	PostgresServer standby = pg.standbys().get(0);
 * 	pg.lag(standby, Duration.ofSeconds(2)); // applies commits 2 s late
 * 	pg.promote(standby);                    // now pg.primary() == standby
 * }
 * </pre>
 */
public final class EmbeddedPostgres implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(EmbeddedPostgres.class);

	private static final Duration STREAMING_TIMEOUT = Duration.ofSeconds(60);

	private final List<PostgresServer> servers;

	private final boolean replicated;

	/** the current primary of a replicated topology ({@link #promote(PostgresServer)} changes it) */
	private volatile PostgresServer primary;

	private EmbeddedPostgres(List<PostgresServer> servers, boolean replicated) {
		this.servers = Collections.unmodifiableList(servers);
		this.replicated = replicated;
		this.primary = replicated ? servers.get(0) : null;
	}

	/**
	 * A {@code primary} and {@code standbys} hot standbys ({@code standby0}, {@code standby1}, ...)
	 * streaming from it, all of one major; not started yet. A standby refuses writes (SQLState
	 * {@code 25006}) and reports {@code pg_is_in_recovery()}.
	 *
	 * <p>Each standby starts from a copy of the primary's freshly initialised data directory (zonky's
	 * archives have no {@code pg_basebackup}), with {@code standby.signal} and a
	 * {@code primary_conninfo} that names it as {@code application_name}; the primary keeps
	 * {@code wal_keep_size} of WAL for a standby that was down.
	 */
	public static EmbeddedPostgres primaryWithStandbys(PostgresMajor major, int standbys) {
		if (standbys < 0) {
			throw new IllegalArgumentException("standbys must not be negative");
		}
		List<PostgresServer> servers = new ArrayList<>();
		PostgresServer primary = new PostgresServer("primary", major);
		servers.add(primary);
		for (int i = 0; i < standbys; i++) {
			servers.add(new PostgresServer("standby" + i, major, primary));
		}
		return new EmbeddedPostgres(servers, true);
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
		return new EmbeddedPostgres(servers, false);
	}

	/**
	 * Grants the application user predefined roles by name (for example {@code "pg_monitor"}) when
	 * the servers are created; call before {@link #start()}. Only the primary's grants matter for
	 * standbys, which are copies of it.
	 */
	public EmbeddedPostgres withApplicationGrants(String... roles) {
		for (PostgresServer server : this.servers) {
			server.grantApplicationRoles(List.of(roles));
		}
		return this;
	}

	/**
	 * Starts every server that does not run yet, in parallel (initdb and start are mostly waiting);
	 * on failure stops them all. With standbys, returns once every running standby streams from the
	 * primary ({@code pg_stat_replication}).
	 */
	public EmbeddedPostgres start() {
		if (this.replicated) {
			try {
				// the standbys copy the primary's data directory while it is cleanly shut down
				this.servers.forEach(PostgresServer::prepare);
			}
			catch (RuntimeException ex) {
				close();
				throw ex;
			}
		}
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
		if (failure == null && this.replicated) {
			try {
				awaitStreaming(standbys());
			}
			catch (RuntimeException ex) {
				failure = ex;
			}
		}
		if (failure != null) {
			close();
			throw failure;
		}
		return this;
	}

	/**
	 * The current primary of {@link #primaryWithStandbys(PostgresMajor, int)}: {@code primary}, or
	 * the standby last {@linkplain #promote(PostgresServer) promoted}.
	 */
	public PostgresServer primary() {
		requireReplicated();
		return this.primary;
	}

	/**
	 * The servers that are standbys now: every server but the current primary and former primaries
	 * (a promotion leaves the old primary as it was, see {@link #promote(PostgresServer)}).
	 */
	public synchronized List<PostgresServer> standbys() {
		requireReplicated();
		return this.servers.stream().filter((server) -> server.isStandbyOf(this.primary)).toList();
	}

	/**
	 * Makes {@code standby} apply each commit {@code delay} after the primary made it
	 * ({@code recovery_min_apply_delay}, set with {@code ALTER SYSTEM} and a reload on the standby);
	 * {@link Duration#ZERO} removes the delay. Returns once a new session on the standby sees the
	 * new setting (the reload is asynchronous).
	 * The standby still receives WAL at once, so {@code pg_last_wal_receive_lsn()} moves ahead of
	 * {@code pg_last_wal_replay_lsn()} while it waits.
	 */
	public synchronized void lag(PostgresServer standby, Duration delay) {
		requireStandby(standby);
		if (delay.isNegative()) {
			throw new IllegalArgumentException("delay must not be negative");
		}
		long millis = delay.toMillis();
		standby.executeAsAdmin((millis == 0) ? "ALTER SYSTEM RESET recovery_min_apply_delay"
				: "ALTER SYSTEM SET recovery_min_apply_delay = '" + millis + "ms'");
		standby.executeAsAdmin("SELECT pg_reload_conf()");
		// the reload is asynchronous: a new session sees the setting once the postmaster has read it
		String expected = (millis == 0) ? "0" : Long.toString(millis);
		awaitCondition(() -> expected.equals(standby.queryAsAdmin(
				"SELECT setting FROM pg_settings WHERE name = 'recovery_min_apply_delay'")),
				Duration.ofSeconds(10), standby.name() + " to run with recovery_min_apply_delay = " + millis + "ms");
		logger.info("{} now applies commits {} ms late", standby.name(), millis);
	}

	/**
	 * Promotes {@code standby} ({@code SELECT pg_promote()}, which waits until it accepts writes);
	 * then {@link #primary()} returns it and the other standbys stream from it
	 * ({@code primary_conninfo} changed and reloaded; they follow its new timeline). A standby
	 * that is stopped or frozen at that moment follows it from its next {@code restart()}.
	 *
	 * <p>The old primary is left as it is: if it still runs it stays a writable primary of its own
	 * (a split brain, as after a real failover that did not fence it), it is neither
	 * {@link #primary()} nor one of {@link #standbys()}, and it is not turned into a standby. Kill
	 * or freeze it first to model a failover after a primary failure.
	 */
	public synchronized void promote(PostgresServer standby) {
		requireStandby(standby);
		PostgresServer oldPrimary = this.primary;
		String promoted = standby.queryAsAdmin("SELECT pg_promote(true, 60)");
		if (!"t".equals(promoted)) {
			throw new IllegalStateException(standby.name() + " was not promoted within 60 s; log " + standby.logFile());
		}
		this.primary = standby;
		standby.setUpstream(null);
		for (PostgresServer other : this.servers) {
			if (other != standby && other.isStandbyOf(oldPrimary)) {
				other.follow(standby);
			}
		}
		logger.info("Promoted {} to primary (was {}, left as it is)", standby.name(), oldPrimary.name());
	}

	/**
	 * A planned switchover to {@code standby} as a DBA makes one without a cluster manager: the
	 * primary is made read-only for new transactions ({@code ALTER SYSTEM SET
	 * default_transaction_read_only = on} and a reload), the transactions begun before that (still
	 * read-write, they may commit) are waited for, the standby replays everything the primary
	 * committed, and is then {@linkplain #promote(PostgresServer) promoted}. Nothing committed is
	 * lost. The old primary keeps running read-only and replicating from no one: its writes are
	 * refused with SQLState {@code 25006} ("cannot execute INSERT in a read-only transaction").
	 * A session that set {@code default_transaction_read_only} itself keeps its own value, as in
	 * production.
	 */
	public synchronized void switchover(PostgresServer standby) {
		requireStandby(standby);
		PostgresServer oldPrimary = this.primary;
		oldPrimary.executeAsAdmin("ALTER SYSTEM SET default_transaction_read_only = on");
		oldPrimary.executeAsAdmin("SELECT pg_reload_conf()");
		// once a new session sees it, the postmaster has signalled every backend: each runs its next command
		// with the new default
		awaitCondition(() -> "on".equals(oldPrimary.queryAsAdmin("SHOW default_transaction_read_only")),
				Duration.ofSeconds(10), oldPrimary.name() + " to run with default_transaction_read_only = on");
		String fencedAt = oldPrimary.queryAsAdmin("SELECT clock_timestamp()::text");
		awaitCondition(() -> "0".equals(oldPrimary.queryAsAdmin("SELECT count(*) FROM pg_stat_activity"
				+ " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND xact_start < '" + fencedAt
				+ "'::timestamptz")), Duration.ofSeconds(30),
				"the transactions begun on " + oldPrimary.name() + " before it was made read-only");
		String position = oldPrimary.queryAsAdmin("SELECT pg_current_wal_lsn()::text");
		awaitCondition(() -> "t".equals(standby.queryAsAdmin(
				"SELECT pg_last_wal_replay_lsn() >= '" + position + "'::pg_lsn")), Duration.ofSeconds(30),
				standby.name() + " to replay " + oldPrimary.name() + "'s WAL up to " + position);
		logger.info("{} is read-only (default_transaction_read_only), {} has replayed its WAL up to {}",
				oldPrimary.name(), standby.name(), position);
		promote(standby);
	}

	/**
	 * A switchover to {@code standby} as Patroni and CloudNativePG make one: the primary is stopped by
	 * a fast shutdown ({@link PostgresServer#stop()}: its sessions terminated, its WAL sent to the
	 * standbys before it exits), then the standby is {@linkplain #promote(PostgresServer) promoted}
	 * once it has replayed what it received. Nothing committed is lost. The old primary stays
	 * stopped (a manager would rewind it and start it as a standby, which this kit does not).
	 */
	public synchronized void stopAndPromote(PostgresServer standby) {
		requireStandby(standby);
		PostgresServer oldPrimary = this.primary;
		oldPrimary.stop();
		promote(standby);
	}

	/**
	 * All servers, in the order given to {@link #of(PostgresMajor...)}; for
	 * {@link #primaryWithStandbys(PostgresMajor, int)} {@code primary, standby0, standby1, ...}, also
	 * after a promotion.
	 */
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

	private void awaitStreaming(List<PostgresServer> standbys) {
		Set<String> names = standbys.stream()
			.filter(PostgresServer::isRunning)
			.map(PostgresServer::name)
			.collect(Collectors.toSet());
		if (names.isEmpty()) {
			return;
		}
		PostgresServer primary = this.primary;
		awaitCondition(() -> {
			String streaming = primary.queryAsAdmin(
					"SELECT string_agg(application_name, ',') FROM pg_stat_replication WHERE state = 'streaming'");
			return streaming != null && Set.of(streaming.split(",")).containsAll(names);
		}, STREAMING_TIMEOUT, "standbys " + names + " to stream from " + primary.name());
	}

	private static void awaitCondition(java.util.function.BooleanSupplier condition, Duration timeout, String what) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Timed out after " + timeout + " waiting for " + what);
			}
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted waiting for " + what, ex);
			}
		}
	}

	private void requireReplicated() {
		if (!this.replicated) {
			throw new IllegalStateException("of(...) has no primary or standbys: use primaryWithStandbys(major, n)");
		}
	}

	private void requireStandby(PostgresServer standby) {
		if (!standbys().contains(standby)) {
			throw new IllegalArgumentException(standby + " is not a standby of this topology");
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
