package io.peerpool.routing;

import java.util.HashMap;
import java.util.Map;

/**
 * One level of the per-thread routing stack. Opened by {@link PeerRouting#open}, closed (and the
 * previous level restored) by {@link #close()}, also when the code inside throws.
 */
public final class RouteScope implements AutoCloseable {

	private final RouteIntent intent;

	private final RouteOrigin origin;

	private final RouteScope parent;

	private final Thread owner;

	private boolean wrote;

	/**
	 * Whether the client's pin cookie says it wrote lately and carries the positions of those
	 * writes: a pool with a position reads where it is applied, a pool without one is pinned.
	 */
	private boolean wroteBefore;

	private Runnable onFirstWrite;

	private Runnable onWriteToken;

	/** The replica each pool read from in this scope: monotonic reads (created on first read). */
	private Map<String, String> stickyReplicas;

	private boolean closed;

	/** Position of the last write per pool (read-your-writes {@code gtid}); on the outermost scope. */
	private Map<String, String> writeTokens;

	RouteScope(RouteIntent intent, RouteOrigin origin, RouteScope parent) {
		this.intent = intent;
		this.origin = origin;
		this.parent = parent;
		this.owner = Thread.currentThread();
	}

	public RouteIntent intent() {
		return this.intent;
	}

	public RouteOrigin origin() {
		return this.origin;
	}

	/** The enclosing scope, or {@code null}. */
	public RouteScope parent() {
		return this.parent;
	}

	/** Whether a write happened in this scope or a scope nested in it. */
	public boolean hasWritten() {
		return this.wrote;
	}

	/**
	 * Whether the client wrote lately, before this request ({@link #clientWroteBefore}): pins this
	 * request as its own write would, where no position of that write says more.
	 */
	public boolean hasClientWrittenBefore() {
		return this.wroteBefore;
	}

	/**
	 * Marks a request whose client wrote lately, as the web filter learns it from a pin cookie that
	 * carries the positions of the writes ({@link #putWriteToken}); a cookie without positions opens
	 * a pinned scope instead.
	 */
	public void clientWroteBefore() {
		this.wroteBefore = true;
	}

	/**
	 * Called once, on the first write in this scope or a nested one; the web filter uses it to set
	 * the pin cookie before the response is committed.
	 */
	public void onFirstWrite(Runnable callback) {
		this.onFirstWrite = callback;
	}

	/**
	 * Called each time the position of a write becomes known (read-your-writes {@code gtid}), on
	 * the outermost scope: the web filter then sets the pin cookie with the positions.
	 */
	public void onWriteToken(Runnable callback) {
		this.onWriteToken = callback;
	}

	void writeTokenRecorded() {
		if (this.onWriteToken != null) {
			this.onWriteToken.run();
		}
	}

	/** Records a write here and in every enclosing scope (a request is pinned by any write in it). */
	void recordWrite() {
		for (RouteScope scope = this; scope != null; scope = scope.parent) {
			if (!scope.wrote) {
				scope.wrote = true;
				if (scope.onFirstWrite != null) {
					scope.onFirstWrite.run();
				}
			}
		}
	}

	/** The replica this scope (or an enclosing one) reads from in pool {@code pool}, or {@code null}. */
	String stickyReplica(String pool) {
		for (RouteScope scope = this; scope != null; scope = scope.parent) {
			if (scope.stickyReplicas != null && scope.stickyReplicas.containsKey(pool)) {
				return scope.stickyReplicas.get(pool);
			}
		}
		return null;
	}

	/** Remembers the replica of a pool on the outermost scope, so the whole request sticks to it. */
	void stickTo(String pool, String replica) {
		RouteScope outermost = outermost();
		if (outermost.stickyReplicas == null) {
			outermost.stickyReplicas = new HashMap<>(4);
		}
		outermost.stickyReplicas.put(pool, replica);
	}

	/** The outermost scope: the request. */
	public RouteScope outermost() {
		RouteScope outermost = this;
		while (outermost.parent != null) {
			outermost = outermost.parent;
		}
		return outermost;
	}

	/** The write tokens of this scope, pool to token (for the pin cookie); never {@code null}. */
	public Map<String, String> writeTokens() {
		return (this.writeTokens != null) ? Map.copyOf(this.writeTokens) : Map.of();
	}

	/** Restores a write token, for example from the client's pin cookie. */
	public void putWriteToken(String pool, String token) {
		if (this.writeTokens == null) {
			this.writeTokens = new HashMap<>(4);
		}
		this.writeTokens.put(pool, token);
	}

	String writeToken(String pool) {
		return (this.writeTokens != null) ? this.writeTokens.get(pool) : null;
	}

	/** Restores the enclosing scope. Closing twice, or on another thread, does nothing. */
	@Override
	public void close() {
		if (this.closed || Thread.currentThread() != this.owner) {
			return;
		}
		this.closed = true;
		PeerRouting.restore(this, this.parent);
	}

	@Override
	public String toString() {
		return "RouteScope[" + this.intent + " by " + this.origin + (this.wrote ? ", wrote" : "") + "]";
	}

}
