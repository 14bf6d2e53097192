package io.peerpool.balance;

/**
 * Picks one of the candidate peers for a new connection. Runs on every {@code getConnection()}:
 * implementations take no lock and allocate nothing.
 */
public interface BalanceStrategy {

	/**
	 * Chooses a candidate.
	 * @param candidates the peers that can serve this intent, in declared order; never modified
	 * @param excluded bit {@code i} set when the peer with {@link Balanced#index() index} {@code i}
	 * was already tried for this request
	 * @return the index into {@code candidates} of the chosen peer, or -1 when every candidate is excluded
	 */
	int choose(Balanced[] candidates, long excluded);

	/** Whether a candidate is excluded. */
	static boolean isExcluded(Balanced candidate, long excluded) {
		return (excluded & (1L << candidate.index())) != 0;
	}

}
