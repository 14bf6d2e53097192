package io.peerpool.benchmarks;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import javax.sql.DataSource;

import io.peerpool.PeerPoolDataSource;
import io.peerpool.PeerState;
import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.MariaDbServer;
import io.peerpool.test.TransactionLoad;

/**
 * N threads of short transactions (insert + {@code SELECT @@port} + commit) through each
 * {@link BenchmarkSystem} over three real MariaDB servers, under a fault schedule: steady, kill one
 * server, restart it, freeze one (SIGSTOP), thaw it, kill all, restart all. Prints Markdown tables
 * of operations, failures and latencies per phase, and the detection and recovery times.
 *
 * <p>Arguments: {@code [threads=8] [seconds per phase=10] [systems=all | comma-separated labels]}.
 */
public final class FailoverBenchmark {

	/** The peer that is killed and restarted, and the one that is frozen and thawed. */
	/**
	 * Pause of a load thread after a failed transaction, as an application's retry delay would be;
	 * without it a system that fails fast (all servers down) would count hundreds of thousands of
	 * failures and burn the CPU the restarting servers need.
	 */
	static final Duration FAILURE_PAUSE = Duration.ofMillis(10);

	static final int KILLED = 1;

	static final int FROZEN = 2;

	private final int threads;

	private final Duration phase;

	private final BenchmarkSystem.Timings timings;

	private final PrintStream log;

	public FailoverBenchmark(int threads, Duration phase, BenchmarkSystem.Timings timings, PrintStream log) {
		this.threads = threads;
		this.phase = phase;
		this.timings = timings;
		this.log = log;
	}

	public static void main(String[] args) throws Exception {
		int threads = (args.length > 0) ? Integer.parseInt(args[0]) : 8;
		Duration phase = Duration.ofMillis((long) (((args.length > 1) ? Double.parseDouble(args[1]) : 10) * 1000));
		List<BenchmarkSystem> systems = systems((args.length > 2) ? args[2] : "all");
		String report = new FailoverBenchmark(threads, phase, BenchmarkSystem.Timings.fast(), System.err)
			.run(systems);
		System.out.println(report);
		// the servers are gone; do not wait for pool threads stuck in a driver
		System.exit(0);
	}

	static List<BenchmarkSystem> systems(String argument) {
		if ("all".equalsIgnoreCase(argument)) {
			return List.of(BenchmarkSystem.PEERPOOL, BenchmarkSystem.ROUTING, BenchmarkSystem.MYSQL_LB,
					BenchmarkSystem.MARIADB_LB);
		}
		return Arrays.stream(argument.split(",")).map(String::trim).map(BenchmarkSystem::of).toList();
	}

	/** Runs every system in turn on one cluster and returns the report (Markdown). */
	public String run(List<BenchmarkSystem> systems) throws Exception {
		List<SystemResult> results = new ArrayList<>();
		try (EmbeddedMariaDb db = EmbeddedMariaDb.peers(3)) {
			db.start();
			for (MariaDbServer server : db.servers()) {
				try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
					statement.execute(
							"CREATE TABLE IF NOT EXISTS load_rows (id BIGINT AUTO_INCREMENT PRIMARY KEY, seq BIGINT)");
				}
			}
			for (BenchmarkSystem system : systems) {
				bringEveryServerBack(db);
				this.log.printf("%s: %s, %d threads, %d ms per phase%n", Instant.now(), system.label(), this.threads,
						this.phase.toMillis());
				results.add(runOne(system, db));
			}
			bringEveryServerBack(db);
		}
		return FailoverReport.markdown(results, this.threads, this.phase, this.timings);
	}

	private SystemResult runOne(BenchmarkSystem system, EmbeddedMariaDb db) throws Exception {
		List<MariaDbServer> servers = db.servers();
		MariaDbServer killed = servers.get(KILLED);
		MariaDbServer frozen = servers.get(FROZEN);
		DataSource dataSource = system.create(servers, this.timings);
		SystemResult result = new SystemResult(system, killed.port(), frozen.port());
		PeerStateWatcher watcher = (dataSource instanceof PeerPoolDataSource pool)
				? new PeerStateWatcher(pool, List.of(killed.name(), frozen.name())) : null;
		try {
			awaitFirstSuccess(dataSource);
			TransactionLoad load = new TransactionLoad(dataSource, this.threads, "SELECT @@port", FAILURE_PAUSE);
			try {
				phase(result, "steady", () -> {
				});
				phase(result, "kill " + killed.name(), killed::kill);
				phase(result, "restart " + killed.name(), killed::restart);
				phase(result, "freeze " + frozen.name(), frozen::freeze);
				phase(result, "thaw " + frozen.name(), frozen::thaw);
				phase(result, "kill all", () -> servers.forEach(MariaDbServer::kill));
				phaseUntilFirstReady(result, "restart all", servers);
				result.end = System.nanoTime();
			}
			finally {
				// threads stuck in a driver are counted, not waited for again (they are daemons)
				result.stillBlocked = load.stop(Duration.ofSeconds(30));
				result.operations = load.outcomes();
			}
		}
		finally {
			if (watcher != null) {
				watcher.close();
				result.stateChanges = watcher.changes();
			}
			bringEveryServerBack(db);
			BenchmarkSystem.close(dataSource);
		}
		return result;
	}

	/** Applies a fault (or nothing) and lets the load run for one phase. */
	private void phase(SystemResult result, String name, Runnable action) throws InterruptedException {
		long started = System.nanoTime();
		action.run();
		long applied = System.nanoTime();
		this.log.printf("  %s: %s (%d ms)%n", Instant.now(), name, TimeUnit.NANOSECONDS.toMillis(applied - started));
		result.phases.add(new Phase(name, started, applied));
		TimeUnit.NANOSECONDS.sleep(this.phase.toNanos());
	}

	/**
	 * Restarts the servers one after the other; recovery counts from the moment the first one
	 * accepts connections again, since from then on a system could serve.
	 */
	private void phaseUntilFirstReady(SystemResult result, String name, List<MariaDbServer> servers)
			throws InterruptedException {
		long started = System.nanoTime();
		long firstReady = -1;
		for (MariaDbServer server : servers) {
			server.restart();
			if (firstReady < 0) {
				firstReady = System.nanoTime();
			}
		}
		this.log.printf("  %s: %s (first ready after %d ms, all after %d ms)%n", Instant.now(), name,
				TimeUnit.NANOSECONDS.toMillis(firstReady - started),
				TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
		result.phases.add(new Phase(name, started, firstReady));
		TimeUnit.NANOSECONDS.sleep(this.phase.toNanos());
	}

	/** Waits (bounded) until the system serves, so that its start-up is not counted as a failure. */
	private static void awaitFirstSuccess(DataSource dataSource) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		SQLException last = null;
		while (System.nanoTime() < deadline) {
			try {
				ConnectionBenchmark.selectOne(dataSource);
				return;
			}
			catch (SQLException ex) {
				last = ex;
				Thread.sleep(100);
			}
		}
		throw new IllegalStateException("System does not serve after 30 s", last);
	}

	private static void bringEveryServerBack(EmbeddedMariaDb db) {
		for (MariaDbServer server : db.servers()) {
			if (server.isFrozen()) {
				server.thaw();
			}
			if (!server.isRunning()) {
				server.restart();
			}
		}
	}

	/**
	 * One phase: when its action started and when the fault was in place (a restart takes a second
	 * or more; for "restart all" this is when the first server accepts connections).
	 */
	record Phase(String name, long started, long applied) {

	}

	/** A peer state change seen by the watcher. */
	record StateChange(String peer, PeerState state, long at) {

	}

	/** Everything recorded for one system. */
	static final class SystemResult {

		final BenchmarkSystem system;

		final int killedPort;

		final int frozenPort;

		final List<Phase> phases = new ArrayList<>();

		long end;

		int stillBlocked;

		List<TransactionLoad.Outcome> operations = List.of();

		List<StateChange> stateChanges = List.of();

		SystemResult(BenchmarkSystem system, int killedPort, int frozenPort) {
			this.system = system;
			this.killedPort = killedPort;
			this.frozenPort = frozenPort;
		}

	}

	/** Polls peerpool's peer states so that "marked DOWN" and "UP again" have a time. */
	static final class PeerStateWatcher implements AutoCloseable {

		private final Thread thread;

		private final List<StateChange> changes = new ArrayList<>();

		private volatile boolean running = true;

		PeerStateWatcher(PeerPoolDataSource pool, List<String> peers) {
			Consumer<Void> loop = (ignored) -> {
				PeerState[] last = new PeerState[peers.size()];
				while (this.running) {
					for (int i = 0; i < peers.size(); i++) {
						// health only: a drained or lagging peer is up
						PeerState state = (pool.getPeer(peers.get(i)).state() == PeerState.DOWN) ? PeerState.DOWN
								: PeerState.UP;
						if (state != last[i]) {
							last[i] = state;
							synchronized (this.changes) {
								this.changes.add(new StateChange(peers.get(i), state, System.nanoTime()));
							}
						}
					}
					try {
						Thread.sleep(2);
					}
					catch (InterruptedException ex) {
						return;
					}
				}
			};
			this.thread = new Thread(() -> loop.accept(null), "peer-state-watcher");
			this.thread.setDaemon(true);
			this.thread.start();
		}

		List<StateChange> changes() {
			synchronized (this.changes) {
				return List.copyOf(this.changes);
			}
		}

		@Override
		public void close() throws InterruptedException {
			this.running = false;
			this.thread.join(1000);
		}

	}

	static String format(String format, Object... args) {
		return String.format(Locale.ROOT, format, args);
	}

}
