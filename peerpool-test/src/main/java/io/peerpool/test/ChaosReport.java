package io.peerpool.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * What a {@link ChaosRun} measured and checked; {@link #toString()} prints it readably.
 * {@link #violations()} lists the invariants that do not hold: lost, duplicated or phantom writes,
 * connections left active, stuck threads, the password in the log, a schedule that could not run.
 * The wait bound and the failed transactions are figures ({@link #maxWaitMillis()},
 * {@link #transactionsOverBound()}, {@link #writesFailed()}, ...), for the caller to assert or print.
 */
public final class ChaosReport {

	/**
	 * One fault of the schedule.
	 * @param offsetMillis when it was applied, from the start of the run
	 * @param description what was done, for example {@code kill replica0 for 1200 ms, restart}
	 * @param applied {@link System#nanoTime()} when it was applied
	 * @param healed when it was undone (restart, thaw, latency off returned)
	 * @param healthy when the topology was healthy again
	 */
	public record Event(long offsetMillis, String description, long applied, long healed, long healthy) {

		/** From the fault to the end of its undoing (a restart included). */
		public long faultMillis() {
			return TimeUnit.NANOSECONDS.toMillis(this.healed - this.applied);
		}

		/** From the undoing to a healthy topology (replication running, cluster synced). */
		public long recoveryMillis() {
			return TimeUnit.NANOSECONDS.toMillis(this.healthy - this.healed);
		}

	}

	/**
	 * The transactions that failed from one fault until the next ({@code event} null: before the
	 * first fault); {@code afterHealthy} of them started after the topology was healthy again (what
	 * the system under test took to notice).
	 */
	public record EventFailures(@Nullable Event event, long writesFailed, long writesUnknown, long readsFailed,
			long afterHealthy, Map<String, Long> errors) {

	}

	private final long seed;

	private final int threads;

	private final Duration duration;

	private final String topology;

	private final String checkedOn;

	private final Duration waitBound;

	private final long elapsedMillis;

	private final long writes;

	private final long committed;

	private final long failed;

	private final long unknown;

	private final long unknownPresent;

	private final long unknownAbsent;

	private final List<Long> lost;

	private final List<Long> duplicated;

	private final List<Long> failedButPresent;

	private final List<Long> unaccounted;

	private final long reads;

	private final long readsFailed;

	private final long maxWaitMillis;

	private final String maxWaitAt;

	private final long p50Millis;

	private final long p99Millis;

	private final long p999Millis;

	private final long transactionsOverBound;

	private final List<String> stuckThreads;

	private final long stuckWaitMillis;

	private final @Nullable Integer activeAtEnd;

	private final boolean passwordChecked;

	private final boolean passwordInLog;

	private final boolean passwordInErrors;

	private final long logCharacters;

	private final @Nullable String scheduleError;

	private final List<String> wrongWriters;

	private final List<Event> events;

	private final List<EventFailures> failures;

	private final Map<String, Long> errors;

	private ChaosReport(Builder builder) {
		this.seed = builder.seed;
		this.threads = builder.threads;
		this.duration = builder.duration;
		this.topology = builder.topology;
		this.checkedOn = builder.checkedOn;
		this.waitBound = builder.waitBound;
		this.elapsedMillis = builder.elapsedMillis;
		this.writes = builder.writes;
		this.committed = builder.committed;
		this.failed = builder.failed;
		this.unknown = builder.unknown;
		this.unknownPresent = builder.unknownPresent;
		this.unknownAbsent = builder.unknownAbsent;
		this.lost = List.copyOf(builder.lost);
		this.duplicated = List.copyOf(builder.duplicated);
		this.failedButPresent = List.copyOf(builder.failedButPresent);
		this.unaccounted = List.copyOf(builder.unaccounted);
		this.reads = builder.reads;
		this.readsFailed = builder.readsFailed;
		this.maxWaitMillis = Math.max(builder.maxWaitMillis, builder.stuckWaitMillis);
		this.maxWaitAt = (builder.stuckWaitMillis > builder.maxWaitMillis) ? "a stuck thread" : builder.maxWaitAt;
		this.p50Millis = builder.latencies.percentile(0.50);
		this.p99Millis = builder.latencies.percentile(0.99);
		this.p999Millis = builder.latencies.percentile(0.999);
		this.transactionsOverBound = builder.transactionsOverBound;
		this.stuckThreads = List.copyOf(builder.stuckThreads);
		this.stuckWaitMillis = builder.stuckWaitMillis;
		this.activeAtEnd = builder.activeAtEnd;
		this.passwordChecked = builder.passwordChecked;
		this.passwordInLog = builder.passwordInLog;
		this.passwordInErrors = builder.passwordInErrors;
		this.logCharacters = builder.logCharacters;
		this.scheduleError = builder.scheduleError;
		this.wrongWriters = List.copyOf(builder.wrongWriters);
		this.events = List.copyOf(builder.eventFailures.keySet());
		List<EventFailures> byEvent = new ArrayList<>();
		byEvent.add(builder.summarize(null, builder.beforeFirstFault));
		builder.eventFailures.forEach((event, list) -> byEvent.add(builder.summarize(event, list)));
		this.failures = List.copyOf(byEvent);
		this.errors = top(builder.errors, Integer.MAX_VALUE);
	}

	/** The invariants that do not hold, one sentence each; empty when all hold. */
	public List<String> violations() {
		List<String> violations = new ArrayList<>();
		if (!this.lost.isEmpty()) {
			violations.add(this.lost.size() + " committed writes lost, ids " + sample(this.lost));
		}
		if (!this.duplicated.isEmpty()) {
			violations.add(this.duplicated.size() + " writes duplicated, ids " + sample(this.duplicated));
		}
		if (!this.failedButPresent.isEmpty()) {
			violations.add(this.failedButPresent.size() + " writes reported failed before commit are present, ids "
					+ sample(this.failedButPresent));
		}
		if (!this.unaccounted.isEmpty()) {
			violations.add(this.unaccounted.size() + " rows whose write never ended, ids " + sample(this.unaccounted));
		}
		if (this.activeAtEnd != null && this.activeAtEnd != 0) {
			violations.add(this.activeAtEnd + " connections still active 10 s after the threads stopped");
		}
		if (!this.stuckThreads.isEmpty()) {
			violations.add(this.stuckThreads.size() + " threads stuck 30 s after the end: " + this.stuckThreads);
		}
		if (this.passwordInLog) {
			violations.add("the password appears in the log");
		}
		if (this.passwordInErrors) {
			violations.add("the password appears in an error message the application got");
		}
		if (this.scheduleError != null) {
			violations.add("the schedule stopped: " + this.scheduleError);
		}
		for (String wrongWriter : this.wrongWriters) {
			violations.add("writes did not follow the primary: " + wrongWriter);
		}
		return violations;
	}

	/** Whether no transaction took longer than the wait bound. */
	public boolean waitWithinBound() {
		return this.maxWaitMillis <= this.waitBound.toMillis();
	}

	public long seed() {
		return this.seed;
	}

	public long writes() {
		return this.writes;
	}

	public long writesCommitted() {
		return this.committed;
	}

	/** Writes that failed before their commit (nothing committed). */
	public long writesFailed() {
		return this.failed;
	}

	/** Writes whose commit failed or that got SQLState {@code 08007}. */
	public long writesUnknown() {
		return this.unknown;
	}

	/** Unknown writes found committed on the primary. */
	public long unknownPresent() {
		return this.unknownPresent;
	}

	/** Unknown writes not on the primary. */
	public long unknownAbsent() {
		return this.unknownAbsent;
	}

	public List<Long> lost() {
		return this.lost;
	}

	public List<Long> duplicated() {
		return this.duplicated;
	}

	public List<Long> failedButPresent() {
		return this.failedButPresent;
	}

	public long reads() {
		return this.reads;
	}

	public long readsFailed() {
		return this.readsFailed;
	}

	/** The longest any transaction took (or a stuck thread has waited), in milliseconds. */
	public long maxWaitMillis() {
		return this.maxWaitMillis;
	}

	public long p99Millis() {
		return this.p99Millis;
	}

	public long transactionsOverBound() {
		return this.transactionsOverBound;
	}

	/** Connections active once the threads stopped, or null when no supplier was given. */
	public @Nullable Integer activeAtEnd() {
		return this.activeAtEnd;
	}

	public boolean passwordChecked() {
		return this.passwordChecked;
	}

	public List<String> stuckThreads() {
		return this.stuckThreads;
	}

	public List<Event> events() {
		return this.events;
	}

	/** Failed and unknown transactions before the first fault (the first entry), then per fault. */
	public List<EventFailures> failures() {
		return this.failures;
	}

	/** Every error the transactions got, with counts, most frequent first. */
	public Map<String, Long> errors() {
		return this.errors;
	}

	@Override
	public String toString() {
		StringBuilder text = new StringBuilder();
		line(text, "Chaos run: seed %d, %d threads, %d s of faults (%.1f s in all) on %s; checked on %s", this.seed,
				this.threads, this.duration.toSeconds(), this.elapsedMillis / 1000.0, this.topology, this.checkedOn);
		line(text, "  replay: -D%s=%d -D%s=%d", ChaosRun.SEED_PROPERTY, this.seed, ChaosRun.DURATION_PROPERTY,
				this.duration.toSeconds());
		line(text, "writes        %d: %d committed, %d failed before commit, %d unknown (%d present, %d absent)",
				this.writes, this.committed, this.failed, this.unknown, this.unknownPresent, this.unknownAbsent);
		line(text, "integrity     lost %d, duplicated %d, failed but present %d, unaccounted %d", this.lost.size(),
				this.duplicated.size(), this.failedButPresent.size(), this.unaccounted.size());
		line(text, "reads         %d: %d failed", this.reads, this.readsFailed);
		line(text, "latency       p50 %d ms, p99 %d ms, p99.9 %d ms, max %d ms (%s); bound %d ms: %s, %d over",
				this.p50Millis, this.p99Millis, this.p999Millis, this.maxWaitMillis, this.maxWaitAt,
				this.waitBound.toMillis(), waitWithinBound() ? "held" : "EXCEEDED", this.transactionsOverBound);
		line(text, "connections   %s active at the end; %d threads stuck",
				(this.activeAtEnd != null) ? this.activeAtEnd : "(not checked)", this.stuckThreads.size());
		line(text, "password      %s", !this.passwordChecked ? "(not checked)"
				: (this.passwordInLog || this.passwordInErrors) ? "FOUND" + (this.passwordInLog ? " in the log" : "")
						+ (this.passwordInErrors ? " in an error message" : "")
						: "not in the log (" + this.logCharacters + " characters) nor in any error");
		if (this.scheduleError != null) {
			line(text, "schedule      STOPPED: %s", this.scheduleError);
		}
		line(text, "faults (%d):", this.events.size());
		for (EventFailures failures : this.failures) {
			Event event = failures.event();
			boolean none = failures.writesFailed() + failures.writesUnknown() + failures.readsFailed() == 0;
			if (event == null) {
				if (none) {
					continue;
				}
				text.append("  before any fault");
			}
			else {
				text.append(String.format(Locale.ROOT, "  +%6d ms  %-48s took %5d ms, healthy %5d ms later", event.offsetMillis(),
						event.description(), event.faultMillis(), event.recoveryMillis()));
			}
			if (!none) {
				text.append(String.format(Locale.ROOT, ": %d writes failed, %d unknown, %d reads failed",
						failures.writesFailed(), failures.writesUnknown(), failures.readsFailed()));
				if (failures.afterHealthy() > 0) {
					text.append(String.format(Locale.ROOT, " (%d of them started after the topology was healthy again)",
							failures.afterHealthy()));
				}
			}
			text.append('\n');
			failures.errors().forEach((error, count) -> line(text, "      %5d × %s", count, error));
		}
		if (!this.errors.isEmpty()) {
			line(text, "errors:");
			top(this.errors, 15).forEach((error, count) -> line(text, "  %6d × %s", count, error));
		}
		List<String> violations = violations();
		line(text, "invariants    %s", violations.isEmpty() ? "all hold" : "VIOLATED");
		violations.forEach((violation) -> line(text, "  - %s", violation));
		return text.toString();
	}

	private static void line(StringBuilder text, String format, Object... args) {
		text.append(String.format(Locale.ROOT, format, args)).append('\n');
	}

	private static String sample(List<Long> ids) {
		return (ids.size() <= 10) ? ids.toString() : ids.subList(0, 10) + " ...";
	}

	static Map<String, Long> top(Map<String, Long> counts, int limit) {
		Map<String, Long> top = new LinkedHashMap<>();
		counts.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
			.limit(limit)
			.forEach((entry) -> top.put(entry.getKey(), entry.getValue()));
		return top;
	}

	/** Latencies at 1 ms resolution up to 2 minutes (longer counts as 2 minutes). */
	static final class Latencies {

		private static final int LIMIT = 120_000;

		private final int[] counts = new int[LIMIT + 1];

		private long total;

		void record(long millis) {
			this.counts[(int) Math.min(Math.max(millis, 0), LIMIT)]++;
			this.total++;
		}

		void add(Latencies other) {
			for (int i = 0; i < this.counts.length; i++) {
				this.counts[i] += other.counts[i];
			}
			this.total += other.total;
		}

		long percentile(double quantile) {
			if (this.total == 0) {
				return 0;
			}
			long rank = (long) Math.ceil(quantile * this.total);
			long seen = 0;
			for (int i = 0; i < this.counts.length; i++) {
				seen += this.counts[i];
				if (seen >= rank) {
					return i;
				}
			}
			return LIMIT;
		}

	}

	/** Collects the figures; {@link ChaosRun} fills it in. */
	static final class Builder {

		final long seed;

		final int threads;

		final Duration duration;

		final String topology;

		final String checkedOn;

		final Duration waitBound;

		long elapsedMillis;

		long writes;

		long committed;

		long failed;

		long unknown;

		long unknownPresent;

		long unknownAbsent;

		final List<Long> lost = new ArrayList<>();

		final List<Long> duplicated = new ArrayList<>();

		final List<Long> failedButPresent = new ArrayList<>();

		final List<Long> unaccounted = new ArrayList<>();

		long reads;

		long readsFailed;

		long maxWaitMillis;

		String maxWaitAt = "";

		final Latencies latencies = new Latencies();

		long transactionsOverBound;

		List<String> stuckThreads = List.of();

		/** Faults after which the system under test wrote elsewhere than on the healed primary. */
		List<String> wrongWriters = List.of();

		long stuckWaitMillis;

		@Nullable Integer activeAtEnd;

		boolean passwordChecked;

		boolean passwordInLog;

		boolean passwordInErrors;

		long logCharacters;

		@Nullable String scheduleError;

		final Map<Event, List<ChaosRun.Failure>> eventFailures = new LinkedHashMap<>();

		final List<ChaosRun.Failure> beforeFirstFault = new ArrayList<>();

		final Map<String, Long> errors = new TreeMap<>();

		Builder(long seed, int threads, Duration duration, String topology, String checkedOn, Duration waitBound) {
			this.seed = seed;
			this.threads = threads;
			this.duration = duration;
			this.topology = topology;
			this.checkedOn = checkedOn;
			this.waitBound = waitBound;
		}

		/**
		 * Counts a failure overall and under the fault it belongs to: the last one applied before the
		 * transaction ended (failures before the first fault are "before any fault").
		 */
		void addFailure(String kind, String error, long started, long ended) {
			ChaosRun.Failure failure = new ChaosRun.Failure(kind, error, started, ended);
			this.errors.merge(shorten(error), 1L, Long::sum);
			Event owner = null;
			for (Event event : this.eventFailures.keySet()) {
				if (event.applied() <= ended) {
					owner = event;
				}
			}
			if (owner != null) {
				this.eventFailures.get(owner).add(failure);
			}
			else {
				this.beforeFirstFault.add(failure);
			}
		}

		EventFailures summarize(@Nullable Event event, List<ChaosRun.Failure> failures) {
			long writesFailed = failures.stream().filter((f) -> f.error().startsWith("failed")).count();
			long writesUnknown = failures.stream().filter((f) -> f.error().startsWith("unknown")).count();
			long readsFailed = failures.stream().filter((f) -> "read".equals(f.kind())).count();
			long afterHealthy = (event == null) ? 0 : failures.stream().filter((f) -> f.started() > event.healthy()).count();
			Map<String, Long> errors = new TreeMap<>();
			failures.forEach((f) -> errors.merge(shorten(f.error()), 1L, Long::sum));
			return new EventFailures(event, writesFailed, writesUnknown, readsFailed, afterHealthy, top(errors, 5));
		}

		/** One line, without what varies from one occurrence to the next (timestamps, ids). */
		private static String shorten(String error) {
			String line = error.replace('\n', ' ')
				.replaceAll("\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z", "<time>")
				.replaceAll("conn=\\d+", "conn=<n>");
			return (line.length() > 500) ? line.substring(0, 500) + "…" : line;
		}

		ChaosReport build() {
			return new ChaosReport(this);
		}

	}

}
