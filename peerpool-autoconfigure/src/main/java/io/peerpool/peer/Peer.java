package io.peerpool.peer;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import org.jspecify.annotations.Nullable;

import io.peerpool.PeerPoolSettings.PeerConfig;
import io.peerpool.PeerRole;
import io.peerpool.PeerServerChangedEvent.ServerIdentity;
import io.peerpool.PeerState;
import io.peerpool.balance.Balanced;
import io.peerpool.failure.FailureReason;
import io.peerpool.connect.BoundedConnectDataSource;

/**
 * One database server of a pool: its connection settings, its status (health, what the probes
 * found, drain, the writer election's facts: one immutable {@link PeerStatus} changed by
 * compare-and-set) and its HikariCP pool.
 *
 * <p>The HikariCP pool exists only while the peer is UP. Marking the peer DOWN retires the pool
 * off the caller's thread: idle connections are closed and borrowed ones aborted, so no thread
 * stays blocked on a frozen server. Recovery starts a fresh pool, which also guarantees that no
 * connection of the failed server survives.
 *
 * <p>Public as the JDBC layer's handle on the peer that serves a connection (name, role, server,
 * release) and for the balance strategies; the read accessors of its state are public for the
 * pool's tests. Everything that changes it is the engine's.
 */
public final class Peer implements Balanced {

	private final PeerConfig config;

	/** The peer's {@code connect-timeout} in milliseconds, converted once: every borrow reads it. */
	private final long connectTimeoutMillis;

	private final int index;

	private final BoundedConnectDataSource connector;

	private final Function<Peer, HikariDataSource> poolFactory;

	private final Clock clock;

	private final PeerListener listener;

	private final AtomicReference<PeerStatus> status;

	/** The size of {@link #permits}: slots taken = this minus the free permits (no counter of its own on the hot path). */
	private volatile int slots;

	private final AtomicBoolean probing = new AtomicBoolean();

	/** An error asked for a probe while one was running: run another when it ends. */
	private final AtomicBoolean probeRequested = new AtomicBoolean();

	/** Set by {@link #shutdown()}: no pool may be created any more. */
	private volatile boolean shutDown;

	/**
	 * The auto-commit of the connections HikariCP hands out ({@code hikari.auto-commit}): it sets
	 * it on each new connection and resets it when a borrower changed it through JDBC.
	 */
	private volatile boolean pooledAutoCommit = true;

	/** The read-only of the connections HikariCP hands out ({@code hikari.read-only}), reset as auto-commit is. */
	private volatile boolean pooledReadOnly;

	/** Whether the pool's routing sends write transactions here now ({@link #takesWrites(boolean)}). */
	private volatile boolean takesWrites;

	/** Connections routed to this peer since start. */
	private final java.util.concurrent.atomic.LongAdder routed = new java.util.concurrent.atomic.LongAdder();

	private volatile HikariDataSource pool;

	/**
	 * One permit per connection the peer's pool may hold, handed out in the order callers asked
	 * (fair): HikariCP lets a thread that has just returned a connection take it again before the
	 * caller that waited for it wakes up, which under load starves waiters. Taking a free permit is
	 * one compare-and-set, without a lock.
	 */
	private volatile java.util.concurrent.Semaphore permits;

	/** The server last seen behind this peer, or {@code null} before the first connection. */
	private final AtomicReference<ServerIdentity> server = new AtomicReference<>();

	/**
	 * Counts the probes in a row that could not measure the lag, for one WARN at the second (the
	 * first may precede the primary's). The monitor's bookkeeping, kept apart from the status:
	 * routing never reads it.
	 */
	private final AtomicInteger unknownLagProbes = new AtomicInteger();

	/**
	 * When the latest probe that found the peer healthy started ({@link System#nanoTime()}); the
	 * peer's creation before any.
	 */
	private volatile long healthyProbeStarted = System.nanoTime();

	/**
	 * The server's refusal of the latest probe's new connection at its connection limit, redacted;
	 * {@code null} while it accepts them. Only the monitor writes this.
	 */
	private volatile @Nullable String refusal;

	Peer(PeerConfig config, int index, BoundedConnectDataSource connector,
			Function<Peer, HikariDataSource> poolFactory, Clock clock, PeerListener listener) {
		if (index < 0 || index > 63) {
			throw new IllegalArgumentException("A pool holds at most 64 peers");
		}
		this.config = config;
		this.connectTimeoutMillis = config.connectTimeout().toMillis();
		this.index = index;
		this.connector = connector;
		this.poolFactory = poolFactory;
		this.clock = clock;
		this.listener = listener;
		this.status = new AtomicReference<>(PeerStatus.initial(config.role(), clock.instant()));
		connector.observeConnections((connection) -> observeServer(ServerIdentity.of(connection)));
	}

	/** The server last seen behind this peer, or {@code null} before the first connection. */
	public ServerIdentity server() {
		return this.server.get();
	}

	/**
	 * Records the server a new connection (pooled or probe) found. When it is another server than
	 * before, the pooled connections, which hold caches of the old server (type OIDs, prepared
	 * statements) or still talk to it, are evicted and listeners are told.
	 */
	void observeServer(ServerIdentity current) {
		ServerIdentity previous = this.server.getAndSet(current);
		if (previous == null || previous.equals(current)) {
			return;
		}
		HikariDataSource pool = this.pool;
		if (pool != null && pool.getHikariPoolMXBean() != null) {
			// idle connections close now, borrowed ones when returned; the new connection is not in the pool yet
			pool.getHikariPoolMXBean().softEvictConnections();
		}
		try {
			this.listener.serverChanged(this, previous, current);
		}
		catch (RuntimeException ex) {
			// a listener must never break the opening of a connection
		}
	}

	/** Starts the peer's connection pool; connections are opened in the background. */
	void start() {
		if (this.pool == null && this.status.get().isUp()) {
			this.pool = withPermits(this.poolFactory.apply(this));
		}
	}

	/** Sizes the permits by the first pool; every later pool of this peer has the same settings. */
	private HikariDataSource withPermits(HikariDataSource created) {
		if (this.permits == null) {
			this.pooledAutoCommit = created.isAutoCommit();
			this.pooledReadOnly = created.isReadOnly();
			this.slots = Math.max(1, created.getMaximumPoolSize());
			this.permits = new java.util.concurrent.Semaphore(this.slots, true);
		}
		return created;
	}

	public String name() {
		return this.config.name();
	}

	/** The auto-commit of a connection as {@link #borrow(long, long)} hands it out. */
	public boolean pooledAutoCommit() {
		return this.pooledAutoCommit;
	}

	/** The read-only of a connection as {@link #borrow(long, long)} hands it out. */
	public boolean pooledReadOnly() {
		return this.pooledReadOnly;
	}

	public PeerConfig config() {
		return this.config;
	}

	/** {@code config().connectTimeout()} in milliseconds. */
	long connectTimeoutMillis() {
		return this.connectTimeoutMillis;
	}

	/** The declared role. */
	public PeerRole declaredRole() {
		return this.config.role();
	}

	/** The role the peer plays now ({@link PeerStatus#role()}). */
	public PeerRole role() {
		return this.status.get().role();
	}

	/** Replica lag from the last probe, {@code null} when unknown. */
	public Duration lag() {
		return this.status.get().found().lag();
	}

	/** Whether the peer is too far behind to serve reads. */
	boolean isLagging() {
		return this.status.get().isLagging();
	}

	/** The state of a ready cluster node that is not in sync, from the last probe; {@code null} when in sync. */
	public String desynced() {
		return this.status.get().found().desynced();
	}

	/** Whether a probe found the peer ready but not in sync: it takes no new connections. */
	public boolean isDesynced() {
		return this.status.get().isDesynced();
	}

	/**
	 * Whether a probe that started after {@code nanoTime} ({@link System#nanoTime()}) found the
	 * peer healthy: a connection that failed on this peer then may take it again, since either the
	 * failure was that connection's alone (a {@code KILL}, a reset) or the peer is back.
	 */
	public boolean foundHealthySince(long nanoTime) {
		return this.healthyProbeStarted - nanoTime > 0L;
	}

	/** Whether the peer came back from DOWN and has not yet passed a recovery probe in sync. */
	public boolean isRejoining() {
		return this.status.get().rejoining();
	}

	/** The lag in seconds (milliseconds precision) while the peer is UP, {@code null} when unknown or DOWN. */
	Double lagSeconds() {
		return this.status.get().lagSeconds();
	}

	/** How the lag was measured ({@code server}, {@code position}), {@code null} when unknown. */
	String lagSource() {
		return this.status.get().found().lagSource();
	}

	/** Why the lag cannot be measured, {@code null} when it can. */
	String lagUnknown() {
		return this.status.get().found().lagUnknown();
	}

	/** Whether the server replicates from another one; {@code null} when the user cannot see it. */
	Boolean replicating() {
		return this.status.get().replicating();
	}

	/** The server's replication as the last healthy probe found it (position, replicas), {@code null} when unknown. */
	io.peerpool.ProbeResult.Replication replication() {
		return this.status.get().found().replication();
	}

	/** A PostgreSQL primary's timeline, 0 when unknown. */
	public long timeline() {
		return this.status.get().timeline();
	}

	/** Whether the server is a node of a synchronous cluster (Galera): every node can take writes. */
	public boolean isSynchronous() {
		return this.status.get().isSynchronous();
	}

	/** The pool's writer while this peer also reports itself writable, else {@code null}. */
	Peer writerConflict() {
		return this.status.get().writer().conflict();
	}

	/**
	 * Sets or clears the conflict with the pool's writer (by the pool, while it rebuilds routing).
	 * @return whether a conflict starts with this call
	 */
	boolean writerConflict(Peer writer) {
		PeerStatus before = this.status.getAndUpdate((current) -> current.withWriterConflict(writer));
		return writer != null && before.writer().conflict() != writer;
	}

	/**
	 * Sets whether the peer is held back as behind the last writer (by the pool, while it rebuilds routing).
	 * @return whether that starts with this call
	 */
	boolean heldBehind(boolean held) {
		PeerStatus before = this.status.getAndUpdate((current) -> current.withHeldBehind(held));
		return held && !before.writer().heldBehind();
	}

	/** {@link PeerStatus#isWritableAloneConfirmed()}. */
	boolean isWritableAloneConfirmed() {
		return this.status.get().isWritableAloneConfirmed();
	}

	/** Whether the peer would serve reads as a replica: read-only, or writable but replicating. */
	boolean isReplicaForReads() {
		return this.status.get().isReplicaForReads();
	}

	/**
	 * Counts a probe that could not measure the peer's lag.
	 * @return whether it is time for the one WARN: the second such probe in a row (at startup, a
	 * replica's first probe may end before the primary's, which it is compared with)
	 */
	boolean firstUnknownLag() {
		return this.unknownLagProbes.incrementAndGet() == 2;
	}

	/**
	 * Records what a healthy probe found, with no lag measured by the pool: the probe's own figure.
	 * @return whether routing must be rebuilt
	 */
	boolean observeProbe(io.peerpool.ProbeResult result, Duration maxReplicaLag) {
		return observeProbe(result, result.lag(), (result.lag() != null) ? "server" : null, null, maxReplicaLag, false,
				System.nanoTime());
	}

	/**
	 * Records what a healthy probe found ({@link PeerStatus#observed}), in one compare-and-set with
	 * whatever failure report, drain or routing rebuild runs meanwhile.
	 * @return whether routing must be rebuilt (the role, the lagging flag or replication changed)
	 */
	boolean observeProbe(io.peerpool.ProbeResult result, Duration measuredLag, String source,
			String unknownReason, Duration maxReplicaLag, boolean includeUnknownLag, long probeStarted) {
		if (probeStarted - this.healthyProbeStarted > 0L) {
			// probes of a peer run one at a time: only the monitor writes this
			this.healthyProbeStarted = probeStarted;
		}
		PeerStatus previous;
		PeerStatus next;
		do {
			previous = this.status.get();
			next = previous.observed(result, measuredLag, source, unknownReason, maxReplicaLag, includeUnknownLag);
		}
		while (!this.status.compareAndSet(previous, next));
		if (measuredLag != null) {
			this.unknownLagProbes.set(0);
		}
		boolean changed = next.probeChangesRouting(previous);
		if (changed) {
			this.listener.routingChanged(this);
		}
		else {
			this.listener.foundHealthy(this);
		}
		return changed;
	}

	/**
	 * A probe could not look at the server, which refused it a connection at its connection limit
	 * ({@link PeerStatus#unmeasured}), in one compare-and-set as {@link #observeProbe} does.
	 * @return whether routing must be rebuilt (a replica that served reads now lags)
	 */
	boolean observeUnmeasured(String why, boolean includeUnknownLag) {
		PeerStatus previous;
		PeerStatus next;
		do {
			previous = this.status.get();
			next = previous.unmeasured(why, includeUnknownLag);
		}
		while (next != previous && !this.status.compareAndSet(previous, next));
		boolean changed = next.probeChangesRouting(previous);
		if (changed) {
			this.listener.routingChanged(this);
		}
		return changed;
	}

	/**
	 * What the latest probe found: the server's refusal of a new connection at its connection limit
	 * (redacted), or {@code null} when it accepted one. The monitor's, to say so once when it starts
	 * and once when it ends.
	 * @return whether the server refused them before
	 */
	boolean refusingConnections(@Nullable String refusal) {
		boolean was = this.refusal != null;
		this.refusal = refusal;
		return was;
	}

	/** Whether the latest probe found the server refusing new connections at its connection limit. */
	boolean isRefusingConnections() {
		return this.refusal != null;
	}

	/**
	 * One of the pool's idle connections for a probe, while the server refuses the probe one of its
	 * own at its connection limit: waits at most {@code wait} for a slot and the connection, in
	 * turn with the application's callers. Given back with {@link #returnUnused}: it is not
	 * counted as routed.
	 * @return the connection, or {@code null} when none was free in time
	 */
	@Nullable Connection borrowForProbe(Duration wait) throws SQLException {
		long millis = Math.max(1L, wait.toMillis());
		try {
			return borrow(millis, millis);
		}
		catch (PeerBusyException ex) {
			return null;
		}
	}

	@Override
	public int index() {
		return this.index;
	}

	@Override
	public int weight() {
		return this.config.weight();
	}

	@Override
	public int activeConnections() {
		// a slot is taken for every borrowed connection (and for the moment of borrowing it)
		java.util.concurrent.Semaphore taken = this.permits;
		return (taken != null) ? Math.max(0, this.slots - taken.availablePermits()) : 0;
	}

	/** A snapshot of this peer for the API: state, role, usage, lag, safe to show. */
	io.peerpool.PeerInfo info() {
		// one snapshot: state, role, lag and conflict as they were together
		PeerStatus status = status();
		HikariDataSource pool = pool();
		com.zaxxer.hikari.HikariPoolMXBean bean = (pool != null) ? pool.getHikariPoolMXBean() : null;
		int idle = (bean != null) ? bean.getIdleConnections() : 0;
		int active = activeConnections();
		boolean measured = status.isUp() && status.isReplicaForReads();
		Double lag = status.lagSeconds();
		PeerStatus.Findings found = status.found();
		Peer conflict = status.writer().conflict();
		return new io.peerpool.PeerInfo(name(), displayState(status, active), status.role(), config().safeUrl(), active,
				idle, status.since(), status.isUp() ? null : status.retryAt(), status.lastError(),
				(status.reason() != null) ? status.reason().tag() : null, routedConnections(),
				(server() != null) ? server().toString() : null, declaredRole(), measured ? lag : null,
				measured ? found.lagSource() : null, measured ? found.lagUnknown() : null,
				(conflict != null) ? conflict.name() : null, status.isUp() ? found.desynced() : null, lag,
				status.isUp() ? this.refusal : null, this.takesWrites, status.isUp() ? status.replicating() : null);
	}

	/** Set by the pool's routing each time it changes which peers take writes; shown, never routed by. */
	void takesWrites(boolean writes) {
		this.takesWrites = writes;
	}

	/** Connections routed to this peer since the pool started. */
	public long routedConnections() {
		return this.routed.sum();
	}

	PeerStatus status() {
		return this.status.get();
	}

	/** The peer's health as the API names it: UP or DOWN (the drain and the probes' findings aside). */
	public PeerState state() {
		return this.status.get().health().state();
	}

	/** State as shown to operators: health, or the drain, the sync or the lag when the peer is healthy. */
	public PeerState displayState() {
		return displayState(this.status.get(), activeConnections());
	}

	private static PeerState displayState(PeerStatus status, int active) {
		PeerState state = status.state();
		// borrowed connections are the slots' count, not the status's: a borrow never changes the status
		return (state == PeerState.DRAINED && active > 0) ? PeerState.DRAINING : state;
	}

	/**
	 * Whether the peer was found DOWN: its pool is retired and the connections borrowed from it are
	 * aborted (one volatile read, no allocation).
	 */
	public boolean isDown() {
		return !this.status.get().isUp();
	}

	/** Whether new connections may go to this peer: UP, not drained, in sync (one volatile read, no allocation). */
	public boolean isRoutable() {
		return this.status.get().isRoutable();
	}

	boolean isDrained() {
		return this.status.get().drained();
	}

	/** Stops new connections; idle ones close now and borrowed ones when returned (HikariCP soft eviction). */
	void drain() {
		this.status.updateAndGet((current) -> current.withDrained(true));
		HikariDataSource current = this.pool;
		if (current != null && current.getHikariPoolMXBean() != null) {
			current.getHikariPoolMXBean().softEvictConnections();
		}
	}

	void resume() {
		this.status.updateAndGet((current) -> current.withDrained(false));
	}

	/** Opens physical connections outside the pool (for probes), with the same bounds as the pool. */
	BoundedConnectDataSource connector() {
		return this.connector;
	}

	/** The peer's HikariCP pool, or {@code null} while the peer is DOWN. */
	public HikariDataSource pool() {
		return this.pool;
	}

	/**
	 * Borrows a pooled connection: first one of the pool's slots, waiting for it at most
	 * {@code slotMillis} in the order callers came (0: only if one is free, so that the caller can
	 * try another peer), then the connection from HikariCP, waiting at most {@code connectionMillis}
	 * (a slot is free, but the pool may still be opening the connection).
	 * Not counted as routed until the caller {@linkplain #countRouted() hands it out}.
	 * @return the connection, or {@code null} when no slot was free within {@code slotMillis}
	 * @throws PeerBusyException when HikariCP gave no connection within {@code connectionMillis}:
	 * not a failure of the peer
	 * @throws SQLException when the peer has no pool (DOWN), or the caller was interrupted (its
	 * interrupt flag is set again)
	 */
	Connection borrow(long slotMillis, long connectionMillis) throws SQLException {
		java.util.concurrent.Semaphore slots = this.permits;
		if (slots == null || this.pool == null) {
			throw new SQLTransientConnectionException("Peer " + this.config.qualifiedName() + " is " + state(), "08001");
		}
		try {
			if (slotMillis <= 0) {
				// the hot path: one compare-and-set, no interrupt check (HikariCP hands an idle connection to an
				// interrupted thread too), and no taking a slot that a waiting caller is about to get
				if (slots.hasQueuedThreads() || !slots.tryAcquire()) {
					return null;
				}
			}
			else if (!slots.tryAcquire(slotMillis, java.util.concurrent.TimeUnit.MILLISECONDS)) {
				return null;
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new SQLException("Interrupted while waiting for a connection of " + this.config.qualifiedName(), ex);
		}
		// read after the wait: the peer may have gone DOWN meanwhile
		HikariDataSource current = this.pool;
		if (current == null || current.isClosed()) {
			slots.release();
			throw new SQLTransientConnectionException("Peer " + this.config.qualifiedName() + " is " + state(), "08001");
		}
		HikariPool hikari = (HikariPool) current.getHikariPoolMXBean();
		Connection connection;
		try {
			connection = (hikari != null) ? hikari.getConnection(Math.max(1, connectionMillis)) : current.getConnection();
		}
		catch (SQLTransientConnectionException ex) {
			slots.release();
			// HikariCP's "request timed out": its cause is the last failed attempt to open a connection,
			// which the connector has already reported where it happened
			throw new PeerBusyException("Peer " + this.config.qualifiedName() + " gave no connection within "
					+ connectionMillis + " ms (" + describeUsage() + ")", ex);
		}
		catch (SQLException | RuntimeException ex) {
			slots.release();
			throw ex;
		}
		return connection;
	}

	/**
	 * Counts a connection {@linkplain #borrow(long, long) borrowed} from this peer as routed, when
	 * it is handed out: the count never goes down again for a connection given back unused.
	 */
	void countRouted() {
		this.routed.increment();
	}

	/** How many connections the peer's pool may hold ({@code maximum-pool-size}). */
	public int poolSize() {
		return this.slots;
	}

	/** {@code "3/3 active"}: connections borrowed through this pool, of the peer's maximum. */
	String describeUsage() {
		HikariDataSource current = this.pool;
		return activeConnections() + "/" + ((current != null) ? current.getMaximumPoolSize() : 0) + " active";
	}

	/** Gives back a connection borrowed with {@link #borrow(long, long)}. */
	public void release(Connection connection) throws SQLException {
		try {
			connection.close();
		}
		catch (RuntimeException ex) {
			// HikariCP throws NullPointerException (resetConnectionState) closing a connection that its
			// retired pool has just aborted: the connection is gone either way, and the caller's
			// transaction has already seen its own error
		}
		finally {
			// after the connection is back in HikariCP, so that the next caller finds it there
			releaseSlot();
		}
	}

	private void releaseSlot() {
		java.util.concurrent.Semaphore slots = this.permits;
		if (slots != null) {
			slots.release();
		}
	}

	/**
	 * Gives back a connection borrowed with {@link #borrow(long, long)} that was never handed out
	 * (the peer was drained or went DOWN between the choice and the borrow): it was never counted
	 * as routed.
	 */
	void returnUnused(Connection connection) throws SQLException {
		release(connection);
	}

	/**
	 * Marks a borrowed connection evicted: closing it then closes it instead of giving it back to
	 * HikariCP's pool.
	 */
	public void evict(Connection connection) {
		HikariDataSource current = this.pool;
		try {
			if (current != null && !current.isClosed()) {
				current.evictConnection(connection);
			}
		}
		catch (RuntimeException ex) {
			// not a connection of this pool any more (the pool was retired): it is closed when given back
		}
	}

	/**
	 * Aborts a connection borrowed with {@link #borrow(long, long)} and gives its slot back: HikariCP is
	 * told to evict it first, so that closing the aborted connection neither reports an error of
	 * it nor returns it to the pool.
	 */
	public void releaseAborted(Connection connection, java.util.concurrent.Executor executor) throws SQLException {
		evict(connection);
		try {
			connection.abort(executor);
		}
		finally {
			try {
				// aborted connections are marked closed at once: this returns without I/O
				connection.close();
			}
			catch (SQLException | RuntimeException ex) {
				// the connection is gone either way
			}
			finally {
				releaseSlot();
			}
		}
	}

	/** {@code message} (an error's) without this peer's password or the credentials of a URL, for logs and health. */
	String redact(String message) {
		return SafeUrls.redact(message, this.config.password());
	}

	/**
	 * Marks the peer DOWN until {@code checkInterval} has passed and a probe succeeds.
	 * @return the pool to retire (close off the caller's thread) when this call took the peer
	 * down, {@code null} when it was already down
	 */
	HikariDataSource markDown(FailureReason reason, String error, Duration checkInterval) {
		Instant now = this.clock.instant();
		String safeError = redact(error);
		PeerStatus previous;
		PeerStatus next;
		do {
			previous = this.status.get();
			next = previous.down(now, reason, safeError, now.plus(checkInterval));
		}
		while (!this.status.compareAndSet(previous, next));
		if (!previous.isUp()) {
			return null;
		}
		HikariDataSource retired = this.pool;
		this.pool = null;
		this.listener.statusChanged(this, previous, next);
		return retired;
	}

	/**
	 * Takes a DOWN peer back after a successful probe, with a fresh pool.
	 * @return whether this call brought the peer up
	 */
	public boolean markUp() {
		Instant now = this.clock.instant();
		PeerStatus previous;
		PeerStatus next;
		do {
			previous = this.status.get();
			if (previous.isUp() || this.shutDown) {
				return false;
			}
			// UP and rejoining in one snapshot: the next probe reads both to choose its kind
			next = previous.recovered(now);
		}
		while (!this.status.compareAndSet(previous, next));
		HikariDataSource fresh = withPermits(this.poolFactory.apply(this));
		this.pool = fresh;
		// read after the pool is published: either this sees the shutdown, or shutdown() sees the pool
		if (this.shutDown) {
			this.pool = null;
			fresh.close();
			return false;
		}
		if (this.status.get().health() != next.health()) {
			// marked down again while the pool was being built (a new health; a drain or a probe keeps it): the failure wins
			this.pool = null;
			fresh.close();
			return false;
		}
		this.listener.statusChanged(this, previous, next);
		return true;
	}

	/** Whether a DOWN peer's quarantine is over, so that a probe may bring it back. */
	boolean isDueForRetry() {
		PeerStatus current = this.status.get();
		return current.retryAt() == null || !this.clock.instant().isBefore(current.retryAt());
	}

	/** Time left in a DOWN peer's quarantine, zero when it is over. */
	Duration untilRetry() {
		Instant retryAt = this.status.get().retryAt();
		if (retryAt == null) {
			return Duration.ZERO;
		}
		Duration left = Duration.between(this.clock.instant(), retryAt);
		return left.isNegative() ? Duration.ZERO : left;
	}

	/** Claims the right to probe this peer; one probe per peer at a time. */
	boolean tryStartProbe() {
		return this.probing.compareAndSet(false, true);
	}

	void probeFinished() {
		this.probing.set(false);
	}

	/** Asks for a probe as soon as possible (the running one, if any, may have started too early). */
	void requestProbe() {
		this.probeRequested.set(true);
	}

	/** Takes a pending request for a probe. */
	boolean takeProbeRequest() {
		return this.probeRequested.getAndSet(false);
	}

	boolean isProbeRequested() {
		return this.probeRequested.get();
	}

	/** Closes the peer's pool for good: a probe that ends later creates none. */
	HikariDataSource shutdown() {
		this.shutDown = true;
		HikariDataSource retired = this.pool;
		this.pool = null;
		return retired;
	}

	@Override
	public String toString() {
		return this.config.qualifiedName() + " " + state();
	}

}
