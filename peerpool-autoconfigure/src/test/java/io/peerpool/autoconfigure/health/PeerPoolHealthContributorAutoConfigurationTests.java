package io.peerpool.autoconfigure.health;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.health.DataSourceHealthContributorAutoConfiguration;
import org.springframework.boot.jdbc.health.DataSourceHealthIndicator;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.peerpool.PeerInfo;
import io.peerpool.PeerPool;
import io.peerpool.autoconfigure.PeerPoolAutoConfiguration;
import io.peerpool.health.PeerPoolHealthIndicator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Conditions of the health auto-configuration, without servers: the peers point at a closed
 * port, which peerpool accepts at startup (they are simply DOWN).
 */
class PeerPoolHealthContributorAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PeerPoolAutoConfiguration.class, DataSourceAutoConfiguration.class,
				HealthContributorAutoConfiguration.class, PeerPoolHealthContributorAutoConfiguration.class,
				PeerPoolDbHealthContributorAutoConfiguration.class, DataSourceHealthContributorAutoConfiguration.class))
		.withPropertyValues("spring.datasource.peerpool.peers.peer0.url=jdbc:mariadb://127.0.0.1:1/app",
				"spring.datasource.peerpool.peers.peer1.url=jdbc:mariadb://127.0.0.1:2/app",
				"spring.datasource.peerpool.check-interval=1h", "spring.datasource.peerpool.acquire-timeout=200ms");

	@Test
	void peerpoolContributorHasOneComponentPerPool() {
		this.contextRunner.run((context) -> {
			HealthContributor contributor = context.getBean("peerpoolHealthContributor", HealthContributor.class);
			assertThat(contributor).isInstanceOf(CompositeHealthContributor.class);
			HealthContributor pool = ((CompositeHealthContributor) contributor).getContributor("default");
			assertThat(pool).isInstanceOf(PeerPoolHealthIndicator.class);
		});
	}

	@Test
	void dbContributorChecksThePoolAsOneDataSource() {
		this.contextRunner.run((context) -> {
			assertThat(context.getBean("dbHealthContributor")).isInstanceOf(DataSourceHealthIndicator.class);
			assertThat(((HealthIndicator) context.getBean("dbHealthContributor")).health().getStatus())
				.isEqualTo(Status.DOWN);
		});
	}

	/**
	 * Peers that answer but of which none can take writes (here two H2 replicas: a pool that only
	 * reads; in production also a primary dead or read-only with its replicas up): the check's
	 * connection, a write's, was held for a writer until {@code acquire-timeout}. It answers at once
	 * from a replica, UP, with {@code writes} naming each peer's state and role. The control: the same
	 * peers as primaries are UP without it.
	 */
	@Test
	void dbContributorChecksAReadsConnectionAtOnceWhenNoPeerCanTakeWrites() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PeerPoolAutoConfiguration.class,
				DataSourceAutoConfiguration.class, HealthContributorAutoConfiguration.class,
				PeerPoolDbHealthContributorAutoConfiguration.class, DataSourceHealthContributorAutoConfiguration.class))
			.withPropertyValues("spring.datasource.peerpool.acquire-timeout=60s",
					"spring.datasource.peerpool.unknown-lag=include",
					"spring.datasource.peerpool.peers.r0.url=jdbc:h2:mem:db-health-r0",
					"spring.datasource.peerpool.peers.r1.url=jdbc:h2:mem:db-health-r1")
			.withPropertyValues("spring.datasource.peerpool.peers.r0.role=replica",
					"spring.datasource.peerpool.peers.r1.role=replica")
			.run((context) -> {
				PeerPool pool = context.getBean(PeerPool.class);
				await().atMost(Duration.ofSeconds(20)).until(() -> pool.getPeers().stream().allMatch(PeerInfo::isUp));
				HealthIndicator db = (HealthIndicator) context.getBean("dbHealthContributor");
				Health health = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> db.health());
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(String.valueOf(health.getDetails().get("writes")))
					.contains("no peer of pool 'default' takes writes now")
					.contains("r0: UP (replica)")
					.contains("r1: UP (replica)");
			});
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PeerPoolAutoConfiguration.class,
				DataSourceAutoConfiguration.class, HealthContributorAutoConfiguration.class,
				PeerPoolDbHealthContributorAutoConfiguration.class, DataSourceHealthContributorAutoConfiguration.class))
			.withPropertyValues("spring.datasource.peerpool.acquire-timeout=60s",
					"spring.datasource.peerpool.peers.p0.url=jdbc:h2:mem:db-health-p0")
			.run((context) -> {
				Health health = ((HealthIndicator) context.getBean("dbHealthContributor")).health();
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(health.getDetails()).doesNotContainKey("writes");
			});
	}

	/**
	 * With every peer DOWN, the check's {@code getConnection()} would be held for a peer until
	 * {@code acquire-timeout} (here a minute), longer than any probe of a platform waits: the
	 * answer is DOWN at once, naming each peer's state.
	 */
	@Test
	void dbContributorAnswersDownAtOnceWhenEveryPeerIsDown() {
		this.contextRunner.withPropertyValues("spring.datasource.peerpool.acquire-timeout=60s").run((context) -> {
			PeerPool pool = context.getBean(PeerPool.class);
			await().atMost(Duration.ofSeconds(20))
				.until(() -> pool.getPeers().stream().noneMatch(PeerInfo::isUp));
			HealthIndicator db = (HealthIndicator) context.getBean("dbHealthContributor");
			Health health = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> db.health());
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(String.valueOf(health.getDetails().get("error"))).contains("no peer of pool 'default' is UP")
				.contains("peer0: DOWN")
				.contains("peer1: DOWN");
		});
	}

	@Test
	void ignoringRoutingDataSourcesDoesNotBreakStartup() {
		this.contextRunner.withPropertyValues("management.health.db.ignore-routing-data-sources=true")
			.run((context) -> assertThat(context).hasNotFailed().hasBean("dbHealthContributor"));
	}

	/** Why a default of Boot's switch would not do: Boot alone fails when every DataSource routes. */
	@Test
	void bootsOwnDbHealthFailsToStartWhenIgnoringRoutingDataSourcesAndOnlyPoolsExist() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PeerPoolAutoConfiguration.class, DataSourceAutoConfiguration.class,
					HealthContributorAutoConfiguration.class, DataSourceHealthContributorAutoConfiguration.class))
			.withPropertyValues("spring.datasource.peerpool.peers.peer0.url=jdbc:mariadb://127.0.0.1:1/app",
					"spring.datasource.peerpool.check-interval=1h",
					"management.health.db.ignore-routing-data-sources=true")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("must not be empty"));
	}

	@Test
	void peerpoolContributorCanBeDisabled() {
		this.contextRunner.withPropertyValues("management.health.peerpool.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("peerpoolHealthContributor")
				.hasBean("dbHealthContributor"));
	}

	@Test
	void dbContributorCanBeDisabled() {
		this.contextRunner.withPropertyValues("management.health.db.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("dbHealthContributor")
				.hasBean("peerpoolHealthContributor"));
	}

	@Test
	void backsOffWithoutBootHealth() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(HealthContributor.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean("peerpoolHealthContributor"));
	}

}
