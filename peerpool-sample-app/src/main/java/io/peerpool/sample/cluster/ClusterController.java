package io.peerpool.sample.cluster;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import io.peerpool.PeerInfo;
import io.peerpool.PeerPool;
import io.peerpool.PeerPoolEvent;
import io.peerpool.sample.LoadGenerator;
import io.peerpool.test.MariaDbServer;

/**
 * The status page's API: pools and peers as peerpool sees them ({@link PeerPool}), drain / resume,
 * and, when the sample runs its {@link EmbeddedCluster}, faults injected into the servers; plus the
 * chart's last 60 s: the background load per second, the operator's actions and pool main's
 * timeline ({@link PeerPool#getEvents()}).
 *
 * <p>The sample has this API of its own so that it shows peerpool's public Java API at work; the
 * actuator endpoint {@code peerpool} offers the same read and drain / resume to operators.
 */
@RestController
@RequestMapping("/api/cluster")
class ClusterController {

	private static final Logger logger = LoggerFactory.getLogger(ClusterController.class);

	private final List<PeerPool> pools;

	private final ObjectProvider<EmbeddedCluster> cluster;

	private final LoadGenerator load;

	/** Seconds the chart shows. */
	private static final int CHART_SECONDS = 60;

	/** The pool whose load and events the chart shows (the background load runs on it). */
	private static final String CHART_POOL = "main";

	/** Timeline events the chart marks; the others (drain, lag...) show in the table. */
	private static final Set<PeerPoolEvent.Type> MARKED = Set.of(PeerPoolEvent.Type.DOWN, PeerPoolEvent.Type.UP,
			PeerPoolEvent.Type.ROLE_CHANGE, PeerPoolEvent.Type.LAGGING, PeerPoolEvent.Type.CAUGHT_UP);

	/** The operator's last actions (kill, freeze, promote...), newest last, for the chart's markers. */
	private final Deque<Map<String, Object>> actions = new ArrayDeque<>();

	ClusterController(ObjectProvider<PeerPool> pools, ObjectProvider<EmbeddedCluster> cluster, LoadGenerator load) {
		this.pools = pools.orderedStream().toList();
		this.cluster = cluster;
		this.load = load;
	}

	@GetMapping
	Map<String, Object> cluster() {
		EmbeddedCluster embedded = this.cluster.getIfAvailable();
		List<Map<String, Object>> pools = new ArrayList<>();
		for (PeerPool pool : this.pools) {
			List<PeerInfo> peers = pool.getPeers();
			List<Map<String, Object>> peerViews = new ArrayList<>();
			for (PeerInfo peer : peers) {
				Map<String, Object> view = new LinkedHashMap<>();
				view.put("name", peer.name());
				view.put("state", peer.state());
				// the role the peer plays now (role: auto asks the server), not the declared one
				view.put("role", peer.role());
				view.put("lagSeconds", lagSeconds(pool, peer.name()));
				view.put("server", peer.server());
				view.put("url", peer.url());
				view.put("active", peer.active());
				view.put("idle", peer.idle());
				view.put("routed", peer.routed());
				view.put("since", (peer.since() != null) ? peer.since().toString() : null);
				view.put("retryAt", (peer.retryAt() != null) ? peer.retryAt().toString() : null);
				view.put("lastError", peer.lastError());
				view.put("failureReason", peer.failureReason());
				if (embedded != null) {
					view.put("process", embedded.serverState(pool.getName(), peer.name()));
				}
				peerViews.add(view);
			}
			Map<String, Object> poolView = new LinkedHashMap<>();
			poolView.put("name", pool.getName());
			poolView.put("healthy", peers.stream().filter(PeerInfo::isUp).count());
			poolView.put("total", peers.size());
			poolView.put("peers", peerViews);
			pools.add(poolView);
		}
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("embedded", embedded != null);
		body.put("pools", pools);
		body.put("load", this.load.stats());
		body.put("chart", chart());
		return body;
	}

	/** The last 60 s of pool main: load per second, and markers for actions and timeline events. */
	private Map<String, Object> chart() {
		long now = System.currentTimeMillis();
		long from = now - CHART_SECONDS * 1000L;
		List<Map<String, Object>> markers = new ArrayList<>();
		synchronized (this.actions) {
			for (Map<String, Object> action : this.actions) {
				if ((long) action.get("t") >= from) {
					markers.add(action);
				}
			}
		}
		for (PeerPool pool : this.pools) {
			if (!pool.getName().equals(CHART_POOL)) {
				continue;
			}
			for (PeerPoolEvent event : pool.getEvents()) {
				if (event.time().toEpochMilli() < from || !MARKED.contains(event.type())) {
					continue;
				}
				Map<String, Object> marker = new LinkedHashMap<>();
				marker.put("t", event.time().toEpochMilli());
				marker.put("kind", markerKind(event));
				marker.put("peer", event.peer());
				marker.put("label", event.peer() + " " + markerKind(event).toUpperCase(java.util.Locale.ROOT));
				marker.put("text", event.toString());
				markers.add(marker);
			}
		}
		Map<String, Object> chart = new LinkedHashMap<>();
		chart.put("now", now);
		chart.put("seconds", this.load.history().lastSeconds(now, CHART_SECONDS));
		chart.put("peers", pool(CHART_POOL).getPeers().stream().map(PeerInfo::name).toList());
		chart.put("markers", markers);
		return chart;
	}

	/** down, up, promotion (a replica turned primary), demotion, lagging, caught-up. */
	private static String markerKind(PeerPoolEvent event) {
		return switch (event.type()) {
			case ROLE_CHANGE -> "primary".equals(event.to()) ? "promotion" : "demotion";
			default -> event.type().tag();
		};
	}

	/** Remembers an operator's action on a peer of pool main for the chart. */
	private void remember(String pool, String peer, String action, long pressed) {
		if (!pool.equals(CHART_POOL)) {
			return;
		}
		Map<String, Object> marker = new LinkedHashMap<>();
		marker.put("t", pressed);
		marker.put("kind", "action");
		marker.put("action", action);
		marker.put("peer", peer);
		marker.put("label", action + " " + peer);
		marker.put("text", "operator: " + action + " " + peer);
		synchronized (this.actions) {
			this.actions.addLast(marker);
			while (this.actions.size() > 50) {
				this.actions.removeFirst();
			}
		}
	}

	@PostMapping("/{pool}/{peer}/{action}")
	Map<String, Object> act(@PathVariable String pool, @PathVariable String peer, @PathVariable String action) {
		PeerPool peerPool = pool(pool);
		if (peerPool.getPeers().stream().noneMatch((info) -> info.name().equals(peer))) {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND, "Pool '" + pool + "' has no peer '" + peer + "'");
		}
		logger.info("{} {}/{}", action, pool, peer);
		long pressed = System.currentTimeMillis();
		switch (action) {
			case "drain" -> peerPool.drain(peer);
			case "resume" -> peerPool.resume(peer);
			case "kill", "freeze", "thaw", "restart" -> inject(server(pool, peer), action);
			case "promote" -> replication(pool, peer, (cluster) -> cluster.promote(peer));
			case "lag" -> replication(pool, peer, (cluster) -> cluster.lag(peer, EmbeddedCluster.LAG));
			case "nolag" -> replication(pool, peer, (cluster) -> cluster.lag(peer, Duration.ZERO));
			default -> throw new ResponseStatusException(HttpStatus.NOT_FOUND, "Unknown action '" + action
					+ "': use drain, resume, kill, freeze, thaw, restart, promote, lag or nolag");
		}
		// marked when pressed, not when done: a kill waits for the process to end
		remember(pool, peer, action, pressed);
		return Map.of("pool", pool, "peer", peer, "action", action, "ok", true);
	}

	/** Seconds the peer's server is behind its primary at the last probe, or null when unknown. */
	private static Double lagSeconds(PeerPool pool, String peer) {
		return pool.getPeer(peer).probedLagSeconds();
	}

	/** Promote or lag: changes the replication of the embedded cluster, for every pool on it. */
	private void replication(String pool, String peer, Consumer<EmbeddedCluster> change) {
		server(pool, peer);
		try {
			change.accept(this.cluster.getObject());
		}
		catch (IllegalArgumentException | IllegalStateException ex) {
			// a server that is no replica (the primary), or one that is down: the operator's mistake
			throw new ResponseStatusException(HttpStatus.CONFLICT, peer + ": " + ex.getMessage());
		}
	}

	private PeerPool pool(String name) {
		return this.pools.stream()
			.filter((pool) -> pool.getName().equals(name))
			.findFirst()
			.orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No pool '" + name + "'"));
	}

	private MariaDbServer server(String pool, String peer) {
		EmbeddedCluster embedded = this.cluster.getIfAvailable();
		if (embedded == null) {
			throw new ResponseStatusException(HttpStatus.CONFLICT,
					"Faults can only be injected into the embedded cluster; this app uses external servers");
		}
		try {
			return embedded.server(pool, peer);
		}
		catch (IllegalArgumentException ex) {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND, ex.getMessage());
		}
	}

	private static void inject(MariaDbServer server, String action) {
		try {
			switch (action) {
				case "kill" -> server.kill();
				case "freeze" -> server.freeze();
				case "thaw" -> server.thaw();
				default -> server.restart();
			}
		}
		catch (IllegalStateException ex) {
			// for example thaw of a server that is not frozen: the operator's mistake, not a crash
			throw new ResponseStatusException(HttpStatus.CONFLICT, server.name() + ": " + ex.getMessage());
		}
	}

}
