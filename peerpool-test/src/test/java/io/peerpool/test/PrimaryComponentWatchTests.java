package io.peerpool.test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.peerpool.test.PrimaryComponentWatch.Sample;

import static org.assertj.core.api.Assertions.assertThat;

/** The evaluation of a sampled history (times in ms, answered 5 ms after asked). */
class PrimaryComponentWatchTests {

	@Test
	void theClusterIsWithoutAPrimaryComponentOnlyWhileAMajorityIsOut() {
		// node0 out from its sample at 300 to 500, node1 from 400 to 600: both (a majority) in [395, 500]
		PrimaryComponentWatch watch = new PrimaryComponentWatch(3,
				Map.of("node0", samples("P P P N N P P P"), "node1", samples("P P P P N N P P"), "node2",
						samples("P P P P P P P P")));

		assertThat(watch.withoutPrimaryComponent()).singleElement()
			.satisfies((period) -> assertThat(period).containsExactly(ms(305), ms(500)));
		assertThat(watch.withoutPrimaryComponentDuring(ms(450), ms(460))).isTrue();
		assertThat(watch.withoutPrimaryComponentDuring(ms(100), ms(396))).as("overlaps the start").isTrue();
		assertThat(watch.withoutPrimaryComponentDuring(ms(100), ms(300))).as("node0 alone was out").isFalse();
		assertThat(watch.withoutPrimaryComponentDuring(ms(501), ms(700))).as("node1 alone was out").isFalse();
	}

	@Test
	void oneNodeOutOfThreeLeavesAQuorum() {
		PrimaryComponentWatch watch = new PrimaryComponentWatch(3,
				Map.of("node0", samples("P N N N N P"), "node1", samples("P P P P P P"), "node2",
						samples("P P P P P P")));

		assertThat(watch.withoutPrimaryComponent()).isEmpty();
		assertThat(watch.outOfPrimaryByNode().get("node0")).singleElement()
			.satisfies((period) -> assertThat(period).containsExactly(ms(5), ms(500)));
	}

	@Test
	void aSampleWithoutAnswerIsNoEvidenceOfBeingOut() {
		// node2 frozen (no answer) while node0 is out: no majority is known to be out
		PrimaryComponentWatch watch = new PrimaryComponentWatch(3,
				Map.of("node0", samples("P N N N P"), "node1", samples("P P P P P"), "node2", samples("P - - - P")));

		assertThat(watch.withoutPrimaryComponent()).isEmpty();
		assertThat(watch.answeredAfter("node2", ms(50))).isEqualTo(1);
	}

	@Test
	void aRunUntilTheLastSampleEndsWithItsAnswer() {
		PrimaryComponentWatch watch = new PrimaryComponentWatch(3,
				Map.of("node0", samples("P N N"), "node1", samples("P N N"), "node2", samples("P P P")));

		assertThat(watch.withoutPrimaryComponent()).singleElement()
			.satisfies((period) -> assertThat(period).containsExactly(ms(5), ms(205)));
	}

	/** {@code P} Primary, {@code N} non-Primary, {@code -} no answer; one sample every 100 ms from 0. */
	private static List<Sample> samples(String states) {
		List<Sample> samples = new ArrayList<>();
		long at = 0;
		for (String state : states.split(" ")) {
			String status = switch (state) {
				case "P" -> "Primary";
				case "N" -> "non-Primary";
				default -> null;
			};
			samples.add(new Sample(ms(at), ms(at + 5), status));
			at += 100;
		}
		return samples;
	}

	private static long ms(long millis) {
		return millis * 1_000_000L;
	}

}
