package io.peerpool.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Predicate;

import io.peerpool.PeerState;
import io.peerpool.benchmarks.FailoverBenchmark.Phase;
import io.peerpool.benchmarks.FailoverBenchmark.StateChange;
import io.peerpool.benchmarks.FailoverBenchmark.SystemResult;
import io.peerpool.test.TransactionLoad.Outcome;

import static io.peerpool.benchmarks.FailoverBenchmark.format;

/**
 * The Markdown tables of a {@link FailoverBenchmark} run.
 *
 * <p>An operation belongs to the phase in which it <em>ended</em>: a transaction cut by a kill or
 * held by a freeze counts against the fault, not against the quiet phase it started in.
 */
final class FailoverReport {

	private static final String NEVER = "never";

	private FailoverReport() {
	}

	static String markdown(List<SystemResult> results, int threads, Duration phase, BenchmarkSystem.Timings timings) {
		StringBuilder out = new StringBuilder();
		out.append(format("### Failover: %d threads, %.1f s per phase%n%n", threads, phase.toMillis() / 1000.0));
		out.append("Timings: ").append(timings).append(".\n\n");
		out.append("| system | phase | ops | failed | p99 ms | max ms |\n");
		out.append("|---|---|---:|---:|---:|---:|\n");
		for (SystemResult result : results) {
			for (int i = 0; i < result.phases.size(); i++) {
				Phase current = result.phases.get(i);
				List<Outcome> ops = inPhase(result, i);
				long failed = ops.stream().filter(Outcome::failed).count();
				long[] latencies = ops.stream().mapToLong(Outcome::latencyNanos).sorted().toArray();
				out.append(format("| %s | %s | %d | %d | %s | %s |%n", result.system.label(), current.name(),
						ops.size(), failed, millis(percentile(latencies, 0.99)),
						millis(percentile(latencies, 1.0))));
			}
		}
		out.append("\n");
		out.append("Times in ms after the fault: kill and freeze from the signal; restart and thaw from the moment the ")
			.append("server accepts connections again (restart all: the first server). ")
			.append("\"in flight\": transactions running (on any server) when the fault hit, an upper bound of those on the victim; ")
			.append("\"failures stop\": end of the last failed transaction of the phase; ")
			.append("\"serves again\": end of the first successful transaction on that server before \"kill all\"; ")
			.append("\"time to fail\": latency of the failed transactions that started after all servers were killed (p50 / max); ")
			.append("\"DOWN\"/\"UP\": peerpool's peer state. After a failed transaction a thread pauses ")
			.append(FailoverBenchmark.FAILURE_PAUSE.toMillis()).append(" ms.\n\n");
		out.append("| system | kill: failed / in flight | kill: failures stop | kill: DOWN | restart: serves again | restart: UP "
				+ "| freeze: failed / in flight | freeze: failures stop | freeze: DOWN | thaw: serves again "
				+ "| all down: time to fail p50 / max | all restarted: serves again | threads blocked at end |\n");
		out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
		for (SystemResult result : results) {
			String killedPeer = "peer" + FailoverBenchmark.KILLED;
			String frozenPeer = "peer" + FailoverBenchmark.FROZEN;
			Phase kill = result.phases.get(1);
			Phase restart = result.phases.get(2);
			Phase freeze = result.phases.get(3);
			Phase thaw = result.phases.get(4);
			Phase killAll = result.phases.get(5);
			Phase restartAll = result.phases.get(6);
			boolean peerpool = result.system == BenchmarkSystem.PEERPOOL;
			out.append(format("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d |%n",
					result.system.label(), failedOverInFlight(result, 1), failuresStop(result, 1),
					peerpool ? stateAfter(result, killedPeer, PeerState.DOWN, kill, true) : "–",
					servesAgain(result, restart, killAll, (op) -> op.port() == result.killedPort),
					peerpool ? stateAfter(result, killedPeer, PeerState.UP, restart, false) : "–",
					failedOverInFlight(result, 3), failuresStop(result, 3),
					peerpool ? stateAfter(result, frozenPeer, PeerState.DOWN, freeze, true) : "–",
					servesAgain(result, thaw, killAll, (op) -> op.port() == result.frozenPort), timeToFail(result, killAll),
					servesAgain(result, restartAll, null, (op) -> true), result.stillBlocked));
		}
		out.append("\n");
		out.append(errorSummary(results));
		return out.toString();
	}

	/**
	 * The distinct errors per system and phase, with counts: numbers (connection ids, ports,
	 * timings, timestamps) are replaced by {@code #} so that one kind of error is one line.
	 */
	private static String errorSummary(List<SystemResult> results) {
		StringBuilder out = new StringBuilder("Errors seen (system / phase: count × message, numbers replaced by #):\n\n");
		for (SystemResult result : results) {
			for (int i = 0; i < result.phases.size(); i++) {
				Map<String, Integer> counts = new TreeMap<>();
				for (Outcome op : inPhase(result, i)) {
					if (op.failed()) {
						String message = op.error().replaceAll("\\s+", " ").replaceAll("[0-9][0-9.:,\\-TZ]*", "#");
						counts.merge(message.substring(0, Math.min(140, message.length())), 1, Integer::sum);
					}
				}
				for (Map.Entry<String, Integer> entry : counts.entrySet()) {
					out.append(format("- %s / %s: %d × `%s`%n", result.system.label(), result.phases.get(i).name(),
							entry.getValue(), entry.getKey().replace('`', '\'')));
				}
			}
		}
		return out.toString();
	}

	static List<Outcome> inPhase(SystemResult result, int index) {
		long from = result.phases.get(index).started();
		long to = (index + 1 < result.phases.size()) ? result.phases.get(index + 1).started() : Long.MAX_VALUE;
		return result.operations.stream().filter((op) -> op.ended() >= from && op.ended() < to).toList();
	}

	private static long inFlight(List<Outcome> operations, long at) {
		return operations.stream().filter((op) -> op.started() < at && op.ended() > at).count();
	}

	private static String failedOverInFlight(SystemResult result, int index) {
		long failed = inPhase(result, index).stream().filter(Outcome::failed).count();
		return failed + " / " + inFlight(result.operations, result.phases.get(index).started());
	}

	private static String failuresStop(SystemResult result, int index) {
		// kill and freeze take effect when the signal is sent, not when kill() returned
		long applied = result.phases.get(index).started();
		OptionalLong last = inPhase(result, index).stream()
			.filter(Outcome::failed)
			.mapToLong(Outcome::ended)
			.max();
		if (last.isEmpty()) {
			return "no failures";
		}
		boolean failingAtEnd = (index + 1 < result.phases.size())
				&& last.getAsLong() > result.phases.get(index + 1).started() - Duration.ofMillis(500).toNanos();
		return millis(last.getAsLong() - applied) + (failingAtEnd ? " (still failing at phase end)" : "");
	}

	private static String servesAgain(SystemResult result, Phase phase, Phase until, Predicate<Outcome> where) {
		long end = (until != null) ? until.started() : Long.MAX_VALUE;
		OptionalLong first = result.operations.stream()
			.filter((op) -> !op.failed() && op.started() >= phase.started() && op.ended() < end && where.test(op))
			.mapToLong(Outcome::ended)
			.min();
		return first.isPresent() ? millis(Math.max(0, first.getAsLong() - phase.applied())) : NEVER;
	}

	private static String stateAfter(SystemResult result, String peer, PeerState state, Phase phase,
			boolean fromSignal) {
		long from = fromSignal ? phase.started() : phase.applied();
		OptionalLong first = result.stateChanges.stream()
			.filter((change) -> change.peer().equals(peer) && change.state() == state && change.at() >= phase.started())
			.mapToLong(StateChange::at)
			.min();
		return first.isPresent() ? millis(Math.max(0, first.getAsLong() - from)) : NEVER;
	}

	private static String timeToFail(SystemResult result, Phase killAll) {
		long[] latencies = result.operations.stream()
			.filter((op) -> op.failed() && op.started() >= killAll.applied())
			.mapToLong(Outcome::latencyNanos)
			.sorted()
			.toArray();
		if (latencies.length == 0) {
			Phase restartAll = result.phases.get(result.phases.indexOf(killAll) + 1);
			long longest = result.operations.stream()
				.filter((op) -> op.started() < restartAll.started() && op.ended() > killAll.applied())
				.mapToLong((op) -> op.ended() - killAll.applied())
				.max()
				.orElse(0);
			return "none failed; blocked up to " + millis(longest);
		}
		return millis(percentile(latencies, 0.5)) + " / " + millis(percentile(latencies, 1.0));
	}

	private static long percentile(long[] sorted, double fraction) {
		if (sorted.length == 0) {
			return -1;
		}
		int index = (int) Math.ceil(fraction * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
	}

	private static String millis(long nanos) {
		if (nanos < 0) {
			return "–";
		}
		return format("%.0f", nanos / 1_000_000.0);
	}

}
