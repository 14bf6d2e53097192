package io.peerpool.dialect;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.peerpool.ProbeResult;

import static org.assertj.core.api.Assertions.assertThat;

/** Lag from positions: the primary's positions sampled with their times, a clock under the test's control. */
class ReplicaLagTests {

	private final AtomicLong now = new AtomicLong();

	private final ReplicaLag lag = new ReplicaLag(Duration.ofSeconds(10), this.now::get);

	private static ProbeResult primary(String position) {
		return ProbeResult.ok(false, null, new ProbeResult.Replication("MariaDB", position, false, false, 0, null,
				"SHOW SLAVE STATUS needs SLAVE MONITOR"));
	}

	private static ProbeResult replica(String position) {
		return ProbeResult.ok(true, null, new ProbeResult.Replication("MariaDB", position, true, false, 0, null,
				"SHOW SLAVE STATUS needs SLAVE MONITOR"));
	}

	private void at(long millis) {
		this.now.set(Duration.ofMillis(millis).toNanos());
	}

	@Test
	void aReplicaIsAsFarBehindAsThePrimaryWasWhenFirstSeenAtAPositionTheReplicaLacks() {
		this.lag.establishedWriter(0);
		at(0);
		assertThat(this.lag.measure(0, primary("0-1-10")).lag()).as("the primary").isZero();
		at(1000);
		this.lag.measure(0, primary("0-1-20"));
		at(2000);
		this.lag.measure(0, primary("0-1-30"));
		at(2500);

		ReplicaLag.Measured behind = this.lag.measure(1, replica("0-1-15"));
		assertThat(behind.lag()).isEqualTo(Duration.ofMillis(1500));
		assertThat(behind.source()).isEqualTo(ReplicaLag.POSITION);
		assertThat(this.lag.measure(1, replica("0-1-30")).lag()).as("caught up").isZero();
		assertThat(this.lag.measure(1, replica("0-1-9")).lag()).as("behind the oldest sample: at least that")
			.isEqualTo(Duration.ofMillis(2500));
	}

	/**
	 * A writer the pool could not sample (its server refused the probe a connection at its limit,
	 * and none of its pooled ones was free) may have committed since its last sample: a replica
	 * that reached that sample is behind by at most the time since, and counts as that far behind
	 * until the writer is sampled again, rather than as caught up.
	 */
	@Test
	void aReplicaThatReachedTheLastSampleOfAWriterThatCouldNotBeSampledIsAsFarBehindAsThatSampleIsOld() {
		this.lag.establishedWriter(0);
		at(0);
		this.lag.measure(0, primary("0-1-10"));
		at(1000);
		assertThat(this.lag.measure(1, replica("0-1-10")).lag()).as("caught up").isZero();
		this.lag.writerUnsampled(0);
		at(6000);
		assertThat(this.lag.measure(1, replica("0-1-10")).lag()).as("at most 6 s behind").isEqualTo(Duration.ofSeconds(6));
		assertThat(this.lag.measure(1, replica("0-1-9")).lag()).as("behind the sample: since it was first seen")
			.isEqualTo(Duration.ofSeconds(6));
		at(7000);
		this.lag.measure(0, primary("0-1-10"));
		assertThat(this.lag.measure(1, replica("0-1-10")).lag()).as("the writer sampled again").isZero();
		this.lag.writerUnsampled(0);
		this.lag.writerStopped(0);
		at(20_000);
		assertThat(this.lag.measure(1, replica("0-1-10")).lag()).as("a writer that stopped commits nothing").isZero();
	}

	@Test
	void anIdlePrimaryKeepsOneSampleAndACaughtUpReplicaHasNoLag() {
		at(0);
		this.lag.measure(0, primary("0-1-10"));
		at(60_000);
		this.lag.measure(0, primary("0-1-10"));
		assertThat(this.lag.measure(1, replica("0-1-10")).lag()).isZero();
		assertThat(this.lag.measure(1, replica("0-1-9")).lag()).as("since the position was first seen")
			.isEqualTo(Duration.ofSeconds(60));
	}

	@Test
	void theServersOwnFigureIsUsedWhereTheUserMaySeeIt() {
		at(0);
		this.lag.measure(0, primary("0-1-10"));
		ProbeResult privileged = ProbeResult.ok(true, Duration.ofSeconds(7),
				new ProbeResult.Replication("MariaDB", "0-1-10", true, false, 0, null, null));
		ReplicaLag.Measured measured = this.lag.measure(1, privileged);
		assertThat(measured.lag()).isEqualTo(Duration.ofSeconds(7));
		assertThat(measured.source()).isEqualTo(ReplicaLag.SERVER);
	}

	@Test
	void withoutAPrimaryToCompareWithTheLagIsUnknownAndSaysWhy() {
		ReplicaLag.Measured measured = this.lag.measure(1, replica("0-1-10"));
		assertThat(measured.lag()).isNull();
		assertThat(measured.unknownReason()).contains("SLAVE MONITOR").contains("no writable primary");
	}

	@Test
	void aReplicaIsComparedWithTheEstablishedWriterOnly() {
		at(0);
		this.lag.establishedWriter(0);
		this.lag.measure(0, primary("0-1-10"));
		// an old primary back after a failover, far behind: its samples must not make replicas look current
		this.lag.measure(2, primary("0-3-2"));
		at(4000);
		this.lag.measure(0, primary("0-1-20"));
		at(5000);
		assertThat(this.lag.measure(1, replica("0-1-10")).lag()).isEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void whileTheWriterIsDownTheLagOfAReplicaStaysWhatItWasWhenTheWriterWasLastSeen() {
		this.lag.establishedWriter(0);
		at(0);
		this.lag.measure(0, primary("0-1-10"));
		at(1000);
		this.lag.measure(0, primary("0-1-20"));
		at(2000);
		this.lag.measure(0, primary("0-1-30"));
		at(2300);
		this.lag.writerStopped(0);
		this.lag.establishedWriter(-1);
		at(60_000);

		assertThat(this.lag.measure(1, replica("0-1-29")).lag()).as("all but the writer's last moments")
			.isZero();
		assertThat(this.lag.measure(1, replica("0-1-15")).lag()).as("a second behind when the writer was last seen")
			.isEqualTo(Duration.ofSeconds(1));
		assertThat(this.lag.measure(1, replica("0-1-30")).lag()).as("caught up").isZero();
	}

	@Test
	void controlWhileTheWriterIsUpTheLagOfAReplicaThatStopsApplyingGrows() {
		this.lag.establishedWriter(0);
		at(0);
		this.lag.measure(0, primary("0-1-10"));
		at(2000);
		this.lag.measure(0, primary("0-1-30"));
		at(60_000);
		this.lag.measure(0, primary("0-1-30"));

		assertThat(this.lag.measure(1, replica("0-1-29")).lag()).isEqualTo(Duration.ofSeconds(58));
	}

	@Test
	void aWriterThatTurnsReadOnlyOrComesBackStopsAndRestartsTheClock() {
		this.lag.establishedWriter(0);
		at(0);
		this.lag.measure(0, primary("0-1-10"));
		at(1000);
		this.lag.measure(0, primary("0-1-20"));
		at(2000);
		this.lag.measure(0, primary("0-1-30"));
		// a planned switchover: the old primary is read-only, nothing new is committed until a promotion
		this.lag.establishedWriter(-1);
		this.lag.measure(0, ProbeResult.ok(true, null, new ProbeResult.Replication("MariaDB", "0-1-30", false, false, 0,
				null, "SHOW SLAVE STATUS needs SLAVE MONITOR")));
		at(30_000);
		assertThat(this.lag.measure(1, replica("0-1-10")).lag()).isEqualTo(Duration.ofSeconds(1));
		// writable again: the clock runs
		this.lag.establishedWriter(0);
		this.lag.measure(0, primary("0-1-30"));
		at(31_000);
		assertThat(this.lag.measure(1, replica("0-1-10")).lag()).isEqualTo(Duration.ofSeconds(30));
	}

	/**
	 * A PostgreSQL primary made read-only for a switchover ({@code default_transaction_read_only}):
	 * behind no one until the promoted standby commits, then as far behind as the time since the
	 * new writer was first seen past it; it never replays, so its lag grows until it gets no reads.
	 */
	@Test
	void aPostgresPrimaryMadeReadOnlyFallsBehindThePromotedOne() {
		ProbeResult fenced = ProbeResult.ok(true, null,
				new ProbeResult.Replication("PostgreSQL", "0/3000100", false, false, 1, Duration.ZERO, null));
		this.lag.establishedWriter(0);
		at(0);
		this.lag.measure(0, ProbeResult.ok(false, Duration.ZERO,
				new ProbeResult.Replication("PostgreSQL", "0/3000100", false, false, 1, Duration.ZERO, null)));
		at(500);
		assertThat(this.lag.measure(0, fenced).lag()).as("nothing newer anywhere").isZero();
		this.lag.establishedWriter(1);
		at(1000);
		this.lag.measure(1, ProbeResult.ok(false, Duration.ZERO,
				new ProbeResult.Replication("PostgreSQL", "0/3000200", false, false, 2, Duration.ZERO, null)));
		at(5000);
		ReplicaLag.Measured behind = this.lag.measure(0, fenced);
		assertThat(behind.lag()).isEqualTo(Duration.ofSeconds(4));
		assertThat(behind.source()).isEqualTo(ReplicaLag.POSITION);
	}

	@Test
	void aGaleraNodeNeverLags() {
		ProbeResult node = ProbeResult.ok(false, Duration.ZERO,
				new ProbeResult.Replication("MariaDB", null, false, true, 0, null, null));
		assertThat(this.lag.measure(0, node).lag()).isZero();
	}

}
