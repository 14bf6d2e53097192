package io.peerpool.autoconfigure;

import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;

/**
 * Boot's own {@code spring.datasource.url} and {@code spring.datasource.hikari.*}, left in an
 * application that now runs on peerpool: Boot's {@code DataSource} backs off, so they configure
 * nothing, and a pool size or timeout the application relied on is silently gone (each peer's pool
 * has HikariCP's ten connections). Named in one WARN at startup, with where each belongs; never
 * with a value (one of them may be a password).
 */
final class UnusedDataSourceProperties {

	private static final Log logger = LogFactory.getLog(UnusedDataSourceProperties.class);

	private static final ConfigurationPropertyName HIKARI = ConfigurationPropertyName.of("spring.datasource.hikari");

	/** Boot's connection of its single {@code DataSource}: a peer's own in peerpool. */
	private static final List<ConfigurationPropertyName> CONNECTION = Stream
		.of("url", "username", "password", "driver-class-name")
		.map((key) -> ConfigurationPropertyName.of("spring.datasource." + key))
		.toList();

	private UnusedDataSourceProperties() {
	}

	/** Logs one WARN naming the Boot DataSource properties set in {@code environment}, if any. */
	static void warnIfSet(Environment environment) {
		List<String> unused = find(environment);
		if (!unused.isEmpty()) {
			logger.warn(message(unused));
		}
	}

	/** The names, sorted, of Boot's DataSource properties set in {@code environment}. */
	static List<String> find(Environment environment) {
		TreeSet<String> names = new TreeSet<>();
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (source instanceof IterableConfigurationPropertySource iterable) {
				iterable.stream()
					.filter((name) -> HIKARI.isAncestorOf(name) || CONNECTION.contains(name))
					.forEach((name) -> names.add(name.toString()));
			}
		}
		return List.copyOf(names);
	}

	static String message(List<String> unused) {
		return "peerpool: " + String.join(", ", unused) + ((unused.size() == 1) ? " is" : " are")
				+ " set but not used: peerpool's DataSource replaces Boot's, whose properties configure nothing "
				+ "then. A peer's connection is spring.datasource.peerpool.peers.<peer>.url (.username, .password, "
				+ ".driver-class-name); HikariCP settings go under spring.datasource.peerpool.hikari.* for every "
				+ "pool, .pools.<pool>.hikari.* or .peers.<peer>.hikari.* (for example "
				+ "spring.datasource.peerpool.hikari.maximum-pool-size, per peer). Move them there, or remove them.";
	}

}
