package io.peerpool.dialect;

import java.time.Duration;
import java.util.Locale;
import java.util.Properties;

/**
 * Bounds the opening of a physical connection for each known driver, by the driver's own settings.
 *
 * <p>Why: with only {@code connectTimeout}, mysql-connector-j and PgJDBC wait for ever in the
 * handshake of a server that accepts TCP and never answers (SIGSTOP, a blackholed proxy). The
 * socket timeout that bounds the handshake would also kill the application's long queries, so it
 * is only in force while connecting: {@code BoundedConnectDataSource} restores the network
 * timeout to "none" once the connection is open. A setting the user gave, in the URL or in the
 * data-source properties, is never overridden.
 */
public final class DriverTimeouts {

	private DriverTimeouts() {
	}

	/**
	 * Adds the timeouts of the driver that {@code url} (and {@code driverClassName}, when given)
	 * selects to {@code properties} where the user set none.
	 * @return whether a socket timeout was added that must be lifted once connected
	 */
	public static boolean apply(String url, String driverClassName, Properties properties, Duration connectTimeout) {
		return apply(Product.of(url, driverClassName), url, properties, connectTimeout);
	}

	/** Whether mariadb-java-client opens the connections of {@code url} (and {@code driverClassName}). */
	public static boolean isMariaDbDriver(String url, String driverClassName) {
		return Product.of(url, driverClassName) == Product.MARIADB;
	}

	/**
	 * Adds the driver's connect, login and handshake timeouts to {@code properties} where the user
	 * set none.
	 * @return whether a socket timeout was added that must be lifted once connected
	 */
	static boolean apply(Product product, String url, Properties properties, Duration connectTimeout) {
		long millis = Math.max(1, connectTimeout.toMillis());
		// PgJDBC takes whole seconds; round up so that a short timeout never becomes "none" (0)
		long seconds = Math.max(1, (millis + 999) / 1000);
		return switch (product) {
			case MYSQL, MARIADB -> {
				setIfAbsent(url, properties, "connectTimeout", Long.toString(millis));
				yield setIfAbsent(url, properties, "socketTimeout", Long.toString(millis));
			}
			case POSTGRESQL -> {
				setIfAbsent(url, properties, "connectTimeout", Long.toString(seconds));
				setIfAbsent(url, properties, "loginTimeout", Long.toString(seconds));
				yield setIfAbsent(url, properties, "socketTimeout", Long.toString(seconds));
			}
			case H2, OTHER -> false;
		};
	}

	private static boolean setIfAbsent(String url, Properties properties, String name, String value) {
		if (isSet(url, properties, name)) {
			return false;
		}
		properties.setProperty(name, value);
		return true;
	}

	public static boolean isSet(String url, Properties properties, String name) {
		for (String key : properties.stringPropertyNames()) {
			if (key.equalsIgnoreCase(name)) {
				return true;
			}
		}
		if (url == null) {
			return false;
		}
		String lower = url.toLowerCase(Locale.ROOT);
		String needle = name.toLowerCase(Locale.ROOT) + "=";
		int at = lower.indexOf(needle);
		while (at > 0) {
			char before = lower.charAt(at - 1);
			if (before == '?' || before == '&' || before == ';' || before == ',' || before == '(') {
				return true;
			}
			at = lower.indexOf(needle, at + 1);
		}
		return false;
	}

}
