package io.peerpool.peer;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.SQLExceptionOverride;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;

import io.peerpool.PeerPoolSettings.PeerConfig;
import io.peerpool.PeerPoolDataSource.AcquisitionObserver;
import io.peerpool.NoAvailablePeerException;
import io.peerpool.PeerInfo;
import io.peerpool.PeerPoolEvent;
import io.peerpool.PeerPoolListener;
import io.peerpool.PeerPoolSettings;
import io.peerpool.PeerProbe;
import io.peerpool.PeerRole;
import io.peerpool.PeerServerChangedEvent;
import io.peerpool.PeerState;
import io.peerpool.PeerWriterConflictEvent;
import io.peerpool.PeerServerChangedEvent.ServerIdentity;
import io.peerpool.PeerPoolSettings.GaleraWriters;
import io.peerpool.PeerPoolSettings.UnknownLag;
import io.peerpool.balance.Balance;
import io.peerpool.balance.BalanceStrategy;
import io.peerpool.connect.BoundedConnectDataSource;
import io.peerpool.failure.FailureReason;
import io.peerpool.failure.PeerFailureClassifier;
import io.peerpool.jdbc.PeerAcquirer;
import io.peerpool.jdbc.PeerConnection;
import io.peerpool.routing.PeerRouting;

/**
 * The engine of one pool, behind its {@code PeerPoolDataSource}: the peers and their routing
 * table (which peers take writes and reads now, one writer in a pool of asynchronous
 * replication), the acquisition loop that takes a physical connection from the best peer within
 * {@code acquire-timeout} and holds callers while no peer can serve, the judgement of errors, the
 * monitor and heartbeat, the timeline and its listeners. The one public type of the engine: the
 * data source facade creates it and delegates to it; the rest of the package is its own.
 */
public final class PeerPoolEngine {

	/** HikariCP's smallest connection timeout. */
	private static final long HIKARI_MIN_TIMEOUT_MS = 250;

	/** Events of the timeline an all-peers-down error shows; enough for one incident, short enough to read. */
	private static final int RECENT_EVENTS_IN_ERRORS = 10;

	private final String name;

	private final PeerPoolSettings settings;

	/** {@code acquire-timeout} in nanoseconds, converted once: every borrow reads it. */
	private final long acquireTimeoutNanos;

	/** {@link PeerPoolSettings#pinHold()}, computed once (it makes four {@code Duration}s). */
	private final Duration pinHold;

	private final Peer[] peers;

	private final Map<String, Peer> peersByName;

	private final BalanceStrategy balance;

	private final PeerFailureClassifier classifier;

	private final PeerMonitor monitor;

	private final PeerHeartbeat heartbeat;

	private final List<PeerListener> listeners = new CopyOnWriteArrayList<>();

	/** The pool's last events, for operators after an incident and for {@link PeerPoolListener}s. */
	private final PoolTimeline timeline;

	private final Object routingLock = new Object();

	/**
	 * Callers waiting for a peer that can serve their intent wait on {@link #peerMayServe}; routing
	 * changes and healthy probes wake them. A lock and condition of {@code java.util.concurrent}, not
	 * a monitor: on Java 21 to 23 a virtual thread in {@code Object.wait()} pins its carrier, and as
	 * many held requests as cores would stop every virtual thread for as long as the hold lasts.
	 */
	private final java.util.concurrent.locks.ReentrantLock holdLock = new java.util.concurrent.locks.ReentrantLock();

	private final java.util.concurrent.locks.Condition peerMayServe = this.holdLock.newCondition();

	/** Set by {@link #close()}: no connection is handed out any more, and held callers are let go. */
	private volatile boolean closed;

	/** Callers waiting now for a peer that can serve their intent. */
	private final java.util.concurrent.atomic.AtomicInteger holding = new java.util.concurrent.atomic.AtomicInteger();

	/** Callers that waited during the current hold, and the longest wait: the timeline's hold end. */
	private final java.util.concurrent.atomic.AtomicInteger holdWaited = new java.util.concurrent.atomic.AtomicInteger();

	private final java.util.concurrent.atomic.AtomicLong holdLongestNanos = new java.util.concurrent.atomic.AtomicLong();

	private static final String HOLD_NO_WRITER = "no peer takes writes";

	private static final String HOLD_NO_READER = "no peer takes reads";

	private static final String HOLD_NO_PEER = "no peer is up";

	/** How often a Galera writer's handover looks whether the old writer's transactions are done. */
	private static final long HANDOVER_CHECK_MILLIS = 10;

	private static final String HOLD_SERVED = "a peer can serve";

	private static final String HOLD_TIMED_OUT = "acquire-timeout passed";

	/** At most this many callers wait for a peer at once (the pool's total maximum connections); the next fail at once. */
	private final int maxHolding;

	/** Whether reads go to replicas, by {@code read-write-split} or the peers' declared roles. */
	private final boolean readWriteSplit;

	/**
	 * Whether reads go to replicas now: {@link #readWriteSplit}, or a Galera pool with one writer
	 * ({@code galera-writers: one}) whose other nodes serve the reads, unless the split was turned off.
	 */
	private volatile boolean splitting;

	/**
	 * The node that takes the writes of a Galera pool with {@code galera-writers: one}
	 * ({@link #electGaleraWriter}); {@code null} otherwise.
	 */
	private volatile @Nullable Peer galeraWriter;

	/**
	 * The Galera writer the writes are moving off (drained, desynced, or an earlier node is back)
	 * while transactions borrowed from it may still commit; {@code null} when none is. Guarded by
	 * {@link #routingLock}.
	 */
	private @Nullable Peer handoverFrom;

	/** When a handover ends whatever is still open on its old writer: half of acquire-timeout after it began. */
	private long handoverEndsNanos;

	/** Whether the next look at a handover is scheduled: one at a time, whatever else updates the routing meanwhile. */
	private boolean handoverCheckScheduled;

	/** Whether connections start in auto-commit mode: {@code hikari.auto-commit} of the peers' pools. */
	private final boolean autoCommit;

	/** Whether every peer's pool hands out read-only connections: {@code hikari.read-only}. */
	private final boolean readOnly;

	/** Peers that take writes now, in declared order; replaced (never modified) on every change. */
	private volatile Peer[] writers = new Peer[0];

	/** Peers that take reads now, in declared order; replaced (never modified) on every change. */
	private volatile Peer[] readers = new Peer[0];

	/**
	 * The one writer of a pool of asynchronous replication (see {@link #updateRouting()}), kept
	 * while it is UP and writable; {@code null} when there is none or the pool has several.
	 */
	private volatile Peer writer;

	/**
	 * The last writer the pool knew since the first probes, kept while there is none: a writable
	 * peer behind its last position gets no writes (see {@link WriterElection}).
	 */
	private volatile Peer lastWriter;

	/** Whether the first probes of every peer are in: until then the best writer is chosen afresh each time. */
	private volatile boolean firstProbesDone;

	/** Peers declared {@code role: primary}: several of them make a multi-primary pool. */
	private final int declaredPrimaries;

	private volatile boolean started;

	private volatile ApplicationEventPublisher eventPublisher;

	/** What the pool's application events come from: the pool's {@code DataSource}. */
	private final Object eventSource;

	/** The peers' own data sources by name: the targets of the routing data source. */
	private final Map<Object, Object> targets;

	/** The log of the pool's data source, where operators look for its warnings. */
	private final Log logger = LogFactory.getLog("io.peerpool.PeerPoolDataSource");

	/** Sees every physical acquisition (tracing); {@code null}: none, at no cost. */
	private volatile @Nullable AcquisitionObserver acquisitionObserver;

	/** The pool as its connections see it; not part of the pool's public face. */
	private final PeerAcquirer acquirer = new PeerAcquirer() {

		@Override
		public String poolName() {
			return PeerPoolEngine.this.name;
		}

		@Override
		public PeerPoolSettings settings() {
			return PeerPoolEngine.this.settings;
		}

		@Override
		public boolean isReadWriteSplit() {
			return PeerPoolEngine.this.splitting;
		}

		@Override
		public boolean autoCommit() {
			return PeerPoolEngine.this.autoCommit;
		}

		@Override
		public boolean readOnly() {
			return PeerPoolEngine.this.readOnly;
		}

		@Override
		public boolean takesWrites(Peer peer) {
			for (Peer writer : PeerPoolEngine.this.writers) {
				if (writer == peer) {
					return true;
				}
			}
			return false;
		}

		@Override
		public Connection acquire(PeerConnection connection, boolean readIntent, long excluded) throws SQLException {
			AcquisitionObserver observer = PeerPoolEngine.this.acquisitionObserver;
			if (observer == null) {
				return PeerPoolEngine.this.acquire(connection, readIntent, excluded);
			}
			Object context = observer.started(PeerPoolEngine.this.name, readIntent);
			try {
				Connection physical = PeerPoolEngine.this.acquire(connection, readIntent, excluded);
				Peer peer = connection.peer();
				observer.finished(context, (peer != null) ? peer.name() : null, null);
				return physical;
			}
			catch (SQLException | RuntimeException ex) {
				observer.finished(context, null, ex);
				throw ex;
			}
		}

		@Override
		public Duration pinHold() {
			return PeerPoolEngine.this.pinHold();
		}

		@Override
		public boolean hasPeerFor(boolean readIntent, long excluded) {
			return canServe(readIntent, false, excluded);
		}

		@Override
		public boolean canWriteElsewhere(long excluded) {
			return PeerPoolEngine.this.settings.balance() != Balance.SEQUENTIAL && canServe(false, false, excluded);
		}

		@Override
		public boolean reportIfPeerFailure(Peer peer, SQLException failure) {
			return PeerPoolEngine.this.reportIfPeerFailure(peer, failure);
		}

		@Override
		public void confirmRole(Peer peer) {
			PeerPoolEngine.this.monitor.confirm(peer);
		}

		@Override
		public void transactionReplayed(Peer peer, PeerPoolListener.ReplayReason reason, boolean replayed) {
			PeerPoolEngine.this.timeline.transactionReplayed(peer.name(), reason, replayed);
		}

	};

	/**
	 * @param eventSource the pool's {@code DataSource}: the source of its application events
	 */
	public PeerPoolEngine(Object eventSource, PeerPoolSettings settings, List<PeerConfig> peerConfigs, PeerProbe probe,
			PeerFailureClassifier classifier, Function<PeerConfig, HikariConfig> hikariConfigs, Clock clock) {
		if (peerConfigs.isEmpty()) {
			throw new IllegalArgumentException("Pool '" + settings.name() + "' has no peers");
		}
		this.eventSource = eventSource;
		this.name = settings.name();
		this.settings = settings;
		this.acquireTimeoutNanos = settings.acquireTimeout().toNanos();
		this.pinHold = settings.pinHold();
		// each peer's HikariCP settings are resolved once (customizers run once per peer); every pool of the
		// peer (a new one after each recovery) is made from a copy
		List<HikariConfig> resolved = peerConfigs.stream().map(hikariConfigs).toList();
		// off when any peer's pool turns it off: a connection then sets it for peers that differ
		this.autoCommit = resolved.stream().allMatch(HikariConfig::isAutoCommit);
		// on when every peer's pool is read-only; a peer read-only on its own stays so while it is a replica (RoutedConnection)
		this.readOnly = resolved.stream().allMatch(HikariConfig::isReadOnly);
		this.classifier = classifier;
		this.balance = settings.balance().newStrategy();
		this.timeline = new PoolTimeline(this.name, clock);
		this.listeners.add(this.timeline);
		this.monitor = new PeerMonitor(this.name, probe, classifier, settings.probeInterval(), settings.probeTimeout(),
				settings.checkInterval(), settings.maxReplicaLag());
		this.monitor.addProbeListener(this.timeline);
		PeerListener routingUpdater = new PeerListener() {
			@Override
			public void statusChanged(Peer peer, PeerStatus previous, PeerStatus current) {
				peerStatusChanged(peer, previous, current);
			}

			@Override
			public void serverChanged(Peer peer, ServerIdentity previous, ServerIdentity current) {
				peerServerChanged(peer, previous, current);
			}

			@Override
			public void routingChanged(Peer peer) {
				peerRoutingChanged(peer);
			}

			@Override
			public void foundHealthy(Peer peer) {
				wakeHeldCallers();
			}
		};
		this.peers = new Peer[peerConfigs.size()];
		int connections = 0;
		for (HikariConfig config : resolved) {
			connections += config.getMaximumPoolSize();
		}
		this.maxHolding = Math.max(1, connections);
		Map<String, Peer> byName = new LinkedHashMap<>();
		Map<Object, Object> targets = new LinkedHashMap<>();
		for (int i = 0; i < this.peers.length; i++) {
			PeerConfig config = peerConfigs.get(i);
			BoundedConnectDataSource connector = new BoundedConnectDataSource(config.url(), config.driverClassName(),
					config.driverProperties(), config.username(), config.password(), config.connectTimeout());
			HikariConfig hikari = resolved.get(i);
			Peer peer = new Peer(config, i, connector, (p) -> newHikariPool(p, hikari), clock, routingUpdater);
			// a failed connection attempt marks the peer DOWN, also one HikariCP makes in the
			// background, so that requests stop going there before one of them times out waiting
			connector.observeFailures((failure) -> reportConnectFailure(peer, failure));
			this.peers[i] = peer;
			this.timeline.track(peer);
			byName.put(config.name(), peer);
			targets.put(config.name(), new PeerDataSource(peer));
		}
		this.peersByName = Collections.unmodifiableMap(byName);
		this.heartbeat = new PeerHeartbeat(this.name, this.peers, this.monitor, settings.heartbeatInterval(),
				settings.heartbeatTimeout());
		this.monitor.heartbeat(this.heartbeat);
		this.readWriteSplit = (settings.readWriteSplit() != null) ? settings.readWriteSplit()
				: peerConfigs.stream().anyMatch((peer) -> peer.role() != PeerRole.PRIMARY);
		this.splitting = this.readWriteSplit;
		this.declaredPrimaries = (int) peerConfigs.stream().filter((peer) -> peer.role() == PeerRole.PRIMARY).count();
		this.monitor.includeUnknownLag(settings.unknownLag() == UnknownLag.INCLUDE);
		this.targets = Collections.unmodifiableMap(targets);
	}

	/** The peers' own data sources (direct connections from their pools), by peer name. */
	public Map<Object, Object> targets() {
		return this.targets;
	}

	/**
	 * A HikariCP pool for one peer: the user's Hikari settings, with the connections opened by the
	 * peer's bounded connector and every connection-class error reported to the pool.
	 */
	private HikariDataSource newHikariPool(Peer peer, HikariConfig resolved) {
		HikariConfig config = new HikariConfig();
		resolved.copyStateTo(config);
		config.setPoolName(peer.config().qualifiedName());
		config.setDataSource(peer.connector());
		// the peer's user is in the connector: HikariCP must call getConnection() without arguments
		config.setUsername(null);
		config.setPassword(null);
		config.setJdbcUrl(null);
		config.setDriverClassName(null);
		// start while the peer is down: the monitor, not the pool, decides when the peer is usable
		config.setInitializationFailTimeout(-1);
		// HikariCP calls this only for the errors it already sees as fatal to the connection
		config.setExceptionOverride(new SQLExceptionOverride() {
			@java.lang.Override
			public SQLExceptionOverride.Override adjudicate(SQLException exception) {
				reportIfPeerFailure(peer, exception);
				return SQLExceptionOverride.Override.CONTINUE_EVICT;
			}
		});
		return new HikariDataSource(config);
	}

	/** Starts the peers' pools and their monitoring. Startup never fails because peers are down. */
	public void start() {
		synchronized (this.routingLock) {
			if (this.started) {
				return;
			}
			this.started = true;
		}
		for (Peer peer : this.peers) {
			peer.start();
		}
		updateRouting();
		this.heartbeat.start();
		CompletableFuture<?>[] firstProbes = new CompletableFuture<?>[this.peers.length];
		for (int i = 0; i < this.peers.length; i++) {
			firstProbes[i] = this.monitor.watch(this.peers[i]);
		}
		// learn which peers are up and what roles they play before the first request; bounded, and
		// a peer that is down or hung does not stop the application from starting
		long bound = this.settings.probeTimeout().plus(this.settings.connectTimeout()).toMillis() + 500;
		try {
			CompletableFuture.allOf(firstProbes).get(bound, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			// the monitor has recorded what it found; routing works with what is known
		}
		// the writer is the best of what the first probes found, not the one whose probe ended first;
		// conflicts are reported from then on (those seen so far again, once)
		synchronized (this.routingLock) {
			this.firstProbesDone = true;
			for (Peer peer : this.peers) {
				peer.writerConflict(null);
			}
		}
		updateRouting();
		// a replica probed before the primary had nothing to compare its position with: once more,
		// so that reads go to replicas from the first request
		List<CompletableFuture<Void>> again = new ArrayList<>();
		for (Peer peer : this.peers) {
			if (peer.status().isUp() && peer.lag() == null && peer.isReplicaForReads()) {
				again.add(this.monitor.probeNow(peer));
			}
		}
		try {
			CompletableFuture.allOf(again.toArray(new CompletableFuture<?>[0])).get(bound, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			// as above
		}
	}

	/** The pool's name. */
	public String name() {
		return this.name;
	}

	/** What asking the pool or a peer for a connection as another user gets: each peer has its configured user. */
	public static SQLFeatureNotSupportedException otherUserRefused() {
		return new SQLFeatureNotSupportedException(
				"peerpool connects each peer with its configured user; use getConnection()");
	}

	/** A connection whose physical connection is taken from a peer at first use. */
	public Connection newConnection() throws SQLException {
		if (this.closed) {
			throw closedError();
		}
		if (this.readers.length == 0 && this.writers.length == 0) {
			// nothing can serve now: wait for a peer (bounded), and say so now rather than at the first statement
			long deadline = System.nanoTime() + this.acquireTimeoutNanos;
			if (hold(false, true, 0L, null, deadline) == HOLD_FAILED) {
				// the intent is not known yet: neither reads nor writes can be served
				throw noAvailablePeer("read or write", null, false);
			}
		}
		return new PeerConnection(this.acquirer);
	}

	/** The routing data source's lookup key: the balanced choice of a writable peer, {@code null} for none. */
	public @Nullable Object lookupKey() {
		Peer[] candidates = this.writers;
		int chosen = this.balance.choose(candidates, 0L);
		return (chosen >= 0) ? candidates[chosen].name() : null;
	}

	/**
	 * Takes a physical connection for {@code connection} from the best peer for its intent, within
	 * {@code acquire-timeout}. A peer whose pool is busy is passed over for one with a free
	 * connection; when every eligible peer is busy the caller waits for one of their connections
	 * (in the order callers came, woken by the next released connection, no polling). A caller for
	 * which no peer can serve waits for one (see {@link #hold}). Nothing here marks a peer
	 * DOWN: a failed attempt to open a connection is reported by the peer's connector, where it
	 * happens, and a wait that ends without a connection says nothing about the server.
	 * @param failed peers this connection failed on (bit per peer index)
	 */
	private Connection acquire(PeerConnection connection, boolean readIntent, long failed) throws SQLException {
		long timeoutNanos = this.acquireTimeoutNanos;
		// the clock is read only once the first choice did not give a connection at once: a borrow of
		// an idle connection (nearly every one) reads no clock here (a read costs ~20 ns, a tenth of
		// the rest of peerpool's work per borrow)
		long deadline = 0L;
		boolean quick = true;
		// after a quick turn without a connection: how long it may have waited before the clock was read
		long quickTurnNanos = -1L;
		SQLException lastFailure = null;
		// peers found busy since the last wait (bit per peer index)
		long busy = 0L;
		boolean exhausted = false;
		// peers ruled out in this call (DOWN or drained since the routing was read), apart from those the
		// connection failed on: a hold may take either kind back by its own rule
		long ruledOut = 0L;
		boolean sticky = this.settings.balance() == Balance.SEQUENTIAL;
		while (true) {
			if (quickTurnNanos >= 0L) {
				deadline = System.nanoTime() + timeoutNanos - quickTurnNanos;
				quickTurnNanos = -1L;
			}
			Peer[] candidates = readIntent ? this.readers : this.writers;
			long excluded = failed | ruledOut;
			int chosen = choose(candidates, readIntent, excluded | busy);
			boolean waiting = false;
			if (chosen < 0 && busy != 0) {
				// every eligible peer is busy: wait for a released connection in one of them
				chosen = choose(candidates, readIntent, excluded);
				waiting = true;
			}
			if (quick && (chosen < 0 || waiting || sticky)) {
				quick = false;
				deadline = System.nanoTime() + timeoutNanos;
			}
			long remainingMillis = quick ? timeoutNanos / 1_000_000L : (deadline - System.nanoTime()) / 1_000_000L;
			// also after a busy turn: the busy peer may have gone DOWN since, and a caller left with no peer for its
			// intent is held like any other (it failed at once, long before acquire-timeout)
			if (chosen < 0 && remainingMillis > 0) {
				long stillRuledOut = hold(readIntent, false, ruledOut, connection, deadline);
				if (stillRuledOut != HOLD_FAILED) {
					// a peer for this intent is back (a probe found it, or a replica was promoted)
					ruledOut = stillRuledOut;
					failed = connection.stillFailed();
					continue;
				}
			}
			if (chosen < 0 || remainingMillis <= 0) {
				// with no peer left for the intent, a pool found busy before is not why the caller gets none
				throw noAvailablePeer(readIntent, lastFailure, exhausted && chosen >= 0);
			}
			Peer peer = candidates[chosen];
			long bit = 1L << peer.index();
			if (sticky) {
				// a sticky single writer (sequential) waits for its own peer
				waiting = true;
			}
			// waiting: for a slot for the rest of acquire-timeout, in the order callers came (the next released
			// connection); otherwise only a free slot, so that a busy peer is passed over for one with a free connection
			long slotMillis = waiting ? remainingMillis : 0L;
			if (waiting) {
				busy = 0L;
			}
			// with a slot, a peer opening a new connection may take at most its connect-timeout, so that the next
			// one still has a turn (HikariCP does not wake its waiters when a DOWN peer's pool is closed)
			long connectionMillis = Math.min(remainingMillis,
					Math.max(HIKARI_MIN_TIMEOUT_MS, peer.connectTimeoutMillis()));
			if (!waiting && peer.isRefusingConnections()) {
				// its server refuses new connections at its limit: only an idle one, else the next peer at once (when
				// every peer is busy, the caller waits for a released connection, below)
				connectionMillis = 1L;
			}
			Connection physical;
			boolean quickTurn = quick;
			if (quickTurn) {
				// a next turn reads the clock; this one, without a connection, returned at once unless
				// HikariCP waited (PeerBusyException, below)
				quick = false;
				quickTurnNanos = 0L;
			}
			try {
				physical = peer.borrow(slotMillis, connectionMillis);
			}
			catch (PeerBusyException ex) {
				if (quickTurn) {
					// HikariCP waited connectionMillis in this turn, before the clock was read
					quickTurnNanos = connectionMillis * 1_000_000L;
				}
				lastFailure = ex;
				if (!peer.isRoutable()) {
					// its pool was closed under the wait (the peer went DOWN): it was not busy
					ruledOut |= bit;
				}
				else {
					exhausted = true;
					if (!sticky) {
						busy |= bit;
					}
				}
				continue;
			}
			catch (SQLException ex) {
				if (Thread.currentThread().isInterrupted() || hasCause(ex, InterruptedException.class)) {
					// the caller was interrupted (Future.cancel, a time limiter): its error, not the peer's
					Thread.currentThread().interrupt();
					throw ex;
				}
				// no pool: the peer went DOWN since the routing was read
				lastFailure = ex;
				ruledOut |= bit;
				continue;
			}
			if (physical == null) {
				// every slot of the peer is taken (or promised to a caller that came first)
				if (waiting) {
					exhausted = true;
				}
				else {
					busy |= bit;
				}
				continue;
			}
			if (!peer.isRoutable()) {
				// drained or DOWN between the choice and the borrow: nothing new may start there
				peer.returnUnused(physical);
				ruledOut |= bit;
				continue;
			}
			peer.countRouted();
			connection.attach(peer, physical);
			return physical;
		}
	}

	/** {@link #hold}'s answer when no peer could serve in time: no mask of a pool that can serve has every bit set. */
	private static final long HOLD_FAILED = -1L;

	/**
	 * Hold, not fail: waits until a peer that is not excluded can serve the intent (any intent with
	 * {@code anyIntent}), at most until {@code deadline}, while the monitor probes the DOWN peers and
	 * the roles every 100-110 ms. Woken by the routing change, not by polling. At most
	 * {@code maxHolding} callers wait; the next ones fail at once.
	 *
	 * <p>Excluded are the peers of {@code ruledOut} and those {@code connection} failed on. A probe
	 * that finds one back may take it back: one of {@code ruledOut} that was not routable when the
	 * wait began or whose health changed since (DOWN and UP again), one the connection failed on by
	 * the connection's rule ({@link PeerConnection#stillFailed()}, once per peer and transaction).
	 * The peer a transaction failed on is often the one that comes back: the only writer, frozen or
	 * restarted under it.
	 * @return the peers of {@code ruledOut} still ruled out when a peer can serve, else {@link #HOLD_FAILED}
	 */
	private long hold(boolean readIntent, boolean anyIntent, long ruledOut, @Nullable PeerConnection connection,
			long deadline) throws SQLException {
		int waiting = this.holding.incrementAndGet();
		if (waiting > this.maxHolding) {
			this.holding.decrementAndGet();
			return HOLD_FAILED;
		}
		ExcludedPeers triedBefore = (ruledOut != 0L) ? new ExcludedPeers(this.peers, ruledOut) : null;
		long started = System.nanoTime();
		if (waiting == 1) {
			// the first caller that waits opens a hold on the timeline; the last one to leave closes it
			this.holdWaited.set(0);
			this.holdLongestNanos.set(0L);
			this.timeline.holdStarted(1, anyIntent ? HOLD_NO_PEER : (readIntent ? HOLD_NO_READER : HOLD_NO_WRITER));
		}
		this.holdWaited.incrementAndGet();
		boolean served = false;
		try {
			this.monitor.hurry(() -> this.holding.get() > 0);
			this.holdLock.lockInterruptibly();
			try {
				while (true) {
					if (this.closed) {
						throw closedError();
					}
					long stillRuledOut = (triedBefore != null)
							? triedBefore.stillExcluded(readIntent ? this.readers : this.writers) : 0L;
					long failed = (connection != null) ? connection.stillFailed() : 0L;
					if (canServe(readIntent, anyIntent, stillRuledOut | failed)) {
						served = true;
						return stillRuledOut;
					}
					long remainingNanos = deadline - System.nanoTime();
					if (remainingNanos < 1_000_000L) {
						return HOLD_FAILED;
					}
					this.peerMayServe.awaitNanos(remainingNanos);
				}
			}
			finally {
				this.holdLock.unlock();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new java.sql.SQLTransientConnectionException(
					"Interrupted while waiting for a peer of pool '" + this.name + "'", "08001", ex);
		}
		finally {
			long waited = System.nanoTime() - started;
			this.holdLongestNanos.accumulateAndGet(waited, Math::max);
			if (this.holding.decrementAndGet() == 0) {
				this.timeline.holdEnded(this.holdWaited.get(), this.holdLongestNanos.get(),
						served ? HOLD_SERVED : HOLD_TIMED_OUT);
			}
		}
	}

	/** The peers that take reads ({@code read}) or writes now, by name; for tests. */
	public String[] routingSnapshot(boolean read) {
		Peer[] current = read ? this.readers : this.writers;
		String[] names = new String[current.length];
		for (int i = 0; i < current.length; i++) {
			names[i] = current[i].name();
		}
		return names;
	}

	/** Callers waiting for a peer now; for tests. */
	public int holdingCallers() {
		return this.holding.get();
	}

	/**
	 * The peers a holding caller had ruled out, as they were when it began to wait: which of them a
	 * probe has found back since.
	 */
	private static final class ExcludedPeers {

		private final long excluded;

		/** Of {@link #excluded}: not routable when the wait began (DOWN, drained). */
		private final long notRoutable;

		/** Each peer's stored health when the wait began, by index; a DOWN and UP again is another one. */
		private final PeerHealth[] health;

		ExcludedPeers(Peer[] peers, long excluded) {
			this.excluded = excluded;
			this.health = new PeerHealth[peers.length];
			long notRoutable = 0L;
			for (Peer peer : peers) {
				long bit = 1L << peer.index();
				if ((excluded & bit) != 0L) {
					PeerStatus status = peer.status();
					this.health[peer.index()] = status.health();
					if (!status.isRoutable()) {
						notRoutable |= bit;
					}
				}
			}
			this.notRoutable = notRoutable;
		}

		/** The peers still excluded: not those among {@code candidates} that came back since. */
		long stillExcluded(Peer[] candidates) {
			long still = this.excluded;
			for (Peer peer : candidates) {
				long bit = 1L << peer.index();
				if ((still & bit) != 0L
						&& ((this.notRoutable & bit) != 0L || peer.status().health() != this.health[peer.index()])) {
					still &= ~bit;
				}
			}
			return still;
		}

	}

	private boolean canServe(boolean readIntent, boolean anyIntent, long excluded) {
		if (anyIntent) {
			return this.readers.length > 0 || this.writers.length > 0;
		}
		for (Peer peer : readIntent ? this.readers : this.writers) {
			if ((excluded & (1L << peer.index())) == 0) {
				return true;
			}
		}
		return false;
	}

	private int choose(Peer[] candidates, boolean readIntent, long excluded) {
		return readIntent ? chooseReader(candidates, excluded) : this.balance.choose(candidates, excluded);
	}

	private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
		for (Throwable t = failure; t != null; t = (t.getCause() != t) ? t.getCause() : null) {
			if (type.isInstance(t)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Monotonic reads: a request keeps reading from the replica it first read from while that
	 * replica stays healthy, instead of a new replica per connection.
	 */
	private int chooseReader(Peer[] candidates, long excluded) {
		String sticky = PeerRouting.stickyReplica(this.name);
		if (sticky != null) {
			for (int i = 0; i < candidates.length; i++) {
				if (candidates[i].name().equals(sticky) && (excluded & (1L << candidates[i].index())) == 0) {
					return i;
				}
			}
		}
		int chosen = this.balance.choose(candidates, excluded);
		if (chosen >= 0 && (candidates[chosen].role() == PeerRole.REPLICA || isGaleraReader(candidates[chosen]))) {
			PeerRouting.stickTo(this.name, candidates[chosen].name());
		}
		return chosen;
	}

	/**
	 * Whether {@code peer} is a Galera node that serves reads beside the one writer: it applies the
	 * writer's transactions a moment after they commit, each node at its own pace, so a request
	 * keeps reading from one of them, as from a replica.
	 */
	private boolean isGaleraReader(Peer peer) {
		Peer writer = this.galeraWriter;
		return writer != null && peer != writer;
	}

	/** Whether this pool sends reads to replicas (on a Galera pool with one writer, to its other nodes). */
	public boolean isReadWriteSplit() {
		return this.splitting;
	}

	/**
	 * How long a write keeps its client off peers that may not have it:
	 * {@link PeerPoolSettings#pinHold()}, or only {@code pin-duration} while every peer is a node of
	 * a synchronous cluster (Galera), whose nodes apply a write moments after its commit and whose
	 * lag is not what {@code max-replica-lag} bounds. A peer not known as such (an asynchronous
	 * replica, a node not probed yet) keeps the longer hold. No allocation: asked at each write in
	 * {@code gtid} mode.
	 */
	public Duration pinHold() {
		for (Peer peer : this.peers) {
			if (!peer.isSynchronous()) {
				return this.pinHold;
			}
		}
		return this.settings.pinDuration();
	}

	/**
	 * Judges an error on one of a peer's open connections. A peer failure that may concern this
	 * connection only (see {@link PeerFailureClassifier#mayConcernOneConnection}), or one seen by a
	 * thread that was interrupted, is confirmed by a probe at once: DOWN only if the probe fails,
	 * so the other transactions on the peer go on. Other peer failures mark it DOWN at once.
	 * @return whether the error is a peer or connection failure (the connection is unusable)
	 */
	private boolean reportIfPeerFailure(Peer peer, SQLException ex) {
		if (io.peerpool.dialect.Dialect.isServerReadOnly(ex)) {
			// a primary that became read-only (a planned switchover): learn its role now, and let a
			// first statement run again on the writer, waiting for one to be promoted
			this.monitor.confirm(peer);
			return true;
		}
		FailureReason reason = this.classifier.classify(ex);
		if (reason == null) {
			return false;
		}
		if (Thread.currentThread().isInterrupted() || this.classifier.mayConcernOneConnection(ex)) {
			this.monitor.confirm(peer);
		}
		else {
			reportFailure(peer, reason, ex);
		}
		return true;
	}

	/**
	 * A failed attempt to open a connection (a request's, a probe's or HikariCP's in the
	 * background) marks the peer DOWN at once, unless the opening thread was interrupted (a pool
	 * being closed), which says nothing of the server, or the connection broke after the server
	 * had answered (reset in its handshake), which a probe confirms first, or the attempt ran out of
	 * time while the peer answers its heartbeats (a slow network).
	 */
	private void reportConnectFailure(Peer peer, SQLException ex) {
		if (Thread.currentThread().isInterrupted() || hasCause(ex, InterruptedException.class)
				|| hasCause(ex, java.nio.channels.ClosedByInterruptException.class)) {
			return;
		}
		if (this.heartbeat.answersDespite(peer, ex)) {
			// slower than connect-timeout while its kept connection answers heartbeats: slow, not dead
			return;
		}
		FailureReason reason = this.classifier.classify(ex);
		if (PeerMonitor.brokeAfterAnswer(reason, ex) && this.classifier.mayConcernOneConnection(ex)) {
			// the server answered, then this connection broke in its handshake (a proxy or firewall reset
			// it): a dead server is refused or times out, so a probe decides
			this.monitor.confirm(peer);
		}
		else if (reason != null) {
			reportFailure(peer, reason, ex);
		}
	}

	private void reportFailure(Peer peer, FailureReason reason, SQLException ex) {
		this.monitor.markDown(peer, reason, PeerMonitor.describe(ex));
	}

	private NoAvailablePeerException noAvailablePeer(boolean readIntent, SQLException lastFailure, boolean exhausted) {
		return noAvailablePeer(readIntent ? "read" : "write", lastFailure, exhausted);
	}

	/**
	 * @param intent what the caller needed: {@code read}, {@code write}, or {@code read or write}
	 * before its intent is known
	 * @param exhausted whether an eligible peer was healthy but busy: then the pools are
	 * exhausted, which the message says first
	 */
	private NoAvailablePeerException noAvailablePeer(String intent, SQLException lastFailure, boolean exhausted) {
		StringBuilder message = new StringBuilder();
		if (exhausted) {
			message.append("The pools of the eligible peers of pool '").append(this.name)
				.append("' are exhausted: no ")
				.append(intent)
				.append(" connection was released within acquire-timeout (")
				.append(this.settings.acquireTimeout().toMillis())
				.append(" ms). ");
			Peer galera = this.galeraWriter;
			if (galera != null && !"read".equals(intent)) {
				// the other nodes' pools serve reads only: the writer's pool is every write's
				message.append("Writes go to one Galera node, ").append(galera.name())
					.append(" (galera-writers: one): size maximum-pool-size for every concurrent write transaction, ")
					.append("or spread them with galera-writers: all if they never change the same rows. ");
			}
			message.append("Peers: ");
		}
		else {
			message.append("No peer of pool '").append(this.name)
				.append("' can serve a ")
				.append(intent)
				.append(" connection (acquire-timeout ")
				.append(this.settings.acquireTimeout().toMillis())
				.append(" ms). Peers: ");
		}
		for (int i = 0; i < this.peers.length; i++) {
			Peer peer = this.peers[i];
			PeerStatus status = peer.status();
			message.append((i > 0) ? "; " : "").append(peer.name()).append(' ').append(peer.displayState());
			message.append(" since ").append(status.since());
			if (peer.pool() != null) {
				message.append(", ").append(peer.describeUsage());
			}
			if (status.isUp() && peer.isRefusingConnections()) {
				message.append(", its server refuses new connections at its connection limit (")
					.append(PeerMonitor.CONNECTION_LIMIT_FIX)
					.append(')');
			}
			if (status.reason() != null) {
				message.append(", ").append(status.reason().tag());
			}
			if (status.lastError() != null) {
				message.append(", last error: ").append(status.lastError());
			}
			if (status.retryAt() != null && !status.isUp()) {
				message.append(", retry at ").append(status.retryAt());
			}
			if (peer.role() == PeerRole.REPLICA && "write".equals(intent)) {
				message.append(" (replica: takes no writes)");
			}
		}
		// what led here, so that the error alone tells the story of the incident
		List<PeerPoolEvent> recent = this.timeline.recent(RECENT_EVENTS_IN_ERRORS);
		if (!recent.isEmpty()) {
			message.append(". Last events: ");
			for (int i = 0; i < recent.size(); i++) {
				message.append((i > 0) ? "; " : "").append(recent.get(i));
			}
		}
		return new NoAvailablePeerException(this.name, message.toString(), lastFailure, recent);
	}

	/** Tells every listener; one that fails is logged and never stops the others (or the caller). */
	private void tellListeners(Consumer<PeerListener> event) {
		for (PeerListener listener : this.listeners) {
			try {
				event.accept(listener);
			}
			catch (RuntimeException ex) {
				logger.warn("peerpool: a PeerListener failed", ex);
			}
		}
	}

	private void peerStatusChanged(Peer peer, PeerStatus previous, PeerStatus current) {
		updateRouting();
		tellListeners((listener) -> listener.statusChanged(peer, previous, current));
	}

	private void peerRoutingChanged(Peer peer) {
		updateRouting();
		tellListeners((listener) -> listener.routingChanged(peer));
	}

	private void peerServerChanged(Peer peer, ServerIdentity previous, ServerIdentity current) {
		logger.warn("peerpool: peer " + peer.config().qualifiedName() + " now answers as " + current + ", was "
				+ previous + "; its pooled connections are evicted");
		tellListeners((listener) -> listener.serverChanged(peer, previous, current));
		ApplicationEventPublisher publisher = this.eventPublisher;
		if (publisher != null) {
			try {
				publisher.publishEvent(
						new PeerServerChangedEvent(this.eventSource, this.name, peer.name(), previous, current));
			}
			catch (Throwable ex) {
				// the event is news for the application, never a reason to fail opening a connection
				logger.warn("peerpool: a PeerServerChangedEvent listener failed", ex);
			}
		}
	}

	/**
	 * Sets what sees every physical acquisition (for example a Micrometer observation per
	 * acquisition); {@code null} removes it.
	 */
	public void setAcquisitionObserver(@Nullable AcquisitionObserver observer) {
		this.acquisitionObserver = observer;
	}

	/** Where the pool's application events ({@link PeerServerChangedEvent}, {@link PeerWriterConflictEvent}) go. */
	public void setEventPublisher(ApplicationEventPublisher publisher) {
		this.eventPublisher = publisher;
	}

	/**
	 * Rebuilds the routing arrays; off the hot path (state, role and lag changes, drain, resume).
	 *
	 * <p>One writer at a time in a pool of asynchronous replication (not Galera, not several peers
	 * declared {@code role: primary}): the established writer keeps the writes while it is UP and
	 * writable, and a second peer that reports itself writable (a replica restarted without
	 * {@code read_only} in its configuration, an old primary back after a failover) is a conflict:
	 * it gets no writes, else the data diverges, and it serves reads only while it replicates
	 * within {@code max-replica-lag}. When the writer fails or turns read-only, the next writable
	 * peer takes over: the one that replicates from no one, then the highest PostgreSQL timeline
	 * (the latest promotion), then the declared order; but never one still set up to replicate,
	 * nor one behind the last writer's position that no replica replicates from (see
	 * {@link WriterElection}: it would take writes the primary, once back, never gets).
	 */
	private void updateRouting() {
		List<Conflict> newConflicts = new ArrayList<>();
		Peer previousGaleraWriter;
		Peer nextGaleraWriter;
		synchronized (this.routingLock) {
			boolean oneWriter = this.declaredPrimaries <= 1;
			boolean galera = false;
			for (Peer peer : this.peers) {
				galera |= peer.isSynchronous();
			}
			oneWriter &= !galera;
			Peer galeraWriter = (galera && this.settings.galeraWriters() == GaleraWriters.ONE) ? electGaleraWriter()
					: null;
			previousGaleraWriter = this.galeraWriter;
			nextGaleraWriter = galeraWriter;
			boolean handingOver = handingOver(previousGaleraWriter, galeraWriter);
			this.galeraWriter = galeraWriter;
			List<WriterElection.Candidate> candidates = oneWriter ? candidates() : null;
			Peer last = this.lastWriter;
			WriterElection.Verdict[] verdicts = oneWriter ? WriterElection.verdicts(candidates,
					(last != null) ? last.timeline() : 0, last != null && last.isDrained()) : null;
			Peer established = oneWriter ? electWriter(candidates, verdicts) : null;
			this.writer = established;
			if (established != null && this.firstProbesDone) {
				this.lastWriter = established;
				last = established;
			}
			this.monitor.replicaLag().establishedWriter((established != null) ? established.index() : -1);
			List<Peer> writable = new ArrayList<>();
			List<Peer> readable = new ArrayList<>();
			for (Peer peer : this.peers) {
				// one snapshot per peer: health, role, lag and drain as they were together
				PeerStatus status = peer.status();
				boolean conflict = established != null && peer != established && status.isUp()
						&& status.role() == PeerRole.PRIMARY;
				// with no writer, a writable peer behind the last one: the last writer's conflict (health, event)
				boolean behind = oneWriter && established == null && last != null
						&& verdicts[peer.index()] == WriterElection.Verdict.BEHIND;
				// one writer: a writable peer that is not the writer takes no writes, also while there is none
				boolean noWrites = conflict || (oneWriter && established == null && status.role() == PeerRole.PRIMARY
						&& verdicts[peer.index()] != WriterElection.Verdict.WRITER);
				Peer conflictWith = conflict ? established : (behind ? last : null);
				boolean conflictStarts = peer.writerConflict(conflictWith);
				// told once more when a conflict with the writer becomes a hold behind the dead one
				boolean heldStarts = peer.heldBehind(behind);
				if (this.firstProbesDone && (heldStarts || (conflictStarts && !behind))) {
					newConflicts.add(new Conflict(peer, conflictWith, behind));
				}
				if (!status.isRoutable()) {
					continue;
				}
				if (noWrites) {
					// no writes; reads only as the replica it still is
					if (Boolean.TRUE.equals(status.replicating()) && !status.isLagging()) {
						readable.add(peer);
					}
				}
				else if (galeraWriter != null && (peer != galeraWriter || handingOver)
						&& status.role() == PeerRole.PRIMARY) {
					// a Galera node that is not the writer (or not yet): it serves reads as a replica, in step with it
					readable.add(peer);
				}
				else if (status.role() == PeerRole.PRIMARY) {
					writable.add(peer);
					if (this.settings.readsIncludePrimary()) {
						readable.add(peer);
					}
				}
				else if (!status.isLagging()) {
					readable.add(peer);
				}
			}
			if (handingOver && readable.size() > 1) {
				// nothing new starts on the node the writes move off, so that its borrowed connections come back
				readable.remove(this.handoverFrom);
			}
			this.writers = writable.toArray(new Peer[0]);
			for (Peer peer : this.peers) {
				peer.takesWrites(writable.contains(peer));
			}
			// one Galera writer: the other nodes take the reads, unless read-write-split was turned off
			boolean split = this.readWriteSplit || (galeraWriter != null && this.settings.readWriteSplit() == null);
			this.splitting = split;
			// reads go to replicas within max-replica-lag; with none (or no split), to the primaries
			this.readers = (!split || readable.isEmpty()) ? this.writers : readable.toArray(new Peer[0]);
			if (handingOver && !this.handoverCheckScheduled) {
				// the releases of the old writer's connections are not routing events: look again soon
				this.handoverCheckScheduled = true;
				this.monitor.after(HANDOVER_CHECK_MILLIS, this::checkHandover);
			}
		}
		if (nextGaleraWriter != null && nextGaleraWriter != previousGaleraWriter) {
			// every node plays primary in health, whose takesWrites shows the writer; the log says when it moves
			logger.info("peerpool: pool '" + this.name + "' sends its writes to Galera node " + nextGaleraWriter.name()
					+ ((previousGaleraWriter != null) ? " (was " + previousGaleraWriter.name() + ")" : "")
					+ "; the other nodes serve reads");
		}
		for (Conflict conflict : newConflicts) {
			if (conflict.behind()) {
				heldBehind(conflict.peer(), conflict.with());
			}
			else {
				writerConflict(conflict.peer(), conflict.with());
			}
		}
		wakeHeldCallers();
	}

	/**
	 * The Galera node to take every write ({@code galera-writers: one}): the first routable and
	 * writable one in declared order, {@code null} while none is. The first, not the current: every
	 * instance of the application, each with its own pool, then writes to the same node once they
	 * all see it healthy again (an instance that kept the node it moved to would write beside
	 * the others, and their transactions on one row would fail certification). The move back waits
	 * for the transactions on the node it leaves ({@link #handingOver}).
	 */
	private @Nullable Peer electGaleraWriter() {
		for (Peer peer : this.peers) {
			if (takesGaleraWrites(peer.status())) {
				return peer;
			}
		}
		return null;
	}

	/**
	 * Whether the writes of a Galera pool wait before they go to {@code next}: while transactions
	 * borrowed from the writer they move off (drained, desynced, or an earlier node is back: it still
	 * commits) may still commit, a transaction on the next writer that changes a row they change
	 * fails Galera's certification (1213) at its commit, or makes one of them fail. So writes are
	 * held (no writer) until the old writer has no connection borrowed, is DOWN (nothing on it
	 * commits) or read-only, or half of {@code acquire-timeout} passed: a caller held from the start
	 * still has the other half. Guarded by {@link #routingLock}.
	 */
	private boolean handingOver(@Nullable Peer previous, @Nullable Peer next) {
		if (next != null && previous != null && next != previous && this.handoverFrom == null) {
			this.handoverFrom = previous;
			this.handoverEndsNanos = System.nanoTime() + this.acquireTimeoutNanos / 2;
		}
		Peer from = this.handoverFrom;
		if (from == null) {
			return false;
		}
		PeerStatus status = from.status();
		if (next == null || next == from || !status.isUp() || status.role() != PeerRole.PRIMARY
				|| from.activeConnections() == 0 || System.nanoTime() - this.handoverEndsNanos >= 0) {
			this.handoverFrom = null;
			return false;
		}
		return true;
	}

	private void checkHandover() {
		synchronized (this.routingLock) {
			this.handoverCheckScheduled = false;
		}
		updateRouting();
	}

	private static boolean takesGaleraWrites(PeerStatus status) {
		return status.isRoutable() && status.role() == PeerRole.PRIMARY;
	}

	/** Callers waiting for a peer look again. */
	private void wakeHeldCallers() {
		if (this.holding.get() > 0) {
			this.holdLock.lock();
			try {
				this.peerMayServe.signalAll();
			}
			finally {
				this.holdLock.unlock();
			}
		}
	}

	/**
	 * The established writer while it may take the writes, else the best peer that may, or
	 * {@code null}: {@link WriterElection}. An {@code auto} peer that reports itself writable while
	 * it still replicates from another is a replica restarted without {@code read_only}, never a
	 * writer (the chaos run lost 360,000 writes to such a replica), and an established writer that
	 * turns out to replicate (it was elected in the moment between a replica's restart and the
	 * start of its SQL thread) is dropped. One that replicates from no one but lacks writes the
	 * pool saw on the last writer is held back too, unless replicas replicate from it (a DBA's
	 * promotion, which may give up the dead primary's unreplicated tail) or the last writer was
	 * drained: the chaos runs lost 447,658 and 277,054 writes to a restarted replica elected while
	 * the primary was DOWN for 2 s. With no writer the pool holds its callers (up to
	 * {@code acquire-timeout}) rather than diverge.
	 */
	private Peer electWriter(List<WriterElection.Candidate> candidates, WriterElection.Verdict[] verdicts) {
		Peer current = this.writer;
		int chosen = WriterElection.elect(candidates, verdicts, (current != null) ? current.index() : -1,
				this.firstProbesDone);
		return (chosen >= 0) ? this.peers[chosen] : null;
	}

	/** A conflict found while routing was rebuilt, told (log, listeners, event) once the lock is left. */
	private record Conflict(Peer peer, Peer with, boolean behind) {
	}

	/** What the election needs of each peer, by peer index. */
	private List<WriterElection.Candidate> candidates() {
		Peer last = this.lastWriter;
		List<WriterElection.Candidate> candidates = new ArrayList<>(this.peers.length);
		for (Peer peer : this.peers) {
			PeerStatus status = peer.status();
			io.peerpool.ProbeResult.Replication replication = status.found().replication();
			boolean isLast = last == null || last == peer;
			boolean behind = !isLast && this.monitor.replicaLag().isBehind(last.index(), replication);
			candidates.add(new WriterElection.Candidate(status.isUp(), peer.declaredRole(),
					status.role() == PeerRole.PRIMARY, status.replicating(), status.timeline(),
					(replication != null) ? replication.replicas() : -1, isLast, behind, status.isWritableAloneConfirmed()));
		}
		return candidates;
	}

	private void writerConflict(Peer peer, Peer established) {
		logger.warn("peerpool: peer " + peer.config().qualifiedName() + " reports itself writable while "
				+ established.name() + " is the writer of pool '" + this.name
				+ "': it gets no writes (one writer in a pool of asynchronous replication); set read_only on it");
		tellListeners((listener) -> listener.writerConflict(peer, established));
		ApplicationEventPublisher publisher = this.eventPublisher;
		if (publisher != null) {
			try {
				publisher.publishEvent(
						new PeerWriterConflictEvent(this.eventSource, this.name, peer.name(), established.name()));
			}
			catch (Throwable ex) {
				logger.warn("peerpool: a PeerWriterConflictEvent listener failed", ex);
			}
		}
	}

	/** A writable peer behind the last writer, while there is no writer: it gets no writes, callers are held. */
	private void heldBehind(Peer peer, Peer last) {
		io.peerpool.ProbeResult.Replication replication = peer.replication();
		logger.warn("peerpool: peer " + peer.config().qualifiedName() + " reports itself writable and replicates from"
				+ " no one, but is behind the last writer " + last.name() + " of pool '" + this.name + "' (it is at "
				+ ((replication != null) ? replication.position() : null) + ", " + last.name() + " was last seen at "
				+ this.monitor.replicaLag().lastPosition(last.index()) + "): it gets no writes and callers are held"
				+ " (up to acquire-timeout) rather than lose what only " + last.name() + " has. A replica restarted"
				+ " without read_only: set read_only on it. Promoted: point the other replicas at it, or drain "
				+ last.name() + " to give up its unreplicated writes");
		this.timeline.writerConflict(peer.name(), PoolTimeline.BEHIND_LAST_WRITER, last.name());
		ApplicationEventPublisher publisher = this.eventPublisher;
		if (publisher != null) {
			try {
				publisher.publishEvent(new PeerWriterConflictEvent(this.eventSource, this.name, peer.name(), last.name()));
			}
			catch (Throwable ex) {
				logger.warn("peerpool: a PeerWriterConflictEvent listener failed", ex);
			}
		}
	}

	/**
	 * Registers a listener told of every event of this pool's timeline as it happens; one that
	 * throws is logged and never breaks the pool.
	 */
	public void addListener(PeerPoolListener listener) {
		this.timeline.addListener(listener);
	}

	/** Removes a listener registered with {@link #addListener}. */
	public void removeListener(PeerPoolListener listener) {
		this.timeline.removeListener(listener);
	}

	/** The pool's last events, oldest first. */
	public List<PeerPoolEvent> events() {
		return this.timeline.events();
	}

	/** The pool's timeline, for the engine's own events (hold, writer conflict). */
	PoolTimeline timeline() {
		return this.timeline;
	}

	/** Registers a listener for peer state changes; for tests ({@link #addListener} is the API's). */
	void addPeerListener(PeerListener listener) {
		this.listeners.add(listener);
	}

	/** The peers, in declared order. */
	public List<Peer> peers() {
		return List.of(this.peers);
	}

	/** The peer named {@code name}. */
	public Peer peer(String name) {
		Peer peer = this.peersByName.get(name);
		if (peer == null) {
			throw new IllegalArgumentException(
					"Pool '" + this.name + "' has no peer '" + name + "'; its peers are " + this.peersByName.keySet());
		}
		return peer;
	}

	/** The background monitor of this pool (probes, retirement of failed peers' pools). */
	PeerMonitor monitor() {
		return this.monitor;
	}

	/** Probes {@code peer} now, off the caller's thread. */
	public CompletableFuture<Void> probeNow(Peer peer) {
		return this.monitor.probeNow(peer);
	}

	/** A snapshot of every peer, in declared order. */
	public List<PeerInfo> getPeers() {
		List<PeerInfo> infos = new ArrayList<>(this.peers.length);
		for (Peer peer : this.peers) {
			infos.add(info(peer));
		}
		return infos;
	}

	private static PeerInfo info(Peer peer) {
		return peer.info();
	}

	/** A snapshot of the peer named {@code name}. */
	public PeerInfo getPeer(String name) {
		return info(peer(name));
	}

	/** Drains {@code peer}: no new connections go there. */
	public void drain(String peer) {
		Peer drained = peer(peer);
		PeerState before = drained.displayState();
		drained.drain();
		updateRouting();
		this.timeline.drained(drained, before);
	}

	/** Routes to a drained peer again. */
	public void resume(String peer) {
		Peer resumed = peer(peer);
		PeerState before = resumed.displayState();
		resumed.resume();
		updateRouting();
		this.timeline.resumed(resumed, before);
	}

	/** Stops the monitoring and closes the peers' pools. */
	public void close() {
		this.closed = true;
		// held callers fail now, not at acquire-timeout: nothing can serve them any more
		wakeHeldCallers();
		this.heartbeat.close();
		this.monitor.close();
		for (Peer peer : this.peers) {
			HikariDataSource pool = peer.shutdown();
			if (pool != null) {
				pool.close();
			}
		}
	}

	/** What a caller of a closed pool gets, at once (as HikariCP's callers do), not after acquire-timeout. */
	private SQLException closedError() {
		return new SQLException("peerpool pool '" + this.name + "' is closed", "08003");
	}

	@Override
	public String toString() {
		return "PeerPoolEngine[" + this.name + ", peers=" + List.of(this.peers) + "]";
	}

	/**
	 * The target {@link AbstractRoutingDataSource} knows for a peer: a direct (not lazy, not failing
	 * over) connection from that peer's pool.
	 */
	static final class PeerDataSource extends org.springframework.jdbc.datasource.AbstractDataSource {

		private final Peer peer;

		PeerDataSource(Peer peer) {
			this.peer = peer;
		}

		@Override
		public Connection getConnection() throws SQLException {
			HikariDataSource pool = this.peer.pool();
			if (pool == null) {
				throw new java.sql.SQLTransientConnectionException(
						"Peer " + this.peer.config().qualifiedName() + " is " + this.peer.state(), "08001");
			}
			return pool.getConnection();
		}

		@Override
		public Connection getConnection(String username, String password) throws SQLException {
			throw otherUserRefused();
		}

		@Override
		public String toString() {
			return "PeerDataSource[" + this.peer + "]";
		}

	}

}
