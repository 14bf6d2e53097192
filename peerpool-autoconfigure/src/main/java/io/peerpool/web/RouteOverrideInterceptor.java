package io.peerpool.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

import io.peerpool.routing.PeerRouting;
import io.peerpool.routing.RouteIntent;
import io.peerpool.routing.RouteOrigin;
import io.peerpool.routing.RouteScope;

/**
 * Applies {@code web.overrides} once Spring MVC knows the handler: the first matching override
 * opens an {@link RouteOrigin#OVERRIDE} scope, but only over a route that came from the HTTP
 * method; the route header and the pin cookie stay stronger. A request that no handler serves
 * is matched by path alone and never fails because of an override.
 */
public class RouteOverrideInterceptor implements HandlerInterceptor {

	private static final String SCOPE_ATTRIBUTE = RouteOverrideInterceptor.class.getName() + ".scope";

	private final RouteOverrides overrides;

	public RouteOverrideInterceptor(RouteOverrides overrides) {
		this.overrides = overrides;
	}

	@Override
	public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
		RouteScope current = PeerRouting.current();
		if (current == null || current.origin() != RouteOrigin.HTTP_METHOD || this.overrides.isEmpty()) {
			return true;
		}
		RouteIntent intent = (handler instanceof HandlerMethod method)
				? this.overrides.match(path(request), method.getMethod(), method.getBeanType())
				: this.overrides.match(path(request), null, null);
		if (intent != null && intent != current.intent()) {
			request.setAttribute(SCOPE_ATTRIBUTE, PeerRouting.open(intent, RouteOrigin.OVERRIDE));
		}
		return true;
	}

	@Override
	public void afterCompletion(HttpServletRequest request, HttpServletResponse response, Object handler,
			Exception ex) {
		if (request.getAttribute(SCOPE_ATTRIBUTE) instanceof RouteScope scope) {
			request.removeAttribute(SCOPE_ATTRIBUTE);
			scope.close();
		}
	}

	private static String path(HttpServletRequest request) {
		String uri = request.getRequestURI();
		String contextPath = request.getContextPath();
		String path = (contextPath != null && uri.startsWith(contextPath)) ? uri.substring(contextPath.length()) : uri;
		return path.isEmpty() ? "/" : path;
	}

}
