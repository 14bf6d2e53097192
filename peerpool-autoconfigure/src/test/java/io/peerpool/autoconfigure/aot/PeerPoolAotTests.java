package io.peerpool.autoconfigure.aot;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Consumer;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.aot.test.generate.TestGenerationContext;
import org.springframework.beans.factory.annotation.BeanFactoryAnnotationUtils;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.test.tools.CompileWithForkedClassLoader;
import org.springframework.core.test.tools.TestCompiler;
import org.springframework.javapoet.ClassName;

import io.peerpool.PeerPoolDataSource;
import io.peerpool.actuate.PeerPoolEndpoint;
import io.peerpool.autoconfigure.PeerPoolAutoConfiguration;
import io.peerpool.autoconfigure.endpoint.PeerPoolEndpointAutoConfiguration;
import io.peerpool.autoconfigure.health.PeerPoolDbHealthContributorAutoConfiguration;
import io.peerpool.autoconfigure.health.PeerPoolHealthContributorAutoConfiguration;
import io.peerpool.autoconfigure.metrics.PeerPoolMetricsAutoConfiguration;
import io.peerpool.autoconfigure.routing.PeerRoutingAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application built ahead of time (Spring AOT, as for a native image or
 * {@code -Dspring.aot.enabled=true}): the context is processed with the build's configuration,
 * compiled, and started with the one it is deployed with. The pools are bean definitions fixed at
 * build time, as Boot's own conditions are; their peers are resolved when the application starts,
 * so a deployment's URLs and credentials apply. The peers are in-memory H2 databases: no server.
 */
// the generated code reaches package-private classes of Boot's and peerpool's, as it does in the application's jar
@CompileWithForkedClassLoader
class PeerPoolAotTests {

	private static final String P = "spring.datasource.peerpool";

	/**
	 * Each test's compiled context runs in a class loader of its own, and {@code DriverManager} hands a
	 * driver only to the loader that registered it: without the class named, the second test would find
	 * no driver for its URL. An application has one loader.
	 */
	private static final String H2 = P + ".driver-class-name=org.h2.Driver";

	@Test
	void theShorthandPoolRunsOnThePeersItIsDeployedWith() {
		runAheadOfTime(new String[] { H2, P + ".peers.a.url=jdbc:h2:mem:aot-build-a", P + ".peers.a.username=sa" },
				new String[] { H2, P + ".peers.a.url=jdbc:h2:mem:aot-deployed-a", P + ".peers.a.username=sa" },
				(context) -> {
					DataSource dataSource = context.getBean("dataSource", DataSource.class);
					assertThat(dataSource).isInstanceOf(PeerPoolDataSource.class);
					assertThat(database(dataSource)).isEqualTo("AOT-DEPLOYED-A");
				});
	}

	@Test
	void namedPoolsKeepTheirQualifiersAndThePrimary() {
		String[] pools = { H2, P + ".pools.orders.peers.a.url=jdbc:h2:mem:aot-orders", P + ".pools.orders.username=sa",
				P + ".pools.orders.primary=true", P + ".pools.billing.peers.a.url=jdbc:h2:mem:aot-billing",
				P + ".pools.billing.username=sa" };
		runAheadOfTime(pools, pools, (context) -> {
			assertThat(database(context.getBean(DataSource.class))).as("the primary").isEqualTo("AOT-ORDERS");
			DataSource billing = BeanFactoryAnnotationUtils.qualifiedBeanOfType(context.getBeanFactory(),
					DataSource.class, "billing");
			assertThat(database(billing)).isEqualTo("AOT-BILLING");
		});
	}

	@Test
	void theHealthContributorMetersAndEndpointOfThePoolAreThere() {
		String[] deployed = { H2, P + ".peers.a.url=jdbc:h2:mem:aot-observed", P + ".peers.a.username=sa",
				"management.endpoints.web.exposure.include=health,peerpool" };
		runAheadOfTime(deployed, deployed, (context) -> {
			assertThat(context.getBean("peerpoolHealthContributor")).isInstanceOf(HealthContributor.class);
			assertThat(context.getBean(PeerPoolEndpoint.class)).isNotNull();
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("peerpool.peer.up").tag("peer", "a").gauge().value()).isEqualTo(1.0);
		});
	}

	/**
	 * Processes a context with {@code buildProperties}, compiles what that generated, and starts the
	 * compiled context with {@code deployedProperties}.
	 */
	private static void runAheadOfTime(String[] buildProperties, String[] deployedProperties,
			Consumer<GenericApplicationContext> assertions) {
		AnnotationConfigApplicationContext build = new AnnotationConfigApplicationContext();
		TestPropertyValues.of(buildProperties).applyTo(build);
		build.register(Application.class);
		TestGenerationContext generation = new TestGenerationContext(Application.class);
		ClassName initializer = new ApplicationContextAotGenerator().processAheadOfTime(build, generation);
		generation.writeGeneratedContent();
		TestCompiler.forSystem().with(generation).compile((compiled) -> {
			try (GenericApplicationContext deployed = new GenericApplicationContext()) {
				TestPropertyValues.of(deployedProperties).applyTo(deployed);
				@SuppressWarnings("unchecked")
				ApplicationContextInitializer<GenericApplicationContext> generated = compiled
					.getInstance(ApplicationContextInitializer.class, initializer.toString());
				generated.initialize(deployed);
				deployed.refresh();
				assertions.accept(deployed);
			}
		});
	}

	/** The name of the H2 database a connection of {@code dataSource} runs on. */
	private static String database(DataSource dataSource) {
		try (Connection connection = dataSource.getConnection();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT DATABASE()")) {
			result.next();
			return result.getString(1);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** An application with Boot's metrics, health and endpoints, and peerpool's auto-configurations. */
	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
			CompositeMeterRegistryAutoConfiguration.class, HealthContributorAutoConfiguration.class,
			EndpointAutoConfiguration.class, PeerPoolAutoConfiguration.class,
			PeerPoolHealthContributorAutoConfiguration.class, PeerPoolDbHealthContributorAutoConfiguration.class,
			PeerPoolMetricsAutoConfiguration.class, PeerPoolEndpointAutoConfiguration.class,
			PeerRoutingAutoConfiguration.class })
	public static class Application {

	}

}
