package io.peerpool.sample;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A background writer and reader on pool {@code main}, switched on from the status page, that
 * counts what succeeds and what fails: kill or freeze a peer and watch the failures stay at (or
 * near) zero. One thread, one write (on the primary) and one read (on a replica: a read-only
 * transaction, since a background thread has no HTTP method to route by) every 50 ms.
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

	private volatile String lastError;

	private Thread thread;

	LoadGenerator(JdbcClient jdbc, PlatformTransactionManager transactionManager) {
		this.jdbc = jdbc;
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

	/** Sets every counter back to zero. */
	public void reset() {
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
			count(() -> this.transaction
				.executeWithoutResult((status) -> this.jdbc.sql("INSERT INTO heartbeat () VALUES ()").update()),
					this.writesOk, this.writesFailed);
			count(() -> this.readOnlyTransaction
				.executeWithoutResult((status) -> this.jdbc.sql("SELECT COUNT(*) FROM note").query(Long.class).single()),
					this.readsOk, this.readsFailed);
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				return;
			}
		}
	}

	private void count(Runnable operation, AtomicLong ok, AtomicLong failed) {
		try {
			operation.run();
			ok.incrementAndGet();
		}
		catch (TransactionSystemException ex) {
			// a failed rollback (the peer is gone) hides what went wrong first
			failed.incrementAndGet();
			Throwable cause = (ex.getApplicationException() != null) ? ex.getApplicationException() : ex;
			this.lastError = cause.getMessage();
		}
		catch (RuntimeException ex) {
			failed.incrementAndGet();
			this.lastError = ex.getMessage();
		}
	}

}
