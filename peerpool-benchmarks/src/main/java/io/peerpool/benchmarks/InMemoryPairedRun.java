package io.peerpool.benchmarks;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import javax.sql.DataSource;

/**
 * {@link InMemoryConnectionBenchmark}'s operation for two systems in one JVM, in alternating blocks
 * (A B, B A, A B, ...), with the ratio of each adjacent pair of blocks: what the machine does
 * meanwhile (a neighbour on the host, a frequency change) slows both blocks of a pair alike, so it
 * cancels in the ratio, where JMH's separate forks measure each system in a different stretch of
 * time. On this 2-core shared machine JMH's ratio moved by ±10 % between pairs of forks; this one's
 * median moves by a few per cent between JVMs, the JIT's own differences from one JVM to the next.
 * It is a harness of its own, not a JMH benchmark, because JMH cannot alternate two
 * systems inside one measurement.
 *
 * <p>Both systems see the same call sites in HikariCP and H2 (peerpool's peer is a HikariCP pool
 * over the same database), so neither pollutes the other's type profiles with a class the other
 * never uses.
 *
 * <p>Arguments: {@code [baseline=h2-hikari] [other=h2-peerpool] [operations per block=10000]
 * [seconds=30]}. Prints one line: ns/op of each, the ratio of the sums, the median ratio of the
 * pairs and its interquartile range.
 */
public final class InMemoryPairedRun {

	/** Keeps the JIT from removing the operations. */
	private static int sink;

	private InMemoryPairedRun() {
	}

	public static void main(String[] args) throws SQLException {
		String baselineName = (args.length > 0) ? args[0] : "h2-hikari";
		String otherName = (args.length > 1) ? args[1] : "h2-peerpool";
		int block = (args.length > 2) ? Integer.parseInt(args[2]) : 10_000;
		int seconds = (args.length > 3) ? Integer.parseInt(args[3]) : 30;
		if (block < 1 || seconds < 1) {
			throw new IllegalArgumentException("operations per block and seconds must be at least 1, got " + block
					+ " and " + seconds + " (arguments: [baseline] [other] [operations per block] [seconds])");
		}
		DataSource baseline = BenchmarkSystem.of(baselineName).create(List.of(), BenchmarkSystem.Timings.fast());
		DataSource other = BenchmarkSystem.of(otherName).create(List.of(), BenchmarkSystem.Timings.fast());
		try {
			for (int i = 0; i < 300_000; i++) {
				sink += ConnectionBenchmark.selectOne(baseline) + ConnectionBenchmark.selectOne(other);
			}
			List<Double> ratios = new ArrayList<>();
			long baselineNanos = 0;
			long otherNanos = 0;
			boolean baselineFirst = true;
			long end = System.nanoTime() + seconds * 1_000_000_000L;
			while (System.nanoTime() < end) {
				long b;
				long o;
				if (baselineFirst) {
					b = run(baseline, block);
					o = run(other, block);
				}
				else {
					o = run(other, block);
					b = run(baseline, block);
				}
				// each first in turn: neither always runs right after the other's garbage
				baselineFirst = !baselineFirst;
				ratios.add((double) o / b);
				baselineNanos += b;
				otherNanos += o;
			}
			Collections.sort(ratios);
			int pairs = ratios.size();
			System.out.println(String.format(Locale.ROOT,
					"%s %.0f ns/op, %s %.0f ns/op, ratio of sums %.3f, median ratio %.3f (IQR %.3f-%.3f), %d pairs of %d operations",
					baselineName, (double) baselineNanos / pairs / block, otherName, (double) otherNanos / pairs / block,
					(double) otherNanos / baselineNanos, ratios.get(pairs / 2), ratios.get(pairs / 4),
					ratios.get(3 * pairs / 4), pairs, block));
		}
		finally {
			BenchmarkSystem.close(baseline);
			BenchmarkSystem.close(other);
		}
		if (sink == 42) {
			System.out.println();
		}
	}

	private static long run(DataSource dataSource, int operations) throws SQLException {
		long start = System.nanoTime();
		for (int i = 0; i < operations; i++) {
			sink += ConnectionBenchmark.selectOne(dataSource);
		}
		return System.nanoTime() - start;
	}

}
