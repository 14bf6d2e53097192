package io.peerpool.balance;

import java.util.concurrent.ThreadLocalRandom;

final class LeastConnectionsBalance implements BalanceStrategy {

	@Override
	public int choose(Balanced[] candidates, long excluded) {
		int count = candidates.length;
		if (count == 0) {
			return -1;
		}
		// start at a random place so that ties do not all go to the first peer
		int start = (count == 1) ? 0 : ThreadLocalRandom.current().nextInt(count);
		int best = -1;
		int bestActive = Integer.MAX_VALUE;
		for (int i = 0; i < count; i++) {
			int at = (start + i) % count;
			Balanced candidate = candidates[at];
			if (!BalanceStrategy.isExcluded(candidate, excluded) && candidate.activeConnections() < bestActive) {
				best = at;
				bestActive = candidate.activeConnections();
			}
		}
		return best;
	}

}
