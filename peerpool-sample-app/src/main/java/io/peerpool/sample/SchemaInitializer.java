package io.peerpool.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.io.ClassPathResource;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Creates the tables ({@code db/main.sql}, {@code db/audit.sql}) through each pool at startup,
 * once, on the peer the pool picks: servers that replicate (or a Galera cluster) pass the DDL on.
 * Boot's own SQL initialization would only use the {@code @Primary} pool, hence this runner.
 *
 * <p>A pool with no peer up does not stop the app (peerpool lets it start and serve as peers
 * come back), so a failure is logged, not thrown. The embedded cluster's independent servers
 * already got the schema each when they started.
 */
@Component
class SchemaInitializer implements ApplicationRunner {

	private static final Logger logger = LoggerFactory.getLogger(SchemaInitializer.class);

	private final DataSource main;

	private final DataSource audit;

	SchemaInitializer(@Qualifier("main") DataSource main, @Qualifier("audit") DataSource audit) {
		this.main = main;
		this.audit = audit;
	}

	@Override
	public void run(ApplicationArguments args) {
		apply("main", this.main, "db/main.sql");
		apply("audit", this.audit, "db/audit.sql");
	}

	private static void apply(String pool, DataSource dataSource, String resource) {
		JdbcClient jdbc = JdbcClient.create(dataSource);
		try {
			for (String statement : read(resource).split(";")) {
				if (!statement.isBlank()) {
					jdbc.sql(statement).update();
				}
			}
		}
		catch (DataAccessException ex) {
			logger.warn("Could not create the tables of pool '{}' ({}): {}", pool, resource, ex.getMessage());
		}
	}

	private static String read(String resource) {
		try {
			return new ClassPathResource(resource).getContentAsString(StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
