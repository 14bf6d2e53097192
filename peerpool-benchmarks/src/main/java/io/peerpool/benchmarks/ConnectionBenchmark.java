package io.peerpool.benchmarks;

import java.sql.Connection;
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
import org.openjdk.jmh.infra.Blackhole;

import io.peerpool.test.EmbeddedMariaDb;

/**
 * The cost of borrowing a connection, and of borrowing one and running {@code SELECT 1}, through
 * each {@link BenchmarkSystem}. One thread: the question is the overhead per call, not how the
 * pools scale on a 2-core machine that also runs the three servers.
 *
 * <p>{@code peerpool-1} is peerpool over the floor's single server: it separates the library's own
 * cost from the cost of spreading work over three server processes on one small machine, which
 * every multi-server system pays.
 *
 * <p>Note on peerpool's {@code getConnection()} + {@code close()}: peerpool hands out a connection
 * that takes its physical connection at first use, so this benchmark does not touch a HikariCP
 * pool at all for peerpool. The {@code SELECT 1} benchmark is the fair comparison.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
@Threads(1)
public class ConnectionBenchmark {

	/** Three MariaDB servers that live as long as the fork. */
	@State(Scope.Benchmark)
	public static class Cluster {

		EmbeddedMariaDb db;

		@Setup(Level.Trial)
		public void start() {
			this.db = EmbeddedMariaDb.peers(3);
			this.db.start();
		}

		@TearDown(Level.Trial)
		public void stop() {
			this.db.close();
		}

	}

	/** The data source of one system over the cluster. */
	@State(Scope.Benchmark)
	public static class Pool {

		@Param({ "floor", "peerpool-1", "peerpool", "naive-routing", "connectorj-lb", "mariadb-lb" })
		String system;

		DataSource dataSource;

		@Setup(Level.Trial)
		public void start(Cluster cluster) throws SQLException {
			this.dataSource = BenchmarkSystem.of(this.system)
				.create(cluster.db.servers(), BenchmarkSystem.Timings.fast());
			// fail here, not in the measurement, when the system cannot serve
			selectOne(this.dataSource);
		}

		@TearDown(Level.Trial)
		public void stop() {
			BenchmarkSystem.close(this.dataSource);
		}

	}

	@Benchmark
	public void getConnectionAndClose(Pool pool, Blackhole blackhole) throws SQLException {
		try (Connection connection = pool.dataSource.getConnection()) {
			// consumed, so that the JIT cannot drop a connection object that is never used
			blackhole.consume(connection);
		}
	}

	@Benchmark
	public int getConnectionSelectOneAndClose(Pool pool) throws SQLException {
		return selectOne(pool.dataSource);
	}

	static int selectOne(DataSource dataSource) throws SQLException {
		try (Connection connection = dataSource.getConnection();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT 1")) {
			result.next();
			return result.getInt(1);
		}
	}

}
