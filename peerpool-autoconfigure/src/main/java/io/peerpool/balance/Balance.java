package io.peerpool.balance;

import java.util.function.Supplier;

/** How a pool spreads new connections over the peers that can serve ({@code balance} property). */
public enum Balance {

	/** A random healthy peer: no coordination, spreads evenly. */
	RANDOM(RandomBalance::new),

	/** Healthy peers in turn. */
	ROUND_ROBIN(RoundRobinBalance::new),

	/** The healthy peer with the fewest connections borrowed through this pool. */
	LEAST_CONNECTIONS(LeastConnectionsBalance::new),

	/** The first healthy peer in declared order: a sticky single writer. */
	SEQUENTIAL(SequentialBalance::new),

	/** A random healthy peer, by each peer's {@code weight}. */
	WEIGHTED(WeightedBalance::new);

	private final Supplier<BalanceStrategy> factory;

	Balance(Supplier<BalanceStrategy> factory) {
		this.factory = factory;
	}

	/** A new strategy instance (strategies may hold per-pool state, such as a round-robin counter). */
	public BalanceStrategy newStrategy() {
		return this.factory.get();
	}

}
