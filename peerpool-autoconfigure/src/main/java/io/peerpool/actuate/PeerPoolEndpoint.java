package io.peerpool.actuate;

import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

import io.peerpool.PeerInfo;
import io.peerpool.PeerPool;
import io.peerpool.PeerPoolEvent;

/**
 * The {@code peerpool} actuator endpoint: the pools, their peers and their last events, and drain /
 * resume of a peer for maintenance.
 * <ul>
 * <li>{@code GET /actuator/peerpool}: every pool;
 * <li>{@code GET /actuator/peerpool/{pool}}: one pool (404 when there is no such pool);
 * <li>{@code POST /actuator/peerpool/{pool}/{peer}} with {@code {"action":"drain"}} or
 * {@code {"action":"resume"}}: the peer afterwards (400 for an unknown pool, peer or action).
 * </ul>
 * Like every actuator endpoint it is exposed over HTTP only when listed in
 * {@code management.endpoints.web.exposure.include}, and secured by the application's
 * security rules for actuator endpoints. Reads use in-memory state only.
 */
@Endpoint(id = "peerpool")
public class PeerPoolEndpoint {

	private final Supplier<List<? extends PeerPool>> pools;

	public PeerPoolEndpoint(Supplier<List<? extends PeerPool>> pools) {
		this.pools = pools;
	}

	@ReadOperation
	public PoolsDescriptor pools() {
		return new PoolsDescriptor(this.pools.get().stream().map(PoolDescriptor::of).toList());
	}

	/** One pool, or {@code null} (HTTP 404) when there is no such pool. */
	@ReadOperation
	public PoolDescriptor pool(@Selector String pool) {
		PeerPool found = find(pool);
		return (found != null) ? PoolDescriptor.of(found) : null;
	}

	/** Drains or resumes a peer; returns the peer's state afterwards. */
	@WriteOperation
	public PeerDescriptor peerAction(@Selector String pool, @Selector String peer, String action) {
		PeerPool found = find(pool);
		if (found == null) {
			throw new InvalidEndpointRequestException("No pool '" + pool + "'", "No such pool");
		}
		if (found.getPeers().stream().noneMatch((info) -> info.name().equals(peer))) {
			throw new InvalidEndpointRequestException("Pool '" + pool + "' has no peer '" + peer + "'",
					"No such peer");
		}
		switch (action.toLowerCase(Locale.ROOT)) {
			case "drain" -> found.drain(peer);
			case "resume" -> found.resume(peer);
			default -> throw new InvalidEndpointRequestException(
					"Unknown action '" + action + "'; use 'drain' or 'resume'", "Unknown action");
		}
		return found.getPeers()
			.stream()
			.filter((info) -> info.name().equals(peer))
			.findFirst()
			.map((info) -> PeerDescriptor.of(found, info))
			.orElseThrow();
	}

	private PeerPool find(String name) {
		for (PeerPool pool : this.pools.get()) {
			if (pool.getName().equals(name)) {
				return pool;
			}
		}
		return null;
	}

	/** Every pool. */
	public record PoolsDescriptor(List<PoolDescriptor> pools) {
	}

	/**
	 * One pool.
	 * @param name pool name
	 * @param healthy peers that take new connections
	 * @param total all peers
	 * @param peers every peer, in declared order
	 * @param events the pool's last events, oldest first
	 */
	public record PoolDescriptor(String name, int healthy, int total, List<PeerDescriptor> peers,
			List<EventDescriptor> events) {

		static PoolDescriptor of(PeerPool pool) {
			List<PeerInfo> peers = pool.getPeers();
			int healthy = (int) peers.stream().filter(PeerInfo::isUp).count();
			return new PoolDescriptor(pool.getName(), healthy, peers.size(),
					peers.stream().map((peer) -> PeerDescriptor.of(pool, peer)).toList(),
					pool.getEvents().stream().map(EventDescriptor::of).toList());
		}

	}

	/**
	 * One event of a pool's timeline, as {@link PeerPoolEvent} tells it: {@code time} as ISO-8601
	 * text, {@code type} as a tag ({@code down}, {@code up}, {@code role-change}, ...),
	 * {@code durationMillis} how long the peer was down (for {@code up}) or the longest wait (for
	 * {@code hold-end}), and {@code text} the whole event in one line.
	 */
	public record EventDescriptor(String time, String peer, String type, String from, String to, String reason,
			String detail, int callers, Long durationMillis, String text) {

		static EventDescriptor of(PeerPoolEvent event) {
			return new EventDescriptor(event.time().toString(), event.peer(), event.type().tag(), event.from(),
					event.to(), event.reason(), event.detail(), event.callers(),
					(event.duration() != null) ? event.duration().toMillis() : null, event.toString());
		}

	}

	/**
	 * One peer, as {@link PeerInfo} shows it; times as ISO-8601 text; the role the peer plays now;
	 * {@code server} the server last seen behind it and {@code lagSeconds} a replica's lag at its
	 * last probe, {@code null} when unknown, with {@code lagSource} how it was measured or
	 * {@code lagUnknown} why it cannot be; {@code writerConflict} the pool's writer when this peer
	 * also reports itself writable (and gets no writes); {@code desynced} the node's own state while
	 * it is DESYNCED; {@code refusingConnections} the server's last refusal of a new connection at
	 * its connection limit while the peer stays UP; {@code takesWrites} whether write transactions go
	 * to it now (on Galera with one writer, the node that takes them); {@code replicating} whether its
	 * server replicates from another one, {@code null} when unknown or DOWN.
	 */
	public record PeerDescriptor(String name, String state, String role, String url, int active, int idle,
			String since, String retryAt, String lastError, String failureReason, long routed, String server,
			Double lagSeconds, String declaredRole, String lagSource, String lagUnknown, String writerConflict,
			String desynced, String refusingConnections, boolean takesWrites, Boolean replicating) {

		static PeerDescriptor of(PeerPool pool, PeerInfo peer) {
			return new PeerDescriptor(peer.name(), peer.state().name(), peer.role().name().toLowerCase(Locale.ROOT),
					peer.url(), peer.active(), peer.idle(), text(peer.since()), text(peer.retryAt()),
					peer.lastError(), peer.failureReason(), peer.routed(), peer.server(),
					peer.lagSeconds(), peer.declaredRole().name().toLowerCase(Locale.ROOT),
					peer.lagSource(), peer.lagUnknown(), peer.writerConflict(), peer.desynced(),
					peer.refusingConnections(), peer.takesWrites(), peer.replicating());
		}

		private static String text(Object value) {
			return (value != null) ? value.toString() : null;
		}

	}

}
