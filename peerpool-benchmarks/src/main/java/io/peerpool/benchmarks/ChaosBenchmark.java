package io.peerpool.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import org.slf4j.LoggerFactory;

import io.peerpool.PeerInfo;
import io.peerpool.PeerPoolDataSource;
import io.peerpool.PeerPoolSettings;
import io.peerpool.PeerRole;
import io.peerpool.balance.Balance;
import io.peerpool.test.ChaosReport;
import io.peerpool.test.ChaosRun;
import io.peerpool.test.ChaosTopology;
import io.peerpool.test.DatabaseServer;
import io.peerpool.test.EmbeddedGalera;
import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.EmbeddedPostgres;
import io.peerpool.test.FaultProxy;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.PostgresMajor;
import io.peerpool.test.PostgresServer;

/**
 * The chaos run ({@link ChaosRun}) as a benchmark: 8 threads of writes and reads through peerpool
 * over one of the kit's topologies, every peer behind a {@link FaultProxy}, while the seeded
 * schedule kills, freezes, restarts, promotes and resets or slows connections; prints the
 * {@link ChaosReport}.
 *
 * <p>Arguments: {@code [topology=mariadb | galera | postgres] [seconds=600] [seed=13] [threads=8]}.
 * The pool has the fast settings of the failover benchmark ({@link BenchmarkSystem.Timings#fast()}:
 * probe every 500 ms, 1 s timeouts, acquire-timeout 2 s), {@code role: auto} (every node
 * {@code primary} on Galera). Exit code 1 when an invariant does not hold. On Galera
 * {@code -Dpeerpool.chaos.galera-writers=all} spreads the writes over every node (the default is the
 * pool's: one writer); {@code -Dpeerpool.chaos.pool-size=8} sets every peer's pool size.
 */
public final class ChaosBenchmark {

	private static final String USER = "chaos";

	private ChaosBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		String topology = (args.length > 0) ? args[0].toLowerCase(Locale.ROOT) : "mariadb";
		Duration duration = Duration.ofMillis((long) (((args.length > 1) ? Double.parseDouble(args[1]) : 600) * 1000));
		long seed = (args.length > 2) ? Long.parseLong(args[2]) : 13;
		int threads = (args.length > 3) ? Integer.parseInt(args[3]) : 8;
		ChaosReport report = run(topology, duration, seed, threads);
		System.out.println(report);
		// the servers are gone; do not wait for pool threads stuck in a driver
		System.exit(report.violations().isEmpty() ? 0 : 1);
	}

	/** Starts the topology, runs the chaos, stops everything; returns the report. */
	public static ChaosReport run(String topology, Duration duration, long seed, int threads) throws Exception {
		String password = "chaosPw" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
		BenchmarkSystem.Timings timings = BenchmarkSystem.Timings.fast();
		System.err.printf("%s: chaos on %s, %d s, seed %d, %d threads; %s%n", Instant.now(), topology,
				duration.toSeconds(), seed, threads, timings);
		return switch (topology) {
			case "mariadb" -> {
				// read_only set at run time only, as on a replica configured by hand: a restarted replica
				// comes back writable and must never become the writer while it is behind the primary or
				// set up to replicate (two 10-minute runs lost rows to such a replica before the one-writer
				// rule held it back); -Dbench.chaos.persistentReadOnly=true puts read_only in the
				// replicas' configuration instead
				EmbeddedMariaDb replicated = EmbeddedMariaDb.primaryWithReplicas(2);
				if (Boolean.getBoolean("bench.chaos.persistentReadOnly")) {
					replicated.persistentReadOnly();
				}
				try (EmbeddedMariaDb db = replicated) {
					db.start();
					db.primary().executeAsAdmin("CREATE USER '" + USER + "'@'%' IDENTIFIED BY '" + password + "'");
					db.primary().executeAsAdmin("GRANT ALL PRIVILEGES ON app.* TO '" + USER + "'@'%'");
					// no SLAVE MONITOR / BINLOG MONITOR: an application's user has none, and lag is measured by
					// position with the user's own rights (as in the CI chaos test)
					List<? extends DatabaseServer> servers = ChaosTopology.of(db, Map.of()).servers();
					yield run(servers, (proxies) -> ChaosTopology.of(db, proxies), ChaosRun.Dialect.MARIADB,
							JdbcDriver.MARIADB, PeerRole.AUTO, password, timings, duration, seed, threads);
				}
			}
			case "galera" -> {
				try (EmbeddedGalera galera = EmbeddedGalera.nodes(3)) {
					galera.start();
					try (Connection connection = galera.node(0).connectAsAdmin();
							Statement statement = connection.createStatement()) {
						statement.execute("CREATE USER '" + USER + "'@'%' IDENTIFIED BY '" + password + "'");
						statement.execute("GRANT ALL PRIVILEGES ON app.* TO '" + USER + "'@'%'");
					}
					yield run(galera.nodes(), (proxies) -> ChaosTopology.of(galera, proxies), ChaosRun.Dialect.MARIADB,
							JdbcDriver.MARIADB, PeerRole.PRIMARY, password, timings, duration, seed, threads);
				}
			}
			case "postgres", "postgresql" -> {
				try (EmbeddedPostgres pg = EmbeddedPostgres.primaryWithStandbys(PostgresMajor.V17, 2)) {
					pg.start();
					pg.primary().executeAsAdmin("CREATE ROLE " + USER + " LOGIN PASSWORD '" + password + "'");
					pg.primary().executeAsAdmin("GRANT USAGE, CREATE ON SCHEMA public TO " + USER);
					for (PostgresServer server : pg.servers()) {
						// the kit trusts every user but its own: make this one give its password too
						Path hba = server.dataDirectory().resolve("pg_hba.conf");
						Files.writeString(hba, "host all " + USER + " 127.0.0.1/32 scram-sha-256\n" + Files.readString(hba));
						server.executeAsAdmin("SELECT pg_reload_conf()");
					}
					yield run(pg.servers(), (proxies) -> ChaosTopology.of(pg, proxies), ChaosRun.Dialect.POSTGRESQL,
							JdbcDriver.POSTGRESQL, PeerRole.AUTO, password, timings, duration, seed, threads);
				}
			}
			default -> throw new IllegalArgumentException("Unknown topology '" + topology + "'; known: mariadb, galera, postgres");
		};
	}

	private static ChaosReport run(List<? extends DatabaseServer> servers,
			java.util.function.Function<Map<DatabaseServer, FaultProxy>, ChaosTopology> topology, ChaosRun.Dialect dialect,
			JdbcDriver driver, PeerRole role, String password, BenchmarkSystem.Timings timings, Duration duration, long seed,
			int threads) throws Exception {
		Map<DatabaseServer, FaultProxy> proxies = new LinkedHashMap<>();
		try (LogCapture log = new LogCapture()) {
			for (DatabaseServer server : servers) {
				proxies.put(server, FaultProxy.to(server).start());
				awaitLogin(server, driver, password);
			}
			PeerPoolDataSource.Builder builder = BenchmarkSystem.builder("chaos", timings);
			String poolSize = System.getProperty("peerpool.chaos.pool-size");
			if (poolSize != null) {
				builder.hikari("maximum-pool-size", poolSize).hikari("minimum-idle", poolSize);
			}
			String galeraWriters = System.getProperty("peerpool.chaos.galera-writers");
			if (galeraWriters != null) {
				builder.galeraWriters(
						PeerPoolSettings.GaleraWriters.valueOf(galeraWriters.toUpperCase(java.util.Locale.ROOT)));
			}
			for (DatabaseServer server : servers) {
				builder.peer(server.name(), (peer) -> peer.url(proxies.get(server).jdbcUrl(server, driver))
					.username(USER)
					.password(password)
					.role(role));
			}
			PeerPoolSettings settings = builder.toSettings();
			try (PeerPoolDataSource pool = builder.build()) {
				return ChaosRun.against(pool, topology.apply(proxies), dialect)
					.threads(threads)
					.duration(duration)
					.seed(seed)
					// acquire-timeout + detection (probe-interval + probe-timeout + connect-timeout)
					.waitBound(settings.acquireTimeout().plus(settings.probeInterval()).plus(settings.probeTimeout())
						.plus(settings.connectTimeout()))
					.activeConnections(() -> pool.getPeers().stream().mapToInt(PeerInfo::active).sum())
					.password(password, log::text)
					.run();
			}
		}
		finally {
			proxies.values().forEach(FaultProxy::close);
		}
	}

	/** A replicated user reaches the replicas a moment after the primary. */
	private static void awaitLogin(DatabaseServer server, JdbcDriver driver, String password) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (true) {
			try (Connection connection = DriverManager.getConnection(server.jdbcUrl(driver), USER, password)) {
				return;
			}
			catch (SQLException ex) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException(USER + " cannot log in to " + server.name(), ex);
				}
				Thread.sleep(100);
			}
		}
	}

	/** What is logged during the run (peerpool at INFO), for the password check. */
	static final class LogCapture implements AutoCloseable {

		private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

		private final OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();

		private final ch.qos.logback.classic.Logger root;

		LogCapture() {
			LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
			PatternLayoutEncoder encoder = new PatternLayoutEncoder();
			encoder.setContext(context);
			encoder.setPattern("%d{HH:mm:ss.SSS} %-5level [%thread] %logger - %msg%n%ex{full}");
			encoder.start();
			this.appender.setContext(context);
			this.appender.setEncoder(encoder);
			this.appender.setOutputStream(this.bytes);
			this.appender.start();
			this.root = context.getLogger(ch.qos.logback.classic.Logger.ROOT_LOGGER_NAME);
			this.root.addAppender(this.appender);
			context.getLogger("io.peerpool").setLevel(Level.INFO);
		}

		String text() {
			return this.bytes.toString(StandardCharsets.UTF_8);
		}

		@Override
		public void close() throws IOException {
			this.root.detachAppender(this.appender);
			this.appender.stop();
		}

	}

}
