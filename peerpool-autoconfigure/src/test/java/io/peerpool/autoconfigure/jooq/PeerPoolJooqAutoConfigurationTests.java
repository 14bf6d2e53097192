package io.peerpool.autoconfigure.jooq;

import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jooq.autoconfigure.JooqAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;

import io.peerpool.autoconfigure.PeerPoolAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * jOOQ in an application that starts while every peer is down: Boot's jOOQ auto-configuration
 * asks a connection for the dialect once, gets none, and would keep {@code DEFAULT} (SQL of no
 * product) for the application's life. The peers are closed ports: no server.
 */
class PeerPoolJooqAutoConfigurationTests {

	private static final String P = "spring.datasource.peerpool";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PeerPoolAutoConfiguration.class, DataSourceAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
				JooqAutoConfiguration.class, PeerPoolJooqAutoConfiguration.class))
		.withPropertyValues(P + ".acquire-timeout=200ms", P + ".connect-timeout=200ms");

	@Test
	void theDialectComesFromThePeersUrlsWhenNoPeerAnswersAtStartup() {
		this.runner
			.withPropertyValues(P + ".peers.a.url=jdbc:mariadb://127.0.0.1:1/app",
					P + ".peers.b.url=jdbc:mariadb://127.0.0.1:2/app")
			.run((context) -> assertThat(context.getBean(DSLContext.class).dialect()).isEqualTo(SQLDialect.MARIADB));
		this.runner.withPropertyValues(P + ".peers.a.url=jdbc:postgresql://127.0.0.1:1/app")
			.run((context) -> assertThat(context.getBean(DSLContext.class).dialect()).isEqualTo(SQLDialect.POSTGRES));
	}

	@Test
	void controlWithoutItJooqKeepsTheDefaultDialect() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PeerPoolAutoConfiguration.class,
					DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
					TransactionAutoConfiguration.class, JooqAutoConfiguration.class))
			.withPropertyValues(P + ".acquire-timeout=200ms", P + ".connect-timeout=200ms",
					P + ".peers.a.url=jdbc:mariadb://127.0.0.1:1/app")
			.run((context) -> assertThat(context.getBean(DSLContext.class).dialect()).isEqualTo(SQLDialect.DEFAULT));
	}

	@Test
	void aDefaultDialectTheApplicationChoseIsKept() {
		this.runner.withPropertyValues(P + ".peers.a.url=jdbc:mariadb://127.0.0.1:1/app", "spring.jooq.sqlDialect=default")
			.run((context) -> assertThat(context.getBean(DSLContext.class).dialect()).isEqualTo(SQLDialect.DEFAULT));
	}

	@Test
	void aConfiguredDialectIsKept() {
		this.runner.withPropertyValues(P + ".peers.a.url=jdbc:mariadb://127.0.0.1:1/app", "spring.jooq.sql-dialect=mysql")
			.run((context) -> assertThat(context.getBean(DSLContext.class).dialect()).isEqualTo(SQLDialect.MYSQL));
	}

}
