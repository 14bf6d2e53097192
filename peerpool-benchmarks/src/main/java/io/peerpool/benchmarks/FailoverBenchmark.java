package io.peerpool.benchmarks;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import io.peerpool.PeerInfo;
import io.peerpool.PeerPoolDataSource;
import io.peerpool.PeerRole;
import io.peerpool.PeerState;
import io.peerpool.test.DatabaseServer;
import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.FaultProxy;
import io.peerpool.test.MariaDbServer;

/**
 * N threads of short write transactions (insert a row with a client-chosen id + {@code SELECT @@port}
 * + commit) through each {@link BenchmarkSystem}, one system after the other under the same fault
 * schedule. Every system reaches every server through a {@link FaultProxy} (for all phases, so that
 * the proxy's own cost is the same everywhere).
 *
 * <p>Two topologies, both started once for the whole run:
 * <ol>
 * <li>three independent writable MariaDB servers ({@code peer0..2}, the earlier figures' setup):
 * steady, kill {@code peer1}, restart it, freeze {@code peer2} (SIGSTOP), thaw it, reset every
 * connection through {@code peer0}'s proxy (TCP RST, the server is fine), 100 ms latency per
 * forwarded chunk on {@code peer0}'s proxy for one phase, kill all, restart all;</li>
 * <li>a MariaDB primary with two replicas: steady, then a planned switchover (the primary
 * {@code SET GLOBAL read_only=1}, 0.3 s later the kit's promotion of {@code replica0}: catch-up,
 * stop replicating, writable, the others re-pointed). The system gets the servers in the order
 * primary, replica0, replica1. After the system's run the original primary is promoted back, so
 * the next system starts from the same topology.</li>
 * </ol>
 * At the end of each topology's phases the rows of {@code load_rows} are counted on every server
 * (first topology) or on the new primary (second): lost, duplicated and phantom writes per phase.
 *
 * <p>Arguments: {@code [threads=8] [seconds per phase=5] [systems=all | comma-separated labels]}.
 */
public final class FailoverBenchmark {

	/**
	 * Pause of a load thread after a failed transaction, as an application's retry delay would be;
	 * without it a system that fails fast (all servers down) would count hundreds of thousands of
	 * failures and burn the CPU the restarting servers need.
	 */
	static final Duration FAILURE_PAUSE = Duration.ofMillis(10);

	/** The peer that is killed and restarted. */
	static final int KILLED = 1;

	/** The peer that is frozen and thawed. */
	static final int FROZEN = 2;

	/** The peer whose proxy resets its connections and then slows them down. */
	static final int PROXIED = 0;

	/** Latency per forwarded chunk (both directions) in the latency phase. */
	static final Duration LATENCY = Duration.ofMillis(100);

	/** Between {@code read_only=1} on the old primary and the promotion of the replica. */
	static final Duration SWITCHOVER_GAP = Duration.ofMillis(300);

	private final int threads;

	private final Duration phase;

	private final BenchmarkSystem.Timings timings;

	private final PrintStream log;

	private final AtomicLong ids = new AtomicLong();

	public FailoverBenchmark(int threads, Duration phase, BenchmarkSystem.Timings timings, PrintStream log) {
		this.threads = threads;
		this.phase = phase;
		this.timings = timings;
		this.log = log;
	}

	public static void main(String[] args) throws Exception {
		int threads = (args.length > 0) ? Integer.parseInt(args[0]) : 8;
		Duration phase = Duration.ofMillis((long) (((args.length > 1) ? Double.parseDouble(args[1]) : 5) * 1000));
		List<BenchmarkSystem> systems = systems((args.length > 2) ? args[2] : "all");
		String report = new FailoverBenchmark(threads, phase, BenchmarkSystem.Timings.fast(), System.err)
			.run(systems);
		System.out.println(report);
		// the servers are gone; do not wait for pool threads stuck in a driver
		System.exit(0);
	}

	static List<BenchmarkSystem> systems(String argument) {
		if ("all".equalsIgnoreCase(argument)) {
			// peerpool-default is peerpool-replay-read-only under its default name: not run twice
			return List.of(BenchmarkSystem.PEERPOOL_REPLAY_NONE, BenchmarkSystem.PEERPOOL_REPLAY_READ_ONLY,
					BenchmarkSystem.PEERPOOL_REPLAY_ALL, BenchmarkSystem.ROUTING, BenchmarkSystem.MYSQL_LB,
					BenchmarkSystem.MARIADB_LB, BenchmarkSystem.MARIADB_REPLAY, BenchmarkSystem.AWS_WRAPPER);
		}
		return Arrays.stream(argument.split(",")).map(String::trim).map(BenchmarkSystem::of).toList();
	}

	/** Runs every system in turn on the same servers and returns the report (Markdown). */
	public String run(List<BenchmarkSystem> systems) throws Exception {
		List<SystemResult> results = new ArrayList<>();
		Map<DatabaseServer, FaultProxy> proxies = new LinkedHashMap<>();
		try (EmbeddedMariaDb peers = EmbeddedMariaDb.peers(3);
				EmbeddedMariaDb replicated = EmbeddedMariaDb.primaryWithReplicas(2)) {
			peers.start();
			replicated.start();
			String ddl = "CREATE TABLE IF NOT EXISTS load_rows (id BIGINT AUTO_INCREMENT PRIMARY KEY, seq BIGINT)";
			for (MariaDbServer server : peers.servers()) {
				server.executeAsAdmin("CREATE TABLE IF NOT EXISTS " + server.database() + "."
						+ ddl.substring("CREATE TABLE IF NOT EXISTS ".length()));
			}
			MariaDbServer primary = replicated.primary();
			primary.executeAsAdmin("CREATE TABLE IF NOT EXISTS " + primary.database() + "."
					+ ddl.substring("CREATE TABLE IF NOT EXISTS ".length()));
			for (MariaDbServer server : peers.servers()) {
				proxies.put(server, FaultProxy.to(server).start());
			}
			for (MariaDbServer server : replicated.servers()) {
				proxies.put(server, FaultProxy.to(server).start());
			}
			for (BenchmarkSystem system : systems) {
				this.log.printf("%s: %s, %d threads, %d ms per phase%n", Instant.now(), system.label(), this.threads,
						this.phase.toMillis());
				SystemResult result = new SystemResult(system);
				runIndependent(result, peers, proxies);
				runReplicated(result, replicated, primary, proxies);
				results.add(result);
			}
		}
		finally {
			proxies.values().forEach(FaultProxy::close);
		}
		return FailoverReport.markdown(results, this.threads, this.phase, this.timings);
	}

	private void runIndependent(SystemResult result, EmbeddedMariaDb db, Map<DatabaseServer, FaultProxy> proxies)
			throws Exception {
		List<MariaDbServer> servers = db.servers();
		bringBack(servers, proxies);
		for (MariaDbServer server : servers) {
			server.executeAsAdmin("TRUNCATE TABLE " + server.database() + ".load_rows");
		}
		MariaDbServer killed = servers.get(KILLED);
		MariaDbServer frozen = servers.get(FROZEN);
		MariaDbServer proxied = servers.get(PROXIED);
		FaultProxy proxy = proxies.get(proxied);
		runBlock(result, servers, false, proxies, servers, (block) -> {
			block.phase("steady", null, null, () -> {
			});
			block.phase("kill " + killed.name(), killed, killed, killed::kill);
			block.recovery("restart " + killed.name(), killed, killed::restart);
			block.phase("freeze " + frozen.name(), frozen, frozen, frozen::freeze);
			block.recovery("thaw " + frozen.name(), frozen, frozen::thaw);
			block.phase("reset " + proxied.name() + " connections", proxied, proxied, proxy::resetConnections);
			block.phase("latency " + LATENCY.toMillis() + " ms " + proxied.name(), proxied, proxied,
					() -> proxy.latency(LATENCY));
			block.phase("kill all", null, null, () -> {
				proxy.latency(Duration.ZERO);
				servers.forEach(MariaDbServer::kill);
			});
			block.restartAll("restart all", servers);
		});
	}

	private void runReplicated(SystemResult result, EmbeddedMariaDb db, MariaDbServer original,
			Map<DatabaseServer, FaultProxy> proxies) throws Exception {
		bringBack(db.servers(), proxies);
		MariaDbServer primary = db.primary();
		primary.executeAsAdmin("TRUNCATE TABLE " + primary.database() + ".load_rows");
		List<MariaDbServer> servers = db.servers().stream()
			.sorted(java.util.Comparator.comparing(MariaDbServer::name))
			.toList();
		MariaDbServer promoted = db.replicas().stream()
			.min(java.util.Comparator.comparing(MariaDbServer::name))
			.orElseThrow();
		try {
			runBlock(result, servers, true, proxies, List.of(promoted), (block) -> {
				block.phase("steady (replicated)", null, null, () -> {
				});
				block.switchover("switchover " + primary.name() + " → " + promoted.name(), primary, promoted, db);
			});
		}
		finally {
			// the next system starts from the same topology: the original primary again
			bringBack(db.servers(), proxies);
			if (db.primary() != original) {
				db.promote(original);
			}
		}
	}

	/** The phases of one topology, run with one data source of the system over the proxied servers. */
	private void runBlock(SystemResult result, List<MariaDbServer> servers, boolean replicated,
			Map<DatabaseServer, FaultProxy> proxies, List<MariaDbServer> countOn, Schedule schedule) throws Exception {
		List<DatabaseServer> proxied = servers.stream()
			.map((server) -> (DatabaseServer) new ProxiedServer(server, proxies.get(server)))
			.toList();
		DataSource dataSource = replicated ? result.system.createReplicated(proxied, this.timings)
				: result.system.create(proxied, this.timings);
		PeerStateWatcher watcher = (dataSource instanceof PeerPoolDataSource pool)
				? new PeerStateWatcher(pool, servers.stream().map(MariaDbServer::name).toList()) : null;
		result.peerpool |= watcher != null;
		Block block = new Block(result);
		try {
			awaitFirstSuccess(dataSource);
			FailoverLoad load = new FailoverLoad(dataSource, this.threads, FAILURE_PAUSE, this.ids);
			try {
				schedule.run(block);
			}
			finally {
				// threads stuck in a driver are counted, not waited for again (they are daemons)
				result.stillBlocked += load.stop(Duration.ofSeconds(30));
				result.operations.addAll(load.outcomes());
			}
		}
		finally {
			if (watcher != null) {
				watcher.close();
				result.stateChanges.addAll(watcher.changes());
			}
			bringBack(servers, proxies);
			BenchmarkSystem.close(dataSource);
		}
		for (MariaDbServer server : countOn) {
			countRows(server, result.rows);
		}
	}

	/** Adds how often each id is in {@code load_rows} of {@code server}. */
	private static void countRows(MariaDbServer server, Map<Long, Integer> rows) throws SQLException {
		try (Connection connection = server.connectAsAdmin(); Statement statement = connection.createStatement();
				ResultSet result = statement
					.executeQuery("SELECT seq, COUNT(*) FROM " + server.database() + ".load_rows GROUP BY seq")) {
			while (result.next()) {
				rows.merge(result.getLong(1), result.getInt(2), Integer::sum);
			}
		}
	}

	/** The phases of one topology. */
	@FunctionalInterface
	interface Schedule {

		void run(Block block) throws Exception;

	}

	/** Applies the faults of one topology and records the phases. */
	final class Block {

		private final SystemResult result;

		Block(SystemResult result) {
			this.result = result;
		}

		/**
		 * Applies a fault (or nothing) and lets the load run for one phase. {@code victim}: the
		 * server whose "serves again" counts; {@code down}: the peer whose DOWN counts.
		 */
		void phase(String name, MariaDbServer victim, MariaDbServer down, Runnable action)
				throws InterruptedException {
			long started = System.nanoTime();
			action.run();
			log(name, "(" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms)");
			TimeUnit.NANOSECONDS.sleep(FailoverBenchmark.this.phase.toNanos());
			// a kill, freeze, reset or latency is in place when the action starts (the signal), not
			// when kill() returned after the process was gone
			add(name, started, started, victim, down, false);
		}

		/** A server comes back ({@code action}); "applied" is when it accepts connections again. */
		void recovery(String name, MariaDbServer victim, Runnable action) throws InterruptedException {
			long started = System.nanoTime();
			action.run();
			long applied = System.nanoTime();
			log(name, "(" + TimeUnit.NANOSECONDS.toMillis(applied - started) + " ms)");
			TimeUnit.NANOSECONDS.sleep(FailoverBenchmark.this.phase.toNanos());
			add(name, started, applied, victim, null, false);
		}

		/**
		 * Restarts the servers one after the other; recovery counts from the moment the first one
		 * accepts connections again, since from then on a system could serve.
		 */
		void restartAll(String name, List<MariaDbServer> servers) throws InterruptedException {
			long started = System.nanoTime();
			long firstReady = -1;
			for (MariaDbServer server : servers) {
				server.restart();
				if (firstReady < 0) {
					firstReady = System.nanoTime();
				}
			}
			log(name, "(first ready after " + TimeUnit.NANOSECONDS.toMillis(firstReady - started) + " ms, all after "
					+ TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms)");
			TimeUnit.NANOSECONDS.sleep(FailoverBenchmark.this.phase.toNanos());
			add(name, started, firstReady, null, null, false);
		}

		/**
		 * A planned switchover: {@code read_only=1} on the old primary (the phase starts there),
		 * {@link #SWITCHOVER_GAP} later the kit's promotion of {@code promoted}; "applied" is when
		 * the promotion returned (the new primary is writable a few ms before that: the kit
		 * re-points the other servers after making it writable).
		 */
		void switchover(String name, MariaDbServer primary, MariaDbServer promoted, EmbeddedMariaDb db)
				throws InterruptedException {
			long started = System.nanoTime();
			primary.executeAsAdmin("SET GLOBAL read_only=1");
			TimeUnit.NANOSECONDS.sleep(SWITCHOVER_GAP.toNanos());
			db.promote(promoted);
			long applied = System.nanoTime();
			log(name, "(promotion returned " + TimeUnit.NANOSECONDS.toMillis(applied - started) + " ms after read_only)");
			TimeUnit.NANOSECONDS.sleep(FailoverBenchmark.this.phase.toNanos());
			add(name, started, applied, promoted, null, true);
		}

		private void add(String name, long started, long applied, MariaDbServer victim, MariaDbServer down,
				boolean switchover) {
			this.result.phases.add(new Phase(name, started, applied, System.nanoTime(),
					(victim != null) ? victim.name() : null, (victim != null) ? victim.port() : -1,
					(down != null) ? down.name() : null, switchover));
		}

		private void log(String name, String detail) {
			FailoverBenchmark.this.log.printf("  %s: %s %s%n", Instant.now(), name, detail);
		}

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

	private static void bringBack(List<MariaDbServer> servers, Map<DatabaseServer, FaultProxy> proxies) {
		for (MariaDbServer server : servers) {
			if (server.isFrozen()) {
				server.thaw();
			}
			if (!server.isRunning()) {
				server.restart();
			}
			proxies.get(server).latency(Duration.ZERO).pass();
		}
	}

	/**
	 * One phase: when its action started, when the fault was in place (a restart takes a second or
	 * more; for "restart all" this is when the first server accepts connections; for a switchover
	 * when the promotion returned) and when the phase ended. {@code victimPeer}/{@code victimPort}: the
	 * server whose "serves again" (and peerpool's UP, or primary role in a switchover) is measured,
	 * null / -1 for none; {@code downPeer}: the peer whose DOWN is measured.
	 */
	record Phase(String name, long started, long applied, long ended, String victimPeer, int victimPort, String downPeer,
			boolean switchover) {

	}

	/** A peer state or role change seen by the watcher. */
	record StateChange(String peer, PeerState state, PeerRole role, long at) {

	}

	/** Everything recorded for one system. */
	static final class SystemResult {

		final BenchmarkSystem system;

		final List<Phase> phases = new ArrayList<>();

		/** How often each id is on the servers at the end. */
		final Map<Long, Integer> rows = new HashMap<>();

		boolean peerpool;

		int stillBlocked;

		final List<FailoverLoad.Outcome> operations = new ArrayList<>();

		final List<StateChange> stateChanges = new ArrayList<>();

		SystemResult(BenchmarkSystem system) {
			this.system = system;
		}

	}

	/** Polls peerpool's peer states and roles so that "marked DOWN", "UP again" and "primary" have a time. */
	static final class PeerStateWatcher implements AutoCloseable {

		private final Thread thread;

		private final List<StateChange> changes = new ArrayList<>();

		private volatile boolean running = true;

		PeerStateWatcher(PeerPoolDataSource pool, List<String> peers) {
			this.thread = new Thread(() -> {
				PeerState[] lastState = new PeerState[peers.size()];
				PeerRole[] lastRole = new PeerRole[peers.size()];
				while (this.running) {
					// the public view (getPeers), not the engine's Peer: the watcher reads what an application can
					Map<String, PeerInfo> infos = new HashMap<>();
					pool.getPeers().forEach((peer) -> infos.put(peer.name(), peer));
					for (int i = 0; i < peers.size(); i++) {
						PeerInfo info = infos.get(peers.get(i));
						if (info == null) {
							continue;
						}
						if (info.state() != lastState[i] || info.role() != lastRole[i]) {
							lastState[i] = info.state();
							lastRole[i] = info.role();
							synchronized (this.changes) {
								this.changes.add(new StateChange(peers.get(i), info.state(), info.role(), System.nanoTime()));
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
			}, "peer-state-watcher");
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
