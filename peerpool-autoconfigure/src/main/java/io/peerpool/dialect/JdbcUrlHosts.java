package io.peerpool.dialect;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The hosts a JDBC URL names, in the forms the drivers accept: {@code //host:port,host:port/},
 * IPv6 in brackets, MySQL's {@code address=(host=...)(port=...)} and {@code (host=...,port=...)}.
 * A peer is one server: a URL that names several hands failover to the driver (its own timeouts,
 * its own choice of server), out of sight of peerpool's probes, health and routing.
 */
public final class JdbcUrlHosts {

	/** MariaDB's and MySQL's own multi-host modes ({@code jdbc:mariadb:sequential://}). */
	private static final Set<String> FAILOVER_MODES = Set.of("sequential", "loadbalance", "load-balance-read",
			"replication", "aurora");

	private JdbcUrlHosts() {
	}

	/**
	 * The hosts of {@code url}, user info left out, each as written ({@code db0:3306}); empty for a
	 * URL that names none (an in-memory or file database, {@code jdbc:postgresql:///app}).
	 */
	public static List<String> of(String url) {
		int start = url.indexOf("//");
		if (start < 0) {
			return List.of();
		}
		String authority = url.substring(start + 2, authorityEnd(url, start + 2));
		int userInfo = authority.lastIndexOf('@');
		if (userInfo >= 0 && authority.indexOf('(') < 0) {
			authority = authority.substring(userInfo + 1);
		}
		List<String> hosts = new ArrayList<>();
		for (int from = 0; from <= authority.length();) {
			int end = nextOutsideBrackets(authority, from, ",");
			String host = authority.substring(from, end).trim();
			if (!host.isEmpty()) {
				hosts.add(host);
			}
			from = end + 1;
		}
		return hosts;
	}

	/**
	 * {@code url} naming {@code host} only, without a MariaDB or MySQL multi-host mode
	 * ({@code jdbc:mariadb:sequential://a,b/app} and {@code b} give {@code jdbc:mariadb://b/app}):
	 * what one peer's URL would be.
	 */
	public static String withHost(String url, String host) {
		int start = url.indexOf("//");
		if (start < 0) {
			return url;
		}
		String scheme = url.substring(0, start);
		String[] parts = scheme.split(":");
		if (parts.length == 3 && FAILOVER_MODES.contains(parts[2])) {
			scheme = parts[0] + ":" + parts[1] + ":";
		}
		return scheme + "//" + host + url.substring(authorityEnd(url, start + 2));
	}

	/**
	 * Why a peer whose URL names {@code hosts} is refused, in one sentence that names them
	 * ({@code peer} says which peer, as its caller names it): shared by the properties' check and
	 * the builder's.
	 */
	public static String whySeveralHostsAreRefused(String peer, List<String> hosts) {
		return peer + " has a URL that names " + hosts.size() + " hosts (" + String.join(", ", hosts)
				+ "): the driver would fail over between them by itself, out of sight of peerpool's probes,"
				+ " health and routing";
	}

	/** Where the authority that begins at {@code from} ends: the path, the query or a {@code ;} parameter list. */
	private static int authorityEnd(String url, int from) {
		return nextOutsideBrackets(url, from, "/?;");
	}

	/**
	 * The first index from {@code from} of one of {@code stops} outside brackets and parentheses
	 * (an IPv6 address, MySQL's {@code address=(...)}), or the length of {@code text}.
	 */
	private static int nextOutsideBrackets(String text, int from, String stops) {
		int depth = 0;
		for (int i = from; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '(' || c == '[') {
				depth++;
			}
			else if (c == ')' || c == ']') {
				depth--;
			}
			else if (depth <= 0 && stops.indexOf(c) >= 0) {
				return i;
			}
		}
		return text.length();
	}

}
