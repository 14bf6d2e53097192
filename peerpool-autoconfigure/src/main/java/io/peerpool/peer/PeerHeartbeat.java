package io.peerpool.peer;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.peerpool.dialect.Dialect;
import io.peerpool.failure.FailureReason;

/**
 * A cheap liveness check of every UP peer between the full probes: {@code SELECT 1} on one
 * connection kept per peer, every {@code heartbeat-interval}, bounded by
 * {@code heartbeat-timeout}. It finds a frozen server (TCP accepted, nothing answered) within
 * interval + timeout, where the full probe, which opens a new connection to also see the server's
 * identity, runs only every {@code probe-interval}.
 *
 * <p>A heartbeat that does not answer in time marks the peer DOWN ({@code timeout}); any other
 * error on the kept connection (a DBA killed it, the server restarted) asks the monitor for a
 * probe at once, so one connection's error never condemns the peer. Each peer has its own thread:
 * a frozen peer's heartbeat blocks only its own. Its answers also tell a slow peer from a dead one
 * ({@link #answersDespite}).
 */
final class PeerHeartbeat implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(PeerHeartbeat.class);

	private final Peer[] peers;

	private final PeerMonitor monitor;

	private final Duration interval;

	private final Duration timeout;

	/** The kept connection of each peer, by index; touched only by that peer's heartbeat task. */
	private final @Nullable Connection[] kept;

	/** When each peer, by index, last answered a heartbeat ({@code System.nanoTime()}; 0 for never). */
	private final java.util.concurrent.atomic.AtomicLongArray answeredAt;

	private final @Nullable ScheduledExecutorService scheduler;

	private volatile boolean closed;

	/**
	 * @param interval time between two heartbeats of a peer; zero disables heartbeats
	 * @param timeout a heartbeat slower than this marks the peer DOWN
	 */
	public PeerHeartbeat(String pool, Peer[] peers, PeerMonitor monitor, Duration interval, Duration timeout) {
		this.peers = peers.clone();
		this.monitor = monitor;
		this.interval = interval;
		this.timeout = timeout;
		this.kept = new Connection[peers.length];
		this.answeredAt = new java.util.concurrent.atomic.AtomicLongArray(peers.length);
		if (interval.isZero() || peers.length == 0) {
			this.scheduler = null;
			return;
		}
		AtomicInteger count = new AtomicInteger();
		this.scheduler = Executors.newScheduledThreadPool(peers.length, (runnable) -> {
			Thread thread = new Thread(runnable, "peerpool-" + pool + "-heartbeat-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
	}

	/** Starts beating: the first heartbeat of each peer opens its kept connection at once. */
	public void start() {
		if (this.scheduler == null) {
			return;
		}
		long millis = this.interval.toMillis();
		for (Peer peer : this.peers) {
			// fixed delay: a beat blocked on a frozen server is never followed by a pile of late ones
			this.scheduler.scheduleWithFixedDelay(() -> beat(peer), 0, millis, TimeUnit.MILLISECONDS);
		}
	}

	void beat(Peer peer) {
		if (this.closed) {
			return;
		}
		int index = peer.index();
		if (!peer.status().isUp()) {
			// a DOWN peer is the monitor's: its probes decide when it is back
			closeKept(index);
			return;
		}
		Connection connection = this.kept[index];
		try {
			if (connection == null) {
				// bounded by connect-timeout; a refused connect marks the peer DOWN through its connector
				connection = peer.connector().getConnection();
				connection.setNetworkTimeout(Runnable::run, (int) this.timeout.toMillis());
				this.kept[index] = connection;
			}
			try (Statement statement = connection.createStatement()) {
				statement.execute("SELECT 1");
			}
			this.answeredAt.set(index, System.nanoTime());
		}
		catch (SQLException ex) {
			closeKept(index);
			if (this.closed || !peer.status().isUp()) {
				return;
			}
			if (logger.isDebugEnabled()) {
				logger.debug("peerpool: heartbeat of " + peer.config().qualifiedName() + " failed: " + PeerMonitor.describe(ex));
			}
			if (isTimeout(ex)) {
				this.monitor.markDown(peer, FailureReason.TIMEOUT,
						"heartbeat did not answer within " + this.timeout.toMillis() + " ms");
			}
			else if (Dialect.isConnectionLimit(ex)) {
				// the server answered, refusing the kept connection at its connection limit: busy, and the
				// probes (on one of the pool's connections meanwhile) say so; no probe at every beat
				return;
			}
			else {
				this.monitor.probeNow(peer);
			}
		}
		catch (RuntimeException ex) {
			// never let one failure stop this peer's heartbeat
			closeKept(index);
		}
	}

	/**
	 * Whether {@code failure}, a new connection or a probe that ran out of time, comes from a slow
	 * network or a busy server rather than a dead one: the peer's kept connection answered a
	 * heartbeat within the last {@code heartbeat-interval + heartbeat-timeout}. A frozen server
	 * fails its heartbeats too, and the heartbeat marks it DOWN ({@code timeout}) within that time.
	 */
	public boolean answersDespite(Peer peer, Throwable failure) {
		if (this.scheduler == null || !isTimeout(failure)) {
			return false;
		}
		long at = this.answeredAt.get(peer.index());
		return at != 0 && System.nanoTime() - at <= this.interval.plus(this.timeout).toNanos();
	}

	/** Whether the heartbeat failed for want of an answer (drivers wrap the socket timeout differently). */
	private static boolean isTimeout(Throwable failure) {
		for (Throwable current = failure; current != null; current = (current.getCause() != current) ? current.getCause() : null) {
			if (current instanceof SQLTimeoutException || current instanceof java.net.SocketTimeoutException
					|| current instanceof java.util.concurrent.TimeoutException) {
				return true;
			}
			String message = current.getMessage();
			if (message != null && message.toLowerCase(java.util.Locale.ROOT).contains("timed out")) {
				return true;
			}
		}
		return false;
	}

	private void closeKept(int index) {
		Connection connection = this.kept[index];
		this.kept[index] = null;
		if (connection != null) {
			try {
				// a frozen server would hold a graceful close: abort drops the socket
				connection.abort(Runnable::run);
			}
			catch (SQLException | RuntimeException ex) {
				// gone either way
			}
		}
	}

	@Override
	public void close() {
		this.closed = true;
		if (this.scheduler != null) {
			this.scheduler.shutdownNow();
		}
		for (int i = 0; i < this.kept.length; i++) {
			closeKept(i);
		}
	}

}
