package io.peerpool.test;

import java.util.HashMap;
import java.util.Map;

/**
 * MariaDB GTID positions as the server prints them ({@code "0-1-37,1-2-5"}: domain, server id,
 * sequence number per domain), compared by sequence number per domain.
 */
final class GtidPosition {

	private GtidPosition() {
	}

	/**
	 * Whether {@code candidate} is ahead of {@code base}: some domain has a higher sequence number
	 * in {@code candidate} and none a lower one (a domain missing from {@code base} counts as 0).
	 */
	static boolean isAhead(String candidate, String base) {
		Map<Long, Long> ahead = sequenceByDomain(candidate);
		Map<Long, Long> behind = sequenceByDomain(base);
		boolean anyHigher = false;
		for (Map.Entry<Long, Long> entry : behind.entrySet()) {
			if (ahead.getOrDefault(entry.getKey(), 0L) < entry.getValue()) {
				return false;
			}
		}
		for (Map.Entry<Long, Long> entry : ahead.entrySet()) {
			anyHigher |= entry.getValue() > behind.getOrDefault(entry.getKey(), 0L);
		}
		return anyHigher;
	}

	/**
	 * Whether {@code candidate} holds every transaction of {@code base}: no domain has a lower
	 * sequence number in {@code candidate} (a domain missing from it counts as 0).
	 */
	static boolean covers(String candidate, String base) {
		Map<Long, Long> held = sequenceByDomain(candidate);
		return sequenceByDomain(base).entrySet()
			.stream()
			.allMatch((entry) -> held.getOrDefault(entry.getKey(), 0L) >= entry.getValue());
	}

	static Map<Long, Long> sequenceByDomain(String position) {
		Map<Long, Long> sequences = new HashMap<>();
		if (position == null || position.isBlank()) {
			return sequences;
		}
		for (String gtid : position.split(",")) {
			String[] parts = gtid.trim().split("-");
			if (parts.length != 3) {
				throw new IllegalArgumentException("Not a MariaDB GTID: '" + gtid + "' in '" + position + "'");
			}
			sequences.merge(Long.parseLong(parts[0]), Long.parseLong(parts[2]), Math::max);
		}
		return sequences;
	}

}
