package io.peerpool.test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A chaos run: N threads of write and read transactions through a {@link DataSource} while a
 * seeded random schedule kills, freezes, thaws, restarts and promotes the servers of a
 * {@link ChaosTopology} and resets or slows connections through its {@link FaultProxy proxies};
 * then the invariants are checked on the surviving primary and everything is in a
 * {@link ChaosReport}.
 *
 * <pre class="code">
 * ChaosReport report = ChaosRun.against(dataSource, ChaosTopology.of(db, proxies), ChaosRun.Dialect.MARIADB)
 *     .threads(8)
 *     .duration(Duration.ofSeconds(40))
 *     .seed(ChaosRun.seedProperty(42))
 *     .waitBound(Duration.ofSeconds(7))
 *     .activeConnections(() -&gt; pool.getPeers().stream().mapToInt(PeerInfo::active).sum())
 *     .password(password, logCapture::text)
 *     .run();
 * System.out.println(report);
 * assertThat(report.violations()).isEmpty();
 * </pre>
 *
 * <p>What a transaction does: a write inserts one row with an id the client chose (unique in the
 * run) in a transaction and commits; a read runs {@code SELECT} on a read-only connection. How a
 * write ended is recorded: <em>committed</em> ({@code commit()} returned), <em>failed</em> (an error
 * before {@code commit()}: nothing can have been committed) or <em>unknown</em> (an error from
 * {@code commit()} itself, or SQLState {@code 08007}: the commit may or may not have happened).
 *
 * <p>Checked at the end, on {@link ChaosTopology#primary()} after {@link ChaosTopology#awaitHealthy()}:
 * every committed id is there exactly once (none lost, none duplicated), no failed id is there,
 * every unknown one is reconciled (found present or absent), no connection is left active, no thread
 * waited longer than the bound, no thread is stuck, and the password is nowhere in the log. With
 * {@link #writer(Supplier)}, also after each healed fault: writes follow the primary.
 *
 * <p>The schedule: one fault at a time, each healed (thawed, restarted, latency off) and the
 * topology {@linkplain ChaosTopology#awaitHealthy() healthy again} before the next, so that there is
 * always a writable primary again soon. The sequence of faults, targets, holds and pauses follows
 * from the seed alone; how the load interleaves with it does not, so a replay with the same seed
 * applies the same faults to the same servers, not the same transactions.
 */
public final class ChaosRun {

	private static final Logger logger = LoggerFactory.getLogger(ChaosRun.class);

	/** System property that overrides the seed of {@link #seedProperty(long)}. */
	public static final String SEED_PROPERTY = "peerpool.chaos.seed";

	/** System property that overrides the duration of {@link #durationProperty(Duration)} (seconds or ISO-8601). */
	public static final String DURATION_PROPERTY = "peerpool.chaos.duration";

	/** A fault the schedule can apply. */
	public enum Fault {

		/** SIGKILL a server, hold, restart it. */
		KILL,

		/** SIGSTOP a server, hold, SIGCONT. */
		FREEZE,

		/** Kill and start a server again at once (a crash and an automatic restart). */
		RESTART,

		/** A planned switchover to a server of {@link ChaosTopology#promotable()}. */
		PROMOTE,

		/** Reset (TCP RST) every live connection through a server's proxy. */
		PROXY_RESET,

		/** Delay every packet through a server's proxy, hold, remove the delay. */
		PROXY_LATENCY

	}

	/** SQL of the rows table, per product family. */
	public enum Dialect {

		/**
		 * MariaDB, including Galera: the primary key is a UUID, not {@code AUTO_INCREMENT}, because Galera
		 * changes {@code auto_increment_offset} when a node leaves and two nodes could hand out the same
		 * key (one commit then fails certification, a conflict that is not the system under test's).
		 */
		MARIADB("CREATE TABLE IF NOT EXISTS %s (pk UUID PRIMARY KEY DEFAULT UUID(), id BIGINT NOT NULL, "
				+ "written_by VARCHAR(32) NOT NULL, KEY (id))"),

		/** MySQL. */
		MYSQL("CREATE TABLE IF NOT EXISTS %s (pk BIGINT AUTO_INCREMENT PRIMARY KEY, id BIGINT NOT NULL, "
				+ "written_by VARCHAR(32) NOT NULL, KEY (id))"),

		/** PostgreSQL. */
		POSTGRESQL("CREATE TABLE IF NOT EXISTS %s (pk BIGSERIAL PRIMARY KEY, id BIGINT NOT NULL, "
				+ "written_by VARCHAR(32) NOT NULL)");

		private final String createTable;

		Dialect(String createTable) {
			this.createTable = createTable;
		}

		String createTable(String table) {
			// no unique key on id on purpose: a duplicated write must be countable, not refused
			return String.format(this.createTable, table);
		}

	}

	/** How one write ended. */
	enum WriteOutcome {

		COMMITTED, FAILED, UNKNOWN

	}

	/** Failures kept per thread for the report's breakdown (a long outage at 100 failures/s would fill the heap). */
	private static final int MAX_FAILURES_KEPT = 20_000;

	private final DataSource dataSource;

	private final ChaosTopology topology;

	private final Dialect dialect;

	private int threads = 8;

	private Duration duration = Duration.ofSeconds(60);

	private long seed = 1;

	private double writeShare = 0.5;

	private double autoCommitShare;

	private Duration waitBound = Duration.ofSeconds(10);

	private Duration holdMin = Duration.ofMillis(500);

	private Duration holdMax = Duration.ofSeconds(3);

	private Duration pauseMin = Duration.ofMillis(500);

	private Duration pauseMax = Duration.ofSeconds(2);

	private Duration settle = Duration.ofSeconds(2);

	private Duration failurePause = Duration.ofMillis(10);

	private Set<Fault> faults = EnumSet.allOf(Fault.class);

	private String table = "chaos_rows";

	private @Nullable IntSupplier activeConnections;

	/** The server the system under test writes to now, by name; {@code null}: not checked. */
	private @Nullable Supplier<String> writer;

	/** Faults after which the writer did not follow the healed primary. */
	private final List<String> wrongWriters = new ArrayList<>();

	private @Nullable String password;

	private @Nullable Supplier<String> log;

	private ChaosRun(DataSource dataSource, ChaosTopology topology, Dialect dialect) {
		this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
		this.topology = Objects.requireNonNull(topology, "topology");
		this.dialect = Objects.requireNonNull(dialect, "dialect");
	}

	/** A run of {@code dataSource} (the system under test) over the servers of {@code topology}. */
	public static ChaosRun against(DataSource dataSource, ChaosTopology topology, Dialect dialect) {
		return new ChaosRun(dataSource, topology, dialect);
	}

	/** The system property {@value #SEED_PROPERTY} if set, else {@code defaultSeed}. */
	public static long seedProperty(long defaultSeed) {
		String value = System.getProperty(SEED_PROPERTY);
		return (value == null || value.isBlank()) ? defaultSeed : Long.parseLong(value.trim());
	}

	/** The system property {@value #DURATION_PROPERTY} (seconds, or ISO-8601 such as {@code PT10M}) if set. */
	public static Duration durationProperty(Duration defaultDuration) {
		String value = System.getProperty(DURATION_PROPERTY);
		if (value == null || value.isBlank()) {
			return defaultDuration;
		}
		value = value.trim();
		return value.toUpperCase().startsWith("P") ? Duration.parse(value)
				: Duration.ofMillis((long) (Double.parseDouble(value) * 1000));
	}

	/** Load threads (default 8). */
	public ChaosRun threads(int threads) {
		if (threads < 1) {
			throw new IllegalArgumentException("threads must be at least 1");
		}
		this.threads = threads;
		return this;
	}

	/** How long faults are applied (default 60 s); healing and the checks come on top. */
	public ChaosRun duration(Duration duration) {
		this.duration = requirePositive(duration, "duration");
		return this;
	}

	/** Seed of the fault schedule (default 1). */
	public ChaosRun seed(long seed) {
		this.seed = seed;
		return this;
	}

	/** Share of transactions that write, from 0 to 1 (default 0.5). */
	public ChaosRun writeShare(double writeShare) {
		if (writeShare < 0 || writeShare > 1) {
			throw new IllegalArgumentException("writeShare must be between 0 and 1");
		}
		this.writeShare = writeShare;
		return this;
	}

	/**
	 * Share of writes sent as one auto-commit {@code INSERT} (as {@code JdbcTemplate.update} outside
	 * a transaction) instead of a transaction, from 0 to 1 (default 0). Such a write that fails has
	 * an unknown outcome, as it has for the application: it is reconciled like a commit of unknown
	 * outcome (present or absent, reported), and its id must not be there twice.
	 */
	public ChaosRun autoCommitShare(double autoCommitShare) {
		if (autoCommitShare < 0 || autoCommitShare > 1) {
			throw new IllegalArgumentException("autoCommitShare must be between 0 and 1");
		}
		this.autoCommitShare = autoCommitShare;
		return this;
	}

	/**
	 * The longest a transaction may take, for example the pool's acquire timeout plus its detection
	 * time (default 10 s); the report counts the transactions over it.
	 */
	public ChaosRun waitBound(Duration waitBound) {
		this.waitBound = requirePositive(waitBound, "waitBound");
		return this;
	}

	/** How long a kill, freeze or latency lasts: uniformly between the two (default 0.5 to 3 s). */
	public ChaosRun hold(Duration min, Duration max) {
		this.holdMin = requirePositive(min, "hold min");
		this.holdMax = requireAtLeast(max, min, "hold max");
		return this;
	}

	/** Quiet time between two faults: uniformly between the two (default 0.5 to 2 s). */
	public ChaosRun pause(Duration min, Duration max) {
		this.pauseMin = requirePositive(min, "pause min");
		this.pauseMax = requireAtLeast(max, min, "pause max");
		return this;
	}

	/** Load on the healed topology after the last fault, before the threads stop (default 2 s). */
	public ChaosRun settle(Duration settle) {
		this.settle = Objects.requireNonNull(settle, "settle");
		return this;
	}

	/** Pause of a thread after a failed transaction, as an application's retry delay (default 10 ms). */
	public ChaosRun failurePause(Duration failurePause) {
		this.failurePause = Objects.requireNonNull(failurePause, "failurePause");
		return this;
	}

	/** The faults the schedule picks from (default all; those the topology cannot apply are skipped). */
	public ChaosRun faults(Set<Fault> faults) {
		if (faults.isEmpty()) {
			throw new IllegalArgumentException("faults must not be empty");
		}
		this.faults = EnumSet.copyOf(faults);
		return this;
	}

	/** Table of the rows (default {@code chaos_rows}); created if absent, rows of earlier runs are kept apart. */
	public ChaosRun table(String table) {
		if (!table.matches("[A-Za-z_][A-Za-z0-9_]*")) {
			throw new IllegalArgumentException("table must be a plain identifier, was " + table);
		}
		this.table = table;
		return this;
	}

	/**
	 * Connections the system under test has borrowed right now, for example the sum of the
	 * peers' active connections; checked to reach 0 once the threads stopped.
	 */
	public ChaosRun activeConnections(IntSupplier activeConnections) {
		this.activeConnections = Objects.requireNonNull(activeConnections, "activeConnections");
		return this;
	}

	/**
	 * The server the system under test sends writes to now, by name ({@link DatabaseServer#name()}),
	 * for example the name of a pool's writer peer. After each fault is healed it must become
	 * {@link ChaosTopology#primary()} within the {@link #waitBound(Duration) wait bound}; when it
	 * does not, writes went to a server that is not the primary (a replica restarted writable), and
	 * the report lists a violation even where a later promotion happened to save them.
	 */
	public ChaosRun writer(Supplier<String> writer) {
		this.writer = Objects.requireNonNull(writer, "writer");
		return this;
	}

	/**
	 * The database password, and the text of everything logged during the run (a log appender's
	 * capture): the password must appear neither there nor in any error message the run saw.
	 */
	public ChaosRun password(String password, Supplier<String> log) {
		if (password.length() < 6) {
			// a short password ("app") occurs in ordinary text: the check would mean nothing
			throw new IllegalArgumentException("password check needs a password of at least 6 characters");
		}
		this.password = password;
		this.log = Objects.requireNonNull(log, "log");
		return this;
	}

	/**
	 * Runs the load and the schedule for the duration, heals, checks, and returns the report.
	 * @throws SQLException when the rows table cannot be prepared or the check cannot read it
	 * @throws InterruptedException when interrupted
	 */
	public ChaosReport run() throws SQLException, InterruptedException {
		long base = prepareTable();
		logger.info("Chaos run: seed {}, {} s, {} threads, {}, faults {}", this.seed, this.duration.toSeconds(),
				this.threads, this.topology, this.faults);
		AtomicLong ids = new AtomicLong(base);
		List<Worker> workers = new ArrayList<>();
		long started = System.nanoTime();
		for (int i = 0; i < this.threads; i++) {
			Worker worker = new Worker("chaos-" + i, ids, new Random(this.seed * 31 + i));
			workers.add(worker);
			worker.thread.start();
		}
		List<ChaosReport.Event> events = new ArrayList<>();
		String scheduleError = null;
		try {
			scheduleError = applySchedule(started, events);
		}
		finally {
			try {
				this.topology.awaitHealthy();
			}
			catch (RuntimeException ex) {
				scheduleError = (scheduleError != null) ? scheduleError : "topology did not heal: " + ex.getMessage();
			}
			this.topology.servers().forEach((server) -> this.topology.proxy(server).ifPresent((proxy) -> proxy.latency(Duration.ZERO)));
			TimeUnit.NANOSECONDS.sleep(this.settle.toNanos());
			for (Worker worker : workers) {
				worker.running = false;
			}
		}
		long stopDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		List<String> stuck = new ArrayList<>();
		long stuckWaitMillis = 0;
		for (Worker worker : workers) {
			worker.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(stopDeadline - System.nanoTime())));
			if (worker.thread.isAlive()) {
				long since = worker.transactionStarted;
				stuckWaitMillis = Math.max(stuckWaitMillis, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since));
				stuck.add(worker.thread.getName() + " " + describe(worker.thread.getStackTrace()));
			}
		}
		long ended = System.nanoTime();
		Integer active = awaitNoActiveConnection();
		return check(base, ids.get(), workers, events, scheduleError, stuck, stuckWaitMillis, active, ended - started);
	}

	/**
	 * Creates the table if needed; returns the highest id already in it (earlier runs). Retried for
	 * up to 30 s: a data source that was just started may not know its primary yet.
	 */
	private long prepareTable() throws SQLException, InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (true) {
			try {
				return createTable();
			}
			catch (SQLException ex) {
				if (System.nanoTime() > deadline) {
					throw ex;
				}
				Thread.sleep(200);
			}
		}
	}

	private long createTable() throws SQLException {
		try (Connection connection = this.dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute(this.dialect.createTable(this.table));
			try (ResultSet result = statement.executeQuery("SELECT COALESCE(MAX(id), 0) FROM " + this.table)) {
				result.next();
				return result.getLong(1);
			}
		}
	}

	private @Nullable String applySchedule(long started, List<ChaosReport.Event> events) throws InterruptedException {
		Random random = new Random(this.seed);
		long deadline = started + this.duration.toNanos();
		List<? extends DatabaseServer> servers = this.topology.servers();
		while (true) {
			sleep(between(random, this.pauseMin, this.pauseMax), deadline);
			if (System.nanoTime() >= deadline) {
				return null;
			}
			List<Fault> applicable = this.faults.stream().filter((fault) -> applicable(fault, servers)).toList();
			if (applicable.isEmpty()) {
				return "no fault of " + this.faults + " applies to " + this.topology;
			}
			// every draw happens whether or not it is used, so the sequence depends on the seed only
			Fault fault = applicable.get(random.nextInt(applicable.size()));
			int index = random.nextInt(servers.size());
			Duration hold = between(random, this.holdMin, this.holdMax);
			Duration latency = Duration.ofMillis(20 + random.nextInt(180));
			DatabaseServer target = servers.get(index);
			if (fault == Fault.PROMOTE) {
				List<? extends DatabaseServer> candidates = this.topology.promotable();
				target = candidates.get(index % candidates.size());
			}
			else if (fault == Fault.PROXY_RESET || fault == Fault.PROXY_LATENCY) {
				List<? extends DatabaseServer> proxied = servers.stream()
					.filter((server) -> this.topology.proxy(server).isPresent())
					.toList();
				target = proxied.get(index % proxied.size());
			}
			long at = System.nanoTime();
			String description = describe(fault, target, hold, latency);
			logger.info("Chaos +{} ms: {}", TimeUnit.NANOSECONDS.toMillis(at - started), description);
			String error = null;
			try {
				apply(fault, target, hold, latency);
			}
			catch (RuntimeException ex) {
				error = fault + " " + target.name() + " failed: " + ex.getMessage();
				logger.warn("Chaos: {}", error, ex);
			}
			long healed = System.nanoTime();
			try {
				this.topology.awaitHealthy();
			}
			catch (RuntimeException ex) {
				error = (error != null) ? error : "topology did not heal after " + description + ": " + ex.getMessage();
			}
			if (error == null && this.writer != null) {
				checkWriter(description);
			}
			events.add(new ChaosReport.Event(TimeUnit.NANOSECONDS.toMillis(at - started), description, at,
					healed, System.nanoTime()));
			if (error != null) {
				return error;
			}
		}
	}

	/** Waits up to the wait bound for the writer to be the healed primary; records it when it is not. */
	private void checkWriter(String description) throws InterruptedException {
		String primary = this.topology.primary().name();
		long deadline = System.nanoTime() + this.waitBound.toNanos();
		String writing = this.writer.get();
		while (!primary.equals(writing) && System.nanoTime() < deadline) {
			Thread.sleep(50);
			writing = this.writer.get();
		}
		if (!primary.equals(writing)) {
			String wrong = "after " + description + ", writes went to " + writing + " while the primary is " + primary;
			logger.warn("Chaos: {}", wrong);
			this.wrongWriters.add(wrong);
		}
	}

	private boolean applicable(Fault fault, List<? extends DatabaseServer> servers) {
		return switch (fault) {
			case PROMOTE -> !this.topology.promotable().isEmpty();
			case PROXY_RESET, PROXY_LATENCY -> servers.stream().anyMatch((server) -> this.topology.proxy(server).isPresent());
			default -> true;
		};
	}

	private void apply(Fault fault, DatabaseServer target, Duration hold, Duration latency) throws InterruptedException {
		switch (fault) {
			case KILL -> {
				target.kill();
				Thread.sleep(hold.toMillis());
				target.restart();
			}
			case FREEZE -> {
				target.freeze();
				try {
					Thread.sleep(hold.toMillis());
				}
				finally {
					target.thaw();
				}
			}
			case RESTART -> target.restart();
			case PROMOTE -> this.topology.promote(target);
			case PROXY_RESET -> this.topology.proxy(target).orElseThrow().resetConnections();
			case PROXY_LATENCY -> {
				FaultProxy proxy = this.topology.proxy(target).orElseThrow();
				proxy.latency(latency);
				try {
					Thread.sleep(hold.toMillis());
				}
				finally {
					proxy.latency(Duration.ZERO);
				}
			}
		}
	}

	private static String describe(Fault fault, DatabaseServer target, Duration hold, Duration latency) {
		return switch (fault) {
			case KILL -> "kill " + target.name() + " for " + hold.toMillis() + " ms, restart";
			case FREEZE -> "freeze " + target.name() + " for " + hold.toMillis() + " ms, thaw";
			case RESTART -> "restart " + target.name();
			case PROMOTE -> "promote " + target.name();
			case PROXY_RESET -> "reset connections to " + target.name();
			case PROXY_LATENCY -> "latency " + latency.toMillis() + " ms to " + target.name() + " for " + hold.toMillis() + " ms";
		};
	}

	/** Polls the active count for up to 10 s; returns the last value, or null without a supplier. */
	private @Nullable Integer awaitNoActiveConnection() throws InterruptedException {
		if (this.activeConnections == null) {
			return null;
		}
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		int active = this.activeConnections.getAsInt();
		while (active != 0 && System.nanoTime() < deadline) {
			Thread.sleep(50);
			active = this.activeConnections.getAsInt();
		}
		return active;
	}

	private ChaosReport check(long base, long lastId, List<Worker> workers, List<ChaosReport.Event> events,
			@Nullable String scheduleError, List<String> stuck, long stuckWaitMillis, @Nullable Integer active,
			long elapsedNanos) throws SQLException {
		int size = (int) (lastId - base);
		// occurrences of each id on the primary, index id - base - 1
		int[] found = new int[size];
		DatabaseServer primary = this.topology.primary();
		try (Connection connection = this.topology.connectForCheck();
				PreparedStatement statement = connection
					.prepareStatement("SELECT id, COUNT(*) FROM " + this.table + " WHERE id > ? GROUP BY id")) {
			statement.setLong(1, base);
			try (ResultSet result = statement.executeQuery()) {
				while (result.next()) {
					long id = result.getLong(1);
					int count = result.getInt(2);
					if (id <= lastId) {
						found[(int) (id - base - 1)] = count;
					}
				}
			}
		}
		ChaosReport.Builder report = new ChaosReport.Builder(this.seed, this.threads, this.duration, this.topology.toString(),
				primary.name(), this.waitBound);
		report.elapsedMillis = TimeUnit.NANOSECONDS.toMillis(elapsedNanos);
		report.scheduleError = scheduleError;
		report.wrongWriters = List.copyOf(this.wrongWriters);
		report.stuckThreads = stuck;
		report.stuckWaitMillis = stuckWaitMillis;
		report.activeAtEnd = active;
		List<Failure> failures = new ArrayList<>();
		for (Worker worker : workers) {
			report.reads += worker.reads;
			report.readsFailed += worker.readsFailed;
			report.transactionsOverBound += worker.overBound;
			report.latencies.add(worker.latencies);
			if (worker.maxWaitMillis > report.maxWaitMillis) {
				report.maxWaitMillis = worker.maxWaitMillis;
				report.maxWaitAt = worker.maxWaitAt;
			}
			failures.addAll(worker.failures);
			for (int i = 0; i < worker.writes.size(); i++) {
				long entry = worker.writes.get(i);
				long id = entry >>> 2;
				WriteOutcome outcome = WriteOutcome.values()[(int) (entry & 3)];
				int count = found[(int) (id - base - 1)];
				found[(int) (id - base - 1)] = -count - 1; // seen: negative
				report.writes++;
				if (count > 1) {
					report.duplicated.add(id);
				}
				switch (outcome) {
					case COMMITTED -> {
						report.committed++;
						if (count == 0) {
							report.lost.add(id);
						}
					}
					case FAILED -> {
						report.failed++;
						if (count > 0) {
							report.failedButPresent.add(id);
						}
					}
					case UNKNOWN -> {
						report.unknown++;
						if (count > 0) {
							report.unknownPresent++;
						}
						else {
							report.unknownAbsent++;
						}
					}
				}
			}
		}
		for (int i = 0; i < found.length; i++) {
			if (found[i] > 0) {
				// a row nobody wrote, or whose write never ended (a stuck thread)
				report.unaccounted.add(base + 1 + i);
			}
		}
		for (ChaosReport.Event event : events) {
			report.eventFailures.put(event, new ArrayList<>());
		}
		for (Failure failure : failures) {
			report.addFailure(failure.kind, failure.error, failure.started, failure.ended);
		}
		if (this.password != null && this.log != null) {
			String text = this.log.get();
			StringBuilder errors = new StringBuilder();
			failures.forEach((failure) -> errors.append(failure.error).append('\n'));
			report.passwordChecked = true;
			report.passwordInLog = text.contains(this.password);
			report.passwordInErrors = errors.indexOf(this.password) >= 0;
			report.logCharacters = text.length();
		}
		ChaosReport built = report.build();
		logger.info("Chaos run done:\n{}", built);
		return built;
	}

	private static String describe(StackTraceElement[] stack) {
		StringBuilder text = new StringBuilder("at");
		for (int i = 0; i < Math.min(6, stack.length); i++) {
			text.append(' ').append(stack[i]);
		}
		return text.toString();
	}

	private static Duration between(Random random, Duration min, Duration max) {
		long span = max.toMillis() - min.toMillis();
		return min.plusMillis((span <= 0) ? 0 : (long) (random.nextDouble() * span));
	}

	private static void sleep(Duration duration, long deadline) throws InterruptedException {
		long until = Math.min(System.nanoTime() + duration.toNanos(), deadline);
		long remaining = until - System.nanoTime();
		if (remaining > 0) {
			TimeUnit.NANOSECONDS.sleep(remaining);
		}
	}

	private static Duration requirePositive(Duration value, String name) {
		Objects.requireNonNull(value, name);
		if (value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(name + " must be positive, was " + value);
		}
		return value;
	}

	private static Duration requireAtLeast(Duration value, Duration min, String name) {
		requirePositive(value, name);
		if (value.compareTo(min) < 0) {
			throw new IllegalArgumentException(name + " must not be less than " + min + ", was " + value);
		}
		return value;
	}

	/**
	 * "Class [SQLState]: message" of an error, and the class and SQLState of what was attached to it
	 * as suppressed (why a replay gave up: no peer in time, a different result), which the message
	 * does not say.
	 */
	static String describe(Throwable error) {
		StringBuilder text = new StringBuilder();
		kind(error, text);
		text.append(": ").append(error.getMessage());
		for (Throwable suppressed : error.getSuppressed()) {
			text.append(" (then ");
			kind(suppressed, text);
			text.append(')');
		}
		return text.toString();
	}

	private static void kind(Throwable error, StringBuilder text) {
		text.append(error.getClass().getSimpleName());
		if (error instanceof SQLException sql && sql.getSQLState() != null) {
			text.append(" [").append(sql.getSQLState()).append(']');
		}
	}

	static boolean isUnknownOutcome(Throwable error) {
		for (Throwable cause = error; cause != null; cause = cause.getCause()) {
			if (cause instanceof SQLException sql && "08007".equals(sql.getSQLState())) {
				return true;
			}
		}
		return false;
	}

	/** A transaction that did not end well. */
	record Failure(String kind, String error, long started, long ended) {

	}

	/** One load thread; its figures are read after it stopped. */
	private final class Worker {

		private final Thread thread;

		private final AtomicLong ids;

		private final Random random;

		/** id &lt;&lt; 2 | outcome ordinal, of every write */
		private final LongList writes = new LongList();

		private final ChaosReport.Latencies latencies = new ChaosReport.Latencies();

		private final List<Failure> failures = new ArrayList<>();

		private volatile boolean running = true;

		private volatile long transactionStarted = System.nanoTime();

		private long reads;

		private long readsFailed;

		private long overBound;

		private long maxWaitMillis;

		private String maxWaitAt = "";

		private long lastCommitted = -1;

		Worker(String name, AtomicLong ids, Random random) {
			this.ids = ids;
			this.random = random;
			this.thread = new Thread(this::loop, name);
			// a thread stuck in a driver for ever must not keep the JVM alive
			this.thread.setDaemon(true);
		}

		private void loop() {
			while (this.running) {
				boolean write = this.random.nextDouble() < ChaosRun.this.writeShare || this.lastCommitted < 0;
				long started = System.nanoTime();
				this.transactionStarted = started;
				String error = write ? write() : read();
				long ended = System.nanoTime();
				long millis = TimeUnit.NANOSECONDS.toMillis(ended - started);
				this.latencies.record(millis);
				if (millis > this.maxWaitMillis) {
					this.maxWaitMillis = millis;
					this.maxWaitAt = (write ? "write" : "read") + " by " + this.thread.getName()
							+ ((error != null) ? " that failed with " + error : "");
				}
				if (millis > ChaosRun.this.waitBound.toMillis()) {
					this.overBound++;
				}
				if (error != null) {
					if (this.failures.size() < MAX_FAILURES_KEPT) {
						this.failures.add(new Failure(write ? "write" : "read", error, started, ended));
					}
					if (!ChaosRun.this.failurePause.isZero()) {
						try {
							Thread.sleep(ChaosRun.this.failurePause.toMillis());
						}
						catch (InterruptedException ex) {
							return;
						}
					}
				}
			}
		}

		/** One write, a transaction or an auto-commit statement; returns the error, or null when it committed. */
		private @Nullable String write() {
			long id = this.ids.incrementAndGet();
			// drawn only when asked for, so that a seed's runs without auto-commit writes stay as they were
			boolean autoCommit = ChaosRun.this.autoCommitShare > 0
					&& this.random.nextDouble() < ChaosRun.this.autoCommitShare;
			WriteOutcome outcome = WriteOutcome.FAILED;
			String error = null;
			try (Connection connection = ChaosRun.this.dataSource.getConnection()) {
				// said either way: a pool may hand its connections out without auto-commit
				connection.setAutoCommit(autoCommit);
				if (autoCommit) {
					// from the first byte sent, a failed auto-commit write may have committed
					outcome = WriteOutcome.UNKNOWN;
				}
				try (PreparedStatement insert = connection
					.prepareStatement("INSERT INTO " + ChaosRun.this.table + " (id, written_by) VALUES (?, ?)")) {
					insert.setLong(1, id);
					insert.setString(2, this.thread.getName());
					insert.executeUpdate();
				}
				if (!autoCommit) {
					outcome = WriteOutcome.UNKNOWN;
					connection.commit();
				}
				outcome = WriteOutcome.COMMITTED;
			}
			catch (SQLException | RuntimeException ex) {
				if (outcome == WriteOutcome.COMMITTED) {
					// close() failed after the commit returned: the write is committed all the same
					error = null;
				}
				else {
					if (isUnknownOutcome(ex)) {
						outcome = WriteOutcome.UNKNOWN;
					}
					error = outcome.name().toLowerCase() + ": " + describe(ex);
				}
			}
			if (outcome == WriteOutcome.COMMITTED) {
				this.lastCommitted = id;
			}
			this.writes.add((id << 2) | outcome.ordinal());
			return error;
		}

		/** One read-only transaction that looks for the thread's last committed row. */
		private @Nullable String read() {
			this.reads++;
			try (Connection connection = ChaosRun.this.dataSource.getConnection()) {
				connection.setReadOnly(true);
				connection.setAutoCommit(false);
				try (PreparedStatement select = connection
					.prepareStatement("SELECT COUNT(*) FROM " + ChaosRun.this.table + " WHERE id = ?")) {
					select.setLong(1, this.lastCommitted);
					try (ResultSet result = select.executeQuery()) {
						result.next();
					}
				}
				connection.commit();
				return null;
			}
			catch (SQLException | RuntimeException ex) {
				this.readsFailed++;
				return "read failed: " + describe(ex);
			}
		}

	}

	/** A growable list of longs (a write is 8 bytes, for runs of millions of writes). */
	static final class LongList {

		private long[] values = new long[1024];

		private int size;

		void add(long value) {
			if (this.size == this.values.length) {
				this.values = java.util.Arrays.copyOf(this.values, this.size * 2);
			}
			this.values[this.size++] = value;
		}

		long get(int index) {
			return this.values[index];
		}

		int size() {
			return this.size;
		}

	}

}
