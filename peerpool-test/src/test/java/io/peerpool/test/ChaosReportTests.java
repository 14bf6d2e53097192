package io.peerpool.test;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The report's arithmetic: percentiles, which fault a failure belongs to, what counts as a violation. */
class ChaosReportTests {

	@Test
	void anErrorIsDescribedWithWhatWasAttachedToItAsSuppressed() {
		// a replay that gave up attaches its reason to the original error, which the message does not say
		java.sql.SQLException lost = new java.sql.SQLException("An I/O error occurred", "08006");
		lost.addSuppressed(new java.sql.SQLTransientConnectionException("No peer can serve", "08001"));
		assertThat(ChaosRun.describe(lost))
			.isEqualTo("SQLException [08006]: An I/O error occurred (then SQLTransientConnectionException [08001])");
		assertThat(ChaosRun.describe(new IllegalStateException("boom"))).isEqualTo("IllegalStateException: boom");
	}

	@Test
	void percentilesAreExactAtMillisecondResolution() {
		ChaosReport.Latencies latencies = new ChaosReport.Latencies();
		for (int i = 1; i <= 1000; i++) {
			latencies.record(i);
		}
		assertThat(latencies.percentile(0.50)).isEqualTo(500);
		assertThat(latencies.percentile(0.99)).isEqualTo(990);
		assertThat(latencies.percentile(0.999)).isEqualTo(999);
		assertThat(new ChaosReport.Latencies().percentile(0.99)).isZero();
	}

	@Test
	void aFailureBelongsToTheLastFaultAppliedBeforeItEnded() {
		ChaosReport.Builder builder = builder();
		ChaosReport.Event kill = new ChaosReport.Event(100, "kill peer1 for 500 ms, restart", 1_000, 2_000, 3_000);
		ChaosReport.Event freeze = new ChaosReport.Event(900, "freeze peer2 for 500 ms, thaw", 10_000, 11_000, 12_000);
		builder.eventFailures.put(kill, new java.util.ArrayList<>());
		builder.eventFailures.put(freeze, new java.util.ArrayList<>());
		builder.addFailure("write", "failed: before any fault", 100, 200);
		builder.addFailure("write", "failed: during the kill", 900, 1_500);
		builder.addFailure("write", "unknown: after the kill healed", 4_000, 5_000);
		builder.addFailure("read", "read failed: during the freeze", 10_500, 10_600);

		ChaosReport report = builder.build();

		assertThat(report.failures()).hasSize(3);
		assertThat(report.failures().get(0).event()).isNull();
		assertThat(report.failures().get(0).writesFailed()).isEqualTo(1);
		ChaosReport.EventFailures killed = report.failures().get(1);
		assertThat(killed.event()).isEqualTo(kill);
		assertThat(killed.writesFailed()).isEqualTo(1);
		assertThat(killed.writesUnknown()).isEqualTo(1);
		assertThat(killed.afterHealthy()).as("the unknown one started after the topology was healthy").isEqualTo(1);
		assertThat(report.failures().get(2).readsFailed()).isEqualTo(1);
		assertThat(report.toString()).contains("before any fault: 1 writes failed", "kill peer1",
				"(1 of them started after the topology was healthy again)");
	}

	@Test
	void integrityLeaksAndThePasswordAreViolationsWhileFailuresAndTheWaitAreFigures() {
		ChaosReport.Builder builder = builder();
		builder.failed = 100;
		builder.maxWaitMillis = 9_000;
		assertThat(builder.build().violations()).isEmpty();
		assertThat(builder.build().waitWithinBound()).isFalse();

		builder.lost.add(42L);
		builder.duplicated.add(43L);
		builder.activeAtEnd = 2;
		builder.passwordInLog = true;
		assertThat(builder.build().violations()).hasSize(4)
			.anyMatch((v) -> v.startsWith("1 committed writes lost, ids [42]"))
			.anyMatch((v) -> v.startsWith("1 writes duplicated, ids [43]"))
			.anyMatch((v) -> v.startsWith("2 connections still active"))
			.anyMatch((v) -> v.equals("the password appears in the log"));
	}

	private static ChaosReport.Builder builder() {
		return new ChaosReport.Builder(13, 8, Duration.ofSeconds(30), "test topology", "primary", Duration.ofSeconds(7));
	}

}
