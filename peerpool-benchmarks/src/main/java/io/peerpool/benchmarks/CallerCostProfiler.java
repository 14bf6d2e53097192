package io.peerpool.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * What one operation costs the calling thread itself: bytes it allocated and CPU time it used,
 * counted on the benchmark's own threads (JMH's workers) only.
 *
 * <p>JMH's {@code -prof gc} ({@code gc.alloc.rate.norm}) divides what <em>every</em> thread of the
 * JVM allocated by the operations: peerpool's background probes (each opens a new connection, as
 * the README says) and HikariCP's housekeeping count as if the caller had allocated them, and they weigh more
 * the more peers there are and the slower the run. This profiler reads the per-thread counter of
 * the JMH worker threads ({@code ThreadMXBean#getThreadAllocatedBytes}) before and after each
 * iteration: what the application thread pays on the hot path, exactly, whatever else runs.
 * Reported as {@code caller.alloc.norm} (B/op).
 *
 * <p>Likewise {@code caller.cpu.norm} (ns/op, {@code ThreadMXBean#getThreadCpuTime}): the client's
 * own CPU time per operation. Wall time per op of a loopback round trip is mostly waiting for the
 * server and for a vCPU to wake up, and swings by several times between runs on this shared
 * machine; the caller's CPU time is the cost the library adds, without that noise.
 */
public final class CallerCostProfiler implements InternalProfiler {

	/** JMH names its benchmark threads {@code <benchmark>-jmh-worker-<n>}. */
	private static final String WORKER_MARKER = "-jmh-worker-";

	private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory
		.getThreadMXBean();

	private Map<Long, long[]> before = Map.of();

	@Override
	public String getDescription() {
		return "Bytes allocated and CPU time used per op by the JMH worker threads only (no background threads)";
	}

	@Override
	public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
		this.before = costOfWorkers();
	}

	@Override
	public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
			IterationParams iterationParams, IterationResult result) {
		Map<Long, long[]> after = costOfWorkers();
		long bytes = 0;
		long cpuNanos = 0;
		for (Map.Entry<Long, long[]> worker : after.entrySet()) {
			long[] start = this.before.get(worker.getKey());
			if (start == null) {
				// a worker that did not exist before this iteration (JMH starts them with the first one):
				// its count from the start of the iteration is unknown, so this iteration has no value
				return List.of();
			}
			bytes += worker.getValue()[0] - start[0];
			cpuNanos += worker.getValue()[1] - start[1];
		}
		long operations = result.getMetadata().getAllOps();
		if (after.isEmpty() || operations == 0) {
			return List.of();
		}
		return List.of(
				new ScalarResult("caller.alloc.norm", (double) bytes / operations, "B/op", AggregationPolicy.AVG),
				new ScalarResult("caller.cpu.norm", (double) cpuNanos / operations, "ns/op", AggregationPolicy.AVG));
	}

	/** Bytes allocated and CPU nanoseconds used so far, per JMH worker thread. */
	private static Map<Long, long[]> costOfWorkers() {
		Map<Long, long[]> costs = new HashMap<>();
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			if (thread.getName().contains(WORKER_MARKER)) {
				long bytes = THREADS.getThreadAllocatedBytes(thread.getId());
				long cpu = THREADS.getThreadCpuTime(thread.getId());
				if (bytes >= 0 && cpu >= 0) {
					costs.put(thread.getId(), new long[] { bytes, cpu });
				}
			}
		}
		return costs;
	}

}
