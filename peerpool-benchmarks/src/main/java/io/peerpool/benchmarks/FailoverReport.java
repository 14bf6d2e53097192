package io.peerpool.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

import io.peerpool.PeerRole;
import io.peerpool.PeerState;
import io.peerpool.benchmarks.FailoverBenchmark.Phase;
import io.peerpool.benchmarks.FailoverBenchmark.StateChange;
import io.peerpool.benchmarks.FailoverBenchmark.SystemResult;
import io.peerpool.benchmarks.FailoverLoad.Outcome;

import static io.peerpool.benchmarks.FailoverBenchmark.format;

/**
 * The Markdown tables of a {@link FailoverBenchmark} run.
 *
 * <p>An operation belongs to the phase in which it <em>ended</em>: a transaction cut by a kill or
 * held by a freeze counts against the fault, not against the quiet phase it started in. "In
 * flight": it had started before the fault; "after": it started once the fault was there.
 */
final class FailoverReport {

	private static final String NONE = "–";

	private FailoverReport() {
	}

	static String markdown(List<SystemResult> results, int threads, Duration phase, BenchmarkSystem.Timings timings) {
		StringBuilder out = new StringBuilder();
		out.append(format("### Failover: %d threads, %.1f s per phase%n%n", threads, phase.toMillis() / 1000.0));
		out.append("Timings: ").append(timings).append(".\n\n");
		out.append("Per phase: ops and failed transactions (failed in flight at the fault / started after it; "
				+ "of them with an unknown outcome, i.e. failed in or after `commit()`), p99 and max latency (ms) of the "
				+ "transactions that ended in the phase; **DOWN**: peerpool marked the victim peer DOWN, ms after the "
				+ "fault; **first ok**: end of the first successful transaction that started after the fault was in "
				+ "place, ms after it (switchover: after the promotion returned, negative if a write succeeded before); "
				+ "**victim ok**: the same on the victim server (restart, thaw: the server that came back; switchover: "
				+ "the new primary); **UP/primary**: peerpool saw the victim UP again (switchover: the new primary's "
				+ "role), ms after the fault was in place; **failures stop**: end of the last failed transaction, ms "
				+ "after the fault; **lost** / **dup** / **phantom**: committed writes missing, writes present more than "
				+ "once, writes that failed before their commit but are present; **unknown present / absent**: writes "
				+ "whose commit failed, found / not found. After a failed transaction a thread pauses "
				+ FailoverBenchmark.FAILURE_PAUSE.toMillis() + " ms.\n\n");
		out.append("| system | phase | ops | failed (in flight / after) | unknown present / absent | p99 ms | max ms "
				+ "| DOWN | first ok | victim ok | UP/primary | failures stop | lost | dup | phantom |\n");
		out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
		for (SystemResult result : results) {
			for (int i = 0; i < result.phases.size(); i++) {
				Phase current = result.phases.get(i);
				List<Outcome> ops = inPhase(result, i);
				long failed = ops.stream().filter(Outcome::failed).count();
				long inFlight = ops.stream().filter((op) -> op.failed() && op.started() < current.started()).count();
				long[] latencies = ops.stream().mapToLong(Outcome::latencyNanos).sorted().toArray();
				Integrity integrity = Integrity.of(ops, result.rows);
				out.append(format("| %s | %s | %d | %d (%d / %d) | %d / %d | %s | %s | %s | %s | %s | %s | %s | %d | %d | %d |%n",
						result.system.label(), current.name(), ops.size(), failed, inFlight, failed - inFlight,
						integrity.unknownPresent, integrity.unknownAbsent, millis(percentile(latencies, 0.99)),
						millis(percentile(latencies, 1.0)), result.peerpool ? down(result, current) : NONE,
						firstOk(result, current, false), (current.victimPort() > 0) ? firstOk(result, current, true) : NONE,
						result.peerpool ? upOrPrimary(result, current) : NONE, failuresStop(ops, current),
						integrity.lost, integrity.duplicated, integrity.phantom));
			}
		}
		out.append("\n");
		out.append("Totals per system (every phase of both topologies):\n\n");
		out.append("| system | ops | committed | failed | unknown present / absent | lost | dup | phantom "
				+ "| max ms | threads blocked at end |\n");
		out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
		for (SystemResult result : results) {
			List<Outcome> ops = result.operations;
			Integrity integrity = Integrity.of(ops, result.rows);
			long failed = ops.stream().filter(Outcome::failed).count();
			out.append(format("| %s | %d | %d | %d | %d / %d | %d | %d | %d | %s | %d |%n", result.system.label(),
					ops.size(), ops.size() - failed, failed, integrity.unknownPresent, integrity.unknownAbsent,
					integrity.lost, integrity.duplicated, integrity.phantom,
					millis(ops.stream().mapToLong(Outcome::latencyNanos).max().orElse(-1)), result.stillBlocked));
		}
		out.append("\n");
		out.append(errorSummary(results));
		return out.toString();
	}

	/** Lost, duplicated and phantom writes among {@code ops}, from the row counts at the end. */
	record Integrity(long lost, long duplicated, long phantom, long unknownPresent, long unknownAbsent) {

		static Integrity of(List<Outcome> ops, Map<Long, Integer> rows) {
			long lost = 0;
			long duplicated = 0;
			long phantom = 0;
			long unknownPresent = 0;
			long unknownAbsent = 0;
			for (Outcome op : ops) {
				int count = rows.getOrDefault(op.id(), 0);
				if (count > 1) {
					duplicated++;
				}
				if (!op.failed()) {
					if (count == 0) {
						lost++;
					}
				}
				else if (op.unknown()) {
					if (count > 0) {
						unknownPresent++;
					}
					else {
						unknownAbsent++;
					}
				}
				else if (count > 0) {
					phantom++;
				}
			}
			return new Integrity(lost, duplicated, phantom, unknownPresent, unknownAbsent);
		}

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
		Phase phase = result.phases.get(index);
		return result.operations.stream().filter((op) -> op.ended() >= phase.started() && op.ended() < phase.ended())
			.toList();
	}

	private static String down(SystemResult result, Phase phase) {
		if (phase.downPeer() == null) {
			return NONE;
		}
		OptionalLong first = result.stateChanges.stream()
			.filter((change) -> change.peer().equals(phase.downPeer()) && change.state() == PeerState.DOWN
					&& change.at() >= phase.started() && change.at() < phase.ended())
			.mapToLong(StateChange::at)
			.min();
		return first.isPresent() ? millis(first.getAsLong() - phase.started()) : "not DOWN";
	}

	/** The victim peer UP again (in a switchover: the new primary seen as primary), from the fault in place. */
	private static String upOrPrimary(SystemResult result, Phase phase) {
		if (phase.victimPeer() == null) {
			return NONE;
		}
		if (phase.downPeer() != null && down(result, phase).equals("not DOWN")) {
			// a fault peerpool did not mark DOWN: nothing to come back from
			return NONE;
		}
		OptionalLong first = result.stateChanges.stream()
			.filter((change) -> change.peer().equals(phase.victimPeer()) && change.at() >= phase.started()
					&& change.at() < phase.ended())
			.filter((change) -> phase.switchover() ? change.role() == PeerRole.PRIMARY && change.state() == PeerState.UP
					: change.state() == PeerState.UP)
			.mapToLong(StateChange::at)
			.min();
		return first.isPresent() ? signedMillis(first.getAsLong() - phase.applied()) : "never";
	}

	private static String firstOk(SystemResult result, Phase phase, boolean onVictim) {
		OptionalLong first = result.operations.stream()
			.filter((op) -> !op.failed() && op.started() >= phase.started() && op.ended() < phase.ended()
					&& (!onVictim || op.port() == phase.victimPort()))
			.mapToLong(Outcome::ended)
			.min();
		return first.isPresent() ? signedMillis(first.getAsLong() - phase.applied()) : "never";
	}

	private static String failuresStop(List<Outcome> ops, Phase phase) {
		OptionalLong last = ops.stream().filter(Outcome::failed).mapToLong(Outcome::ended).max();
		if (last.isEmpty()) {
			return "no failures";
		}
		boolean failingAtEnd = last.getAsLong() > phase.ended() - Duration.ofMillis(500).toNanos();
		return millis(last.getAsLong() - phase.started()) + (failingAtEnd ? " (still failing)" : "");
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
			return NONE;
		}
		return format("%.0f", nanos / 1_000_000.0);
	}

	private static String signedMillis(long nanos) {
		return format("%.0f", nanos / 1_000_000.0);
	}

}
