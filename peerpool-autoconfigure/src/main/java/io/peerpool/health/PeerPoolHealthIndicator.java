package io.peerpool.health;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import io.peerpool.PeerInfo;
import io.peerpool.PeerPool;
import io.peerpool.PeerRole;
import io.peerpool.autoconfigure.PeerPoolBeans;

/**
 * Health of one pool, from the state peerpool already holds in memory: a health check never
 * opens a connection, so it is cheap and cannot hang on a frozen server.
 *
 * <p>The pool is UP while at least one peer that takes writes is UP (reads then have somewhere
 * to go too: replicas, else the primaries), DOWN when no peer can take a write. One peer down
 * among others is visible in the details, not in the status; so are a replica that lags
 * ({@code LAGGING}) and a primary that reports itself read-only (its {@code role} is
 * {@code replica}: the role shown is the one the peer plays now, not the declared one).
 *
 * <p>Per peer: {@code state}, {@code role}, {@code url} (no credentials), {@code active},
 * {@code idle}, {@code since}, and when known {@code retryAt}, {@code lastError},
 * {@code failureReason}, {@code server} (the server last seen behind the peer) and
 * {@code lagSeconds} (a replica's lag at its last probe).
 */
public class PeerPoolHealthIndicator implements HealthIndicator {

	private final PeerPool pool;

	public PeerPoolHealthIndicator(PeerPool pool) {
		this.pool = pool;
	}

	@Override
	public Health health() {
		List<PeerInfo> peers = this.pool.getPeers();
		int healthy = 0;
		boolean writable = false;
		Map<String, Object> details = new LinkedHashMap<>();
		for (PeerInfo peer : peers) {
			if (peer.isUp()) {
				healthy++;
				writable |= peer.role() == PeerRole.PRIMARY;
			}
			details.put(peer.name(), describe(peer, PeerPoolBeans.lagSeconds(this.pool, peer)));
		}
		Health.Builder builder = writable ? Health.up() : Health.down();
		return builder.withDetail("healthy", healthy)
			.withDetail("total", peers.size())
			.withDetail("peers", details)
			.build();
	}

	/** The details of one peer; absent values are left out rather than shown as null. */
	static Map<String, Object> describe(PeerInfo peer, Double lagSeconds) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("state", peer.state().name());
		details.put("role", peer.role().name().toLowerCase(Locale.ROOT));
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
		return details;
	}

	private static void putIfPresent(Map<String, Object> details, String key, Object value) {
		if (value != null) {
			// Instants as ISO-8601 text whatever the JSON mapper's date settings
			details.put(key, value.toString());
		}
	}

}
