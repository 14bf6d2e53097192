package io.peerpool.routing;

import java.sql.SQLException;

import java.time.Duration;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import io.peerpool.PeerRole;
import io.peerpool.ReadYourWrites;

/**
 * Routing scopes for the current thread: which kind of peer the connections opened inside should
 * use. Scopes nest, the innermost explicit one wins, and leaving a scope always restores the
 * previous one, also when the code throws.
 *
 * <pre>{@code
 * List<Report> reports = PeerRouting.replica(() -> reportRepository.findAll());
 * PeerRouting.primary(() -> balanceService.reconcile());
 * }</pre>
 *
 * Threads without a scope ({@code @Async}, schedulers, message listeners) use primaries; their
 * read-only transactions may use replicas. With read-your-writes {@code gtid} those read the
 * thread's own writes of the last {@code pin-duration}, as a request's reads do.
 */
public final class PeerRouting {

	private static final ThreadLocal<RouteScope> current = new ThreadLocal<>();

	private PeerRouting() {
	}

	/** Runs {@code work} on primaries, whatever enclosing scopes say. */
	public static <T> T primary(Supplier<T> work) {
		try (RouteScope scope = open(RouteIntent.PRIMARY, RouteOrigin.EXPLICIT)) {
			return work.get();
		}
	}

	/** Runs {@code work} on primaries, whatever enclosing scopes say. */
	public static void primary(Runnable work) {
		try (RouteScope scope = open(RouteIntent.PRIMARY, RouteOrigin.EXPLICIT)) {
			work.run();
		}
	}

	/** Runs {@code work} on replicas; a write inside fails fast (the write guard). */
	public static <T> T replica(Supplier<T> work) {
		try (RouteScope scope = open(RouteIntent.REPLICA, RouteOrigin.EXPLICIT)) {
			return work.get();
		}
	}

	/** Runs {@code work} on replicas; a write inside fails fast (the write guard). */
	public static void replica(Runnable work) {
		try (RouteScope scope = open(RouteIntent.REPLICA, RouteOrigin.EXPLICIT)) {
			work.run();
		}
	}

	/** Opens a scope; close it in a {@code finally} (try-with-resources) to restore the previous one. */
	public static RouteScope open(RouteIntent intent, RouteOrigin origin) {
		RouteScope scope = new RouteScope(intent, origin, current.get());
		current.set(scope);
		return scope;
	}

	/**
	 * Goes on with {@code scope}, another thread's, on this thread: the work of a request that
	 * Spring MVC hands to its task executor ({@code Callable}, {@code StreamingResponseBody}). Work
	 * here routes as it would in that scope, its writes pin the request and its positions reach the
	 * request's pin cookie. End it with {@link #clear()} on this thread.
	 */
	public static RouteScope continueOn(RouteScope scope) {
		RouteScope continued = new RouteScope(scope.intent(), scope.origin(), scope);
		current.set(continued);
		return continued;
	}

	/** The innermost scope of this thread, or {@code null}. */
	public static RouteScope current() {
		return current.get();
	}

	/** Drops every scope of this thread, and the positions of its writes: the end of a request on a pooled thread. */
	public static void clear() {
		current.remove();
		ThreadWrites.clear();
	}

	/** Records a write in the current scopes (pins the request to primaries). */
	public static void recordWrite() {
		RouteScope scope = current.get();
		if (scope != null) {
			scope.recordWrite();
		}
	}

	/**
	 * Remembers the position of the last write of this request in {@code pool} (a GTID or a WAL
	 * LSN), for read-your-writes {@code gtid}; the web filter carries it to the client's next
	 * request in the signed pin cookie.
	 * @return whether a scope took it; {@code false} outside any request
	 * ({@link #recordThreadWriteToken} keeps it for the thread then)
	 */
	public static boolean recordWriteToken(String pool, String token) {
		RouteScope scope = current.get();
		if (scope == null) {
			return false;
		}
		RouteScope request = scope.outermost();
		request.putWriteToken(pool, token);
		request.writeTokenRecorded();
		return true;
	}

	/**
	 * Remembers, for {@code keep}, the position of a write this thread made outside any scope
	 * ({@code @Async}, a scheduler, a test's own code): the thread's later
	 * borrows wait for it where the server they take may not have applied it yet (a replica, or
	 * with Galera's every node taking writes, another node).
	 */
	public static void recordThreadWriteToken(String pool, String token, Duration keep) {
		ThreadWrites.position(pool, token, keep);
	}

	/** The position {@link #recordThreadWriteToken} remembers for {@code pool}, or {@code null} once {@code keep} passed. */
	public static @Nullable String threadWriteToken(String pool) {
		return ThreadWrites.position(pool);
	}

	/**
	 * The position of the last write in {@code pool} that this thread's next borrow must find
	 * applied: the request's ({@link #writeToken}), or outside any scope the thread's own
	 * ({@link #threadWriteToken}); {@code null} when there is none.
	 */
	public static @Nullable String clientWriteToken(String pool) {
		RouteScope scope = current.get();
		return (scope != null) ? scope.outermost().writeToken(pool) : ThreadWrites.position(pool);
	}

	/** The position of this request's (or client's) last write in {@code pool}, or {@code null}. */
	public static String writeToken(String pool) {
		RouteScope scope = current.get();
		return (scope != null) ? scope.outermost().writeToken(pool) : null;
	}

	static void restore(RouteScope closing, RouteScope parent) {
		if (current.get() == closing) {
			if (parent != null) {
				current.set(parent);
			}
			else {
				current.remove();
			}
		}
	}

	/**
	 * Decides whether a new physical connection should read from a replica, strongest reason first:
	 * an explicit scope; a write earlier in the request or a pin; a read-only transaction or
	 * connection; the request's HTTP method or override.
	 * @param readOnly whether the connection or its transaction is read-only
	 */
	public static boolean wantsReplica(boolean readOnly) {
		return wantsReplica(readOnly, true);
	}

	/**
	 * As {@link #wantsReplica(boolean)}, where {@code writesPin} says whether a write pins the rest
	 * of the request to primaries (read-your-writes {@code pin}); with {@code gtid} a write instead
	 * leaves a {@link #writeToken token} that the replica must have applied.
	 */
	public static boolean wantsReplica(boolean readOnly, boolean writesPin) {
		RouteScope scope = current.get();
		for (RouteScope s = scope; s != null; s = s.parent()) {
			if (s.origin() == RouteOrigin.EXPLICIT) {
				return s.intent() == RouteIntent.REPLICA;
			}
		}
		if (scope != null) {
			for (RouteScope s = scope; s != null; s = s.parent()) {
				if ((writesPin && (s.hasWritten() || s.hasClientWrittenBefore()))
						|| ((s.origin() == RouteOrigin.PIN || s.origin() == RouteOrigin.HEADER)
						&& s.intent() == RouteIntent.PRIMARY)) {
					return false;
				}
				if (s.origin() == RouteOrigin.HEADER) {
					return true;
				}
			}
		}
		if (readOnly) {
			return true;
		}
		return scope != null && scope.intent() == RouteIntent.REPLICA;
	}

	/**
	 * Whether a connection's next physical connection reads from a replica, from what the
	 * connection knows: a read-write transaction (auto-commit off, not read-only) runs on a primary,
	 * its reads included, so that a GET's read intent does not send them to a replica; so does a
	 * connection that wrote (also where read-your-writes {@code gtid} gives the request's later
	 * reads to replicas); only an explicit replica scope overrules both, and its write guard then
	 * refuses the writes. Otherwise {@link #wantsReplica(boolean, boolean)}, a write pinning the
	 * request in {@code pin} mode, and in {@code gtid} mode when its position is unknown.
	 * @param readOnly whether the connection or its transaction is read-only
	 * @param autoCommit whether the connection is in auto-commit mode
	 * @param wrote whether the connection wrote during this borrow
	 */
	public static boolean connectionWantsReplica(String pool, boolean readOnly, boolean autoCommit, boolean wrote,
			ReadYourWrites mode) {
		if ((!autoCommit || wrote) && !readOnly && !inExplicitReplicaScope()) {
			return false;
		}
		RouteScope scope = current.get();
		String token = clientWriteToken(pool);
		boolean writesPin = mode == ReadYourWrites.PIN || (mode == ReadYourWrites.GTID && token == null);
		if (scope == null && mode == ReadYourWrites.GTID && token == null && ThreadWrites.wroteLately(pool)) {
			// outside any request, the thread's own write a moment ago whose position is unknown: its read-only work
			// reads it on a primary (with its position, on a replica that applied it). In pin mode such a thread's
			// read-only transactions still use replicas: pinning every writing worker thread would take its reads off
			// the replicas for good
			return false;
		}
		return wantsReplica(readOnly, writesPin);
	}

	/**
	 * Whether a connection taken before its intent was known (by a call such as
	 * {@code getMetaData()}), on a peer of {@code role}, may keep it now that the intent is known:
	 * a read does not stay on a primary, a write not on a replica; a peer of either role
	 * ({@link PeerRole#AUTO} before its first probe) serves both.
	 */
	public static boolean fitsIntent(PeerRole role, boolean wantsReplica) {
		return wantsReplica ? role != PeerRole.PRIMARY : role != PeerRole.REPLICA;
	}

	/**
	 * Whether a write on a connection reading from a replica moves to a primary instead of failing
	 * on the read-only server: an incidental auto-commit write (the replica was chosen for a GET);
	 * not in a transaction, nor on a read-only connection or in a read-only transaction, nor on a
	 * connection whose session SQL pinned it there (where it fails, as the application made it).
	 * @param readOnly whether the connection or its transaction is read-only
	 */
	public static boolean writeMovesToPrimary(PeerRole role, boolean autoCommit, boolean readOnly, boolean pinned) {
		return role == PeerRole.REPLICA && autoCommit && !readOnly && !pinned;
	}

	/**
	 * A write is about to run on a connection of {@code pool}: refused in an explicit replica scope
	 * (the write guard, SQLState {@code 25006}, naming the statement and the fix); otherwise it pins
	 * the rest of the request to primaries ({@link #recordWrite}).
	 */
	public static void beforeWrite(String pool, String sql) throws SQLException {
		beforeWrite(pool, sql, Duration.ZERO);
	}

	/**
	 * As {@link #beforeWrite(String, String)}; outside any scope the thread remembers the write for
	 * {@code pinDuration}, so that its read-only work reads it.
	 */
	public static void beforeWrite(String pool, String sql, Duration pinDuration) throws SQLException {
		if (inExplicitReplicaScope()) {
			throw new SQLException("peerpool write guard: a write in a @UseReplica / PeerRouting.replica scope of pool '"
					+ pool + "': " + abbreviate(sql) + ". Run it outside the replica scope, or in @UsePrimary / "
					+ "PeerRouting.primary.", "25006");
		}
		RouteScope scope = current.get();
		if (scope != null) {
			scope.recordWrite();
		}
		else {
			ThreadWrites.wrote(pool, pinDuration);
		}
	}

	private static String abbreviate(String sql) {
		String oneLine = sql.strip().replaceAll("\\s+", " ");
		return (oneLine.length() > 80) ? oneLine.substring(0, 77) + "..." : oneLine;
	}

	/** Whether the innermost explicit scope is a replica scope: writes there are refused. */
	public static boolean inExplicitReplicaScope() {
		for (RouteScope s = current.get(); s != null; s = s.parent()) {
			if (s.origin() == RouteOrigin.EXPLICIT) {
				return s.intent() == RouteIntent.REPLICA;
			}
		}
		return false;
	}

	/** The replica the current request reads from in {@code pool}, or {@code null}. */
	public static String stickyReplica(String pool) {
		RouteScope scope = current.get();
		return (scope != null) ? scope.stickyReplica(pool) : null;
	}

	/** Makes the current request read from {@code replica} in {@code pool} while it stays healthy. */
	public static void stickTo(String pool, String replica) {
		RouteScope scope = current.get();
		if (scope != null) {
			scope.stickTo(pool, replica);
		}
	}

}
