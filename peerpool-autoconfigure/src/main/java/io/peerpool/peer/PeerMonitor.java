package io.peerpool.peer;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.peerpool.PeerProbe;
import io.peerpool.ProbeResult;
import io.peerpool.dialect.Dialect;
import io.peerpool.dialect.ReplicaLag;
import io.peerpool.failure.FailureReason;
import io.peerpool.failure.PeerFailureClassifier;

/**
 * Probes the peers of one pool in the background and retires the pools of failed peers, so that
 * none of this runs on an application thread.
 *
 * <p>Each peer has one chain of scheduled checks: an UP peer is probed every
 * {@code probe-interval}, a DOWN peer once its {@code check-interval} quarantine is over. Intervals
 * are jittered by up to 20% so that many application instances do not probe (or stampede) a
 * recovering server in step, and a peer is never probed twice at once. A peer in a passing state
 * (a cluster node that is ready but not in sync, {@code DESYNCED}) is also probed every 100-200 ms,
 * whatever found it so, until it is in sync: it takes work again at once, not after
 * {@code probe-interval}.
 */
final class PeerMonitor implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(PeerMonitor.class);

	private final String pool;

	private final PeerProbe probe;

	private final PeerFailureClassifier classifier;

	private final Duration probeInterval;

	private final Duration probeTimeout;

	private final Duration checkInterval;

	private final Duration maxReplicaLag;

	private final ScheduledExecutorService scheduler;

	/** Runs probes and pool shutdowns: both may block on a hung server for up to their timeouts. */
	private final ExecutorService workers;

	private volatile boolean closed;

	private final List<ProbeListener> probeListeners = new CopyOnWriteArrayList<>();

	/** The lag of the replicas, from the positions the probes see. */
	private final ReplicaLag replicaLag;

	private volatile boolean includeUnknownLag;

	/** The pool's heartbeat, which tells a slow peer from a dead one; {@code null} until set. */
	private volatile PeerHeartbeat heartbeat;

	/** Every peer watched, for the hurried probes. */
	private final List<Peer> watched = new CopyOnWriteArrayList<>();

	/** Whether the hurried probes run. */
	private final java.util.concurrent.atomic.AtomicBoolean hurrying = new java.util.concurrent.atomic.AtomicBoolean();

	/** The DESYNCED peers whose follow-up probes run (one chain each, beside the peer's own schedule). */
	private final java.util.Set<Peer> followedDesynced = java.util.concurrent.ConcurrentHashMap.newKeySet();

	public PeerMonitor(String pool, PeerProbe probe, PeerFailureClassifier classifier, Duration probeInterval,
			Duration probeTimeout, Duration checkInterval, Duration maxReplicaLag) {
		this.pool = pool;
		this.probe = probe;
		this.classifier = classifier;
		this.probeInterval = probeInterval;
		this.probeTimeout = probeTimeout;
		this.checkInterval = checkInterval;
		this.maxReplicaLag = maxReplicaLag;
		this.replicaLag = new ReplicaLag(maxReplicaLag);
		this.scheduler = Executors.newSingleThreadScheduledExecutor(daemonThreads("peerpool-" + pool + "-monitor"));
		this.workers = Executors.newCachedThreadPool(daemonThreads("peerpool-" + pool + "-probe"));
	}

	/**
	 * Starts probing a peer: at once (so startup learns which peers are down and what roles they
	 * play), then on its schedule.
	 * @return the first probe, complete once its outcome is applied
	 */
	public CompletableFuture<Void> watch(Peer peer) {
		this.watched.add(peer);
		CompletableFuture<Void> first = runProbe(peer);
		first.whenComplete((ignored, failure) -> schedule(peer, nextDelay(peer)));
		return first;
	}

	/**
	 * Confirms an error that may concern one connection only: probes the peer at once (or as soon
	 * as the probe running now ends), and the probe marks it DOWN only if it fails.
	 */
	public void confirm(Peer peer) {
		if (this.closed || !peer.status().isUp()) {
			return;
		}
		peer.requestProbe();
		runProbe(peer);
	}

	/** Runs {@code task} on the monitor's thread after {@code delayMillis}; nothing once the monitor is closed. */
	void after(long delayMillis, Runnable task) {
		if (this.closed) {
			return;
		}
		try {
			this.scheduler.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
		}
		catch (java.util.concurrent.RejectedExecutionException ex) {
			// closed meanwhile: nothing left to route
		}
	}

	/**
	 * While callers wait for a peer that can serve them ({@code needed}), every peer is probed
	 * every 100-110 ms: a DOWN one is taken back as soon as a probe finds it healthy, whatever its
	 * quarantine, and a promoted replica is seen as the writer it has become. Still one probe per
	 * peer at a time. The lower end of the hold's cadence, not the middle: a replica that turns
	 * writable becomes the writer only when a second probe in a row finds it so
	 * ({@link WriterElection}), so held writes resume two probes after a promotion.
	 */
	public void hurry(java.util.function.BooleanSupplier needed) {
		if (!this.closed && this.hurrying.compareAndSet(false, true)) {
			scheduleHurried(needed);
		}
	}

	private void scheduleHurried(java.util.function.BooleanSupplier needed) {
		try {
			// the jitter keeps the pools of many application instances from probing in step
			this.scheduler.schedule(() -> hurried(needed), 100 + ThreadLocalRandom.current().nextLong(11),
					TimeUnit.MILLISECONDS);
		}
		catch (java.util.concurrent.RejectedExecutionException ex) {
			this.hurrying.set(false);
		}
	}

	private void hurried(java.util.function.BooleanSupplier needed) {
		if (this.closed) {
			return;
		}
		if (!needed.getAsBoolean()) {
			this.hurrying.set(false);
			// a caller that came meanwhile saw the flag still set: do not leave it without probes
			if (!needed.getAsBoolean() || !this.hurrying.compareAndSet(false, true)) {
				return;
			}
		}
		for (Peer peer : this.watched) {
			runProbe(peer, true);
		}
		scheduleHurried(needed);
	}

	/**
	 * Probes a DESYNCED peer every 100-200 ms (the cadence of hurried probes) until it is in sync or
	 * DOWN: a Galera donor is Synced again within a second of the state transfer, and waiting for
	 * {@code probe-interval} (or, with probing of UP peers off, {@code check-interval}) would keep
	 * a healthy node out of routing for nothing.
	 */
	private void followDesynced(Peer peer) {
		if (!this.closed && peer.status().isUp() && peer.isDesynced() && this.followedDesynced.add(peer)) {
			scheduleFollowUp(peer);
		}
	}

	private void scheduleFollowUp(Peer peer) {
		try {
			this.scheduler.schedule(() -> followUp(peer), 100 + ThreadLocalRandom.current().nextLong(101),
					TimeUnit.MILLISECONDS);
		}
		catch (java.util.concurrent.RejectedExecutionException ex) {
			this.followedDesynced.remove(peer);
		}
	}

	private void followUp(Peer peer) {
		if (this.closed || !peer.status().isUp() || !peer.isDesynced()) {
			this.followedDesynced.remove(peer);
			// a probe that found it desynced again meanwhile saw it still followed: do not leave it without follow-up
			followDesynced(peer);
			return;
		}
		// a probe already running (this peer's own) refuses this one: the next follow-up comes anyway
		runProbe(peer).whenComplete((ignored, failure) -> scheduleFollowUp(peer));
	}

	/** Marks a peer DOWN (if it is not already) and retires its pool in the background. */
	public void markDown(Peer peer, FailureReason reason, String error) {
		if (this.closed) {
			// the pool is closing and retires every peer's pool itself; nothing may be scheduled any more
			return;
		}
		if (!peer.status().isUp()) {
			// already down: the first failure says why; errors of its dying connections (some caused by
			// peerpool closing them) would only blur that. Probes refresh the state of a DOWN peer.
			return;
		}
		HikariDataSource retired = peer.markDown(reason, error, this.checkInterval);
		// a dead writer commits nothing new: the lag of its replicas stops growing with its downtime
		this.replicaLag.writerStopped(peer.index());
		if (retired != null) {
			// wake threads blocked on a hung server before HikariCP aborts their connections
			runInBackground(peer.connector()::closeSockets);
			logger.warn("peerpool: peer " + peer.config().qualifiedName() + " (" + peer.config().safeUrl()
					+ ") is DOWN (" + reason.tag() + ": " + peer.status().lastError() + "); retry at "
					+ peer.status().retryAt());
			retire(retired);
		}
	}

	/** Closes a pool off the caller's thread: HikariCP aborts the connections still borrowed. */
	public void retire(HikariDataSource retired) {
		runInBackground(retired::close);
	}

	/** Runs off the caller's thread; once the monitor is closed (a race with close()), on it. */
	private void runInBackground(Runnable task) {
		if (!this.closed) {
			try {
				this.workers.execute(task);
				return;
			}
			catch (java.util.concurrent.RejectedExecutionException ex) {
				// closed meanwhile: never an error for the application thread that reported a failure
			}
		}
		task.run();
	}

	/** The pool's replica lag measurement; the pool tells it which peer is the writer. */
	public ReplicaLag replicaLag() {
		return this.replicaLag;
	}

	/** Sets the pool's heartbeat: a probe that times out while the heartbeat answers is slow, not DOWN. */
	public void heartbeat(PeerHeartbeat heartbeat) {
		this.heartbeat = heartbeat;
	}

	/** Whether a replica whose lag cannot be measured serves reads ({@code unknown-lag: include}). */
	public void includeUnknownLag(boolean include) {
		this.includeUnknownLag = include;
	}

	/** Registers a listener told of every probe's duration and outcome (metrics). */
	public void addProbeListener(ProbeListener listener) {
		this.probeListeners.add(listener);
	}

	/** Probes a peer now, if no probe of it is running; for tests and the actuator. */
	public CompletableFuture<Void> probeNow(Peer peer) {
		return runProbe(peer);
	}

	private void schedule(Peer peer, Duration delay) {
		if (this.closed) {
			return;
		}
		this.scheduler.schedule(() -> tick(peer), jitter(delay).toMillis(), TimeUnit.MILLISECONDS);
	}

	private void tick(Peer peer) {
		if (this.closed) {
			return;
		}
		PeerStatus status = peer.status();
		if (!status.isUp() && !peer.isDueForRetry()) {
			// failed since the last schedule: come back when its quarantine is over
			schedule(peer, peer.untilRetry());
			return;
		}
		if (status.isUp() && this.probeInterval.isZero()) {
			// probing of UP peers is off: look again later in case the peer fails
			schedule(peer, this.checkInterval);
			return;
		}
		runProbe(peer).whenComplete((ignored, failure) -> schedule(peer, nextDelay(peer)));
	}

	private Duration nextDelay(Peer peer) {
		if (peer.status().isUp()) {
			return this.probeInterval.isZero() ? this.checkInterval : this.probeInterval;
		}
		return this.checkInterval;
	}

	private CompletableFuture<Void> runProbe(Peer peer) {
		return runProbe(peer, false);
	}

	private CompletableFuture<Void> runProbe(Peer peer, boolean hurried) {
		return runProbe(peer, hurried, false);
	}

	/**
	 * @param hurried whether callers wait for a peer: a healthy DOWN peer is taken back at once
	 * @param confirming whether this probe confirms the lost connection of the probe before it
	 */
	private CompletableFuture<Void> runProbe(Peer peer, boolean hurried, boolean confirming) {
		if (this.closed || !peer.tryStartProbe()) {
			return CompletableFuture.completedFuture(null);
		}
		// this probe serves the requests made so far
		peer.takeProbeRequest();
		long started = System.nanoTime();
		// a peer taken DOWN while this probe ran had its sockets closed, this probe's too: its error says nothing new
		boolean startedUp = peer.status().isUp();
		// completes when the probe's own work ends, which may be long after the bound below
		CompletableFuture<Void> ended = new CompletableFuture<>();
		CompletableFuture<ProbeResult> outcome;
		try {
			outcome = CompletableFuture.supplyAsync(() -> {
				try {
					return probeOnce(peer);
				}
				finally {
					ended.complete(null);
				}
			}, this.workers);
		}
		catch (java.util.concurrent.RejectedExecutionException ex) {
			// closed meanwhile
			peer.probeFinished();
			return CompletableFuture.completedFuture(null);
		}
		// the probe's own connection is bounded by connect-timeout, the check by probe-timeout; a
		// probe that still has not answered is a hung server
		long bound = this.probeTimeout.toMillis() + peer.config().connectTimeout().toMillis();
		return outcome.orTimeout(bound, TimeUnit.MILLISECONDS).handle((result, failure) -> {
			boolean confirm = false;
			try {
				if (!this.closed) {
					confirm = apply(peer, result, failure, hurried, startedUp, confirming, started);
					probed(peer, Duration.ofNanos(System.nanoTime() - started), result, failure);
				}
			}
			finally {
				boolean again = confirm;
				// orTimeout completes the same future: a timed-out probe may still be running, so the
				// next one may start only once its work has really ended
				ended.whenComplete((r, f) -> {
					peer.probeFinished();
					if (again && !this.closed) {
						runProbe(peer, false, true);
					}
					else if (peer.isProbeRequested() && !this.closed) {
						runProbe(peer);
					}
				});
			}
			return null;
		});
	}

	/** What to do about a server at its connection limit, as the WARN and {@code NoAvailablePeerException} say it. */
	static final String CONNECTION_LIMIT_FIX = "raise max_connections or the user's or role's limit, or lower"
			+ " maximum-pool-size across the applications that use it";

	private ProbeResult probeOnce(Peer peer) {
		Connection connection;
		try {
			connection = peer.connector().getConnection();
		}
		catch (SQLException ex) {
			return probePooled(peer, ex);
		}
		if (peer.refusingConnections(null)) {
			logger.info("peerpool: peer " + peer.config().qualifiedName() + " accepts new connections again");
		}
		try (connection) {
			connection.setNetworkTimeout(Runnable::run, (int) this.probeTimeout.toMillis());
			// a peer taken back while not in sync still owes the checks of a peer coming back
			return (peer.status().isUp() && !peer.isRejoining()) ? this.probe.probe(connection, this.probeTimeout)
					: this.probe.probeRecovering(connection, this.probeTimeout);
		}
		catch (SQLException ex) {
			throw new ProbeFailure(ex);
		}
	}

	/**
	 * The server refused the probe a new connection: when it did so at its connection limit (it
	 * answered; another client holds every connection it allows), an UP peer is probed on one of
	 * the pool's own connections, so that its role and lag stay known. A new connection is what
	 * shows a server replaced behind the same address; none can reach one now. Otherwise, and
	 * when none of the pool's connections is free within {@code probe-timeout}, the refusal is the
	 * probe's failure ({@link #apply}).
	 */
	private ProbeResult probePooled(Peer peer, SQLException refused) {
		if (!Dialect.isConnectionLimit(refused) || !peer.status().isUp() || peer.isRejoining()) {
			throw new ProbeFailure(refused);
		}
		String refusal = peer.redact(describe(refused));
		if (!peer.refusingConnections(refusal)) {
			logger.warn("peerpool: peer " + peer.config().qualifiedName() + " refuses new connections at its"
					+ " connection limit (" + refusal + "): it stays UP, its open connections serve, and it"
					+ " is probed on one of them meanwhile; " + CONNECTION_LIMIT_FIX);
		}
		Connection pooled;
		try {
			pooled = peer.borrowForProbe(this.probeTimeout);
		}
		catch (SQLException ex) {
			refused.addSuppressed(ex);
			throw new ProbeFailure(refused);
		}
		if (pooled == null) {
			throw new ProbeFailure(refused);
		}
		try {
			// HikariCP resets the network timeout when the connection comes back; the standard probe changes nothing else
			pooled.setNetworkTimeout(Runnable::run, (int) this.probeTimeout.toMillis());
			return this.probe.probe(pooled, this.probeTimeout);
		}
		catch (SQLException ex) {
			throw new ProbeFailure(ex);
		}
		finally {
			try {
				peer.returnUnused(pooled);
			}
			catch (SQLException ex) {
				// HikariCP discards a broken connection
			}
		}
	}

	/** @return whether a new probe must confirm the failure first (the peer is left UP meanwhile) */
	private boolean apply(Peer peer, ProbeResult result, Throwable failure, boolean hurried, boolean startedUp,
			boolean confirming, long started) {
		Throwable cause = (failure instanceof java.util.concurrent.CompletionException) ? failure.getCause() : failure;
		if (cause == null && result.healthy()) {
			ReplicaLag.Measured lag = this.replicaLag.measure(peer.index(), result);
			String desyncedBefore = peer.desynced();
			peer.observeProbe(result, lag.lag(), lag.source(), lag.unknownReason(), this.maxReplicaLag,
					this.includeUnknownLag, started);
			if (peer.status().isUp() && (desyncedBefore == null) != (result.desynced() == null)) {
				logger.info("peerpool: peer " + peer.config().qualifiedName() + ((result.desynced() != null)
						? " is ready but not in sync (" + result.desynced() + "): no new work until it is, running work goes on"
						: " is in sync again (was " + desyncedBefore + "): it takes work"));
			}
			if (lag.lag() == null && peer.isReplicaForReads() && peer.firstUnknownLag()) {
				logger.warn("peerpool: the lag of peer " + peer.config().qualifiedName() + " cannot be measured ("
						+ lag.unknownReason() + "); " + (this.includeUnknownLag ? "it serves reads anyway (unknown-lag: include)"
								: "it gets no reads until it can be (unknown-lag: exclude; set unknown-lag: include to read from it anyway)"));
			}
			if (!peer.status().isUp() && (hurried || peer.isDueForRetry()) && peer.markUp()) {
				logger.info("peerpool: peer " + peer.config().qualifiedName() + " is UP again"
						+ (peer.isDesynced() ? " but not in sync (" + peer.desynced() + "): it gets work once it is" : ""));
			}
			followDesynced(peer);
			return false;
		}
		if (peer.status().isUp() && cause instanceof ProbeFailure refused && Dialect.isConnectionLimit(refused.getCause())) {
			atConnectionLimit(peer, peer.redact(describe(refused.getCause())));
			return false;
		}
		FailureReason reason;
		String error;
		if (cause == null) {
			reason = FailureReason.PROBE;
			error = result.detail();
		}
		else if (cause instanceof TimeoutException) {
			reason = FailureReason.TIMEOUT;
			error = "probe did not answer within " + this.probeTimeout.toMillis() + " ms";
		}
		else if (cause instanceof ProbeFailure probeFailure) {
			FailureReason classified = this.classifier.classify(probeFailure.getCause());
			reason = (classified != null) ? classified : FailureReason.PROBE;
			error = describe(probeFailure.getCause());
		}
		else {
			reason = FailureReason.PROBE;
			error = describe(cause);
		}
		if (peer.status().isUp() && !confirming && cause instanceof ProbeFailure lost
				&& brokeAfterAnswer(reason, lost.getCause()) && this.classifier.mayConcernOneConnection(lost.getCause())) {
			// the probe's own connection broke (a proxy or firewall reset it, the server is fine): that may
			// be this connection's alone, like any other lost connection, and a new probe decides
			return true;
		}
		PeerHeartbeat beats = this.heartbeat;
		if (peer.status().isUp() && beats != null
				&& beats.answersDespite(peer, (cause instanceof ProbeFailure slow) ? slow.getCause() : cause)) {
			// its kept connection still answers: a slow network or a busy server, which new connections
			// (handshake and authentication round trips) feel first; the heartbeat marks a frozen server DOWN
			if (logger.isDebugEnabled()) {
				logger.debug("peerpool: probe of " + peer.config().qualifiedName() + " ran out of time (" + error
						+ ") while its heartbeat answers: the peer stays UP");
			}
			// a writer that may have committed since its last sample: its replicas are not taken as caught up with it
			this.replicaLag.writerUnsampled(peer.index());
			return false;
		}
		if (peer.status().isUp()) {
			markDown(peer, reason, error);
		}
		else if (!startedUp && reason != FailureReason.CONNECTION_LOST) {
			// still down: a new quarantine, and the latest error for the operator; not for a probe whose
			// connection broke after the server answered, which a DOWN peer's sockets being closed by the
			// pool also do: it would replace why the peer is DOWN (auth) with what closing it caused
			peer.markDown(reason, error, this.checkInterval);
		}
		return false;
	}

	/**
	 * An UP peer whose server refused the probe a connection at its connection limit, and none of
	 * whose pooled connections was free: busy, not dead. It stays UP, so that the work on its open
	 * connections goes on (DOWN would abort every one of them, move their load onto the other
	 * servers, and take the peer back only to fill it again); new work waits for its pooled
	 * connections like any busy peer's. A replica's lag is unknown until a probe measures it
	 * again ({@link Peer#observeUnmeasured}); a writer's replicas are as far behind as its last
	 * sample is old ({@link ReplicaLag#writerUnsampled}). A frozen server is still found by its
	 * heartbeat, a dead one by the next probe's refused or unanswered connection.
	 */
	private void atConnectionLimit(Peer peer, String error) {
		String why = "no connection for a probe: the server refuses new ones at its connection limit, and none of"
				+ " the pool's was free";
		// a writer that may have committed since its last sample: its replicas are not taken as caught up with it
		this.replicaLag.writerUnsampled(peer.index());
		if (peer.observeUnmeasured(why, this.includeUnknownLag)) {
			logger.warn("peerpool: replica " + peer.config().qualifiedName() + " could not be probed (" + error
					+ ", and none of its pooled connections was free): its lag is unknown until a probe measures it"
					+ (this.includeUnknownLag ? "; it serves reads anyway (unknown-lag: include)" : "; no reads go there meanwhile"));
		}
	}

	private void probed(Peer peer, Duration elapsed, ProbeResult result, Throwable failure) {
		if (this.probeListeners.isEmpty()) {
			return;
		}
		Throwable cause = (failure instanceof java.util.concurrent.CompletionException) ? failure.getCause() : failure;
		String outcome;
		if (cause == null) {
			outcome = result.healthy() ? ProbeListener.SUCCESS : ProbeListener.FAILURE;
		}
		else if (isTimeout(cause)) {
			outcome = ProbeListener.TIMEOUT;
		}
		else {
			outcome = ProbeListener.FAILURE;
		}
		for (ProbeListener listener : this.probeListeners) {
			try {
				listener.probed(peer, elapsed, outcome);
			}
			catch (RuntimeException ex) {
				// a listener must never stop the monitor
			}
		}
	}

	/**
	 * Whether a probe failed for want of an answer: the probe's own bound, or a driver's socket or
	 * query timeout anywhere in the chain (drivers wrap a frozen server's read timeout as a lost
	 * connection, which is what the failure classifier reports).
	 */
	private static boolean isTimeout(Throwable failure) {
		for (Throwable current = failure; current != null; current = (current.getCause() != current) ? current.getCause() : null) {
			if (current instanceof TimeoutException || current instanceof java.net.SocketTimeoutException
					|| current instanceof java.sql.SQLTimeoutException) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether a failure classified as {@code reason} is a connection that broke after the server had
	 * answered (reset or closed in its handshake or its queries, as a proxy or firewall resetting
	 * every connection does), not one that was refused or never answered: it may be that
	 * connection's alone. PgJDBC reports a connection reset in its startup as a failed connection
	 * attempt (08001), with the reset below it.
	 */
	public static boolean brokeAfterAnswer(FailureReason reason, Throwable failure) {
		if (reason != FailureReason.CONNECTION_LOST && reason != FailureReason.CONNECT) {
			return false;
		}
		boolean broken = reason == FailureReason.CONNECTION_LOST;
		for (Throwable current = failure; current != null; current = (current.getCause() != current) ? current.getCause() : null) {
			if (current instanceof java.net.ConnectException || current instanceof java.net.NoRouteToHostException
					|| current instanceof java.net.UnknownHostException || current instanceof java.net.SocketTimeoutException) {
				return false;
			}
			broken |= current instanceof java.io.EOFException || current instanceof java.net.SocketException;
		}
		return broken;
	}

	/** A message for health and logs: the exception and its root cause, without credentials. */
	public static String describe(Throwable failure) {
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		String message = String.valueOf(failure.getMessage());
		if (root != failure && root.getMessage() != null && !message.contains(root.getMessage())) {
			message = message + " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
		}
		return message;
	}

	private static Duration jitter(Duration delay) {
		long millis = delay.toMillis();
		if (millis <= 0) {
			return Duration.ZERO;
		}
		long spread = millis / 5;
		return Duration.ofMillis(millis - spread + ThreadLocalRandom.current().nextLong(spread + 1));
	}

	@Override
	public void close() {
		this.closed = true;
		this.scheduler.shutdownNow();
		this.workers.shutdownNow();
	}

	private static ThreadFactory daemonThreads(String name) {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	/** Carries a probe's SQLException through the CompletableFuture. */
	private static final class ProbeFailure extends RuntimeException {

		ProbeFailure(SQLException cause) {
			super(cause.getMessage(), cause, false, false);
		}

		@Override
		public synchronized SQLException getCause() {
			return (SQLException) super.getCause();
		}

	}

}
