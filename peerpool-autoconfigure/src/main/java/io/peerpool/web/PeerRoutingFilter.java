package io.peerpool.web;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

import io.peerpool.routing.PeerRouting;
import io.peerpool.routing.RouteIntent;
import io.peerpool.routing.RouteOrigin;
import io.peerpool.routing.RouteScope;

/**
 * Opens the routing scope of each request, strongest reason first: the trusted route header
 * (only when configured), a valid pin cookie (the client wrote recently: read from a primary),
 * the HTTP method (GET, HEAD, OPTIONS and TRACE read from replicas, other methods use a
 * primary). Annotations on the handler and {@code web.overrides} refine it later.
 *
 * <p>The first write of a request sets the pin cookie (pin mode), whatever the response status;
 * it is set when the write happens, because by the end of the request the response may already
 * be committed. The routing state of the thread is cleared when the request ends, so nothing
 * leaks into the next request served by the same pooled thread.
 */
public class PeerRoutingFilter extends OncePerRequestFilter implements Ordered {

	/**
	 * Runs early: before Spring Session (whose repository filter may write the session) and
	 * Spring Security, so that their database access is routed and pins too.
	 */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

	private static final Log logger = LogFactory.getLog(PeerRoutingFilter.class);

	private final PinCookie pinCookie;

	private final Supplier<Duration> pinDuration;

	private final String stateHeader;

	/**
	 * @param pinCookie the signed cookie of read-your-writes
	 * @param pinDuration how long a write pins its client, or {@code null} from the supplier when
	 * no pool uses pin mode (no cookie is set or honoured then)
	 * @param stateHeader the trusted route header, or {@code null} when off
	 */
	public PeerRoutingFilter(PinCookie pinCookie, Supplier<Duration> pinDuration, String stateHeader) {
		this.pinCookie = pinCookie;
		this.pinDuration = pinDuration;
		this.stateHeader = (stateHeader != null && !stateHeader.isBlank()) ? stateHeader.strip() : null;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		// a scope left open by code outside any request must not become this request's parent
		PeerRouting.clear();
		try {
			Duration pin = this.pinDuration.get();
			RouteScope scope = openScope(request, pin != null);
			if (pin != null && !pin.isZero()) {
				// a write pins at once; once its position is known (gtid), the cookie carries it instead,
				// and the client's next reads may use any replica that has applied it
				scope.onFirstWrite(() -> writeCookie(request, response, pin, null));
				scope.onWriteToken(() -> writeCookie(request, response, pin, WriteTokens.encode(scope.writeTokens())));
			}
			chain.doFilter(request, response);
		}
		finally {
			PeerRouting.clear();
		}
	}

	private void writeCookie(HttpServletRequest request, HttpServletResponse response, Duration pin, String token) {
		if (!this.pinCookie.write(request, response, pin, token) && logger.isDebugEnabled()) {
			logger.debug("Write after the response of " + request.getRequestURI() + " was committed: no pin cookie");
		}
	}

	private RouteScope openScope(HttpServletRequest request, boolean pinMode) {
		RouteIntent forced = headerIntent(request);
		if (forced != null) {
			return PeerRouting.open(forced, RouteOrigin.HEADER);
		}
		PinCookie.Pin pin = pinMode ? this.pinCookie.read(request) : null;
		if (pin != null && pin.token() == null) {
			return PeerRouting.open(RouteIntent.PRIMARY, RouteOrigin.PIN);
		}
		RouteScope scope = PeerRouting.open(isRead(request.getMethod()) ? RouteIntent.REPLICA : RouteIntent.PRIMARY,
				RouteOrigin.HTTP_METHOD);
		if (pin != null) {
			// the positions of the client's writes: a replica (or Galera node) serves it once it has applied them; a
			// pool whose write left no position is pinned, as by a cookie without positions
			WriteTokens.decode(pin.token()).forEach(scope::putWriteToken);
			scope.clientWroteBefore();
		}
		return scope;
	}

	private RouteIntent headerIntent(HttpServletRequest request) {
		if (this.stateHeader == null) {
			return null;
		}
		String value = request.getHeader(this.stateHeader);
		if (value == null) {
			return null;
		}
		return switch (value.strip().toLowerCase(Locale.ROOT)) {
			case "primary" -> RouteIntent.PRIMARY;
			case "replica" -> RouteIntent.REPLICA;
			default -> null;
		};
	}

	/** GET, HEAD, OPTIONS and TRACE: the methods HTTP defines as safe. */
	static boolean isRead(String method) {
		return "GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method) || "TRACE".equals(method);
	}

}
