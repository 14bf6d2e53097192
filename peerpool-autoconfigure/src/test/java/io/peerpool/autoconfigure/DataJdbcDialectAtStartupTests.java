package io.peerpool.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.jdbc.autoconfigure.DataJdbcRepositoriesAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.jdbc.core.dialect.JdbcDialect;
import org.springframework.data.jdbc.core.dialect.JdbcMariaDbDialect;
import org.springframework.data.relational.core.sql.IdentifierProcessing;
import org.springframework.data.relational.core.sql.IdentifierProcessing.LetterCasing;
import org.springframework.data.relational.core.sql.IdentifierProcessing.Quoting;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Spring Data JDBC application whose peers are all down at startup: Boot asks the database for
 * the dialect (unless {@code spring.data.jdbc.dialect} is set), gets no connection within
 * {@code acquire-timeout}, and the application stopped with "Failed to obtain JDBC Connection".
 * The failure analysis names what lets it start (the setting, or a dialect bean where Boot's setting still
 * asks the server), with the dialect of the peers' URLs.
 * The peers are closed ports: no server.
 */
class DataJdbcDialectAtStartupTests {

	private static final String P = "spring.datasource.peerpool";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PeerPoolAutoConfiguration.class, DataSourceAutoConfiguration.class,
				DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
				JdbcTemplateAutoConfiguration.class, DataJdbcRepositoriesAutoConfiguration.class))
		.withPropertyValues(P + ".acquire-timeout=200ms", P + ".connect-timeout=200ms")
		.withUserConfiguration(Application.class);

	@Test
	void theFailureAnalysisNamesWhatLetsItStartWithTheDialectOfThePeersUrls() {
		this.runner.withPropertyValues(P + ".peers.a.url=jdbc:mariadb://127.0.0.1:1/app").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = analyze(context.getStartupFailure(),
					environment(P + ".peers.a.url", "jdbc:mariadb://127.0.0.1:1/app"));
			assertThat(analysis).as("analysis of %s", context.getStartupFailure()).isNotNull();
			assertThat(analysis.getDescription()).contains("Spring Data JDBC could not choose its dialect")
				.contains("pool 'default'");
			assertThat(analysis.getAction()).contains("new JdbcMariaDbDialect(")
				.contains("spring.data.jdbc.dialect=maria still asks the server");
		});
		this.runner.withPropertyValues(P + ".peers.a.url=jdbc:postgresql://127.0.0.1:1/app")
			.run((context) -> assertThat(analyze(context.getStartupFailure(),
					environment(P + ".peers.a.url", "jdbc:postgresql://127.0.0.1:1/app"))
				.getAction()).contains("spring.data.jdbc.dialect=postgresql"));
	}

	@Test
	void withTheDialectSetAPostgresApplicationStartsWhileEveryPeerIsDown() {
		this.runner.withPropertyValues(P + ".peers.a.url=jdbc:postgresql://127.0.0.1:1/app",
				"spring.data.jdbc.dialect=postgresql")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void controlBootsMariaDialectSettingStillAsksTheServer() {
		this.runner.withPropertyValues(P + ".peers.a.url=jdbc:mariadb://127.0.0.1:1/app", "spring.data.jdbc.dialect=maria")
			.run((context) -> assertThat(context).hasFailed());
	}

	@Test
	void withADialectBeanOfItsOwnAMariaDbApplicationStartsWhileEveryPeerIsDown() {
		this.runner.withPropertyValues(P + ".peers.a.url=jdbc:mariadb://127.0.0.1:1/app")
			.withBean(JdbcDialect.class,
					() -> new JdbcMariaDbDialect(IdentifierProcessing.create(new Quoting("`"), LetterCasing.AS_IS)))
			.run((context) -> assertThat(context).hasNotFailed());
	}

	/** The environment the failed application had (a failed context gives none). */
	private static Environment environment(String name, String value) {
		return new MockEnvironment().withProperty(name, value);
	}

	private static FailureAnalysis analyze(Throwable failure, Environment environment) {
		return new DialectAtStartupFailureAnalyzer(environment).analyze(failure);
	}

	@Configuration(proxyBeanMethods = false)
	@AutoConfigurationPackage
	static class Application {

	}

}
