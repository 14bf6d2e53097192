package io.peerpool.peer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.peerpool.PeerPoolEvent;
import io.peerpool.PeerPoolEvent.Type;
import io.peerpool.PeerPoolListener;
import io.peerpool.PeerRole;
import io.peerpool.PeerState;
import io.peerpool.PeerServerChangedEvent.ServerIdentity;
import io.peerpool.failure.FailureReason;

/**
 * The last {@value #CAPACITY} events of one pool, in a ring of slots allocated once.
 *
 * <p>Recording copies references to objects that already exist (enums, the peer's name, the
 * error text its status holds, the lag it measured) and primitives into the next slot and builds
 * no string and no object: events come from state changes, some of them on a request's thread
 * (the request that found its peer dead). Text is made only when someone reads the timeline, and
 * a {@link PeerPoolEvent} for listeners only when there is a listener. The lock is held for a few
 * field writes and is never taken on the hot path (choosing a peer, borrowing a connection).
 */
final class PoolTimeline implements PeerListener, ProbeListener {

	/** Events kept per pool. */
	public static final int CAPACITY = 100;

	private static final Log logger = LogFactory.getLog(PoolTimeline.class);

	private static final String PROBE_SUCCEEDED = "probe succeeded";

	private static final String OPERATOR = "operator";

	private static final String NOT_IN_SYNC = "ready, not in sync";

	private static final String IN_SYNC = "in sync";

	private final String pool;

	private static final String SECOND_WRITER = "reports itself writable while another peer is the writer";

	/** Reason of a writer conflict with no writer: the peer lacks writes seen on the last one. */
	static final String BEHIND_LAST_WRITER = "writable but behind the last writer's position; set read_only on it or promote it";

	private final Clock clock;

	private final Slot[] slots;

	/** Events recorded since start; the next one goes to {@code slots[count % capacity]}. Guarded by {@code this}. */
	private long count;

	/**
	 * Role and lag flag last seen per peer index, to tell what a routing change changed; the role is
	 * {@code null} while unknown (an {@code auto} peer before its first successful probe, whose first
	 * answer is a discovery, not a change). Guarded by {@code this}.
	 */
	private final PeerRole[] roles = new PeerRole[64];

	private final boolean[] lagging = new boolean[64];

	/** Whether the peer was ready but not in sync (DESYNCED) when last seen, per index. Guarded by {@code this}. */
	private final boolean[] desynced = new boolean[64];

	private final List<PeerPoolListener> listeners = new CopyOnWriteArrayList<>();

	public PoolTimeline(String pool, Clock clock) {
		this(pool, clock, CAPACITY);
	}

	PoolTimeline(String pool, Clock clock, int capacity) {
		this.pool = pool;
		this.clock = clock;
		this.slots = new Slot[capacity];
		for (int i = 0; i < capacity; i++) {
			this.slots[i] = new Slot();
		}
	}

	/** Remembers a peer's role and lag flag at start, so that later changes can be told apart. */
	public synchronized void track(Peer peer) {
		this.roles[peer.index()] = (peer.declaredRole() == PeerRole.AUTO) ? null : peer.role();
		this.lagging[peer.index()] = peer.isLagging();
		this.desynced[peer.index()] = peer.isDesynced();
	}

	/** After a successful probe the role of an {@code auto} peer is known: later changes are changes. */
	@Override
	public void probed(Peer peer, Duration elapsed, String outcome) {
		if (SUCCESS.equals(outcome)) {
			synchronized (this) {
				if (this.roles[peer.index()] == null) {
					this.roles[peer.index()] = peer.role();
				}
			}
		}
		if (this.listeners.isEmpty()) {
			return;
		}
		PeerPoolListener.ProbeOutcome probeOutcome = switch (outcome) {
			case SUCCESS -> PeerPoolListener.ProbeOutcome.SUCCESS;
			case TIMEOUT -> PeerPoolListener.ProbeOutcome.TIMEOUT;
			default -> PeerPoolListener.ProbeOutcome.FAILURE;
		};
		io.peerpool.PeerInfo info = peer.info();
		for (PeerPoolListener listener : this.listeners) {
			try {
				listener.probed(info, elapsed, probeOutcome);
			}
			catch (Throwable ex) {
				logger.warn("peerpool: a PeerPoolListener failed on a probe of " + peer.name(), ex);
			}
		}
	}

	/** Tells the listeners that a recorded transaction ran again; on the application's thread. */
	void transactionReplayed(String peer, PeerPoolListener.ReplayReason reason, boolean replayed) {
		for (PeerPoolListener listener : this.listeners) {
			try {
				listener.transactionReplayed(peer, reason, replayed);
			}
			catch (Throwable ex) {
				logger.warn("peerpool: a PeerPoolListener failed on a transaction replay", ex);
			}
		}
	}

	public void addListener(PeerPoolListener listener) {
		this.listeners.add(listener);
	}

	public void removeListener(PeerPoolListener listener) {
		this.listeners.remove(listener);
	}

	@Override
	public void statusChanged(Peer peer, PeerStatus previous, PeerStatus current) {
		// health transitions: "from" is the health the peer had (UP), whatever its drain or lag
		if (!current.isUp()) {
			record(Type.DOWN, peer.name(), previous.health().state(), PeerState.DOWN, current.reason(),
					current.lastError(), 0, 0L);
		}
		else if (!previous.isUp()) {
			long downNanos = (current.since().toEpochMilli() - previous.since().toEpochMilli()) * 1_000_000L;
			// a node taken back while not in sync is DESYNCED (no work yet), and says why
			String desynced = current.found().desynced();
			record(Type.UP, peer.name(), PeerState.DOWN, (desynced != null) ? PeerState.DESYNCED : PeerState.UP,
					PROBE_SUCCEEDED, desynced, 0, downNanos);
		}
	}

	@Override
	public void routingChanged(Peer peer) {
		PeerRole role = peer.role();
		boolean nowLagging = peer.isLagging();
		String nowDesynced = peer.desynced();
		PeerRole roleBefore;
		boolean laggingBefore;
		boolean desyncedBefore;
		synchronized (this) {
			roleBefore = this.roles[peer.index()];
			laggingBefore = this.lagging[peer.index()];
			desyncedBefore = this.desynced[peer.index()];
			this.roles[peer.index()] = role;
			this.lagging[peer.index()] = nowLagging;
			this.desynced[peer.index()] = nowDesynced != null;
		}
		// a DOWN peer's probes may see it pass through these states: the UP event tells where it came back to
		if (desyncedBefore != (nowDesynced != null) && peer.state() != PeerState.DOWN) {
			if (nowDesynced != null) {
				record(Type.DESYNCED, peer.name(), PeerState.UP, PeerState.DESYNCED, NOT_IN_SYNC, nowDesynced, 0, 0L);
			}
			else {
				record(Type.SYNCED, peer.name(), PeerState.DESYNCED, PeerState.UP, IN_SYNC, null, 0, 0L);
			}
		}
		if (roleBefore != null && roleBefore != role) {
			record(Type.ROLE_CHANGE, peer.name(), roleBefore, role,
					(role == PeerRole.PRIMARY) ? "server is writable" : "server is read-only", null, 0, 0L);
		}
		if (laggingBefore != nowLagging) {
			Duration lag = peer.lag();
			if (nowLagging) {
				record(Type.LAGGING, peer.name(), PeerState.UP, PeerState.LAGGING,
						(lag != null) ? "lag above max-replica-lag" : "lag unknown", lag, 0, 0L);
			}
			else {
				record(Type.CAUGHT_UP, peer.name(), PeerState.LAGGING, PeerState.UP, "lag within max-replica-lag", lag,
						0, 0L);
			}
		}
	}

	@Override
	public void serverChanged(Peer peer, ServerIdentity previous, ServerIdentity current) {
		record(Type.SERVER_CHANGE, peer.name(), previous, current, "new server identity", "pooled connections evicted",
				0, 0L);
	}

	/** An operator drained {@code peer}, which was in state {@code before}. */
	public void drained(Peer peer, PeerState before) {
		record(Type.DRAIN, peer.name(), before, peer.displayState(), OPERATOR, null, 0, 0L);
	}

	/** An operator resumed {@code peer}, which was in state {@code before}. */
	public void resumed(Peer peer, PeerState before) {
		record(Type.RESUME, peer.name(), before, peer.displayState(), OPERATOR, null, 0, 0L);
	}

	/** A second writable peer in a pool of asynchronous replication (it gets no writes). */
	@Override
	public void writerConflict(Peer peer, Peer writer) {
		writerConflict(peer.name(), SECOND_WRITER, writer.name());
	}

	/**
	 * More than one peer takes writes where only one should.
	 * @param peer the peer that also takes writes
	 * @param reason why this counts as a conflict (a constant, not text built for the call)
	 * @param detail the other writer, for example (rendered with {@code toString()} only when read)
	 */
	public void writerConflict(String peer, String reason, @Nullable Object detail) {
		record(Type.WRITER_CONFLICT, peer, null, null, reason, detail, 0, 0L);
	}

	/**
	 * The pool started holding callers.
	 * @param waiting callers waiting now
	 * @param reason why the pool holds (a constant, not text built for the call)
	 */
	public void holdStarted(int waiting, String reason) {
		record(Type.HOLD_START, null, null, null, reason, null, waiting, 0L);
	}

	/**
	 * The pool stopped holding callers.
	 * @param waited callers that waited during the hold
	 * @param longestWaitNanos the longest wait of one caller
	 * @param reason how the hold ended ({@code writer back}, {@code timed out}; a constant)
	 */
	public void holdEnded(int waited, long longestWaitNanos, String reason) {
		record(Type.HOLD_END, null, null, null, reason, null, waited, longestWaitNanos);
	}

	/**
	 * Writes one event into the next slot, then tells the listeners.
	 * @param durationNanos how long the peer was down (UP) or the longest wait (HOLD_END); 0 for none
	 */
	private void record(Type type, @Nullable String peer, @Nullable Object from, @Nullable Object to,
			@Nullable Object reason, @Nullable Object detail, int callers, long durationNanos) {
		long millis = this.clock.millis();
		synchronized (this) {
			Slot slot = this.slots[(int) (this.count % this.slots.length)];
			slot.millis = millis;
			slot.type = type;
			slot.peer = peer;
			slot.from = from;
			slot.to = to;
			slot.reason = reason;
			slot.detail = detail;
			slot.callers = callers;
			slot.durationNanos = durationNanos;
			this.count++;
		}
		if (this.listeners.isEmpty()) {
			return;
		}
		PeerPoolEvent event = event(millis, type, peer, from, to, reason, detail, callers, durationNanos);
		for (PeerPoolListener listener : this.listeners) {
			try {
				listener.onEvent(event);
			}
			catch (Throwable ex) {
				// a listener is news for the application, never a reason for the pool to fail
				logger.warn("peerpool: a PeerPoolListener failed on " + event, ex);
			}
		}
	}

	/** Every event kept, oldest first. */
	public List<PeerPoolEvent> events() {
		return recent(this.slots.length);
	}

	/** The last {@code limit} events, oldest first. */
	public List<PeerPoolEvent> recent(int limit) {
		List<PeerPoolEvent> events = new ArrayList<>(Math.min(limit, this.slots.length));
		synchronized (this) {
			long kept = Math.min(this.count, Math.min(limit, this.slots.length));
			for (long i = this.count - kept; i < this.count; i++) {
				Slot slot = this.slots[(int) (i % this.slots.length)];
				events.add(event(slot.millis, slot.type, slot.peer, slot.from, slot.to, slot.reason, slot.detail,
						slot.callers, slot.durationNanos));
			}
		}
		return events;
	}

	private PeerPoolEvent event(long millis, Type type, @Nullable String peer, @Nullable Object from,
			@Nullable Object to, @Nullable Object reason, @Nullable Object detail, int callers, long durationNanos) {
		boolean timed = type == Type.UP || type == Type.HOLD_END;
		return new PeerPoolEvent(Instant.ofEpochMilli(millis), this.pool, peer, type, text(from), text(to), text(reason),
				text(detail), callers, timed ? Duration.ofNanos(durationNanos) : null);
	}

	private static @Nullable String text(@Nullable Object value) {
		if (value == null) {
			return null;
		}
		if (value instanceof FailureReason reason) {
			return reason.tag();
		}
		if (value instanceof PeerRole role) {
			return role.name().toLowerCase(java.util.Locale.ROOT);
		}
		if (value instanceof Duration duration) {
			return "lag " + duration.toMillis() + " ms";
		}
		return value.toString();
	}

	/** One event's parts, overwritten in turn. */
	private static final class Slot {

		long millis;

		@Nullable Type type;

		@Nullable String peer;

		@Nullable Object from;

		@Nullable Object to;

		@Nullable Object reason;

		@Nullable Object detail;

		int callers;

		long durationNanos;

	}

}
