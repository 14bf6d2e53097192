package io.peerpool.test;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every process the kit starts is registered here, so that a JVM that dies (a failed test, a
 * killed build) does not leave servers behind: a shutdown hook thaws and kills what is left.
 * Only processes this JVM started are ever signalled, always by PID.
 */
public final class Processes {

	private static final Set<ProcessHandle> started = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(Processes::killAll, "peerpool-test-reaper"));
	}

	private Processes() {
	}

	/** Registers a process (and, at kill time, its descendants) for cleanup at JVM exit. */
	public static void register(ProcessHandle process) {
		started.add(process);
	}

	/** Forgets a process that was stopped normally. */
	public static void unregister(ProcessHandle process) {
		started.remove(process);
	}

	/** Sends a POSIX signal (for example {@code STOP}, {@code CONT}, {@code KILL}) to one PID. */
	public static void signal(long pid, String signal) {
		try {
			Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
			kill.getInputStream().readAllBytes();
			kill.waitFor();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not send SIG" + signal + " to " + pid, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while sending SIG" + signal + " to " + pid, ex);
		}
	}

	/** Sends a signal to a process and all its descendants (PostgreSQL runs one process per backend). */
	public static void signalTree(ProcessHandle root, String signal) {
		// children first for STOP (so none answers while the parent is being stopped), parent first for CONT
		if ("CONT".equals(signal)) {
			signal(root.pid(), signal);
			root.descendants().forEach((child) -> signal(child.pid(), signal));
		}
		else {
			root.descendants().forEach((child) -> signal(child.pid(), signal));
			signal(root.pid(), signal);
		}
	}

	/** SIGCONT then SIGKILL on a process tree, and waits until the root is gone. */
	public static void killTree(ProcessHandle root) {
		if (!root.isAlive()) {
			started.remove(root);
			return;
		}
		var descendants = root.descendants().toList();
		// a stopped process still dies of SIGKILL, but CONT first keeps the kernel's bookkeeping simple
		signal(root.pid(), "CONT");
		descendants.forEach((child) -> child.destroyForcibly());
		root.destroyForcibly();
		root.onExit().join();
		started.remove(root);
	}

	static void killAll() {
		for (ProcessHandle process : started) {
			try {
				killTree(process);
			}
			catch (RuntimeException ex) {
				// best effort at exit
			}
		}
	}

}
