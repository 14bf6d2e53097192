package io.peerpool.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What recording a transaction for replay costs, over in-memory H2 (no round trip hides it): a
 * read-only transaction of two point reads and a read-write one of a read and an update, each as
 * Spring's {@code DataSourceTransactionManager} runs it (read-only flag, auto-commit off, commit,
 * both reset), through plain HikariCP and through peerpool with {@code transaction-replay} none,
 * read-only (the default) and all. With {@code read-only} the read-only transactions are recorded,
 * with {@code all} both kinds are. {@code wideReadOnlyTransaction} reads 100 rows of ten columns of
 * five types: what the checksum of every row read costs when the rows are many and wide.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
@Threads(1)
public class InMemoryTransactionBenchmark {

	private static final String READ = "SELECT v FROM bench_rows WHERE id = ?";

	private static final int WIDE_ROWS = 100;

	/** The data source of one system over H2, with ten rows to read and update. */
	@State(Scope.Benchmark)
	public static class Pool {

		@Param({ "h2-hikari", "h2-peerpool-replay-none", "h2-peerpool-replay-read-only", "h2-peerpool-replay-all" })
		String system;

		DataSource dataSource;

		@Setup(Level.Trial)
		public void start() throws SQLException {
			this.dataSource = BenchmarkSystem.of(this.system).create(java.util.List.of(), BenchmarkSystem.Timings.fast());
			try (Connection connection = this.dataSource.getConnection();
					Statement statement = connection.createStatement()) {
				statement.execute("CREATE TABLE IF NOT EXISTS bench_rows (id INT PRIMARY KEY, v INT)");
				for (int id = 1; id <= 10; id++) {
					statement.execute("MERGE INTO bench_rows KEY (id) VALUES (" + id + ", 0)");
				}
				statement.execute("CREATE TABLE IF NOT EXISTS bench_wide (id INT PRIMARY KEY, a INT, b BIGINT,"
						+ " c VARCHAR(40), d VARCHAR(40), e DECIMAL(12,2), f DECIMAL(12,2), g TIMESTAMP, h TIMESTAMP, i INT)");
				for (int id = 1; id <= WIDE_ROWS; id++) {
					statement.execute("MERGE INTO bench_wide KEY (id) VALUES (" + id + ", " + id + ", " + (id * 1_000_003L)
							+ ", 'customer-" + id + "', 'an ordinary text value " + id + "', " + id + ".25, 1234.5, TIMESTAMP"
							+ " '2026-12-01 10:00:00', TIMESTAMP '2026-12-01 11:30:00', 7)");
				}
			}
			readOnlyTransaction(this.dataSource);
			wideReadOnlyTransaction(this.dataSource);
			readWriteTransaction(this.dataSource);
		}

		@TearDown(Level.Trial)
		public void stop() {
			BenchmarkSystem.close(this.dataSource);
		}

	}

	@Benchmark
	public int readOnlyTransaction(Pool pool) throws SQLException {
		return readOnlyTransaction(pool.dataSource);
	}

	@Benchmark
	public int readWriteTransaction(Pool pool) throws SQLException {
		return readWriteTransaction(pool.dataSource);
	}

	@Benchmark
	public long wideReadOnlyTransaction(Pool pool) throws SQLException {
		return wideReadOnlyTransaction(pool.dataSource);
	}

	static long wideReadOnlyTransaction(DataSource dataSource) throws SQLException {
		try (Connection connection = dataSource.getConnection()) {
			connection.setReadOnly(true);
			connection.setAutoCommit(false);
			long sum = 0;
			try (PreparedStatement statement = connection.prepareStatement(
					"SELECT id, a, b, c, d, e, f, g, h, i FROM bench_wide WHERE id <= ? ORDER BY id")) {
				statement.setInt(1, WIDE_ROWS);
				try (ResultSet rows = statement.executeQuery()) {
					while (rows.next()) {
						sum += rows.getInt(1) + rows.getInt(2) + rows.getLong(3) + rows.getString(4).length()
								+ rows.getString(5).length() + rows.getBigDecimal(6).intValue()
								+ rows.getBigDecimal(7).intValue() + rows.getTimestamp(8).getNanos()
								+ rows.getTimestamp(9).getNanos() + rows.getInt(10);
					}
				}
			}
			connection.commit();
			connection.setAutoCommit(true);
			connection.setReadOnly(false);
			return sum;
		}
	}

	static int readOnlyTransaction(DataSource dataSource) throws SQLException {
		try (Connection connection = dataSource.getConnection()) {
			connection.setReadOnly(true);
			connection.setAutoCommit(false);
			int sum = read(connection, 1) + read(connection, 2);
			connection.commit();
			connection.setAutoCommit(true);
			connection.setReadOnly(false);
			return sum;
		}
	}

	static int readWriteTransaction(DataSource dataSource) throws SQLException {
		try (Connection connection = dataSource.getConnection()) {
			connection.setAutoCommit(false);
			int value = read(connection, 3);
			try (PreparedStatement update = connection.prepareStatement("UPDATE bench_rows SET v = v + 1 WHERE id = ?")) {
				update.setInt(1, 3);
				value += update.executeUpdate();
			}
			connection.commit();
			connection.setAutoCommit(true);
			return value;
		}
	}

	private static int read(Connection connection, int id) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(READ)) {
			statement.setInt(1, id);
			try (ResultSet rows = statement.executeQuery()) {
				rows.next();
				return rows.getInt(1);
			}
		}
	}

}
