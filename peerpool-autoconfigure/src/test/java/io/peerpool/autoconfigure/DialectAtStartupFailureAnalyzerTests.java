package io.peerpool.autoconfigure;

import java.time.Duration;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.hibernate.dialect.DatabaseVersion;
import org.hibernate.dialect.H2Dialect;
import org.hibernate.engine.spi.SessionFactoryImplementor;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;
import org.springframework.orm.jpa.vendor.HibernateJpaVendorAdapter;

import io.peerpool.PeerPoolDataSource;
import io.peerpool.PeerPoolSettings;
import io.peerpool.balance.Balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A JPA application whose peers are all down at startup: Hibernate, which asks the database for its
 * dialect, stops the application unless a dialect is configured; the analysis names that setting
 * with the dialect of the peers' URLs. Real Hibernate over a pool whose peers are closed ports.
 */
@ExtendWith(OutputCaptureExtension.class)
class DialectAtStartupFailureAnalyzerTests {

	private static final String P = "spring.datasource.peerpool";

	private static PeerPoolDataSource poolOfDownPeers() {
		PeerPoolSettings settings = new PeerPoolSettings("default", Balance.ROUND_ROBIN, Duration.ofHours(1),
				Duration.ZERO, Duration.ofMillis(300), Duration.ofMillis(300), Duration.ofMillis(500));
		return PeerPoolDataSource.builder("default")
			.settings(settings)
			.peer("a", (peer) -> peer.url("jdbc:mariadb://127.0.0.1:1/app").username("app").password("secret"))
			.peer("b", (peer) -> peer.url("jdbc:mariadb://127.0.0.1:2/app").username("app").password("secret"))
			.build();
	}

	/** Boot's JPA auto-configuration in short: the entity manager factory over the DataSource, not started. */
	static LocalContainerEntityManagerFactoryBean unstartedFactory(DataSource dataSource, Properties properties) {
		LocalContainerEntityManagerFactoryBean factory = new LocalContainerEntityManagerFactoryBean();
		factory.setDataSource(dataSource);
		factory.setJpaVendorAdapter(new HibernateJpaVendorAdapter());
		factory.setPackagesToScan("io.peerpool.noentities");
		factory.setJpaProperties(properties);
		return factory;
	}

	private static LocalContainerEntityManagerFactoryBean entityManagerFactory(DataSource dataSource,
			Properties properties) {
		LocalContainerEntityManagerFactoryBean factory = unstartedFactory(dataSource, properties);
		factory.afterPropertiesSet();
		return factory;
	}

	private static void startJpa(PeerPoolDataSource pool, Properties properties) {
		entityManagerFactory(pool, properties).destroy();
	}

	private static Environment environment(String... urls) {
		MockEnvironment environment = new MockEnvironment();
		for (int i = 0; i < urls.length; i++) {
			environment.setProperty(P + ".peers.p" + i + ".url", urls[i]);
		}
		return environment;
	}

	@Test
	void hibernateWithoutADialectStopsAndTheAnalysisNamesTheDialectOfThePeersUrls() {
		Throwable failure;
		try (PeerPoolDataSource pool = poolOfDownPeers()) {
			failure = org.assertj.core.api.Assertions.catchThrowable(() -> startJpa(pool, new Properties()));
		}
		assertThat(failure).as("the control: Hibernate stops without a dialect").isNotNull();
		FailureAnalysis analysis = new DialectAtStartupFailureAnalyzer(
				environment("jdbc:mariadb://db0:3306/app", "jdbc:mariadb://db1:3306/app"))
			.analyze(failure);
		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription()).contains("Hibernate could not choose its SQL dialect")
			.contains("no peer of peerpool pool 'default'");
		assertThat(analysis.getAction())
			.contains("spring.jpa.database-platform=org.hibernate.dialect.MariaDBDialect")
			.doesNotContain("if the servers are MariaDB");
	}

	@Test
	void withTheDialectItNamesHibernateStartsWhileEveryPeerIsDown() {
		Properties properties = new Properties();
		// what spring.jpa.database-platform sets
		properties.setProperty("hibernate.dialect", "org.hibernate.dialect.MariaDBDialect");
		try (PeerPoolDataSource pool = poolOfDownPeers()) {
			startJpa(pool, properties);
		}
	}

	@Test
	void withThatDialectConfiguredHibernateStillTakesTheVersionOfAServerThatAnswers() {
		Properties properties = new Properties();
		properties.setProperty("hibernate.dialect", "org.hibernate.dialect.H2Dialect");
		try (PeerPoolDataSource pool = PeerPoolDataSource.builder("up")
			.peer("h2", (peer) -> peer.url("jdbc:h2:mem:dialect-version"))
			.build()) {
			LocalContainerEntityManagerFactoryBean factory = entityManagerFactory(pool, properties);
			try (Connection connection = pool.getConnection()) {
				DatabaseVersion version = factory.getNativeEntityManagerFactory()
					.unwrap(SessionFactoryImplementor.class)
					.getJdbcServices()
					.getDialect()
					.getVersion();
				DatabaseMetaData server = connection.getMetaData();
				assertThat(List.of(version.getDatabaseMajorVersion(), version.getDatabaseMinorVersion()))
					.as("the server's version")
					.containsExactly(server.getDatabaseMajorVersion(), server.getDatabaseMinorVersion())
					.as("not the one the dialect assumes without a server")
					.isNotEqualTo(List.of(new H2Dialect().getVersion().getDatabaseMajorVersion(),
							new H2Dialect().getVersion().getDatabaseMinorVersion()));
			}
			finally {
				factory.destroy();
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Test
	void aMySqlUrlMayReachMariaDbAndPostgresGetsItsOwn() {
		assertThat(DialectAtStartupFailureAnalyzer.action(PeerPoolConfigurations
			.resolve(environment("jdbc:mysql://db0:3306/app")).get(0).peers()))
			.contains("spring.jpa.database-platform=org.hibernate.dialect.MySQLDialect")
			.contains("(org.hibernate.dialect.MariaDBDialect if the servers are MariaDB)");
		assertThat(DialectAtStartupFailureAnalyzer.action(PeerPoolConfigurations
			.resolve(environment("jdbc:postgresql://db0:5432/app")).get(0).peers()))
			.contains("spring.jpa.database-platform=org.hibernate.dialect.PostgreSQLDialect");
	}

	@Test
	void otherFailuresAndApplicationsWithoutPeersAreLeftToOtherAnalyzers() {
		IllegalStateException noDialect = new IllegalStateException("wrapped",
				new RuntimeException(DialectAtStartupFailureAnalyzer.HIBERNATE_NO_DIALECT + " (please set ...)"));
		assertThat(new DialectAtStartupFailureAnalyzer(environment("jdbc:mariadb://db0/app"))
			.analyze(new IllegalStateException("something else"))).isNull();
		assertThat(new DialectAtStartupFailureAnalyzer(new MockEnvironment()).analyze(noDialect))
			.as("Boot's own DataSource").isNull();
		MockEnvironment disabled = (MockEnvironment) environment("jdbc:mariadb://db0/app");
		disabled.setProperty(P + ".enabled", "false");
		assertThat(new DialectAtStartupFailureAnalyzer(disabled).analyze(noDialect)).isNull();
		assertThat(new DialectAtStartupFailureAnalyzer(environment("jdbc:mariadb://db0/app")).analyze(noDialect))
			.isNotNull();
	}

	@Test
	void aBootApplicationWithJpaReportsItWhenItsPeersAreDownAtStartup(CapturedOutput output) {
		SpringApplication application = new SpringApplication(JpaApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setDefaultProperties(Map.of(P + ".peers.a.url", "jdbc:mariadb://127.0.0.1:1/app", P
				+ ".peers.b.url", "jdbc:mariadb://127.0.0.1:2/app", P + ".acquire-timeout", "500ms", P
				+ ".check-interval", "1h", "spring.main.banner-mode", "off"));
		assertThatThrownBy(application::run).hasStackTraceContaining(DialectAtStartupFailureAnalyzer.HIBERNATE_NO_DIALECT);
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Hibernate could not choose its SQL dialect")
			.contains("spring.jpa.database-platform=org.hibernate.dialect.MariaDBDialect");
	}

	/** peerpool's auto-configuration and an entity manager factory over its DataSource, as Boot's JPA makes it. */
	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ PeerPoolAutoConfiguration.class, DataSourceAutoConfiguration.class })
	static class JpaApplication {

		@Bean
		LocalContainerEntityManagerFactoryBean entityManagerFactory(DataSource dataSource) {
			// started by the container, as Boot's is
			return unstartedFactory(dataSource, new Properties());
		}

	}

}
