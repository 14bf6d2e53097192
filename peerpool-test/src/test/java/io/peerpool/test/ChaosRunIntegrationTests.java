package io.peerpool.test;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chaos run's checks catch what they claim to: against a data source that keeps its word
 * every invariant holds; against one that drops some commits (rolls back and returns normally),
 * runs some inserts twice and leaves a connection borrowed, with the password in the log, each
 * violation is reported. One MariaDB server, frozen and thawed by the schedule.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ChaosRunIntegrationTests {

	private static final String SECRET = "s3cretPassw0rd";

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.peers(1);

	@Test
	void honestDataSourceKeepsEveryInvariant() throws Exception {
		ChaosReport report = run(new ServerDataSource(db.server(0), false), "chaos_honest", () -> 0,
				"no secret logged here");
		System.out.println(report);

		assertThat(report.violations()).isEmpty();
		assertThat(report.writesCommitted()).isPositive();
		assertThat(report.reads()).isPositive();
		assertThat(report.events()).isNotEmpty().allSatisfy((event) -> assertThat(event.description()).startsWith("freeze peer0"));
		assertThat(report.toString()).contains("seed 7", "lost 0, duplicated 0", "invariants    all hold");
	}

	@Test
	void lostAndDuplicatedWritesALeakedConnectionAndALoggedPasswordAreReported() throws Exception {
		ChaosReport report = run(new ServerDataSource(db.server(0), true), "chaos_broken", () -> 1,
				"url=jdbc:mariadb://127.0.0.1/app?password=" + SECRET);
		System.out.println(report);

		assertThat(report.lost()).as("commits rolled back behind the caller's back").isNotEmpty();
		assertThat(report.duplicated()).as("inserts run twice").isNotEmpty();
		assertThat(report.activeAtEnd()).isEqualTo(1);
		assertThat(report.violations()).anyMatch((v) -> v.contains("committed writes lost"))
			.anyMatch((v) -> v.contains("writes duplicated"))
			.anyMatch((v) -> v.contains("connections still active"))
			.anyMatch((v) -> v.contains("password appears in the log"));
		assertThat(report.toString()).contains("VIOLATED");
	}

	/**
	 * Auto-commit writes ({@code autoCommitShare}) are checked too: through the honest source every
	 * invariant holds; an insert the broken source runs twice is reported duplicated, and no write is
	 * lost (no commit to roll back behind the caller's back).
	 */
	@Test
	void autoCommitWritesAreCheckedLikeTransactions() throws Exception {
		ChaosReport honest = run(new ServerDataSource(db.server(0), false), "chaos_autocommit_honest", () -> 0,
				"nothing", 1.0);
		assertThat(honest.violations()).isEmpty();
		assertThat(honest.writesCommitted()).isPositive();

		ChaosReport broken = run(new ServerDataSource(db.server(0), true), "chaos_autocommit_broken", () -> 0,
				"nothing", 1.0);
		assertThat(broken.duplicated()).as("inserts run twice").isNotEmpty();
		assertThat(broken.lost()).as("no commit() to roll back").isEmpty();
		assertThat(broken.violations()).anyMatch((v) -> v.contains("writes duplicated"));
	}

	private static ChaosReport run(DataSource dataSource, String table, java.util.function.IntSupplier active, String log)
			throws Exception {
		return run(dataSource, table, active, log, 0);
	}

	private static ChaosReport run(DataSource dataSource, String table, java.util.function.IntSupplier active, String log,
			double autoCommitShare) throws Exception {
		MariaDbServer server = db.server(0);
		ChaosTopology topology = new ChaosTopology() {

			@Override
			public List<? extends DatabaseServer> servers() {
				return List.of(server);
			}

			@Override
			public DatabaseServer primary() {
				return server;
			}

			@Override
			public void awaitHealthy() {
				if (server.isFrozen()) {
					server.thaw();
				}
			}

			@Override
			public String toString() {
				return "one MariaDB server";
			}

		};
		return ChaosRun.against(dataSource, topology, ChaosRun.Dialect.MARIADB)
			.table(table)
			.threads(4)
			.duration(Duration.ofSeconds(4))
			.seed(7)
			.faults(EnumSet.of(ChaosRun.Fault.FREEZE, ChaosRun.Fault.PROXY_RESET))
			.hold(Duration.ofMillis(200), Duration.ofMillis(400))
			.pause(Duration.ofMillis(300), Duration.ofMillis(600))
			.settle(Duration.ofMillis(500))
			.activeConnections(active)
			.password(SECRET, () -> log)
			.autoCommitShare(autoCommitShare)
			.run();
	}

	/**
	 * A new connection per call; when {@code broken}, every 7th commit is a rollback that reports
	 * success and every 11th insert runs twice.
	 */
	private static final class ServerDataSource implements DataSource {

		private final MariaDbServer server;

		private final boolean broken;

		private final AtomicLong commits = new AtomicLong();

		private final AtomicLong inserts = new AtomicLong();

		ServerDataSource(MariaDbServer server, boolean broken) {
			this.server = server;
			this.broken = broken;
		}

		@Override
		public Connection getConnection() throws SQLException {
			Connection connection = this.server.connect();
			if (!this.broken) {
				return connection;
			}
			return proxy(Connection.class, connection, (method, args) -> {
				if (method.getName().equals("commit") && this.commits.incrementAndGet() % 7 == 0) {
					connection.rollback();
					return null;
				}
				Object result = method.invoke(connection, args);
				if (method.getName().equals("prepareStatement") && ((String) args[0]).startsWith("INSERT")) {
					PreparedStatement statement = (PreparedStatement) result;
					return proxy(PreparedStatement.class, statement, (m, a) -> {
						if (m.getName().equals("executeUpdate") && this.inserts.incrementAndGet() % 11 == 0) {
							statement.executeUpdate();
						}
						return m.invoke(statement, a);
					});
				}
				return result;
			});
		}

		@Override
		public Connection getConnection(String username, String password) throws SQLException {
			throw new SQLFeatureNotSupportedException();
		}

		@Override
		public PrintWriter getLogWriter() {
			return null;
		}

		@Override
		public void setLogWriter(PrintWriter out) {
		}

		@Override
		public void setLoginTimeout(int seconds) {
		}

		@Override
		public int getLoginTimeout() {
			return 0;
		}

		@Override
		public Logger getParentLogger() throws SQLFeatureNotSupportedException {
			throw new SQLFeatureNotSupportedException();
		}

		@Override
		public <T> T unwrap(Class<T> type) throws SQLException {
			throw new SQLException("Not a wrapper");
		}

		@Override
		public boolean isWrapperFor(Class<?> type) {
			return false;
		}

		interface Call {

			Object invoke(Method method, Object[] args) throws Exception;

		}

		private static <T> T proxy(Class<T> type, T target, Call call) {
			InvocationHandler handler = (proxy, method, args) -> {
				try {
					return call.invoke(method, args);
				}
				catch (InvocationTargetException ex) {
					throw ex.getCause();
				}
			};
			return type.cast(Proxy.newProxyInstance(ChaosRunIntegrationTests.class.getClassLoader(),
					new Class<?>[] { type }, handler));
		}

	}

}
