package io.peerpool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import io.peerpool.PeerPoolSettings.PeerConfig;
import io.peerpool.PeerPoolSettings.UnknownLag;
import io.peerpool.balance.Balance;
import io.peerpool.health.PeerPoolHealthIndicator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which peer takes the writes when several report themselves writable, from scripted probe results
 * (in-memory H2 peers, so each peer's answers are the test's): one writer in a pool of
 * asynchronous replication, the established one kept, the next chosen by replication and
 * timeline; several declared primaries balance; Galera nodes are never a writer conflict (which of
 * them takes the writes: {@link GaleraRoutingTests}).
 */
class OneWriterTests {

	/** What each peer's probe answers, by the peer's H2 database name. */
	private final Map<String, ProbeResult> answers = new ConcurrentHashMap<>();

	private final List<PeerWriterConflictEvent> events = new CopyOnWriteArrayList<>();

	private PeerPoolDataSource pool;

	@AfterEach
	void close() {
		if (this.pool != null) {
			this.pool.close();
		}
	}

	private static ProbeResult writable(boolean replicating, long timeline) {
		return ProbeResult.ok(false, Duration.ZERO,
				new ProbeResult.Replication("PostgreSQL", "0/10", replicating, false, timeline, null, null));
	}

	private static ProbeResult readOnlyReplica() {
		return ProbeResult.ok(true, null, new ProbeResult.Replication("PostgreSQL", "0/10", true, false, 0, null, null));
	}

	private static ProbeResult galeraNode() {
		return ProbeResult.ok(false, Duration.ZERO, new ProbeResult.Replication("MariaDB", null, false, true, 0, null, null));
	}

	private PeerPoolDataSource start(PeerRole role, String... peers) {
		// the pool elects the writer from what its first probes found within probe-timeout + connect-timeout:
		// with 1 s each, the first probe of a cold H2 peer (class loading, a loaded machine) timed out once,
		// that peer was DOWN at the election and the other one became the writer. An H2 peer never hangs,
		// so generous bounds only make every first probe count; no heartbeat: the scripted answers are the
		// peers' only state
		Duration bound = Duration.ofSeconds(10);
		PeerPoolSettings settings = new PeerPoolSettings("one", Balance.ROUND_ROBIN, Duration.ofSeconds(30), Duration.ZERO,
				bound, bound, Duration.ofSeconds(1), null, false, Duration.ofSeconds(10), ReadYourWrites.PIN,
				Duration.ofSeconds(5), UnknownLag.EXCLUDE, Duration.ZERO, bound);
		List<PeerConfig> configs = new ArrayList<>();
		for (String peer : peers) {
			configs.add(new PeerConfig("one", peer, "jdbc:h2:mem:one-" + peer + ";DB_CLOSE_DELAY=-1", "sa", "", null, role,
					1, bound, Map.of("maximum-pool-size", "1", "minimum-idle", "0")));
		}
		PeerProbe probe = (connection, timeout) -> {
			String url = connection.getMetaData().getURL();
			String name = url.substring(url.indexOf("one-") + 4).split(";")[0];
			return this.answers.get(name);
		};
		this.pool = PeerPoolDataSource.builder(settings.name())
			.settings(settings)
			.peers(configs)
			.probe(probe)
			.buildUnstarted();
		this.pool.setApplicationEventPublisher((event) -> {
			if (event instanceof PeerWriterConflictEvent conflict) {
				this.events.add(conflict);
			}
		});
		this.pool.start();
		assertThat(this.pool.getPeers()).as("peers after the first probes (what the election saw)")
			.allSatisfy((info) -> assertThat(info.state()).isEqualTo(PeerState.UP));
		return this.pool;
	}

	private void probe(String peer) {
		this.pool.probeNow(this.pool.peer(peer)).join();
	}

	private String conflict(String peer) {
		return this.pool.getPeers().stream().filter((info) -> info.name().equals(peer)).findFirst().orElseThrow()
			.writerConflict();
	}

	@Test
	void theEstablishedWriterKeepsTheWritesAndASecondWritablePeerIsAConflict() {
		this.answers.put("a", writable(false, 1));
		this.answers.put("b", readOnlyReplica());
		this.answers.put("c", readOnlyReplica());
		start(PeerRole.AUTO, "a", "b", "c");
		assertThat(conflict("b")).isNull();
		io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
		new io.peerpool.metrics.PeerPoolMetrics(() -> List.of(this.pool)).bindTo(registry);

		// b turned writable (SET GLOBAL read_only = 0, or restarted), still replicating
		this.answers.put("b", writable(true, 0));
		probe("b");

		assertThat(conflict("b")).isEqualTo("a");
		assertThat(conflict("a")).isNull();
		assertThat(this.events).extracting(PeerWriterConflictEvent::getPeer, PeerWriterConflictEvent::getWriter)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("b", "a"));
		probe("b");
		assertThat(this.events).as("one event per conflict").hasSize(1);
		assertThat(registry.get("peerpool.writer.conflicts").tag("peer", "b").counter().count()).isEqualTo(1.0);
	}

	@Test
	void whenTheWriterFailsTheWritablePeerThatReplicatesFromNoOneTakesOver() {
		this.answers.put("a", writable(false, 1));
		this.answers.put("b", writable(true, 0));
		this.answers.put("c", writable(false, 0));
		start(PeerRole.AUTO, "a", "b", "c");
		assertThat(conflict("b")).isEqualTo("a");
		assertThat(conflict("c")).isEqualTo("a");

		this.answers.put("a", ProbeResult.unhealthy("gone"));
		probe("a");

		assertThat(conflict("c")).as("c replicates from no one: the new writer").isNull();
		assertThat(conflict("b")).isEqualTo("c");
	}

	@Test
	void aWritablePeerThatStillReplicatesNeverTakesOverTheWrites() {
		this.answers.put("a", writable(false, 1));
		this.answers.put("b", writable(true, 0));
		this.answers.put("c", readOnlyReplica());
		start(PeerRole.AUTO, "a", "b", "c");
		assertThat(conflict("b")).isEqualTo("a");

		// the writer dies: b, a replica restarted without read_only, is the only writable peer left
		this.answers.put("a", ProbeResult.unhealthy("gone"));
		probe("a");

		assertThat(this.pool.peer("b").isRoutable()).isTrue();
		assertThat(writers()).as("no writer: callers are held until a real one is back").isEmpty();
		assertThat(readers()).contains("b", "c");

		this.answers.put("a", writable(false, 1));
		this.pool.peer("a").markUp();
		probe("a");
		assertThat(writers()).containsExactly("a");
	}

	@Test
	void healthSaysTheWritesAreHeldWhileTheOnlyWritablePeerStillReplicates() {
		this.answers.put("a", writable(false, 1));
		this.answers.put("b", writable(true, 0));
		start(PeerRole.AUTO, "a", "b");
		assertThat(health().getStatus()).isEqualTo(Status.UP);

		// the writer dies; b, a replica restarted without read_only, still replicates: writes are held, then fail
		this.answers.put("a", ProbeResult.unhealthy("gone"));
		probe("a");
		assertThat(writers()).isEmpty();

		Health held = health();
		assertThat(held.getStatus()).isEqualTo(Status.DOWN);
		assertThat(held.getDetails()).containsEntry("writable", false).containsEntry("readable", true);
		assertThat(this.pool.getPeer("b").replicating()).isTrue();
		assertThat(peerDetails(held, "b")).containsEntry("replicating", true).containsEntry("takesWrites", false);

		// b's replication is stopped: now a replica promoted by STOP SLAVE, confirmed by a second probe
		this.answers.put("b", writable(false, 2));
		probe("b");
		assertThat(writers()).as("one probe found it alone: the writes wait for the next").isEmpty();
		assertThat(health().getDetails()).as("a hold that ends by itself").containsEntry("writable", true);
		probe("b");
		assertThat(writers()).containsExactly("b");
		assertThat(health().getStatus()).isEqualTo(Status.UP);
	}

	private Health health() {
		return new PeerPoolHealthIndicator(this.pool).health();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> peerDetails(Health health, String peer) {
		return (Map<String, Object>) ((Map<String, Object>) health.getDetails().get("peers")).get(peer);
	}

	private static ProbeResult mariaDbWritable(String position, int replicas) {
		return ProbeResult.ok(false, Duration.ZERO,
				new ProbeResult.Replication("MariaDB", position, false, false, 0, null, null, replicas));
	}

	@Test
	void aWritablePeerBehindTheDeadWriterGetsNoWritesUntilReplicasPointAtIt() {
		this.answers.put("a", mariaDbWritable("0-1-41", 2));
		// a replica restarted without read_only, its replication not started: writable, at an older position
		this.answers.put("b", mariaDbWritable("0-1-21", 0));
		start(PeerRole.AUTO, "a", "b");
		assertThat(conflict("b")).isEqualTo("a");

		this.answers.put("a", ProbeResult.unhealthy("gone"));
		probe("a");

		assertThat(writers()).as("b lacks what a had: callers are held").isEmpty();
		assertThat(conflict("b")).as("health: behind the last writer").isEqualTo("a");
		assertThat(this.pool.getEvents()).anySatisfy((event) -> {
			assertThat(event.type()).isEqualTo(PeerPoolEvent.Type.WRITER_CONFLICT);
			assertThat(event.peer()).isEqualTo("b");
			assertThat(event.reason()).contains("behind the last writer");
		});

		// a DBA promotes b and points the replicas at it: it is the writer, a's tail given up
		this.answers.put("b", mariaDbWritable("0-1-21", 1));
		probe("b");
		assertThat(writers()).containsExactly("b");
		assertThat(conflict("b")).isNull();
	}

	@Test
	void drainingTheDeadWriterGivesUpWhatOnlyItHad() {
		this.answers.put("a", mariaDbWritable("0-1-41", 1));
		// the only replica, promoted by a DBA (STOP SLAVE) after a died with writes it never received
		this.answers.put("b", mariaDbWritable("0-1-21", 0));
		start(PeerRole.AUTO, "a", "b");
		this.answers.put("a", ProbeResult.unhealthy("gone"));
		probe("a");
		assertThat(writers()).isEmpty();

		this.pool.drain("a");

		assertThat(writers()).containsExactly("b");
	}

	@Test
	void aWritablePeerThatHasEverythingOfTheDeadWriterTakesOver() {
		this.answers.put("a", mariaDbWritable("0-1-41", 1));
		this.answers.put("b", mariaDbWritable("0-1-41", 0));
		start(PeerRole.AUTO, "a", "b");

		this.answers.put("a", ProbeResult.unhealthy("gone"));
		probe("a");

		assertThat(writers()).containsExactly("b");
	}

	@Test
	void aReplicaSeenWritableByOneProbeOnlyTakesOverOnceTheNextConfirmsIt() {
		this.answers.put("a", mariaDbWritable("0-1-41", 1));
		this.answers.put("b", ProbeResult.ok(true, null,
				new ProbeResult.Replication("MariaDB", "0-1-41", true, false, 0, null, null, 0)));
		start(PeerRole.AUTO, "a", "b");
		// b, writable since a restart, caught between STOP SLAVE and START SLAVE; a is made read-only
		this.answers.put("b", mariaDbWritable("0-1-41", 0));
		probe("b");
		this.answers.put("a", ProbeResult.ok(true, null,
				new ProbeResult.Replication("MariaDB", "0-1-41", false, false, 0, null, null, 0)));
		probe("a");

		assertThat(writers()).as("one probe is not enough").isEmpty();
		probe("b");
		assertThat(writers()).containsExactly("b");
	}

	private java.util.List<String> writers() {
		return java.util.List.of(this.pool.routingSnapshot(false));
	}

	private java.util.List<String> readers() {
		return java.util.List.of(this.pool.routingSnapshot(true));
	}

	@Test
	void atStartTheHighestTimelineIsTheWriter() {
		this.answers.put("old", writable(false, 1));
		this.answers.put("promoted", writable(false, 2));
		start(PeerRole.AUTO, "old", "promoted");

		assertThat(conflict("old")).isEqualTo("promoted");
		assertThat(conflict("promoted")).isNull();
	}

	@Test
	void galeraNodesAreNeverAWriterConflict() {
		this.answers.put("n0", galeraNode());
		this.answers.put("n1", galeraNode());
		this.answers.put("n2", galeraNode());
		start(PeerRole.AUTO, "n0", "n1", "n2");

		assertThat(this.pool.getPeers()).allSatisfy((info) -> assertThat(info.writerConflict()).isNull())
			.allSatisfy((info) -> assertThat(info.role()).isEqualTo(PeerRole.PRIMARY));
		assertThat(this.events).isEmpty();
	}

	@Test
	void severalDeclaredPrimariesAllTakeWrites() {
		this.answers.put("p0", writable(false, 1));
		this.answers.put("p1", writable(false, 1));
		start(PeerRole.PRIMARY, "p0", "p1");

		assertThat(this.pool.getPeers()).allSatisfy((info) -> assertThat(info.writerConflict()).isNull());
	}

}
