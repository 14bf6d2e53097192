package io.peerpool.sample;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.transaction.support.TransactionTemplate;

import io.peerpool.PeerInfo;
import io.peerpool.PeerPool;

/**
 * A background writer and reader on pool {@code main}, switched on from the status page, that
 * counts what succeeds and what fails: kill or freeze a peer and watch the failures stay at (or
 * near) zero. One thread, one write (on the primary) and one read (on a replica: a read-only
 * transaction, since a background thread has no HTTP method to route by) every 50 ms. Each request
 * also asks its server's port, so that the status page's chart shows which peer served it.
 */
@Component
public class LoadGenerator implements DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(LoadGenerator.class);

	private final JdbcClient jdbc;

	private final AtomicLong writesOk = new AtomicLong();

	private final AtomicLong writesFailed = new AtomicLong();

	private final AtomicLong readsOk = new AtomicLong();

	private final AtomicLong readsFailed = new AtomicLong();

	private final TransactionTemplate transaction;

	private final TransactionTemplate readOnlyTransaction;

	private final PeerPool main;

	private final LoadHistory history = new LoadHistory();

	private volatile String lastError;

	private Thread thread;

	LoadGenerator(JdbcClient jdbc, PlatformTransactionManager transactionManager, @Qualifier("main") PeerPool main) {
		this.jdbc = jdbc;
		this.main = main;
		this.transaction = new TransactionTemplate(transactionManager);
		this.readOnlyTransaction = new TransactionTemplate(transactionManager);
		this.readOnlyTransaction.setReadOnly(true);
	}

	/** Starts the load; does nothing when it runs. */
	public synchronized void start() {
		if (this.thread != null) {
			return;
		}
		this.thread = new Thread(this::run, "sample-load");
		this.thread.setDaemon(true);
		this.thread.start();
		logger.info("Load started");
	}

	/** Stops the load; does nothing when it is stopped. */
	public synchronized void stop() {
		if (this.thread == null) {
			return;
		}
		this.thread.interrupt();
		this.thread = null;
		logger.info("Load stopped");
	}

	public synchronized boolean isRunning() {
		return this.thread != null;
	}

	/** The counters, for the status page. */
	public Map<String, Object> stats() {
		Map<String, Object> stats = new LinkedHashMap<>();
		stats.put("running", isRunning());
		stats.put("writesOk", this.writesOk.get());
		stats.put("writesFailed", this.writesFailed.get());
		stats.put("readsOk", this.readsOk.get());
		stats.put("readsFailed", this.readsFailed.get());
		stats.put("lastError", this.lastError);
		return stats;
	}

	/** Requests per second, latencies and the peers that served them, for the status page's chart. */
	public LoadHistory history() {
		return this.history;
	}

	/** Sets every counter back to zero. */
	public void reset() {
		this.history.clear();
		this.writesOk.set(0);
		this.writesFailed.set(0);
		this.readsOk.set(0);
		this.readsFailed.set(0);
		this.lastError = null;
	}

	@Override
	public void destroy() {
		stop();
	}

	private void run() {
		Thread self = Thread.currentThread();
		while (!self.isInterrupted()) {
			// a transaction, so that a write that meets a peer killed a moment ago runs on another one
			count(true, () -> this.transaction.execute((status) -> {
				this.jdbc.sql("INSERT INTO heartbeat () VALUES ()").update();
				return port();
			}), this.writesOk, this.writesFailed);
			count(false, () -> this.readOnlyTransaction.execute((status) -> {
				this.jdbc.sql("SELECT COUNT(*) FROM note").query(Long.class).single();
				return port();
			}), this.readsOk, this.readsFailed);
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				return;
			}
		}
	}

	/** The port of the server the transaction runs on: same transaction, same connection. */
	private Integer port() {
		return this.jdbc.sql("SELECT @@port").query(Integer.class).single();
	}

	/** Which peer of {@code main} has a server on this port (the URLs name host and port). */
	private String peerOnPort(Integer port) {
		for (PeerInfo peer : this.main.getPeers()) {
			if (peer.url().contains(":" + port + "/")) {
				return peer.name();
			}
		}
		return "port " + port;
	}

	private void count(boolean write, Supplier<Integer> operation, AtomicLong ok, AtomicLong failed) {
		long started = System.nanoTime();
		try {
			Integer port = operation.get();
			ok.incrementAndGet();
			this.history.record(System.currentTimeMillis(), write, true, System.nanoTime() - started, peerOnPort(port));
		}
		catch (TransactionSystemException ex) {
			// a failed rollback (the peer is gone) hides what went wrong first
			failed.incrementAndGet();
			this.history.record(System.currentTimeMillis(), write, false, System.nanoTime() - started, null);
			Throwable cause = (ex.getApplicationException() != null) ? ex.getApplicationException() : ex;
			this.lastError = cause.getMessage();
		}
		catch (RuntimeException ex) {
			failed.incrementAndGet();
			this.history.record(System.currentTimeMillis(), write, false, System.nanoTime() - started, null);
			this.lastError = ex.getMessage();
		}
	}

}
