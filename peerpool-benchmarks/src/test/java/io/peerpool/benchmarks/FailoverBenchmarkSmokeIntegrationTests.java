package io.peerpool.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CI check of the failover benchmark: a short run of the whole fault schedule completes and
 * prints its tables. Deliberately no assertion on timings: a loaded CI machine is not a benchmark.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class FailoverBenchmarkSmokeIntegrationTests {

	@Test
	void shortRunOfTheWholeScheduleCompletesAndPrintsTheTables() throws Exception {
		ByteArrayOutputStream progress = new ByteArrayOutputStream();
		String report = new FailoverBenchmark(2, Duration.ofMillis(1200), BenchmarkSystem.Timings.fast(),
				new PrintStream(progress, true, StandardCharsets.UTF_8))
			.run(List.of(BenchmarkSystem.PEERPOOL_DEFAULT));
		System.out.println(report);

		assertThat(progress.toString(StandardCharsets.UTF_8)).contains("kill peer1", "freeze peer2", "restart all",
				"switchover primary → replica0");
		assertThat(report).contains("| system | phase | ops | failed (in flight / after) |");
		for (String phase : List.of("steady", "kill peer1", "restart peer1", "freeze peer2", "thaw peer2",
				"reset peer0 connections", "latency 100 ms peer0", "kill all", "restart all", "steady (replicated)",
				"switchover primary → replica0")) {
			assertThat(report).contains("| peerpool-default | " + phase + " |");
		}
		assertThat(report).contains("| system | ops | committed | failed |");
	}

	@Test
	void everySystemHasALabelTheCommandLineAccepts() {
		assertThat(FailoverBenchmark.systems("all")).hasSize(8).doesNotContain(BenchmarkSystem.FLOOR, BenchmarkSystem.PEERPOOL_DEFAULT);
		for (BenchmarkSystem system : BenchmarkSystem.values()) {
			assertThat(BenchmarkSystem.of(system.label())).isSameAs(system);
		}
	}

}
