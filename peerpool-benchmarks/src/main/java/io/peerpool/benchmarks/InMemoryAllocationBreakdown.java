package io.peerpool.benchmarks;

import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import javax.sql.DataSource;

/**
 * Where the caller's bytes go in {@link InMemoryConnectionBenchmark}'s operation, step by step
 * ({@code getConnection}, {@code createStatement}, {@code executeQuery}, {@code next}, the three
 * {@code close}s), for each system: the per-thread allocation counter read between the steps.
 *
 * <p>JMH's figure (and {@link CallerCostProfiler}'s) is the whole operation in a tight loop, where
 * escape analysis may remove an object in one system and not in the other (a deeper call chain is
 * inlined less); reading the counter between the steps keeps every object, so what each system
 * allocates itself shows apart from what the JIT happened to remove.
 *
 * <p>Arguments: {@code [systems=h2-hikari,h2-peerpool] [operations per round=1000000] [rounds=3]}.
 */
public final class InMemoryAllocationBreakdown {

	private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory
		.getThreadMXBean();

	private static final String[] STEPS = { "getConnection", "createStatement", "executeQuery", "next+getInt",
			"ResultSet.close", "Statement.close", "Connection.close" };

	private InMemoryAllocationBreakdown() {
	}

	public static void main(String[] args) throws SQLException {
		String[] systems = ((args.length > 0) ? args[0] : "h2-hikari,h2-peerpool").split(",");
		int operations = (args.length > 1) ? Integer.parseInt(args[1]) : 1_000_000;
		int rounds = (args.length > 2) ? Integer.parseInt(args[2]) : 3;
		System.out.println("| system | " + String.join(" | ", STEPS) + " | total B/op |");
		System.out.println("|---" + "|---:".repeat(STEPS.length + 1) + "|");
		for (String system : systems) {
			DataSource dataSource = BenchmarkSystem.of(system).create(List.of(), BenchmarkSystem.Timings.fast());
			try {
				long[] bytes = null;
				for (int round = 0; round < rounds; round++) {
					// the last round counts: the earlier ones warm the JIT up
					bytes = measure(dataSource, operations);
				}
				StringBuilder row = new StringBuilder("| ").append(system).append(" |");
				long total = 0;
				for (long step : bytes) {
					long perOp = Math.round((double) step / operations);
					total += perOp;
					row.append(' ').append(perOp).append(" |");
				}
				System.out.println(row.append(' ').append(total).append(" |"));
			}
			finally {
				BenchmarkSystem.close(dataSource);
			}
		}
	}

	private static long[] measure(DataSource dataSource, int operations) throws SQLException {
		long[] bytes = new long[STEPS.length];
		long[] at = new long[STEPS.length + 1];
		for (int i = 0; i < operations; i++) {
			at[0] = allocated();
			Connection connection = dataSource.getConnection();
			at[1] = allocated();
			Statement statement = connection.createStatement();
			at[2] = allocated();
			ResultSet result = statement.executeQuery("SELECT 1");
			at[3] = allocated();
			result.next();
			result.getInt(1);
			at[4] = allocated();
			result.close();
			at[5] = allocated();
			statement.close();
			at[6] = allocated();
			connection.close();
			at[7] = allocated();
			for (int step = 0; step < STEPS.length; step++) {
				bytes[step] += at[step + 1] - at[step];
			}
		}
		return bytes;
	}

	private static long allocated() {
		return THREADS.getCurrentThreadAllocatedBytes();
	}

}
