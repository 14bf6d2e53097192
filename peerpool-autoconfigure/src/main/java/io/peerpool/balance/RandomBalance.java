package io.peerpool.balance;

import java.util.concurrent.ThreadLocalRandom;

final class RandomBalance implements BalanceStrategy {

	@Override
	public int choose(Balanced[] candidates, long excluded) {
		int count = candidates.length;
		if (count == 0) {
			return -1;
		}
		int start = (count == 1) ? 0 : ThreadLocalRandom.current().nextInt(count);
		return RoundRobinBalance.firstNotExcludedFrom(candidates, excluded, start);
	}

}
