package io.peerpool.routing;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What a thread outside any routing scope ({@code @Async}, a scheduler, a message listener, a
 * batch job) wrote lately, per pool: that it wrote, and where the write is when its position is
 * known. With read-your-writes {@code gtid} its read-only work then reads its own writes as a
 * request's does: from a replica that applied the position, else from a primary. Kept for
 * {@code pin-duration}, refreshed by each write; {@link PeerRouting#clear()} drops it.
 */
final class ThreadWrites {

	private static final ThreadLocal<Map<String, Entry>> writes = new ThreadLocal<>();

	private ThreadWrites() {
	}

	/** The thread wrote to {@code pool}: remembered for {@code keep}, with the position known so far. */
	static void wrote(String pool, Duration keep) {
		if (keep.isZero() || keep.isNegative()) {
			return;
		}
		Entry known = entry(pool);
		entries().put(pool, new Entry((known != null) ? known.position() : null, System.nanoTime() + keep.toNanos()));
	}

	/** The position of the thread's last write to {@code pool}, remembered for {@code keep}. */
	static void position(String pool, String position, Duration keep) {
		entries().put(pool, new Entry(position, System.nanoTime() + keep.toNanos()));
	}

	/** Whether the thread wrote to {@code pool} within the time it is remembered. */
	static boolean wroteLately(String pool) {
		return entry(pool) != null;
	}

	/** The position of the thread's last write to {@code pool} while it is remembered, or {@code null}. */
	static @Nullable String position(String pool) {
		Entry known = entry(pool);
		return (known != null) ? known.position() : null;
	}

	static void clear() {
		writes.remove();
	}

	private static @Nullable Entry entry(String pool) {
		Map<String, Entry> entries = writes.get();
		Entry known = (entries != null) ? entries.get(pool) : null;
		if (known != null && System.nanoTime() - known.untilNanos() > 0) {
			entries.remove(pool);
			return null;
		}
		return known;
	}

	private static Map<String, Entry> entries() {
		Map<String, Entry> entries = writes.get();
		if (entries == null) {
			entries = new HashMap<>(4);
			writes.set(entries);
		}
		return entries;
	}

	private record Entry(@Nullable String position, long untilNanos) {
	}

}
