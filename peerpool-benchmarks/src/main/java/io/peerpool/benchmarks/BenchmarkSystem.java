package io.peerpool.benchmarks;

import java.io.Closeable;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import org.springframework.jdbc.datasource.lookup.AbstractRoutingDataSource;

import io.peerpool.PeerPoolDataSource;
import io.peerpool.PeerProbe;
import io.peerpool.PeerRole;
import io.peerpool.PeerPoolSettings.TransactionReplay;
import io.peerpool.balance.Balance;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.DatabaseServer;

/**
 * The systems the benchmarks compare: each builds one {@link DataSource} over the servers of an
 * {@code EmbeddedMariaDb} (or over the {@code FaultProxy}s in front of them), with the same pool size
 * per server and the same timeouts.
 *
 * <p>Why the alternatives carry {@code connectTimeout} and {@code socketTimeout} in their URLs:
 * without a socket timeout a statement on a frozen server (SIGSTOP) waits for ever, and
 * mysql-connector-j even waits for ever in the handshake. That is what a user of these
 * alternatives has to configure; the socket timeout then also cuts any legitimate query slower
 * than it. peerpool applies its connect timeout to the driver only while connecting.
 */
public enum BenchmarkSystem {

	/** Plain HikariCP to the first server only: the floor. */
	FLOOR("floor") {
		@Override
		public DataSource create(List<? extends DatabaseServer> servers, Timings timings) {
			return hikari("floor", mariaDbUrl(servers.get(0), timings), servers.get(0), timings,
					timings.poolSizePerServer());
		}
	},

	/**
	 * peerpool over the floor's server only: the library's own cost, without the cost of spreading
	 * connections over three server processes.
	 */
	PEERPOOL_SINGLE("peerpool-1") {
		@Override
		public DataSource create(List<? extends DatabaseServer> servers, Timings timings) {
			return PEERPOOL.create(servers.subList(0, 1), timings);
		}
	},

	/** peerpool over all servers, round robin. */
	PEERPOOL("peerpool") {
		@Override
		public DataSource create(List<? extends DatabaseServer> servers, Timings timings) {
			PeerPoolDataSource.Builder builder = builder("bench", timings).probe(PeerProbe.validity());
			for (DatabaseServer server : servers) {
				builder.peer(server.name(), server.jdbcUrl(JdbcDriver.MARIADB), server.username(), server.password());
			}
			return builder.build();
		}
	},

	/**
	 * Plain HikariCP over an in-memory H2 database: the floor where no loopback round trip hides
	 * what a wrapper costs. Ignores the servers.
	 */
	H2_HIKARI("h2-hikari") {
		@Override
		public DataSource create(List<? extends DatabaseServer> servers, Timings timings) {
			return hikari("h2-hikari", H2_URL, "sa", "", timings, timings.poolSizePerServer());
		}
	},

	/** peerpool over one peer, the same in-memory H2 database with the same pool settings as {@code h2-hikari}. */
	H2_PEERPOOL("h2-peerpool") {
		@Override
		public DataSource create(List<? extends DatabaseServer> servers, Timings timings) {
			// the default replay mode (read-only), as an application gets it
			return h2PeerPool(timings, TransactionReplay.READ_ONLY);
		}
	},

	/**
	 * {@code h2-peerpool} with a {@code peerpool.acquire} observation per acquisition, recorded as a
	 * timer in a simple meter registry: what tracing and acquisition timers cost.
	 */
	H2_PEERPOOL_OBSERVED("h2-peerpool-observed") {
		@Override
		public DataSource create(List<? extends DatabaseServer> servers, Timings timings) {
			PeerPoolDataSource pool = (PeerPoolDataSource) H2_PEERPOOL.create(servers, timings);
			io.micrometer.observation.ObservationRegistry registry = io.micrometer.observation.ObservationRegistry.create();
			registry.observationConfig()
				.observationHandler(new io.micrometer.core.instrument.observation.DefaultMeterObservationHandler(
						new io.micrometer.core.instrument.simple.SimpleMeterRegistry()));
			pool.setAcquisitionObserver(new io.peerpool.metrics.AcquisitionObservations(registry));
			return pool;
		}
	},

	/** A naive Spring {@link AbstractRoutingDataSource}: round robin over one HikariCP pool per server. */
	ROUTING("naive-routing") {
		@Override
		public DataSource create(List<? extends DatabaseServer> servers, Timings timings) {
			return new RoundRobinRoutingDataSource(servers.stream()
				.map((server) -> hikari("routing-" + server.name(), mariaDbUrl(server, timings), server, timings,
						timings.poolSizePerServer()))
				.toList());
		}
	},

	/** mysql-connector-j {@code jdbc:mysql:loadbalance://} over all servers, inside one HikariCP pool. */
	MYSQL_LB("connectorj-lb") {
		@Override
		public DataSource create(List<? extends DatabaseServer> servers, Timings timings) {
			String url = "jdbc:mysql:loadbalance://" + hosts(servers) + "/" + servers.get(0).database()
					+ "?useSSL=false&allowPublicKeyRetrieval=true&connectTimeout=" + timings.connectTimeout().toMillis()
					+ "&socketTimeout=" + timings.socketTimeout().toMillis();
			return hikari("connectorj-lb", url, servers.get(0), timings, timings.poolSizePerServer() * servers.size());
		}
	},

	/** mariadb-java-client {@code jdbc:mariadb:loadbalance://} over all servers, inside one HikariCP pool. */
	MARIADB_LB("mariadb-lb") {
		@Override
		public DataSource create(List<? extends DatabaseServer> servers, Timings timings) {
			return mariaDbLoadBalance("mariadb-lb", servers, timings, "");
		}
	},

	/** {@code h2-peerpool} with {@code transaction-replay: none}: no transaction is recorded. */
	H2_PEERPOOL_REPLAY_NONE("h2-peerpool-replay-none") {
		@Override
		public DataSource create(List<? extends DatabaseServer> servers, Timings timings) {
			return h2PeerPool(timings, TransactionReplay.NONE);
		}
	},

	/** {@code h2-peerpool} with {@code transaction-replay: read-only} (the default): read-only transactions are recorded. */
	H2_PEERPOOL_REPLAY_READ_ONLY("h2-peerpool-replay-read-only") {
		@Override
		public DataSource create(List<? extends DatabaseServer> servers, Timings timings) {
			return h2PeerPool(timings, TransactionReplay.READ_ONLY);
		}
	},

	/** {@code h2-peerpool} with {@code transaction-replay: all}: every transaction is recorded. */
	H2_PEERPOOL_REPLAY_ALL("h2-peerpool-replay-all") {
		@Override
		public DataSource create(List<? extends DatabaseServer> servers, Timings timings) {
			return h2PeerPool(timings, TransactionReplay.ALL);
		}
	},

	/**
	 * peerpool as an application gets it by default, with the fast timings: the standard probe
	 * (validity, read-only, lag, heartbeat). Over independent writable servers every peer is a
	 * {@code primary} (the builder's default role: a multi-primary pool, as on Galera); over a
	 * primary and its replicas ({@link #createReplicated}) every peer is {@code role: auto}, so
	 * that the pool follows a switchover. (With {@code auto} over independent writable servers,
	 * peerpool picks one writer and sends every write there, as it would with asynchronous
	 * replication.)
	 */
	PEERPOOL_DEFAULT("peerpool-default") {
		@Override
		public DataSource create(List<? extends DatabaseServer> servers, Timings timings) {
			return peerpoolDefault(servers, timings, PeerRole.PRIMARY).build();
		}

		@Override
		public DataSource createReplicated(List<? extends DatabaseServer> servers, Timings timings) {
			return peerpoolDefault(servers, timings, PeerRole.AUTO).build();
		}
	},

	/**
	 * mariadb-java-client {@code jdbc:mariadb:loadbalance://} with {@code transactionReplay=true}:
	 * after a connection error the driver reconnects to another host and runs the statements of the
	 * transaction so far again, without comparing their results.
	 */
	MARIADB_REPLAY("mariadb-replay") {
		@Override
		public DataSource create(List<? extends DatabaseServer> servers, Timings timings) {
			return mariaDbLoadBalance("mariadb-replay", servers, timings, "&transactionReplay=true");
		}
	},

	/**
	 * The AWS Advanced JDBC Wrapper over mariadb-java-client, all servers in its URL, with its
	 * enhanced failure monitoring ({@code efm2}, detection tuned to about the same second as
	 * peerpool's fast timings) and its {@code failover} plugin, inside one HikariCP pool. Outside
	 * Aurora and RDS Multi-AZ clusters the wrapper learns no topology: it knows the hosts of the URL
	 * only and connects to the first one.
	 */
	AWS_WRAPPER("aws-wrapper") {
		@Override
		public DataSource create(List<? extends DatabaseServer> servers, Timings timings) {
			String url = "jdbc:aws-wrapper:mariadb://" + hosts(servers) + "/" + servers.get(0).database()
					+ "?sslMode=disable&connectTimeout=" + timings.connectTimeout().toMillis() + "&socketTimeout="
					+ timings.socketTimeout().toMillis() + "&wrapperPlugins=" + AWS_PLUGINS
					+ "&wrapperDialect=mariadb&failureDetectionTime=" + timings.probeInterval().toMillis()
					+ "&failureDetectionInterval=" + timings.probeInterval().toMillis() + "&failureDetectionCount=2"
					+ "&failoverTimeoutMs=" + timings.acquireTimeout().toMillis();
			return hikari("aws-wrapper", url, servers.get(0), timings, timings.poolSizePerServer() * servers.size());
		}
	},

	/** {@code peerpool-default} with {@code transaction-replay: none}: a transaction whose connection dies fails. */
	PEERPOOL_REPLAY_NONE("peerpool-replay-none") {
		@Override
		public DataSource create(List<? extends DatabaseServer> servers, Timings timings) {
			return peerpoolDefault(servers, timings, PeerRole.PRIMARY).transactionReplay(TransactionReplay.NONE).build();
		}

		@Override
		public DataSource createReplicated(List<? extends DatabaseServer> servers, Timings timings) {
			return peerpoolDefault(servers, timings, PeerRole.AUTO).transactionReplay(TransactionReplay.NONE).build();
		}
	},

	/** {@code peerpool-default} with {@code transaction-replay: read-only} (the default), named apart for the report. */
	PEERPOOL_REPLAY_READ_ONLY("peerpool-replay-read-only") {
		@Override
		public DataSource create(List<? extends DatabaseServer> servers, Timings timings) {
			return peerpoolDefault(servers, timings, PeerRole.PRIMARY).transactionReplay(TransactionReplay.READ_ONLY)
				.build();
		}

		@Override
		public DataSource createReplicated(List<? extends DatabaseServer> servers, Timings timings) {
			return peerpoolDefault(servers, timings, PeerRole.AUTO).transactionReplay(TransactionReplay.READ_ONLY)
				.build();
		}
	},

	/** {@code peerpool-default} with {@code transaction-replay: all}: read-write transactions are replayed too, verified. */
	PEERPOOL_REPLAY_ALL("peerpool-replay-all") {
		@Override
		public DataSource create(List<? extends DatabaseServer> servers, Timings timings) {
			return peerpoolDefault(servers, timings, PeerRole.PRIMARY).transactionReplay(TransactionReplay.ALL).build();
		}

		@Override
		public DataSource createReplicated(List<? extends DatabaseServer> servers, Timings timings) {
			return peerpoolDefault(servers, timings, PeerRole.AUTO).transactionReplay(TransactionReplay.ALL).build();
		}
	};

	/** peerpool over the in-memory H2 database with the given replay mode, settings as {@code h2-peerpool}. */
	private static DataSource h2PeerPool(Timings timings, TransactionReplay replay) {
		return builder("bench", timings).probe(PeerProbe.validity())
			.transactionReplay(replay)
			.peer("h2", H2_URL, "sa", "")
			.build();
	}

	/** The AWS wrapper's plugins ({@code -Dbench.aws.plugins=efm2} to leave failover out). */
	static final String AWS_PLUGINS = System.getProperty("bench.aws.plugins", "failover,efm2");

	/** One in-memory database per JVM (JMH runs each system in its own fork), kept while no connection is open. */
	static final String H2_URL = "jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1";

	private final String label;

	BenchmarkSystem(String label) {
		this.label = label;
	}

	/** The name used in tables and on the command line. */
	public String label() {
		return this.label;
	}

	/** A started data source over {@code servers}; release it with {@link #close(DataSource)}. */
	public abstract DataSource create(List<? extends DatabaseServer> servers, Timings timings);

	/**
	 * A started data source over a primary ({@code servers.get(0)}) and its replicas; the same as
	 * {@link #create} unless the system is told the topology.
	 */
	public DataSource createReplicated(List<? extends DatabaseServer> servers, Timings timings) {
		return create(servers, timings);
	}

	/** Closes a data source made by {@link #create}. */
	public static void close(DataSource dataSource) {
		try {
			((Closeable) dataSource).close();
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	/** The system with the given label or enum name (case-insensitive). */
	public static BenchmarkSystem of(String name) {
		for (BenchmarkSystem system : values()) {
			if (system.label.equalsIgnoreCase(name) || system.name().equalsIgnoreCase(name)) {
				return system;
			}
		}
		throw new IllegalArgumentException("Unknown system '" + name + "'; known: "
				+ java.util.Arrays.stream(values()).map(BenchmarkSystem::label).collect(Collectors.joining(", ")));
	}

	/** peerpool with the standard probe and {@code role} on every peer, not built yet. */
	/**
	 * A peerpool builder with the benchmarks' timings and pool sizes, the same for every peerpool
	 * system (and the chaos benchmark), round robin; peers and probe are the caller's.
	 */
	static PeerPoolDataSource.Builder builder(String name, Timings timings) {
		String size = Integer.toString(timings.poolSizePerServer());
		return PeerPoolDataSource.builder(name)
			.balance(Balance.ROUND_ROBIN)
			.checkInterval(timings.checkInterval())
			.probeInterval(timings.probeInterval())
			.probeTimeout(timings.probeTimeout())
			.connectTimeout(timings.connectTimeout())
			.acquireTimeout(timings.acquireTimeout())
			.hikari("maximum-pool-size", size)
			.hikari("minimum-idle", size);
	}

	static PeerPoolDataSource.Builder peerpoolDefault(List<? extends DatabaseServer> servers, Timings timings,
			PeerRole role) {
		PeerPoolDataSource.Builder builder = builder("bench", timings);
		for (DatabaseServer server : servers) {
			builder.peer(server.name(), (peer) -> peer.url(server.jdbcUrl(JdbcDriver.MARIADB))
				.username(server.username())
				.password(server.password())
				.role(role));
		}
		return builder;
	}

	/** mariadb-java-client's {@code loadbalance:} mode over all servers, inside one HikariCP pool. */
	private static DataSource mariaDbLoadBalance(String name, List<? extends DatabaseServer> servers, Timings timings,
			String options) {
		String url = "jdbc:mariadb:loadbalance://" + hosts(servers) + "/" + servers.get(0).database()
				+ "?sslMode=disable" + options + "&connectTimeout=" + timings.connectTimeout().toMillis()
				+ "&socketTimeout=" + timings.socketTimeout().toMillis();
		return hikari(name, url, servers.get(0), timings, timings.poolSizePerServer() * servers.size());
	}

	static String mariaDbUrl(DatabaseServer server, Timings timings) {
		return server.jdbcUrl(JdbcDriver.MARIADB) + "&connectTimeout=" + timings.connectTimeout().toMillis()
				+ "&socketTimeout=" + timings.socketTimeout().toMillis();
	}

	private static String hosts(List<? extends DatabaseServer> servers) {
		return servers.stream().map((server) -> "127.0.0.1:" + server.port()).collect(Collectors.joining(","));
	}

	private static HikariDataSource hikari(String name, String url, DatabaseServer server, Timings timings, int size) {
		return hikari(name, url, server.username(), server.password(), timings, size);
	}

	private static HikariDataSource hikari(String name, String url, String username, String password, Timings timings,
			int size) {
		HikariConfig config = new HikariConfig();
		config.setPoolName(name);
		config.setJdbcUrl(url);
		config.setUsername(username);
		config.setPassword(password);
		config.setMaximumPoolSize(size);
		config.setMinimumIdle(size);
		// the same bound a caller of peerpool has (acquire-timeout), not HikariCP's 30 s default
		config.setConnectionTimeout(timings.acquireTimeout().toMillis());
		config.setValidationTimeout(Math.max(250, timings.connectTimeout().toMillis()));
		// start while a server is down, like peerpool does
		config.setInitializationFailTimeout(-1);
		return new HikariDataSource(config);
	}

	/**
	 * The timings every system gets. peerpool's own settings (check, probe) have no equivalent in
	 * the alternatives.
	 */
	public record Timings(Duration checkInterval, Duration probeInterval, Duration probeTimeout,
			Duration connectTimeout, Duration acquireTimeout, Duration socketTimeout, int poolSizePerServer) {

		/** Short enough that detection and recovery fit a benchmark phase of a few seconds. */
		public static Timings fast() {
			return new Timings(Duration.ofSeconds(2), Duration.ofMillis(500), Duration.ofSeconds(1),
					Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(2), 4);
		}

		@Override
		public String toString() {
			return String.format(Locale.ROOT,
					"check-interval %d ms, probe-interval %d ms, probe-timeout %d ms, connect-timeout %d ms, "
							+ "acquire-timeout (HikariCP connectionTimeout for the alternatives) %d ms, "
							+ "socketTimeout of the alternatives %d ms, %d connections per server",
					this.checkInterval.toMillis(), this.probeInterval.toMillis(), this.probeTimeout.toMillis(),
					this.connectTimeout.toMillis(), this.acquireTimeout.toMillis(), this.socketTimeout.toMillis(),
					this.poolSizePerServer);
		}

	}

	/**
	 * What a user writes without a library: Spring's routing data source, a counter for the key,
	 * one HikariCP pool per server. No health tracking at all.
	 */
	static final class RoundRobinRoutingDataSource extends AbstractRoutingDataSource implements Closeable {

		private final List<HikariDataSource> pools;

		private final AtomicInteger next = new AtomicInteger();

		RoundRobinRoutingDataSource(List<HikariDataSource> pools) {
			this.pools = pools;
			Map<Object, Object> targets = new HashMap<>();
			for (int i = 0; i < pools.size(); i++) {
				targets.put(i, pools.get(i));
			}
			setTargetDataSources(targets);
			afterPropertiesSet();
		}

		@Override
		protected Object determineCurrentLookupKey() {
			return Math.floorMod(this.next.getAndIncrement(), this.pools.size());
		}

		@Override
		public Connection getConnection() throws SQLException {
			return determineTargetDataSource().getConnection();
		}

		@Override
		public void close() {
			this.pools.forEach(HikariDataSource::close);
		}

	}

}
