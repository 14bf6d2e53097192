package io.peerpool.benchmarks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link ConnectionBenchmark} with the GC profiler and prints a Markdown table: ops/s, the
 * ratio of time per op to the floor's (plain HikariCP to one server), and bytes allocated per op.
 * Any JMH command-line option may be given (for example {@code -p system=floor,peerpool}).
 */
public final class ConnectionBenchmarkReport {

	/** The baseline of each benchmark: plain HikariCP to the first MariaDB server, or over H2. */
	private static final List<String> FLOORS = List.of("floor", "h2-hikari");

	private ConnectionBenchmarkReport() {
	}

	public static void main(String[] args) throws RunnerException, CommandLineOptionException {
		CommandLineOptions commandLine = new CommandLineOptions(args);
		OptionsBuilder options = new OptionsBuilder();
		options.parent(commandLine);
		if (commandLine.getIncludes().isEmpty()) {
			options.include(ConnectionBenchmark.class.getName() + ".*");
		}
		options.addProfiler(GCProfiler.class);
		options.addProfiler(CallerCostProfiler.class);
		Collection<RunResult> results = new Runner(options.build()).run();
		System.out.println();
		System.out.println(table(results));
	}

	/** One row per benchmark and system; systems in the order they ran. */
	static String table(Collection<RunResult> results) {
		Map<String, List<RunResult>> byBenchmark = new LinkedHashMap<>();
		for (RunResult result : results) {
			String benchmark = result.getParams().getBenchmark();
			// Class.method: the MariaDB and the H2 benchmarks have methods of the same name
			benchmark = benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1);
			byBenchmark.computeIfAbsent(benchmark, (key) -> new ArrayList<>()).add(result);
		}
		StringBuilder table = new StringBuilder();
		table.append("| benchmark | system | ops/s | ± (99.9%) | time/op µs | time/op vs floor "
				+ "| caller CPU µs/op | vs floor | B/op, caller | vs floor | B/op, all threads | vs floor |\n");
		table.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
		for (Map.Entry<String, List<RunResult>> entry : byBenchmark.entrySet()) {
			RunResult floor = entry.getValue()
				.stream()
				.filter((result) -> FLOORS.contains(result.getParams().getParam("system")))
				.findFirst()
				.orElse(null);
			for (RunResult result : entry.getValue()) {
				Result<?> primary = result.getPrimaryResult();
				double opsPerSecond = primary.getScore();
				String timeRatio = "–";
				if (floor != null) {
					// time per op is 1 / throughput: the ratio of times is the inverse ratio of throughputs
					timeRatio = format("%.2f ×", floor.getPrimaryResult().getScore() / opsPerSecond);
				}
				double micros = 1_000_000.0 / opsPerSecond;
				table.append(format("| %s | %s | %.0f | %.0f | %s | %s | %s | %s | %s |\n", entry.getKey(),
						result.getParams().getParam("system"), opsPerSecond, primary.getScoreError(),
						// an in-memory database takes well under a microsecond: show what differs
						format((micros < 10) ? "%.3f" : "%.1f", micros), timeRatio, cpuColumns(result, floor), allocationColumns(result, floor, "caller.alloc.norm"),
						allocationColumns(result, floor, "gc.alloc.rate.norm")));
			}
		}
		return table.toString();
	}

	/** "caller CPU µs/op | ratio to the floor". */
	private static String cpuColumns(RunResult result, RunResult floor) {
		double cpu = secondary(result, "caller.cpu.norm");
		if (Double.isNaN(cpu)) {
			return "– | –";
		}
		double floorCpu = (floor != null) ? secondary(floor, "caller.cpu.norm") : Double.NaN;
		String ratio = Double.isNaN(floorCpu) ? "–" : format("%.2f ×", cpu / floorCpu);
		return format((cpu < 10_000) ? "%.3f | %s" : "%.2f | %s", cpu / 1000.0, ratio);
	}

	/** "B/op | difference to the floor" of one allocation metric. */
	private static String allocationColumns(RunResult result, RunResult floor, String metric) {
		double allocation = secondary(result, metric);
		if (Double.isNaN(allocation)) {
			return "– | –";
		}
		double floorAllocation = (floor != null) ? secondary(floor, metric) : Double.NaN;
		// rounded first, so that a difference of a fraction of a byte is not shown as "-0"
		String delta = Double.isNaN(floorAllocation) ? "–" : format("%+d", Math.round(allocation - floorAllocation));
		return format("%.0f | %s", allocation, delta);
	}

	private static double secondary(RunResult result, String metric) {
		for (Map.Entry<String, Result> secondary : result.getSecondaryResults().entrySet()) {
			// "gc.alloc.rate.norm" (JMH 1.36+) or "·gc.alloc.rate.norm" (older)
			if (secondary.getKey().endsWith(metric)) {
				return secondary.getValue().getScore();
			}
		}
		return Double.NaN;
	}

	private static String format(String format, Object... args) {
		return String.format(Locale.ROOT, format, args);
	}

}
