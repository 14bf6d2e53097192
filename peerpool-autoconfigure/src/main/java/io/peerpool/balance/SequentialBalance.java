package io.peerpool.balance;

final class SequentialBalance implements BalanceStrategy {

	@Override
	public int choose(Balanced[] candidates, long excluded) {
		return RoundRobinBalance.firstNotExcludedFrom(candidates, excluded, 0);
	}

}
