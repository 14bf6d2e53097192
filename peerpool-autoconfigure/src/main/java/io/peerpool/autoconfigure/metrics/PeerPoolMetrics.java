package io.peerpool.autoconfigure.metrics;

import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import io.peerpool.PeerPoolDataSource;
import io.peerpool.PeerRole;
import io.peerpool.failure.FailureReason;
import io.peerpool.peer.Peer;
import io.peerpool.peer.PeerStatus;

/**
 * Micrometer meters of every pool, tagged {@code pool}, {@code peer} and {@code role}:
 * <ul>
 * <li>{@code peerpool.peer.up}: gauge, 1 while the peer is healthy, 0 while it is DOWN (a drained
 * peer is healthy: drain is an operator's choice, not a failure);
 * <li>{@code peerpool.connections.routed}: counter of connections routed to the peer;
 * <li>{@code peerpool.peer.failures}: counter of the peer's UP to DOWN transitions, tag
 * {@code reason} ({@code connect}, {@code timeout}, {@code auth}, ...);
 * <li>{@code peerpool.failovers}: counter of failures of the peer that another peer of the pool
 * could take over (another writable peer for a primary, any peer for a replica).
 * </ul>
 * All meters are built when bound; afterwards the gauge and the routed counter read the peer's
 * own counters, and a state change only increments an existing counter, so nothing is looked up
 * or allocated on the connection path.
 */
public class PeerPoolMetrics implements MeterBinder {

	private final Supplier<List<PeerPoolDataSource>> pools;

	/**
	 * @param pools the pools to measure, asked for when the meters are bound (after the
	 * application's singletons exist)
	 */
	public PeerPoolMetrics(Supplier<List<PeerPoolDataSource>> pools) {
		this.pools = pools;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (PeerPoolDataSource pool : this.pools.get()) {
			bind(pool, registry);
		}
	}

	private void bind(PeerPoolDataSource pool, MeterRegistry registry) {
		Map<Peer, PeerMeters> meters = new IdentityHashMap<>();
		for (Peer peer : pool.peers()) {
			meters.put(peer, new PeerMeters(pool, peer, registry));
		}
		pool.addPeerListener((peer, previous, current) -> {
			PeerMeters peerMeters = meters.get(peer);
			if (peerMeters != null) {
				peerMeters.statusChanged(pool, peer, previous, current);
			}
		});
	}

	private static final class PeerMeters {

		private final Map<FailureReason, Counter> failures = new EnumMap<>(FailureReason.class);

		private final Counter failovers;

		PeerMeters(PeerPoolDataSource pool, Peer peer, MeterRegistry registry) {
			Tags tags = Tags.of("pool", pool.getName(), "peer", peer.name(), "role",
					peer.role().name().toLowerCase(Locale.ROOT));
			Gauge.builder("peerpool.peer.up", peer, (p) -> p.status().isUp() ? 1 : 0)
				.tags(tags)
				.description("Whether the peer is healthy (1) or DOWN (0)")
				.strongReference(true)
				.register(registry);
			FunctionCounter.builder("peerpool.connections.routed", peer, Peer::routedConnections)
				.tags(tags)
				.description("Connections routed to the peer")
				.register(registry);
			// every reason exists from the start (at 0), so a rate can be alerted on before the first failure
			for (FailureReason reason : FailureReason.values()) {
				this.failures.put(reason,
						Counter.builder("peerpool.peer.failures")
							.tags(tags)
							.tag("reason", reason.tag())
							.description("Times the peer was marked DOWN, by reason")
							.register(registry));
			}
			this.failovers = Counter.builder("peerpool.failovers")
				.tags(tags)
				.description("Failures of the peer whose traffic another peer of the pool took over")
				.register(registry);
		}

		void statusChanged(PeerPoolDataSource pool, Peer peer, PeerStatus previous, PeerStatus current) {
			if (!previous.isUp() || current.isUp()) {
				return;
			}
			Counter failure = this.failures.get((current.reason() != null) ? current.reason() : FailureReason.PROBE);
			failure.increment();
			if (canTakeOver(pool, peer)) {
				this.failovers.increment();
			}
		}

		private static boolean canTakeOver(PeerPoolDataSource pool, Peer failed) {
			for (Peer other : pool.peers()) {
				if (other != failed && other.isRoutable()
						&& (failed.role() == PeerRole.REPLICA || other.role() != PeerRole.REPLICA)) {
					return true;
				}
			}
			return false;
		}

	}

}
