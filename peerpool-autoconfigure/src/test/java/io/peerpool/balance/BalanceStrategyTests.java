package io.peerpool.balance;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

class BalanceStrategyTests {

	record Candidate(int index, int weight, int activeConnections) implements Balanced {
	}

	private static final Balanced[] THREE = { new Candidate(0, 1, 0), new Candidate(1, 1, 0), new Candidate(2, 1, 0) };

	@ParameterizedTest
	@EnumSource(Balance.class)
	void everyStrategySkipsExcludedPeersAndReportsWhenNoneIsLeft(Balance balance) {
		BalanceStrategy strategy = balance.newStrategy();
		long excludeFirstTwo = 0b011;
		for (int i = 0; i < 50; i++) {
			assertThat(strategy.choose(THREE, excludeFirstTwo)).isEqualTo(2);
		}
		assertThat(strategy.choose(THREE, 0b111)).isEqualTo(-1);
		assertThat(strategy.choose(new Balanced[0], 0)).isEqualTo(-1);
		Balanced[] one = { new Candidate(4, 1, 0) };
		assertThat(strategy.choose(one, 0)).isEqualTo(0);
		assertThat(strategy.choose(one, 1L << 4)).isEqualTo(-1);
	}

	@Test
	void roundRobinVisitsPeersInTurn() {
		BalanceStrategy strategy = Balance.ROUND_ROBIN.newStrategy();
		assertThat(new int[] { strategy.choose(THREE, 0), strategy.choose(THREE, 0), strategy.choose(THREE, 0),
				strategy.choose(THREE, 0) })
			.containsExactly(0, 1, 2, 0);
	}

	@Test
	void sequentialStaysOnTheFirstHealthyPeer() {
		BalanceStrategy strategy = Balance.SEQUENTIAL.newStrategy();
		for (int i = 0; i < 10; i++) {
			assertThat(strategy.choose(THREE, 0)).isZero();
			assertThat(strategy.choose(THREE, 0b001)).isEqualTo(1);
		}
	}

	@Test
	void leastConnectionsPicksThePeerWithFewestBorrowedConnections() {
		Balanced[] busy = { new Candidate(0, 1, 5), new Candidate(1, 1, 1), new Candidate(2, 1, 3) };
		BalanceStrategy strategy = Balance.LEAST_CONNECTIONS.newStrategy();
		for (int i = 0; i < 20; i++) {
			assertThat(strategy.choose(busy, 0)).isEqualTo(1);
			assertThat(strategy.choose(busy, 0b010)).isEqualTo(2);
		}
	}

	@Test
	void randomSpreadsOverAllPeers() {
		assertThat(histogram(Balance.RANDOM.newStrategy(), THREE, 3000)).allSatisfy((index, count) -> assertThat(count)
			.isBetween(800, 1200));
	}

	@Test
	void weightedFollowsTheWeights() {
		Balanced[] weighted = { new Candidate(0, 1, 0), new Candidate(1, 3, 0) };
		Map<Integer, Integer> counts = histogram(Balance.WEIGHTED.newStrategy(), weighted, 4000);
		assertThat(counts.get(0)).isBetween(800, 1200);
		assertThat(counts.get(1)).isBetween(2800, 3200);
	}

	private static Map<Integer, Integer> histogram(BalanceStrategy strategy, Balanced[] candidates, int draws) {
		Map<Integer, Integer> counts = new HashMap<>();
		for (int i = 0; i < draws; i++) {
			counts.merge(strategy.choose(candidates, 0), 1, Integer::sum);
		}
		return counts;
	}

}
