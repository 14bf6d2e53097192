package io.peerpool.balance;

import java.util.concurrent.ThreadLocalRandom;

final class WeightedBalance implements BalanceStrategy {

	@Override
	public int choose(Balanced[] candidates, long excluded) {
		int total = 0;
		for (Balanced candidate : candidates) {
			if (!BalanceStrategy.isExcluded(candidate, excluded)) {
				total += candidate.weight();
			}
		}
		if (total == 0) {
			return -1;
		}
		int ticket = ThreadLocalRandom.current().nextInt(total);
		for (int i = 0; i < candidates.length; i++) {
			Balanced candidate = candidates[i];
			if (!BalanceStrategy.isExcluded(candidate, excluded)) {
				ticket -= candidate.weight();
				if (ticket < 0) {
					return i;
				}
			}
		}
		return -1;
	}

}
