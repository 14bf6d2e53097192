package io.peerpool.health;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import io.peerpool.PeerInfo;
import io.peerpool.PeerPool;
import io.peerpool.PeerRole;

/**
 * Health of one pool, from the state peerpool already holds in memory: a health check never
 * opens a connection, so it is cheap and cannot hang on a frozen server.
 *
 * <p>The pool is UP while a peer takes writes (or will once a hold ends by itself: a Galera
 * handover, the probe that confirms a promoted replica), DOWN when no peer can take a write
 * without an operator: none writable, or the writable ones held back by a writer conflict or
 * still replicating ({@code replicating: true}, a replica restarted without {@code read_only}). What the
 * application can still do is in the details: {@code writable} and {@code readable} (with the
 * primary dead and replicas up, the pool is DOWN yet {@code readable: true}). One peer down among
 * others is visible in the details, not in the status; so are a replica that lags
 * ({@code LAGGING}), a primary that reports itself read-only (its {@code role} is {@code replica}:
 * the role shown is the one the peer plays now, {@code declaredRole} the configured one), a second
 * writable peer that gets no writes ({@code writerConflict}, the pool's writer) and a replica
 * whose lag cannot be measured ({@code lagUnknown}, the reason), a Galera node that is ready but
 * not in sync ({@code DESYNCED}, with {@code desynced}, the node's state: it gets no new work
 * while it is); the names of such peers are also
 * listed at the pool level ({@code writerConflicts}, {@code unknownLag}).
 *
 * <p>Per peer: {@code state}, {@code role}, {@code declaredRole}, {@code url} (no credentials),
 * {@code active}, {@code idle}, {@code since}, and when known {@code retryAt}, {@code lastError},
 * {@code failureReason}, {@code server} (the server last seen behind the peer),
 * {@code lagSeconds} (a replica's lag at its last probe) with {@code lagSource} ({@code server}
 * or {@code position}), {@code lagUnknown}, {@code writerConflict}, {@code replicating} (on a
 * writable peer that still replicates) and {@code desynced}.
 */
public class PeerPoolHealthIndicator implements HealthIndicator {

	private final PeerPool pool;

	public PeerPoolHealthIndicator(PeerPool pool) {
		this.pool = pool;
	}

	/**
	 * Whether {@code peer} can take the pool's writes: it takes them now, or it is UP and writable and
	 * will once a hold ends by itself (a Galera handover, the second probe that confirms a promoted
	 * replica). Not a writable peer held back by a writer conflict, nor one that still replicates (a
	 * replica restarted without {@code read_only}): the writes wait for an operator there, and fail
	 * at {@code acquire-timeout}. The pool is UP while one can.
	 */
	static boolean canTakeWrites(PeerInfo peer) {
		return peer.isUp() && (peer.takesWrites() || (peer.role() == PeerRole.PRIMARY && peer.writerConflict() == null
				&& !Boolean.TRUE.equals(peer.replicating())));
	}

	/**
	 * Whether {@code peer} can serve the pool's reads: a peer that can take writes, an UP replica, or a
	 * writable peer that gets no writes but serves reads as the replica it still is (its lag is known).
	 */
	static boolean canServeReads(PeerInfo peer) {
		return peer.isUp() && (canTakeWrites(peer) || peer.role() == PeerRole.REPLICA || peer.lagSeconds() != null);
	}

	@Override
	public Health health() {
		List<PeerInfo> peers = this.pool.getPeers();
		int healthy = 0;
		boolean writable = false;
		boolean readable = false;
		Map<String, Object> details = new LinkedHashMap<>();
		List<String> conflicts = new ArrayList<>();
		List<String> unknownLag = new ArrayList<>();
		for (PeerInfo peer : peers) {
			if (peer.writerConflict() != null) {
				conflicts.add(peer.name());
			}
			if (peer.lagUnknown() != null) {
				unknownLag.add(peer.name());
			}
			if (peer.isUp()) {
				healthy++;
				writable |= canTakeWrites(peer);
				readable |= canServeReads(peer);
			}
			details.put(peer.name(), describe(peer, peer.lagSeconds()));
		}
		Health.Builder builder = (writable ? Health.up() : Health.down()).withDetail("healthy", healthy)
			.withDetail("total", peers.size())
			.withDetail("writable", writable)
			.withDetail("readable", readable);
		// at a glance: the peers whose details say more
		if (!conflicts.isEmpty()) {
			builder.withDetail("writerConflicts", conflicts);
		}
		if (!unknownLag.isEmpty()) {
			builder.withDetail("unknownLag", unknownLag);
		}
		return builder.withDetail("peers", details).build();
	}

	/** The details of one peer; absent values are left out rather than shown as null. */
	static Map<String, Object> describe(PeerInfo peer, Double lagSeconds) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("state", peer.state().name());
		details.put("role", peer.role().name().toLowerCase(Locale.ROOT));
		details.put("takesWrites", peer.takesWrites());
		if (peer.declaredRole() != null) {
			details.put("declaredRole", peer.declaredRole().name().toLowerCase(Locale.ROOT));
		}
		details.put("url", peer.url());
		details.put("active", peer.active());
		details.put("idle", peer.idle());
		putIfPresent(details, "since", peer.since());
		putIfPresent(details, "retryAt", peer.retryAt());
		putIfPresent(details, "lastError", peer.lastError());
		putIfPresent(details, "failureReason", peer.failureReason());
		putIfPresent(details, "server", peer.server());
		if (lagSeconds != null) {
			details.put("lagSeconds", lagSeconds);
		}
		putIfPresent(details, "lagSource", peer.lagSource());
		putIfPresent(details, "lagUnknown", peer.lagUnknown());
		putIfPresent(details, "writerConflict", peer.writerConflict());
		if (peer.role() == PeerRole.PRIMARY && Boolean.TRUE.equals(peer.replicating())) {
			// why a writable peer with no conflict gets no writes
			details.put("replicating", true);
		}
		putIfPresent(details, "desynced", peer.desynced());
		putIfPresent(details, "refusingConnections", peer.refusingConnections());
		return details;
	}

	private static void putIfPresent(Map<String, Object> details, String key, Object value) {
		if (value != null) {
			// Instants as ISO-8601 text whatever the JSON mapper's date settings
			details.put(key, value.toString());
		}
	}

}
