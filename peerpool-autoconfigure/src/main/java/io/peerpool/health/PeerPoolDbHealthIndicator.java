package io.peerpool.health;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.jdbc.health.DataSourceHealthIndicator;

import io.peerpool.PeerInfo;
import io.peerpool.PeerPool;
import io.peerpool.routing.PeerRouting;
import io.peerpool.routing.RouteIntent;
import io.peerpool.routing.RouteOrigin;
import io.peerpool.routing.RouteScope;

/**
 * Boot's {@code db} check of one pool, as the one {@code DataSource} the application sees: a real
 * connection through peerpool, which fails over like the application's own connections, so
 * {@code db} is DOWN only when no peer can serve it.
 *
 * <p>While every peer is DOWN (or drained, or out of sync) it answers DOWN at once, naming each
 * peer's state: the check's {@code getConnection()} would be held for a peer until
 * {@code acquire-timeout}, longer than a platform's probe waits (Kubernetes gives one second by
 * default), only to fail then. While peers answer but none takes writes ({@link PeerInfo#takesWrites}:
 * a pool of replicas, the primary dead or read-only for a switchover, writes held) the check's
 * connection, a write's, would be held for a writer just as long: it checks a read's connection
 * instead, and says in {@code writes} that no peer takes them. peerpool's own {@code peerpool}
 * health answers from memory anyway.
 */
public class PeerPoolDbHealthIndicator extends DataSourceHealthIndicator {

	private final PeerPool pool;

	/**
	 * @param dataSource what the application gets its connections from: the pool, or a wrapper of it
	 * @param pool the pool behind it
	 */
	public PeerPoolDbHealthIndicator(DataSource dataSource, PeerPool pool) {
		super(dataSource, null);
		this.pool = pool;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) throws Exception {
		List<PeerInfo> peers = this.pool.getPeers();
		if (peers.stream().noneMatch(PeerInfo::isUp)) {
			builder.down()
				.withDetail("error", "no peer of pool '" + this.pool.getName() + "' is UP: " + peers.stream()
					.map((peer) -> peer.name() + ": " + peer.state())
					.collect(Collectors.joining(", ")));
			return;
		}
		if (peers.stream().noneMatch(PeerInfo::takesWrites)) {
			String writes = "no peer of pool '" + this.pool.getName() + "' takes writes now: " + peers.stream()
				.map((peer) -> peer.name() + ": " + peer.state() + " (" + peer.role().name().toLowerCase(Locale.ROOT) + ")")
				.collect(Collectors.joining(", "));
			if (peers.stream().noneMatch(PeerPoolHealthIndicator::canServeReads)) {
				builder.down().withDetail("error", writes);
				return;
			}
			// the check's connection, a write's, would be held for a writer: a read's shows whether the
			// database answers (a pool of replicas, a primary dead or read-only for a switchover, a Galera
			// handover, a writable peer held back)
			builder.withDetail("writes", writes);
			try (RouteScope read = PeerRouting.open(RouteIntent.REPLICA, RouteOrigin.EXPLICIT)) {
				super.doHealthCheck(builder);
			}
			return;
		}
		super.doHealthCheck(builder);
	}

}
