package io.peerpool.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.peerpool.dialect.Dialect;

import static org.assertj.core.api.Assertions.assertThat;

/** Every bad configuration fails at startup with the property at fault and the fix, and no password. */
class PeerPoolConfigurationFailureTests {

	private static final String P = "spring.datasource.peerpool";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PeerPoolAutoConfiguration.class, DataSourceAutoConfiguration.class));

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			peer without url           | peers.a.username=app                                                            | spring.datasource.peerpool.peers.a.url              | Set spring.datasource.peerpool.peers.a.url
			url that is not jdbc       | peers.a.url=mysql://db0/app                                                      | spring.datasource.peerpool.peers.a.url              | starts with jdbc:
			negative check-interval    | check-interval=-5s,peers.a.url=jdbc:h2:mem:a                                    | spring.datasource.peerpool.check-interval           | positive duration
			zero acquire-timeout       | acquire-timeout=0s,peers.a.url=jdbc:h2:mem:a                                    | spring.datasource.peerpool.acquire-timeout          | positive duration
			negative pool probe        | pools.main.probe-timeout=-1s,pools.main.peers.a.url=jdbc:h2:mem:a               | spring.datasource.peerpool.pools.main.probe-timeout | positive duration
			pool without peers         | pools.main.primary=true,pools.main.balance=random                               | spring.datasource.peerpool.pools.main.peers         | Add at least one peer
			several primary pools      | pools.a.primary=true,pools.a.peers.x.url=jdbc:h2:mem:a,pools.b.primary=true,pools.b.peers.y.url=jdbc:h2:mem:b | .primary | exactly one pool
			no primary pool            | pools.a.peers.x.url=jdbc:h2:mem:a,pools.b.peers.y.url=jdbc:h2:mem:b             | spring.datasource.peerpool.pools.<name>.primary     | Set 'primary: true'
			peers and pools            | peers.x.url=jdbc:h2:mem:a,pools.b.peers.y.url=jdbc:h2:mem:b                     | spring.datasource.peerpool.peers                    | Move the top-level peers
			zero weight                | peers.x.url=jdbc:h2:mem:a,peers.x.weight=0                                      | spring.datasource.peerpool.peers.x.weight           | positive weight
			read-only primary          | peers.x.url=jdbc:h2:mem:a,peers.y.url=jdbc:h2:mem:b,peers.y.hikari.read-only=true | spring.datasource.peerpool.peers.y.hikari.read-only | role: replica
			read-only declared primary | pools.m.peers.x.url=jdbc:h2:mem:a,pools.m.peers.x.role=primary,pools.m.peers.x.hikari.readOnly=true,pools.m.peers.z.url=jdbc:h2:mem:c,pools.m.peers.z.role=replica | spring.datasource.peerpool.pools.m.peers.x.hikari.read-only | role: replica
			""")
	void badConfigurationIsReportedWithPropertyAndFix(String title, String properties, String property, String fix) {
		String[] values = java.util.Arrays.stream(properties.split(",")).map((p) -> P + "." + p.trim()).toArray(String[]::new);
		this.runner.withPropertyValues(values).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new PeerPoolFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).as("failure analysis of " + context.getStartupFailure()).isNotNull();
			assertThat(analysis.getDescription()).contains(property);
			assertThat(analysis.getAction()).contains(fix);
		});
	}

	/** A read-only peer is fine where it takes no writes: as a replica, or in a pool that only reads. */
	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			read-only replica          | peers.x.url=jdbc:h2:mem:a,peers.y.url=jdbc:h2:mem:b,peers.y.role=replica,peers.y.hikari.read-only=true
			read-only auto peer        | peers.x.url=jdbc:h2:mem:a,peers.y.url=jdbc:h2:mem:b,peers.y.role=auto,peers.y.hikari.read-only=true
			pool that only reads       | hikari.read-only=true,peers.x.url=jdbc:h2:mem:a,peers.y.url=jdbc:h2:mem:b
			""")
	void aReadOnlyPeerThatTakesNoWritesStarts(String title, String properties) {
		String[] values = java.util.Arrays.stream(properties.split(",")).map((p) -> P + "." + p.trim()).toArray(String[]::new);
		this.runner.withPropertyValues(values).withPropertyValues(P + ".check-interval=1h")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	/**
	 * The starter brings no driver: a peer whose URL no driver on the classpath accepts (here SQL
	 * Server's, whose driver the tests do not have) fails with the property, the artifact to add
	 * where the product is known, and the URL without its password. HikariCP's own message named
	 * neither the property nor the fix, and showed the whole URL.
	 */
	@Test
	void aPeerWhoseDriverIsMissingNamesThePropertyAndTheDependencyToAdd() {
		this.runner
			.withPropertyValues(P + ".peers.a.url=jdbc:h2:mem:driver-a",
					P + ".peers.b.url=jdbc:sqlserver://db1:1433;databaseName=app;password=s3cret")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new PeerPoolFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis).as("failure analysis of " + context.getStartupFailure()).isNotNull();
				assertThat(analysis.getDescription()).contains("spring.datasource.peerpool.peers.b.url")
					.contains("no JDBC driver on the classpath accepts")
					.doesNotContain("s3cret");
				assertThat(analysis.getAction()).contains("Add the JDBC driver").contains(".peers.b.driver-class-name");
				assertThat(context.getStartupFailure()).hasStackTraceContaining("no JDBC driver")
					.satisfies((failure) -> assertThat(stackTrace(failure)).doesNotContain("s3cret"));
			});
	}

	@Test
	void aPeerWhoseUrlNamesSeveralHostsIsRefusedWithAPeerPerHostAsTheFix() {
		// a URL kept from before peerpool: the driver's own failover, out of peerpool's sight
		this.runner
			.withPropertyValues(P + ".peers.db.url=jdbc:mariadb:sequential://app:s3cret@db0:3306,db1:3306/app?password=s3cret")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new PeerPoolFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis).as("failure analysis of " + context.getStartupFailure()).isNotNull();
				assertThat(analysis.getDescription()).contains("spring.datasource.peerpool.peers.db.url")
					.contains("2 hosts (db0:3306, db1:3306)")
					.doesNotContain("s3cret");
				assertThat(analysis.getAction())
					.contains("spring.datasource.peerpool.peers.db-0.url=jdbc:mariadb://db0:3306/app")
					.contains("spring.datasource.peerpool.peers.db-1.url=jdbc:mariadb://db1:3306/app")
					.doesNotContain("s3cret");
				assertThat(stackTrace(context.getStartupFailure())).doesNotContain("s3cret");
			});
	}

	@Test
	void aPostgresPeerWhoseUrlFiltersTheServersTypeIsRefusedWithTheRoleAsTheFix() {
		// PgJDBC refuses a server of the other type: a peer whose server changes role would be DOWN, not a replica
		this.runner.withPropertyValues(P + ".peers.db.url=jdbc:postgresql://db0:5432/app?targetServerType=primary")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new PeerPoolFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis).as("failure analysis of " + context.getStartupFailure()).isNotNull();
				assertThat(analysis.getDescription()).contains("spring.datasource.peerpool.peers.db.url")
					.contains("targetServerType=primary");
				assertThat(analysis.getAction()).contains("Remove targetServerType").contains("role");
			});
		// a preference, or any, refuses no server
		this.runner.withPropertyValues(P + ".peers.db.url=jdbc:postgresql://127.0.0.1:1/app?targetServerType=preferPrimary",
				P + ".acquire-timeout=200ms").run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void aKnownProductsMissingDriverIsNamedByItsArtifact() {
		assertThat(Dialect.driverArtifact("jdbc:postgresql://db/app", null)).isEqualTo("org.postgresql:postgresql");
		assertThat(Dialect.driverArtifact("jdbc:mariadb://db/app", null))
			.isEqualTo("org.mariadb.jdbc:mariadb-java-client");
		assertThat(Dialect.driverArtifact("jdbc:mysql://db/app", null)).isEqualTo("com.mysql:mysql-connector-j");
		assertThat(Dialect.driverArtifact("jdbc:sqlserver://db", null)).isNull();
	}

	@Test
	void aDriverClassThatIsNotOnTheClasspathNamesItsProperty() {
		this.runner
			.withPropertyValues(P + ".peers.a.url=jdbc:h2:mem:driver-c",
					P + ".peers.a.driver-class-name=com.example.MissingDriver")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new PeerPoolFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription()).contains("spring.datasource.peerpool.peers.a.driver-class-name")
					.contains("com.example.MissingDriver");
			});
	}

	private static String stackTrace(Throwable failure) {
		java.io.StringWriter out = new java.io.StringWriter();
		failure.printStackTrace(new java.io.PrintWriter(out));
		return out.toString();
	}

	@Test
	void unknownBalanceIsABindingErrorThatListsTheValidValues() {
		this.runner.withPropertyValues(P + ".balance=fastest", P + ".peers.a.url=jdbc:h2:mem:a").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("fastest");
		});
	}

	@Test
	void unknownRoleIsABindingError() {
		this.runner.withPropertyValues(P + ".peers.a.url=jdbc:h2:mem:a", P + ".peers.a.role=leader").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("leader");
		});
	}

	@Test
	void urlWithCredentialsIsRedactedInTheMessage() {
		this.runner.withPropertyValues(P + ".peers.a.url=mysql://app:s3cret@db0/app?password=s3cret").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new PeerPoolFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).doesNotContain("s3cret");
		});
	}

}
