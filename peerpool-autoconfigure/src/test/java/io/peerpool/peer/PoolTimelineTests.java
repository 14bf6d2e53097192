package io.peerpool.peer;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import io.peerpool.PeerPoolSettings.PeerConfig;
import io.peerpool.PeerPoolEvent;
import io.peerpool.PeerPoolEvent.Type;
import io.peerpool.PeerPoolListener;
import io.peerpool.PeerRole;
import io.peerpool.connect.BoundedConnectDataSource;
import io.peerpool.failure.FailureReason;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/** A pool's timeline: a fixed ring of the last events, told to listeners as they happen. */
class PoolTimelineTests {

	private final PeerStateMachineTests.MovableClock clock = new PeerStateMachineTests.MovableClock();

	private final PoolTimeline timeline = new PoolTimeline("main", this.clock);

	private final Peer peer = newPeer("peer1", 1);

	private final PeerStatus up = PeerStatus.initial(PeerRole.PRIMARY, this.clock.now);

	private final PeerStatus down = this.up.down(this.clock.now.plusSeconds(60), FailureReason.CONNECT,
			"Connection refused", this.clock.now.plusSeconds(90));

	@Test
	void keepsTheLast100EventsOldestFirst() {
		for (int i = 1; i <= 150; i++) {
			this.clock.now = this.clock.now.plusSeconds(1);
			this.timeline.holdStarted(i, "no writer");
		}
		List<PeerPoolEvent> events = this.timeline.events();
		assertThat(events).hasSize(PoolTimeline.CAPACITY);
		assertThat(events).extracting(PeerPoolEvent::callers).startsWith(51, 52).endsWith(149, 150);
		assertThat(events).extracting(PeerPoolEvent::time).isSorted();
		assertThat(this.timeline.recent(3)).extracting(PeerPoolEvent::callers).containsExactly(148, 149, 150);
	}

	@Test
	void anEmptyTimelineListsNothing() {
		assertThat(this.timeline.events()).isEmpty();
		assertThat(this.timeline.recent(10)).isEmpty();
	}

	@Test
	void downAndUpCarryTimeStatesReasonErrorAndHowLongThePeerWasDown() {
		this.clock.now = this.down.since();
		this.timeline.statusChanged(this.peer, this.up, this.down);
		this.clock.now = this.down.since().plusSeconds(42);
		PeerStatus back = this.down.recovered(this.clock.now);
		this.timeline.statusChanged(this.peer, this.down, back);

		List<PeerPoolEvent> events = this.timeline.events();
		assertThat(events).hasSize(2);
		PeerPoolEvent wentDown = events.get(0);
		assertThat(wentDown.type()).isEqualTo(Type.DOWN);
		assertThat(wentDown.time()).isEqualTo(this.down.since());
		assertThat(wentDown.pool()).isEqualTo("main");
		assertThat(wentDown.peer()).isEqualTo("peer1");
		assertThat(wentDown.from()).isEqualTo("UP");
		assertThat(wentDown.to()).isEqualTo("DOWN");
		assertThat(wentDown.reason()).isEqualTo("connect");
		assertThat(wentDown.detail()).isEqualTo("Connection refused");
		assertThat(wentDown.toString()).contains("peer1 down UP -> DOWN (connect: Connection refused)");
		PeerPoolEvent cameBack = events.get(1);
		assertThat(cameBack.type()).isEqualTo(Type.UP);
		assertThat(cameBack.reason()).isEqualTo("probe succeeded");
		assertThat(cameBack.duration()).isEqualTo(Duration.ofSeconds(42));
		assertThat(cameBack.toString()).contains("peer1 up DOWN -> UP, down for 42000 ms");
	}

	@Test
	void aProbeThatChangesNothingRecordsNothing() {
		this.timeline.track(this.peer);
		this.timeline.routingChanged(this.peer);
		assertThat(this.timeline.events()).isEmpty();
	}

	@Test
	void roleChangeAndLagAreToldApartFromWhatThePeerWasBefore() {
		Peer auto = newPeer("peer2", 2, PeerRole.AUTO);
		this.timeline.track(auto);
		probe(auto, false, Duration.ZERO);
		assertThat(this.timeline.events()).as("an auto peer's first answer is a discovery, not a change").isEmpty();

		probe(auto, true, Duration.ofSeconds(30));
		List<PeerPoolEvent> events = this.timeline.events();
		assertThat(events).extracting(PeerPoolEvent::type).containsExactly(Type.ROLE_CHANGE, Type.LAGGING);
		assertThat(events.get(0).from()).isEqualTo("primary");
		assertThat(events.get(0).to()).isEqualTo("replica");
		assertThat(events.get(0).reason()).isEqualTo("server is read-only");
		assertThat(events.get(1).detail()).isEqualTo("lag 30000 ms");
	}

	@Test
	void anAutoPeerFirstSeenAsAReplicaAndThenPromotedIsARoleChange() {
		Peer auto = newPeer("peer2", 2, PeerRole.AUTO);
		this.timeline.track(auto);
		probe(auto, true, Duration.ZERO);
		probe(auto, false, Duration.ZERO);
		List<PeerPoolEvent> events = this.timeline.events();
		assertThat(events).extracting(PeerPoolEvent::type).containsExactly(Type.ROLE_CHANGE);
		assertThat(events.get(0).from()).isEqualTo("replica");
		assertThat(events.get(0).to()).isEqualTo("primary");
		assertThat(events.get(0).reason()).isEqualTo("server is writable");
	}

	/** What the monitor does after a healthy probe: the peer learns, then the timeline is told. */
	private void probe(Peer peer, boolean readOnly, Duration lag) {
		if (peer.observeProbe(new io.peerpool.ProbeResult(true, null, readOnly, lag), Duration.ofSeconds(10))) {
			this.timeline.routingChanged(peer);
		}
		this.timeline.probed(peer, Duration.ofMillis(3), ProbeListener.SUCCESS);
	}

	@Test
	void holdEndCarriesHowManyCallersWaitedAndTheLongestWait() {
		this.timeline.holdEnded(7, Duration.ofMillis(1500).toNanos(), "writer back");
		PeerPoolEvent event = this.timeline.events().get(0);
		assertThat(event.peer()).isNull();
		assertThat(event.callers()).isEqualTo(7);
		assertThat(event.duration()).isEqualTo(Duration.ofMillis(1500));
		assertThat(event.toString()).contains("hold-end, 7 caller(s), longest wait 1500 ms (writer back)");
	}

	@Test
	void listenersSeeEveryEventAsItHappensAndOneThatFailsBreaksNothing() {
		List<PeerPoolEvent> seen = new ArrayList<>();
		this.timeline.addListener(new PeerPoolListener() {
			@Override
			public void onEvent(PeerPoolEvent event) {
				throw new IllegalStateException("listener bug");
			}
		});
		this.timeline.addListener(new PeerPoolListener() {
			@Override
			public void onEvent(PeerPoolEvent event) {
				seen.add(event);
			}
		});
		this.timeline.statusChanged(this.peer, this.up, this.down);
		this.timeline.writerConflict("peer1", "two writers", "peer0");

		assertThat(seen).extracting(PeerPoolEvent::type).containsExactly(Type.DOWN, Type.WRITER_CONFLICT);
		assertThat(seen).containsExactlyElementsOf(this.timeline.events());
	}

	@Test
	void aListenerWithNoMethodOverriddenIsFine() {
		this.timeline.addListener(new PeerPoolListener() {
		});
		this.timeline.holdStarted(1, "no writer");
		assertThat(this.timeline.events()).hasSize(1);
	}

	/**
	 * Recording copies references into a slot allocated once. Why this cannot flake: it counts
	 * bytes the JVM allocated on this thread (no timing), over 10,000 events after a warm-up; one
	 * event object per call would be over 500 KB, the bound is 1 KB.
	 */
	@Test
	void recordingAnEventAllocatesNothing() {
		java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		assumeThat(threads).isInstanceOf(com.sun.management.ThreadMXBean.class);
		com.sun.management.ThreadMXBean allocations = (com.sun.management.ThreadMXBean) threads;
		PoolTimeline systemTime = new PoolTimeline("main", Clock.systemUTC());
		long thread = Thread.currentThread().getId();
		for (int i = 0; i < 20_000; i++) {
			record(systemTime, i);
		}
		long before = allocations.getThreadAllocatedBytes(thread);
		for (int i = 0; i < 10_000; i++) {
			record(systemTime, i);
		}
		long allocated = allocations.getThreadAllocatedBytes(thread) - before;
		// 5 events per round. Building an event (a PeerPoolEvent and its Instant, >= 72 B) would cost
		// >= 360 B per round; in a full suite's JVM, where the JIT saw other profiles, 48 B per round
		// were seen that alone it does not allocate: the bound tells the two apart
		assertThat(allocated / 10_000).as("bytes allocated per 5 events").isLessThan(200);
		assertThat(systemTime.events()).hasSize(PoolTimeline.CAPACITY);
	}

	private void record(PoolTimeline timeline, int i) {
		timeline.statusChanged(this.peer, this.up, this.down);
		timeline.statusChanged(this.peer, this.down, this.up);
		timeline.holdStarted(i, "no writer");
		timeline.holdEnded(i, 1_000_000L, "writer back");
		timeline.writerConflict("peer1", "two writers", this.peer);
	}

	private static Peer newPeer(String name, int index) {
		return newPeer(name, index, PeerRole.PRIMARY);
	}

	private static Peer newPeer(String name, int index, PeerRole role) {
		PeerConfig config = new PeerConfig("main", name, "jdbc:h2:mem:timeline", "sa", "s3cret", null, role, 1,
				Duration.ofSeconds(1), Map.of());
		BoundedConnectDataSource connector = new BoundedConnectDataSource(config.url(), null, new Properties(), "sa",
				"s3cret", Duration.ofSeconds(1));
		return new Peer(config, index, connector, (peer) -> {
			throw new AssertionError("no pool in these tests");
		}, Clock.systemUTC(), (peer, previous, current) -> {
		});
	}

}
