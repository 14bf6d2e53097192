package io.peerpool.dialect;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.jspecify.annotations.Nullable;

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

	private static final String TARGET_SERVER_TYPE = "targetServerType";

	/** PgJDBC's {@code targetServerType} values that refuse a server of the other type. */
	private static final Set<String> SERVER_TYPE_FILTERS = Set.of("primary", "master", "standby", "secondary", "slave");

	/** PgJDBC's parameters of its choice among several hosts (lower case): nothing to choose for one peer. */
	private static final Set<String> HOST_CHOICE = Set.of("targetservertype", "loadbalancehosts", "hostrecheckseconds");

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
		return scheme + "//" + host + withoutParameters(url.substring(authorityEnd(url, start + 2)), HOST_CHOICE);
	}

	/**
	 * The server type a PostgreSQL URL makes PgJDBC insist on ({@code targetServerType} {@code primary},
	 * {@code standby}, ... as written), or {@code null}: PgJDBC then refuses a server of the other
	 * type, so a peer whose server changes role (a switchover) would be DOWN instead of serving in
	 * its new role. A preference ({@code preferPrimary}) or {@code any} refuses none.
	 */
	public static @Nullable String serverTypeFilter(String url) {
		if (!url.toLowerCase(Locale.ROOT).startsWith("jdbc:postgresql:")) {
			return null;
		}
		int query = url.indexOf('?');
		if (query < 0) {
			return null;
		}
		for (String parameter : url.substring(query + 1).split("&")) {
			int equals = parameter.indexOf('=');
			if (equals > 0 && parameter.substring(0, equals).equalsIgnoreCase(TARGET_SERVER_TYPE)
					&& SERVER_TYPE_FILTERS.contains(parameter.substring(equals + 1).toLowerCase(Locale.ROOT))) {
				return parameter.substring(equals + 1);
			}
		}
		return null;
	}

	/** Why a peer whose URL filters on server type {@code filter} is refused, in one sentence ({@code peer} as its caller names it). */
	public static String whyServerTypeIsRefused(String peer, String filter) {
		return peer + " has a URL with targetServerType=" + filter + ": PgJDBC would refuse its server whenever it is "
				+ "not a " + filter + ", so after a switchover the peer would be DOWN instead of serving in its new role";
	}

	/** What to do instead of a {@code targetServerType} filter. */
	public static final String SERVER_TYPE_FIX = "Remove targetServerType from the URL: give the peer its role "
			+ "(primary, replica, or auto to follow the server's own), and peerpool routes by it.";

	/** {@code rest} (the path and query of a URL) without the query parameters named in {@code names}. */
	private static String withoutParameters(String rest, Set<String> names) {
		int query = rest.indexOf('?');
		if (query < 0) {
			return rest;
		}
		StringBuilder kept = new StringBuilder();
		for (String parameter : rest.substring(query + 1).split("&")) {
			int equals = parameter.indexOf('=');
			String name = ((equals >= 0) ? parameter.substring(0, equals) : parameter).toLowerCase(Locale.ROOT);
			if (!parameter.isEmpty() && !names.contains(name)) {
				kept.append((kept.length() == 0) ? '?' : '&').append(parameter);
			}
		}
		return rest.substring(0, query) + kept;
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
