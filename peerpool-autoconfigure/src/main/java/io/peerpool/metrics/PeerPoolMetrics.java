package io.peerpool.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

import io.peerpool.PeerPoolDataSource;
import io.peerpool.PeerRole;
import io.peerpool.ServerIdentity;
import io.peerpool.failure.FailureReason;
import io.peerpool.peer.Peer;
import io.peerpool.peer.PeerListener;
import io.peerpool.peer.PeerStatus;
import io.peerpool.peer.ProbeListener;

/**
 * Micrometer meters of every pool, tagged {@code pool}, {@code peer} and {@code role} (the role
 * the peer plays now: when it changes, after a promotion or a primary turned read-only, the peer's
 * meters are registered again under the new role and the old ones removed, so a dashboard by role
 * shows the current primary; counters of the new series start at 0):
 * <ul>
 * <li>{@code peerpool.peer.up}: gauge, 1 while the peer is healthy, 0 while it is DOWN (a drained
 * or lagging peer is healthy: drain is an operator's choice, lag is not a failure);
 * <li>{@code peerpool.connections.routed}: counter of connections routed to the peer;
 * <li>{@code peerpool.peer.failures}: counter of the peer's UP to DOWN transitions, tag
 * {@code reason} ({@code connect}, {@code timeout}, {@code auth}, ...);
 * <li>{@code peerpool.failovers}: counter of failures of the peer that another peer of the pool
 * could take over (another writable peer for a primary, any peer for a replica);
 * <li>{@code peerpool.probe}: timer of the background probes, tag {@code outcome}
 * ({@code success}, {@code failure}, {@code timeout});
 * <li>{@code peerpool.replica.lag}: gauge, seconds the peer was behind its primary at its last
 * probe (0 for a primary), NaN while unknown (replication stopped, peer DOWN);
 * <li>{@code peerpool.peer.server.changes}: counter of the times another server was found behind
 * the peer's address (see {@code PeerServerChangedEvent});
 * <li>{@code peerpool.writer.conflicts}: counter of the times the peer reported itself writable
 * while another peer was the pool's writer, so that it got no writes (see
 * {@code PeerWriterConflictEvent}).
 * </ul>
 * All meters are built when bound (and again on a role change, off the connection path);
 * afterwards the gauges and the routed counter read the peer's own state, and a state change,
 * probe or server change only updates an existing meter, so nothing is looked up in the registry
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
		// Peer keeps identity equality: a concurrent map, as listeners run on probe and connection threads
		Map<Peer, PeerMeters> meters = new ConcurrentHashMap<>();
		for (Peer peer : pool.peers()) {
			meters.put(peer, new PeerMeters(pool, peer, registry));
		}
		pool.addPeerListener(new PeerListener() {

			@Override
			public void routingChanged(Peer peer) {
				// compute: one re-registration per peer at a time, and none for a lagging flag alone
				meters.computeIfPresent(peer, (key, current) -> {
					if (current.role == peer.role()) {
						return current;
					}
					current.remove(registry);
					return new PeerMeters(pool, peer, registry);
				});
			}

			@Override
			public void statusChanged(Peer peer, PeerStatus previous, PeerStatus current) {
				PeerMeters peerMeters = meters.get(peer);
				if (peerMeters != null) {
					peerMeters.statusChanged(pool, peer, previous, current);
				}
			}

			@Override
			public void serverChanged(Peer peer, ServerIdentity previous, ServerIdentity current) {
				PeerMeters peerMeters = meters.get(peer);
				if (peerMeters != null) {
					peerMeters.serverChanges.increment();
				}
			}

			@Override
			public void writerConflict(Peer peer, Peer writer) {
				// the conflict comes with the peer's change to a writable role, which may not have reached
				// routingChanged yet: count it on the meters of the role it plays now
				PeerMeters peerMeters = meters.computeIfPresent(peer, (key, current) -> {
					if (current.role == peer.role()) {
						return current;
					}
					current.remove(registry);
					return new PeerMeters(pool, peer, registry);
				});
				if (peerMeters != null) {
					peerMeters.writerConflicts.increment();
				}
			}

		});
		pool.monitor().addProbeListener((peer, elapsed, outcome) -> {
			PeerMeters peerMeters = meters.get(peer);
			if (peerMeters != null) {
				peerMeters.probed(elapsed, outcome);
			}
		});
	}

	/** The peer's lag in seconds, NaN when unknown or DOWN. */
	private static double lagSeconds(Peer peer) {
		Double lag = peer.lagSeconds();
		return (lag != null) ? lag : Double.NaN;
	}

	private static final class PeerMeters {

		/** The role the meters are tagged with. */
		private final PeerRole role;

		/** Every meter of the peer, to remove them when its role changes. */
		private final List<Meter> all = new ArrayList<>();

		private final Map<FailureReason, Counter> failures = new EnumMap<>(FailureReason.class);

		private final Counter failovers;

		private final Counter serverChanges;

		private final Counter writerConflicts;

		private final Timer probeSuccess;

		private final Timer probeFailure;

		private final Timer probeTimeout;

		PeerMeters(PeerPoolDataSource pool, Peer peer, MeterRegistry registry) {
			this.role = peer.role();
			Tags tags = Tags.of("pool", pool.getName(), "peer", peer.name(), "role",
					this.role.name().toLowerCase(Locale.ROOT));
			add(Gauge.builder("peerpool.peer.up", peer, (p) -> p.status().isUp() ? 1 : 0)
				.tags(tags)
				.description("Whether the peer is healthy (1) or DOWN (0)")
				.strongReference(true)
				.register(registry));
			add(FunctionCounter.builder("peerpool.connections.routed", peer, Peer::routedConnections)
				.tags(tags)
				.description("Connections routed to the peer")
				.register(registry));
			// every reason exists from the start (at 0), so a rate can be alerted on before the first failure
			for (FailureReason reason : FailureReason.values()) {
				this.failures.put(reason,
						add(Counter.builder("peerpool.peer.failures")
							.tags(tags)
							.tag("reason", reason.tag())
							.description("Times the peer was marked DOWN, by reason")
							.register(registry)));
			}
			this.failovers = add(Counter.builder("peerpool.failovers")
				.tags(tags)
				.description("Failures of the peer whose traffic another peer of the pool took over")
				.register(registry));
			add(Gauge.builder("peerpool.replica.lag", peer, PeerPoolMetrics::lagSeconds)
				.tags(tags)
				.baseUnit("seconds")
				.description("How far the peer was behind its primary at its last probe; NaN when unknown")
				.strongReference(true)
				.register(registry));
			this.serverChanges = add(Counter.builder("peerpool.peer.server.changes")
				.tags(tags)
				.description("Times another server was found behind the peer's address")
				.register(registry));
			this.writerConflicts = add(Counter.builder("peerpool.writer.conflicts")
				.tags(tags)
				.description("Times the peer reported itself writable while another peer was the pool's writer")
				.register(registry));
			this.probeSuccess = add(probeTimer(tags, ProbeListener.SUCCESS, registry));
			this.probeFailure = add(probeTimer(tags, ProbeListener.FAILURE, registry));
			this.probeTimeout = add(probeTimer(tags, ProbeListener.TIMEOUT, registry));
		}

		private <M extends Meter> M add(M meter) {
			this.all.add(meter);
			return meter;
		}

		void remove(MeterRegistry registry) {
			for (Meter meter : this.all) {
				registry.remove(meter);
			}
		}

		private static Timer probeTimer(Tags tags, String outcome, MeterRegistry registry) {
			return Timer.builder("peerpool.probe")
				.tags(tags)
				.tag("outcome", outcome)
				.description("Background probes of the peer, by outcome")
				.register(registry);
		}

		void probed(Duration elapsed, String outcome) {
			Timer timer = switch (outcome) {
				case ProbeListener.SUCCESS -> this.probeSuccess;
				case ProbeListener.TIMEOUT -> this.probeTimeout;
				default -> this.probeFailure;
			};
			timer.record(elapsed);
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
