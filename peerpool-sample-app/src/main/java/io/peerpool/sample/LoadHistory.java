package io.peerpool.sample;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The background load's last two minutes, one bucket per second: requests that succeeded and
 * failed, their latencies (for the p99) and which peer served each read and write. The status
 * page draws the last 60 s of it. A demo's numbers (20 requests a second): a lock is fine here.
 */
public final class LoadHistory {

	private static final int SECONDS = 120;

	private final Bucket[] buckets = new Bucket[SECONDS];

	/** Records one request that ended at {@code endedMillis}; {@code peer} is null when it failed. */
	public synchronized void record(long endedMillis, boolean write, boolean ok, long latencyNanos, String peer) {
		long second = endedMillis / 1000;
		int index = (int) (second % SECONDS);
		Bucket bucket = this.buckets[index];
		if (bucket == null || bucket.second != second) {
			bucket = new Bucket(second);
			this.buckets[index] = bucket;
		}
		if (ok) {
			bucket.ok++;
			Map<String, long[]> served = write ? bucket.writes : bucket.reads;
			served.computeIfAbsent(peer, (name) -> new long[1])[0]++;
		}
		else {
			bucket.failed++;
		}
		if (bucket.latencies.length == bucket.count) {
			bucket.latencies = Arrays.copyOf(bucket.latencies, bucket.count * 2);
		}
		bucket.latencies[bucket.count++] = latencyNanos;
	}

	/** The seconds from {@code nowMillis - seconds} to now, oldest first, empty ones included. */
	public synchronized List<Map<String, Object>> lastSeconds(long nowMillis, int seconds) {
		long now = nowMillis / 1000;
		List<Map<String, Object>> result = new ArrayList<>(seconds);
		for (long second = now - seconds + 1; second <= now; second++) {
			Bucket bucket = this.buckets[(int) (second % SECONDS)];
			Map<String, Object> view = new LinkedHashMap<>();
			view.put("t", second * 1000);
			if (bucket == null || bucket.second != second) {
				view.put("ok", 0);
				view.put("failed", 0);
				view.put("p99Ms", null);
				view.put("reads", Map.of());
				view.put("writes", Map.of());
			}
			else {
				view.put("ok", bucket.ok);
				view.put("failed", bucket.failed);
				view.put("p99Ms", bucket.p99Millis());
				view.put("reads", counts(bucket.reads));
				view.put("writes", counts(bucket.writes));
			}
			result.add(view);
		}
		return result;
	}

	public synchronized void clear() {
		Arrays.fill(this.buckets, null);
	}

	private static Map<String, Long> counts(Map<String, long[]> served) {
		Map<String, Long> counts = new LinkedHashMap<>();
		served.forEach((peer, count) -> counts.put(peer, count[0]));
		return counts;
	}

	private static final class Bucket {

		final long second;

		long ok;

		long failed;

		long[] latencies = new long[32];

		int count;

		final Map<String, long[]> reads = new LinkedHashMap<>();

		final Map<String, long[]> writes = new LinkedHashMap<>();

		Bucket(long second) {
			this.second = second;
		}

		Double p99Millis() {
			if (this.count == 0) {
				return null;
			}
			long[] sorted = Arrays.copyOf(this.latencies, this.count);
			Arrays.sort(sorted);
			// nearest rank: with 20 requests a second, the slowest one
			int rank = (int) Math.ceil(0.99 * this.count) - 1;
			return sorted[Math.max(0, rank)] / 1_000_000.0;
		}

	}

}
