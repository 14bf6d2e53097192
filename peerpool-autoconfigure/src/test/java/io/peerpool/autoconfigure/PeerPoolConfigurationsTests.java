package io.peerpool.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.mock.env.MockEnvironment;

import io.peerpool.ReadYourWrites;
import io.peerpool.balance.Balance;

import static org.assertj.core.api.Assertions.assertThat;

/** Settings are inherited top level, then pool, then peer; no server is contacted. */
class PeerPoolConfigurationsTests {

	private static final String P = "spring.datasource.peerpool";

	@Test
	void aPoolTakesTheTopLevelSettingsItDoesNotSetItself() {
		MockEnvironment environment = new MockEnvironment()
			.withProperty(P + ".check-interval", "10s")
			.withProperty(P + ".balance", "round-robin")
			.withProperty(P + ".read-your-writes", "gtid")
			.withProperty(P + ".reads-include-primary", "true")
			.withProperty(P + ".hikari.maximum-pool-size", "7")
			.withProperty(P + ".hikari.minimum-idle", "3")
			.withProperty(P + ".pools.a.primary", "true")
			.withProperty(P + ".pools.a.probe-timeout", "3s")
			.withProperty(P + ".pools.a.balance", "sequential")
			.withProperty(P + ".pools.a.hikari.minimum-idle", "1")
			.withProperty(P + ".pools.a.peers.x.url", "jdbc:h2:mem:x")
			.withProperty(P + ".pools.a.peers.x.hikari.maximum-pool-size", "2")
			.withProperty(P + ".pools.b.peers.y.url", "jdbc:h2:mem:y")
			.withProperty(P + ".pools.b.peers.y.connect-timeout", "250ms");

		Map<String, ResolvedPool> pools = byName(PeerPoolConfigurations.resolve(environment));

		ResolvedPool a = pools.get("a");
		assertThat(a.settings().checkInterval()).isEqualTo(Duration.ofSeconds(10));
		assertThat(a.settings().probeTimeout()).isEqualTo(Duration.ofSeconds(3));
		assertThat(a.settings().balance()).isEqualTo(Balance.SEQUENTIAL);
		assertThat(a.settings().readYourWrites()).isEqualTo(ReadYourWrites.GTID);
		assertThat(a.peers().get(0).hikari()).containsEntry("maximum-pool-size", "2")
			.containsEntry("minimum-idle", "1");

		ResolvedPool b = pools.get("b");
		assertThat(b.primary()).isFalse();
		assertThat(b.settings().checkInterval()).isEqualTo(Duration.ofSeconds(10));
		assertThat(b.settings().probeTimeout()).as("the default").isEqualTo(Duration.ofSeconds(1));
		assertThat(b.settings().balance()).isEqualTo(Balance.ROUND_ROBIN);
		assertThat(b.settings().readsIncludePrimary()).isTrue();
		assertThat(b.peers().get(0).hikari()).containsEntry("maximum-pool-size", "7")
			.containsEntry("minimum-idle", "3");
		assertThat(b.peers().get(0).connectTimeout()).isEqualTo(Duration.ofMillis(250));
	}

	@Test
	void theShorthandPoolHasTheTopLevelSettings() {
		MockEnvironment environment = new MockEnvironment().withProperty(P + ".acquire-timeout", "2s")
			.withProperty(P + ".hikari.maximum-pool-size", "4")
			.withProperty(P + ".peers.x.url", "jdbc:h2:mem:x");

		List<ResolvedPool> pools = PeerPoolConfigurations.resolve(environment);

		assertThat(pools).singleElement().satisfies((pool) -> {
			assertThat(pool.name()).isEqualTo("default");
			assertThat(pool.beanName()).isEqualTo("dataSource");
			assertThat(pool.primary()).isTrue();
			assertThat(pool.settings().acquireTimeout()).isEqualTo(Duration.ofSeconds(2));
			assertThat(pool.peers().get(0).hikari()).containsEntry("maximum-pool-size", "4");
		});
	}

	private static Map<String, ResolvedPool> byName(List<ResolvedPool> pools) {
		return pools.stream().collect(java.util.stream.Collectors.toMap(ResolvedPool::name, (pool) -> pool));
	}

}
