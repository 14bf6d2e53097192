package io.peerpool.benchmarks;

import java.sql.SQLException;
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
 * {@link ConnectionBenchmark#getConnectionSelectOneAndClose} over an in-memory H2 database:
 * plain HikariCP ({@code h2-hikari}) against peerpool over one H2 peer ({@code h2-peerpool}), same
 * pool settings. Without a server process and a loopback round trip (~30–80 µs against MariaDB),
 * an operation takes a few microseconds, so what the wrapper costs (the lazy connection, the
 * statement wrapper, peer choice) is visible in time per op, not only in the caller's CPU and
 * allocation.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
@Threads(1)
public class InMemoryConnectionBenchmark {

	/** The data source of one system over H2. */
	@State(Scope.Benchmark)
	public static class Pool {

		@Param({ "h2-hikari", "h2-peerpool", "h2-peerpool-observed" })
		String system;

		DataSource dataSource;

		@Setup(Level.Trial)
		public void start() throws SQLException {
			this.dataSource = BenchmarkSystem.of(this.system).create(java.util.List.of(), BenchmarkSystem.Timings.fast());
			// fail here, not in the measurement, when the system cannot serve
			ConnectionBenchmark.selectOne(this.dataSource);
		}

		@TearDown(Level.Trial)
		public void stop() {
			BenchmarkSystem.close(this.dataSource);
		}

	}

	@Benchmark
	public int getConnectionSelectOneAndClose(Pool pool) throws SQLException {
		return ConnectionBenchmark.selectOne(pool.dataSource);
	}

}
