package io.peerpool.web;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import io.peerpool.ReadYourWrites;
import io.peerpool.routing.PeerRouting;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scope the filter opens for a client's next request from its pin cookie, and where each
 * pool's reads go in it: a pool with a position of the client's write reads where it is applied;
 * a pool without one (its write left none, or the pool is in {@code pin} mode) is pinned to a
 * primary, as a cookie without positions pins every pool. No server.
 */
class PeerRoutingFilterTests {

	private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

	private final PinCookie cookie = new PinCookie("peerpool-pin", "secret".getBytes(StandardCharsets.UTF_8), true,
			"Lax", null, Clock.fixed(NOW, ZoneOffset.UTC));

	private final PeerRoutingFilter filter = new PeerRoutingFilter(this.cookie, () -> Duration.ofSeconds(5), null);

	@Test
	void aCookieWithAnotherPoolsPositionStillPinsAPoolThatHasNone() throws Exception {
		List<String> routes = get(this.cookie.encode(NOW.plusSeconds(5), WriteTokens.encode(Map.of("galera", "1-1-7"))));

		assertThat(routes).containsExactly("galera gtid: replica", "main gtid: primary", "main pin: primary");
	}

	@Test
	void aCookieWithoutPositionsPinsEveryPool() throws Exception {
		List<String> routes = get(this.cookie.encode(NOW.plusSeconds(5), null));

		assertThat(routes).containsExactly("galera gtid: primary", "main gtid: primary", "main pin: primary");
	}

	@Test
	void controlWithoutACookieAGetReadsFromReplicas() throws Exception {
		List<String> routes = get(null);

		assertThat(routes).containsExactly("galera gtid: replica", "main gtid: replica", "main pin: replica");
	}

	/** A GET with {@code cookieValue}: where an auto-commit read of each pool and mode would go. */
	private List<String> get(String cookieValue) throws Exception {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/notes");
		if (cookieValue != null) {
			request.setCookies(new Cookie("peerpool-pin", cookieValue));
		}
		List<String> routes = new ArrayList<>();
		this.filter.doFilter(request, new MockHttpServletResponse(), (req, res) -> {
			routes.add(route("galera", ReadYourWrites.GTID));
			routes.add(route("main", ReadYourWrites.GTID));
			routes.add(route("main", ReadYourWrites.PIN));
		});
		assertThat(PeerRouting.current()).as("the request's scope, closed after it").isNull();
		return routes;
	}

	private static String route(String pool, ReadYourWrites mode) {
		boolean replica = PeerRouting.connectionWantsReplica(pool, false, true, false, mode);
		return pool + " " + mode.name().toLowerCase(java.util.Locale.ROOT) + ": " + (replica ? "replica" : "primary");
	}

}
