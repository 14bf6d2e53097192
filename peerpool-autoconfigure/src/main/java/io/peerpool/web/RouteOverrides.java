package io.peerpool.web;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.springframework.http.server.PathContainer;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import org.springframework.web.util.pattern.PatternParseException;

import io.peerpool.routing.RouteIntent;

/**
 * The {@code web.overrides}: path patterns ({@code /admin/**}) and handler methods
 * ({@code com.example.ReportController#export}) mapped to a route, checked in declared order,
 * first match wins. Built once at startup, where a target that cannot match anything is an error.
 */
public final class RouteOverrides {

	private final List<Entry> entries;

	private RouteOverrides(List<Entry> entries) {
		this.entries = entries;
	}

	/** No overrides. */
	public static RouteOverrides none() {
		return new RouteOverrides(List.of());
	}

	/**
	 * Parses and checks {@code overrides}.
	 * @param classLoader loads the classes of handler targets
	 * @throws InvalidOverrideException when a key is neither a path pattern nor an existing handler method
	 */
	public static RouteOverrides of(Map<String, RouteIntent> overrides, ClassLoader classLoader) {
		List<Entry> entries = new ArrayList<>();
		overrides.forEach((target, intent) -> entries.add(entry(target, intent, classLoader)));
		return new RouteOverrides(List.copyOf(entries));
	}

	private static Entry entry(String target, RouteIntent intent, ClassLoader classLoader) {
		if (intent == null) {
			throw new InvalidOverrideException(target, "has no route", "Map it to primary or replica.");
		}
		String key = target.strip();
		if (key.startsWith("/")) {
			try {
				return new PathEntry(PathPatternParser.defaultInstance.parse(key), intent);
			}
			catch (PatternParseException ex) {
				throw new InvalidOverrideException(target, "is not a valid path pattern: " + ex.getMessage(),
						"Use a Spring path pattern such as /admin/** or /reports/{id}.");
			}
		}
		int hash = key.indexOf('#');
		if (hash <= 0 || hash == key.length() - 1) {
			throw new InvalidOverrideException(target,
					"is neither a path pattern nor a handler method",
					"Use a path pattern starting with / (/admin/**) or a handler as Class#method "
							+ "(com.example.ReportController#export), in brackets in properties and YAML keys.");
		}
		String className = key.substring(0, hash);
		String methodName = key.substring(hash + 1);
		Class<?> type;
		try {
			type = ClassUtils.forName(className, classLoader);
		}
		catch (ClassNotFoundException | LinkageError ex) {
			throw new InvalidOverrideException(target, "names class " + className + ", which does not exist",
					"Use the fully qualified name of the controller class, in brackets: "
							+ "web.overrides[com.example.ReportController#export]=replica.");
		}
		boolean exists = Arrays.stream(ReflectionUtils.getUniqueDeclaredMethods(type, ReflectionUtils.USER_DECLARED_METHODS))
			.anyMatch((method) -> method.getName().equals(methodName));
		if (!exists) {
			throw new InvalidOverrideException(target, "names method " + methodName + ", which " + className
					+ " does not have", "Use the name of a handler method of " + className + ".");
		}
		return new HandlerEntry(type, methodName, intent);
	}

	/** Whether there is no override at all. */
	public boolean isEmpty() {
		return this.entries.isEmpty();
	}

	/**
	 * The route of the first override that matches the request.
	 * @param path the path within the application
	 * @param handlerMethod the handler method, or {@code null} when there is none
	 * @param handlerType the class of the handler bean (it may inherit the method), or {@code null}
	 * @return the route, or {@code null} when no override matches
	 */
	public RouteIntent match(String path, Method handlerMethod, Class<?> handlerType) {
		PathContainer container = null;
		for (Entry entry : this.entries) {
			if (entry instanceof PathEntry pathEntry) {
				if (path == null) {
					continue;
				}
				if (container == null) {
					container = PathContainer.parsePath(path);
				}
				if (pathEntry.pattern().matches(container)) {
					return entry.intent();
				}
			}
			else if (entry instanceof HandlerEntry handlerEntry && handlerMethod != null
					&& handlerEntry.matches(handlerMethod, handlerType)) {
				return entry.intent();
			}
		}
		return null;
	}

	private sealed interface Entry permits PathEntry, HandlerEntry {

		RouteIntent intent();

	}

	private record PathEntry(PathPattern pattern, RouteIntent intent) implements Entry {
	}

	private record HandlerEntry(Class<?> type, String method, RouteIntent intent) implements Entry {

		boolean matches(Method handlerMethod, Class<?> handlerType) {
			if (!handlerMethod.getName().equals(this.method)) {
				return false;
			}
			Class<?> userType = (handlerType != null) ? ClassUtils.getUserClass(handlerType) : null;
			return this.type.isAssignableFrom(handlerMethod.getDeclaringClass())
					|| (userType != null && this.type.isAssignableFrom(userType));
		}

	}

	/** A {@code web.overrides} key that cannot match anything. */
	public static final class InvalidOverrideException extends IllegalArgumentException {

		private final String target;

		private final String problem;

		private final String action;

		InvalidOverrideException(String target, String problem, String action) {
			super("web override '" + target + "' " + problem);
			this.target = target;
			this.problem = problem;
			this.action = action;
		}

		/** What is wrong with it, without the key. */
		public String getProblem() {
			return this.problem;
		}

		/** The key as configured. */
		public String getTarget() {
			return this.target;
		}

		/** How to fix it. */
		public String getAction() {
			return this.action;
		}

	}

}
