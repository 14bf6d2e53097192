package io.peerpool.web;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The positions of a client's last writes, pool by pool, as one string for the signed pin cookie:
 * {@code pool=position} lines. Pool names are letters, digits, '-' and '_'; positions (GTIDs,
 * GTID sets, LSNs) have no line breaks.
 */
final class WriteTokens {

	private WriteTokens() {
	}

	static String encode(Map<String, String> tokens) {
		StringBuilder encoded = new StringBuilder();
		tokens.forEach((pool, token) -> encoded.append(pool).append('=').append(token).append('\n'));
		return encoded.toString();
	}

	static Map<String, String> decode(String encoded) {
		Map<String, String> tokens = new LinkedHashMap<>();
		for (String line : encoded.split("\n")) {
			int equals = line.indexOf('=');
			if (equals > 0 && equals < line.length() - 1) {
				tokens.put(line.substring(0, equals), line.substring(equals + 1));
			}
		}
		return tokens;
	}

}
