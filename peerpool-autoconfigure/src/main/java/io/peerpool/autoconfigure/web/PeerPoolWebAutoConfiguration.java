package io.peerpool.autoconfigure.web;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

import jakarta.servlet.Filter;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.config.annotation.AsyncSupportConfigurer;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import io.peerpool.PeerPoolDataSource;
import io.peerpool.PeerPoolSettings;
import io.peerpool.ReadYourWrites;
import io.peerpool.autoconfigure.ConditionalOnPeersConfigured;
import io.peerpool.autoconfigure.PeerPoolAutoConfiguration;
import io.peerpool.autoconfigure.PeerPoolConfigurationException;
import io.peerpool.autoconfigure.PeerPoolProperties;
import io.peerpool.routing.RouteIntent;
import io.peerpool.web.AsyncRequestRouting;
import io.peerpool.web.PeerRoutingFilter;
import io.peerpool.web.PinCookie;
import io.peerpool.web.RouteOverrideInterceptor;
import io.peerpool.web.RouteOverrides;

/**
 * Routing of servlet requests: the {@link PeerRoutingFilter} (HTTP method, trusted header, pin
 * cookie) and, with Spring MVC, the {@code web.overrides} interceptor and the request's routing on
 * the thread that runs a handler's {@code Callable} ({@link AsyncRequestRouting}). On by default in
 * a servlet application with peers; {@code spring.datasource.peerpool.web.enabled=false} turns it
 * off.
 */
@AutoConfiguration(after = PeerPoolAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ Filter.class, OncePerRequestFilter.class })
@ConditionalOnBooleanProperty(name = "spring.datasource.peerpool.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "spring.datasource.peerpool.web.enabled", matchIfMissing = true)
@ConditionalOnPeersConfigured
@EnableConfigurationProperties(PeerPoolProperties.class)
public final class PeerPoolWebAutoConfiguration {

	private static final Log logger = LogFactory.getLog(PeerPoolWebAutoConfiguration.class);

	static final String OVERRIDES_PROPERTY = "spring.datasource.peerpool.web.overrides";

	static final String SECRET_PROPERTY = "spring.datasource.peerpool.web.pin-cookie.secret";

	@Bean
	@ConditionalOnMissingBean(name = "peerRoutingFilter")
	FilterRegistrationBean<PeerRoutingFilter> peerRoutingFilter(PeerPoolProperties properties,
			ObjectProvider<PeerPoolDataSource> pools) {
		PeerPoolProperties.Web.PinCookie cookie = properties.getWeb().getPinCookie();
		PinCookie pinCookie = new PinCookie(cookie.getName(), secret(cookie), cookie.isHttpOnly(),
				cookie.getSameSite(), cookie.getSecure(), Clock.systemUTC());
		PeerRoutingFilter filter = new PeerRoutingFilter(pinCookie, new PinDuration(pools),
				properties.getWeb().getStateHeader());
		FilterRegistrationBean<PeerRoutingFilter> registration = new FilterRegistrationBean<>(filter);
		registration.setName("peerRoutingFilter");
		registration.setOrder(PeerRoutingFilter.ORDER);
		return registration;
	}

	private static byte[] secret(PeerPoolProperties.Web.PinCookie cookie) {
		if (cookie.getSecret() != null && !cookie.getSecret().isEmpty()) {
			return cookie.getSecret().getBytes(StandardCharsets.UTF_8);
		}
		// a fleet behind a load balancer would each sign with its own key and ignore the others' pins:
		// read-your-writes then fails silently whenever the next request lands on another instance
		logger.warn("peerpool: web routing is on with a generated pin secret (no " + SECRET_PROPERTY + "): "
				+ "read-your-writes across requests only holds on this instance; with several instances behind a "
				+ "load balancer a read after a write may miss the write. Set " + SECRET_PROPERTY
				+ " (environment variable SPRING_DATASOURCE_PEERPOOL_WEB_PINCOOKIE_SECRET) to the same random "
				+ "value of at least 32 characters on every instance.");
		byte[] generated = new byte[32];
		new SecureRandom().nextBytes(generated);
		return generated;
	}

	/**
	 * The pin of the pools with read-your-writes ({@link PeerPoolDataSource#getPinHold()}, the longest
	 * when they differ), or {@code null} when no pool pins: looked up at the first request, since the
	 * filter is created before the pools.
	 */
	static final class PinDuration implements Supplier<Duration> {

		private final ObjectProvider<PeerPoolDataSource> pools;

		private volatile Duration[] resolved;

		PinDuration(ObjectProvider<PeerPoolDataSource> pools) {
			this.pools = pools;
		}

		@Override
		public Duration get() {
			Duration[] value = this.resolved;
			if (value == null) {
				Duration longest = null;
				for (PeerPoolDataSource pool : this.pools) {
					PeerPoolSettings settings = pool.getSettings();
					// the cookie carries a pin (pin) or the positions of the writes (gtid)
					if (settings.readYourWrites() != ReadYourWrites.NONE
							&& (longest == null || pool.getPinHold().compareTo(longest) > 0)) {
						longest = pool.getPinHold();
					}
				}
				value = new Duration[] { longest };
				this.resolved = value;
			}
			return value[0];
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(WebMvcConfigurer.class)
	static class MvcRoutingConfiguration {

		@Bean
		@ConditionalOnMissingBean
		RouteOverrides peerPoolRouteOverrides(PeerPoolProperties properties, ResourceLoader resourceLoader) {
			return routeOverrides(properties.getWeb().getOverrides(), resourceLoader.getClassLoader());
		}

		@Bean
		WebMvcConfigurer peerPoolMvcRoutingConfigurer(RouteOverrides overrides) {
			return new WebMvcConfigurer() {

				@Override
				public void addInterceptors(InterceptorRegistry registry) {
					if (!overrides.isEmpty()) {
						registry.addInterceptor(new RouteOverrideInterceptor(overrides));
					}
				}

				@Override
				public void configureAsyncSupport(AsyncSupportConfigurer configurer) {
					configurer.registerCallableInterceptors(new AsyncRequestRouting());
				}

			};
		}

	}

	static RouteOverrides routeOverrides(Map<String, RouteIntent> overrides, ClassLoader classLoader) {
		try {
			return RouteOverrides.of(overrides, classLoader);
		}
		catch (RouteOverrides.InvalidOverrideException ex) {
			throw new PeerPoolConfigurationException(OVERRIDES_PROPERTY + "[" + ex.getTarget() + "]",
					"the override " + ex.getProblem(), ex.getAction());
		}
	}

}
