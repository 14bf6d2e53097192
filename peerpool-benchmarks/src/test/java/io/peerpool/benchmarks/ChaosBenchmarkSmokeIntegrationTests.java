package io.peerpool.benchmarks;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.peerpool.test.ChaosReport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CI check of the chaos benchmark: a short run on MariaDB completes, applies faults and prints the
 * report with every invariant holding. No assertion on failures or timings: a loaded CI machine is
 * not a benchmark.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ChaosBenchmarkSmokeIntegrationTests {

	@Test
	void shortRunOnMariaDbAppliesFaultsAndKeepsTheInvariants() throws Exception {
		ChaosReport report = ChaosBenchmark.run("mariadb", Duration.ofSeconds(8), 13, 4);
		System.out.println(report);

		assertThat(report.events()).isNotEmpty();
		assertThat(report.writesCommitted()).isPositive();
		assertThat(report.violations()).isEmpty();
		assertThat(report.toString()).contains("Chaos run: seed 13", "integrity     lost 0, duplicated 0",
				"invariants    all hold");
	}

}
