package io.peerpool.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every server of the kit does the same way over its root process: pid, running, frozen,
 * freeze and thaw. Frozen is read from the kernel ({@code /proc/<pid>/stat} state {@code T}), not
 * remembered, so it cannot drift from what the process is. Freezing a server that is not running
 * is an error; thawing one is a no-op, as is killing one.
 */
abstract class ServerProcess implements DatabaseServer {

	private final Logger logger = LoggerFactory.getLogger(getClass());

	/** The running server's root process (mariadbd, the postmaster), or {@code null}. */
	abstract @Nullable ProcessHandle processHandle();

	/** Called after a thaw, still holding the server's lock (a role change made while frozen). */
	void afterThaw() {
	}

	@Override
	public long pid() {
		ProcessHandle current = processHandle();
		return (current != null && current.isAlive()) ? current.pid() : -1;
	}

	@Override
	public boolean isRunning() {
		ProcessHandle current = processHandle();
		return current != null && current.isAlive();
	}

	@Override
	public boolean isFrozen() {
		ProcessHandle current = processHandle();
		return current != null && current.isAlive() && isStopped(current.pid());
	}

	/** SIGSTOP on the root process and every descendant (PostgreSQL backends, state-transfer helpers). */
	@Override
	public synchronized void freeze() {
		ProcessHandle root = requireRunning("freeze");
		Processes.signalTree(root, "STOP");
		// the server may have forked a child between listing its children and being stopped
		root.descendants().forEach((child) -> Processes.signal(child.pid(), "STOP"));
		awaitStopped(root, true);
		this.logger.info("Froze {} (port {}, pid {})", name(), port(), root.pid());
	}

	/** SIGCONT after {@link #freeze()}; nothing to do when the server is not running. */
	@Override
	public synchronized void thaw() {
		ProcessHandle root = processHandle();
		if (root == null || !root.isAlive()) {
			return;
		}
		Processes.signalTree(root, "CONT");
		awaitStopped(root, false);
		this.logger.info("Thawed {} (port {}, pid {})", name(), port(), root.pid());
		afterThaw();
	}

	/** The root process, or an error naming what cannot be done to a server that is not running. */
	ProcessHandle requireRunning(String action) {
		ProcessHandle current = processHandle();
		if (current == null || !current.isAlive()) {
			throw new IllegalStateException("Cannot " + action + " " + name() + ": it is not running");
		}
		return current;
	}

	/** Signals are delivered asynchronously: return once the kernel shows the new state (bounded). */
	private static void awaitStopped(ProcessHandle process, boolean stopped) {
		long deadline = System.nanoTime() + 5_000_000_000L;
		while (process.isAlive() && isStopped(process.pid()) != stopped && System.nanoTime() < deadline) {
			Thread.onSpinWait();
			try {
				Thread.sleep(1);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	/** Whether the kernel reports the process stopped by a signal (state {@code T}). */
	static boolean isStopped(long pid) {
		try {
			String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
			// "pid (comm) S ...": the command may contain spaces and parentheses, the state follows the last ')'
			int end = stat.lastIndexOf(')');
			return end > 0 && end + 2 < stat.length() && stat.charAt(end + 2) == 'T';
		}
		catch (IOException ex) {
			return false;
		}
	}

}
