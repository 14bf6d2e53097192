package io.peerpool.dialect;

import java.time.Duration;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import io.peerpool.peer.SafeUrls;

import static org.assertj.core.api.Assertions.assertThat;

class DriverTimeoutsTests {

	@Test
	void boundsEveryKnownDriversHandshake() {
		Properties mysql = new Properties();
		assertThat(DriverTimeouts.apply(Product.MYSQL, "jdbc:mysql://h/app", mysql, Duration.ofMillis(1500))).isTrue();
		assertThat(mysql).containsEntry("connectTimeout", "1500").containsEntry("socketTimeout", "1500");

		Properties postgres = new Properties();
		assertThat(DriverTimeouts.apply(Product.POSTGRESQL, "jdbc:postgresql://h/app", postgres, Duration.ofMillis(1500)))
			.isTrue();
		assertThat(postgres).as("PgJDBC takes whole seconds, rounded up")
			.containsEntry("connectTimeout", "2")
			.containsEntry("loginTimeout", "2")
			.containsEntry("socketTimeout", "2");

		assertThat(DriverTimeouts.apply(Product.H2, "jdbc:h2:mem:x", new Properties(), Duration.ofSeconds(1))).isFalse();
	}

	@Test
	void neverOverridesWhatTheUserSet() {
		Properties properties = new Properties();
		assertThat(DriverTimeouts.apply(Product.MARIADB, "jdbc:mariadb://h/app?socketTimeout=60000&connectTimeout=5000",
				properties, Duration.ofSeconds(1)))
			.as("nothing to lift: the user's socket timeout stays")
			.isFalse();
		assertThat(properties).isEmpty();
		Properties given = new Properties();
		given.setProperty("sockettimeout", "0");
		DriverTimeouts.apply(Product.MYSQL, "jdbc:mysql://h/app", given, Duration.ofSeconds(1));
		assertThat(given).doesNotContainKey("socketTimeout").containsEntry("connectTimeout", "1000");
	}

	@Test
	void productComesFromTheUrlOrTheDriver() {
		assertThat(Product.of("jdbc:mysql://h/app", null)).isEqualTo(Product.MYSQL);
		assertThat(Product.of("jdbc:mysql://h/app", "org.mariadb.jdbc.Driver")).isEqualTo(Product.MARIADB);
		assertThat(Product.of("jdbc:postgresql://h/app", null)).isEqualTo(Product.POSTGRESQL);
		assertThat(Product.of("jdbc:oracle:thin:@h", null)).isEqualTo(Product.OTHER);
	}

	@Test
	void urlsAreShownWithoutCredentials() {
		assertThat(SafeUrls.redact("jdbc:mysql://app:s3cret@db0:3306/app?user=app&password=s3cret&ssl=true"))
			.isEqualTo("jdbc:mysql://db0:3306/app?user=app&password=****&ssl=true");
		assertThat(SafeUrls.redact("jdbc:sqlserver://db;user=app;password=s3cret;db=x")).doesNotContain("s3cret");
	}

	@Test
	void passwordsAreMaskedInMessagesWithoutManglingWordsThatContainThem() {
		assertThat(SafeUrls.redact("Access denied for user 'app' (using password: app)", "app"))
			.isEqualTo("Access denied for user '****' (using password: ****)");
		assertThat(SafeUrls.redact("WSREP has not yet prepared node for application use", "app"))
			.isEqualTo("WSREP has not yet prepared node for application use");
		assertThat(SafeUrls.redact("login failed, password=Wr0ng!Pass", "Wr0ng!Pass")).doesNotContain("Wr0ng!Pass");
	}

}
