package io.peerpool.balance;

import java.util.concurrent.atomic.AtomicInteger;

final class RoundRobinBalance implements BalanceStrategy {

	private final AtomicInteger next = new AtomicInteger();

	@Override
	public int choose(Balanced[] candidates, long excluded) {
		int count = candidates.length;
		if (count == 0) {
			return -1;
		}
		if (count == 1) {
			// one candidate (a single writer, nearly always): no turn to take, and no write to a counter every
			// caller's thread shares
			return BalanceStrategy.isExcluded(candidates[0], excluded) ? -1 : 0;
		}
		// the mask keeps the counter non-negative when it wraps around
		int start = (this.next.getAndIncrement() & Integer.MAX_VALUE) % count;
		return firstNotExcludedFrom(candidates, excluded, start);
	}

	static int firstNotExcludedFrom(Balanced[] candidates, long excluded, int start) {
		int count = candidates.length;
		for (int i = 0; i < count; i++) {
			int at = (start + i) % count;
			if (!BalanceStrategy.isExcluded(candidates[at], excluded)) {
				return at;
			}
		}
		return -1;
	}

}
