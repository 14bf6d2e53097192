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

import io.peerpool.PeerInfo;
import io.peerpool.PeerPool;
import io.peerpool.PeerPoolEvent;
import io.peerpool.PeerPoolListener;
import io.peerpool.PeerPoolListener.ReplayReason;
import io.peerpool.PeerRole;
import io.peerpool.PeerState;
import io.peerpool.failure.FailureReason;

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
 * One meter of the pool, tagged {@code pool}: {@code peerpool.transactions.replayed}, counter of
 * the recorded transactions that ran again ({@code transaction-replay}), tag {@code reason}
 * ({@code connection_lost}, {@code read_only}, {@code recovery_conflict}, {@code conflict}) and
 * {@code outcome} ({@code replayed}: it went on; {@code failed}: the application got the original
 * error), every combination there from the start at 0.
 * All meters are built when bound (and again on a role change, off the connection path);
 * afterwards the gauges and the routed counter read the pool's {@link PeerInfo} of the peer when
 * scraped, and the pool's events and probes ({@link PeerPoolListener}) only update an existing
 * meter, so nothing is looked up in the registry or allocated on the connection path. Works from
 * the API alone ({@link PeerPool}), like the health indicator and the endpoint.
 */
public class PeerPoolMetrics implements MeterBinder {

	private final Supplier<List<? extends PeerPool>> pools;

	/**
	 * @param pools the pools to measure, asked for when the meters are bound (after the
	 * application's singletons exist)
	 */
	public PeerPoolMetrics(Supplier<List<? extends PeerPool>> pools) {
		this.pools = pools;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (PeerPool pool : this.pools.get()) {
			bind(pool, registry);
		}
	}

	private void bind(PeerPool pool, MeterRegistry registry) {
		// by peer name: a concurrent map, as listeners run on probe and connection threads
		Map<String, PeerMeters> meters = new ConcurrentHashMap<>();
		for (PeerInfo peer : pool.getPeers()) {
			meters.put(peer.name(), new PeerMeters(pool, peer.name(), peer.role(), registry));
		}
		// [reason][0]: failed, [1]: replayed
		Map<ReplayReason, Counter[]> replays = new EnumMap<>(ReplayReason.class);
		for (ReplayReason reason : ReplayReason.values()) {
			replays.put(reason, new Counter[] { replayCounter(pool, reason, "failed", registry),
					replayCounter(pool, reason, "replayed", registry) });
		}
		pool.addListener(new PeerPoolListener() {

			@Override
			public void transactionReplayed(String peer, ReplayReason reason, boolean replayed) {
				replays.get(reason)[replayed ? 1 : 0].increment();
			}

			@Override
			public void onEvent(PeerPoolEvent event) {
				String peer = event.peer();
				if (peer == null) {
					return;
				}
				switch (event.type()) {
					case ROLE_CHANGE -> playing(peer, pool.getPeer(peer).role());
					case DOWN -> {
						PeerMeters peerMeters = meters.get(peer);
						// a failure is a change from UP; a peer already DOWN that fails its probe again is not
						if (peerMeters != null && PeerState.UP.name().equals(event.from())) {
							peerMeters.failed(pool, peer, event.reason());
						}
					}
					case SERVER_CHANGE -> {
						PeerMeters peerMeters = meters.get(peer);
						if (peerMeters != null) {
							peerMeters.serverChanges.increment();
						}
					}
					case WRITER_CONFLICT -> {
						// the conflict comes with the peer's change to a writable role, which may not have been
						// told yet: count it on the meters of the role it plays now
						PeerMeters peerMeters = playing(peer, pool.getPeer(peer).role());
						if (peerMeters != null) {
							peerMeters.writerConflicts.increment();
						}
					}
					default -> {
					}
				}
			}

			@Override
			public void probed(PeerInfo peer, Duration elapsed, ProbeOutcome outcome) {
				// the first probe of an auto peer tells its role, which is no role change on the timeline
				PeerMeters peerMeters = playing(peer.name(), peer.role());
				if (peerMeters != null) {
					peerMeters.probed(elapsed, outcome);
				}
			}

			/** The peer's meters, registered again under {@code role} when it plays another one now. */
			private PeerMeters playing(String peer, PeerRole role) {
				// compute: one re-registration per peer at a time
				return meters.computeIfPresent(peer, (key, current) -> {
					if (current.role == role) {
						return current;
					}
					current.remove(registry);
					return new PeerMeters(pool, peer, role, registry);
				});
			}

		});
	}

	private static Counter replayCounter(PeerPool pool, ReplayReason reason, String outcome, MeterRegistry registry) {
		return Counter.builder("peerpool.transactions.replayed")
			.tags("pool", pool.getName(), "reason", reason.tag(), "outcome", outcome)
			.description("Recorded transactions that ran again, by why and whether they went on")
			.register(registry);
	}

	/** The peer's lag in seconds, NaN when unknown or DOWN. */
	private static double lagSeconds(PeerPool pool, String peer) {
		Double lag = pool.getPeer(peer).probedLagSeconds();
		return (lag != null) ? lag : Double.NaN;
	}

	/** Whether the peer is healthy: drained and lagging peers are, DOWN ones are not. */
	private static boolean isHealthy(PeerInfo peer) {
		return peer.state() != PeerState.DOWN;
	}

	/** Whether new connections may go to the peer: healthy and not drained. */
	private static boolean isRoutable(PeerInfo peer) {
		return peer.state() == PeerState.UP || peer.state() == PeerState.LAGGING;
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

		PeerMeters(PeerPool pool, String peer, PeerRole role, MeterRegistry registry) {
			this.role = role;
			Tags tags = Tags.of("pool", pool.getName(), "peer", peer, "role",
					this.role.name().toLowerCase(Locale.ROOT));
			add(Gauge.builder("peerpool.peer.up", pool, (p) -> isHealthy(p.getPeer(peer)) ? 1 : 0)
				.tags(tags)
				.description("Whether the peer is healthy (1) or DOWN (0)")
				.strongReference(true)
				.register(registry));
			add(FunctionCounter.builder("peerpool.connections.routed", pool, (p) -> p.getPeer(peer).routed())
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
			add(Gauge.builder("peerpool.replica.lag", pool, (p) -> lagSeconds(p, peer))
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
			this.probeSuccess = add(probeTimer(tags, PeerPoolListener.ProbeOutcome.SUCCESS, registry));
			this.probeFailure = add(probeTimer(tags, PeerPoolListener.ProbeOutcome.FAILURE, registry));
			this.probeTimeout = add(probeTimer(tags, PeerPoolListener.ProbeOutcome.TIMEOUT, registry));
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

		private static Timer probeTimer(Tags tags, PeerPoolListener.ProbeOutcome outcome, MeterRegistry registry) {
			return Timer.builder("peerpool.probe")
				.tags(tags)
				.tag("outcome", outcome.tag())
				.description("Background probes of the peer, by outcome")
				.register(registry);
		}

		void probed(Duration elapsed, PeerPoolListener.ProbeOutcome outcome) {
			Timer timer = switch (outcome) {
				case SUCCESS -> this.probeSuccess;
				case TIMEOUT -> this.probeTimeout;
				case FAILURE -> this.probeFailure;
			};
			timer.record(elapsed);
		}

		/** The peer went from UP to DOWN for {@code reason} (a tag of {@link FailureReason}). */
		void failed(PeerPool pool, String peer, String reason) {
			Counter failure = this.failures.get(FailureReason.PROBE);
			for (FailureReason candidate : FailureReason.values()) {
				if (candidate.tag().equals(reason)) {
					failure = this.failures.get(candidate);
				}
			}
			failure.increment();
			if (canTakeOver(pool.getPeers(), peer)) {
				this.failovers.increment();
			}
		}

		private static boolean canTakeOver(List<PeerInfo> peers, String failedName) {
			PeerRole failedRole = null;
			for (PeerInfo peer : peers) {
				if (peer.name().equals(failedName)) {
					failedRole = peer.role();
				}
			}
			for (PeerInfo other : peers) {
				if (!other.name().equals(failedName) && isRoutable(other)
						&& (failedRole == PeerRole.REPLICA || other.role() != PeerRole.REPLICA)) {
					return true;
				}
			}
			return false;
		}

	}

}
