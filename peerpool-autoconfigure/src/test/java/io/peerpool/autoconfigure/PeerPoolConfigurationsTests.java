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

	/**
	 * Peers of one application usually share its database user: given once at the top level or on
	 * a pool, each peer that names none of its own takes it; a peer's own wins.
	 */
	@Test
	void credentialsAndDriverAreInheritedTopLevelThenPoolThenPeer() {
		MockEnvironment environment = new MockEnvironment()
			.withProperty(P + ".username", "app")
			.withProperty(P + ".password", "top-secret")
			.withProperty(P + ".pools.a.primary", "true")
			.withProperty(P + ".pools.a.password", "pool-secret")
			.withProperty(P + ".pools.a.driver-class-name", "org.h2.Driver")
			.withProperty(P + ".pools.a.peers.x.url", "jdbc:h2:mem:cx")
			.withProperty(P + ".pools.a.peers.y.url", "jdbc:h2:mem:cy")
			.withProperty(P + ".pools.a.peers.y.username", "reporting")
			.withProperty(P + ".pools.a.peers.y.password", "peer-secret")
			.withProperty(P + ".pools.b.peers.z.url", "jdbc:h2:mem:cz");

		Map<String, ResolvedPool> pools = byName(PeerPoolConfigurations.resolve(environment));

		var x = peer(pools.get("a"), "x");
		assertThat(List.of(x.username(), x.password(), x.driverClassName()))
			.containsExactly("app", "pool-secret", "org.h2.Driver");
		var y = peer(pools.get("a"), "y");
		assertThat(List.of(y.username(), y.password())).containsExactly("reporting", "peer-secret");
		var z = peer(pools.get("b"), "z");
		assertThat(List.of(z.username(), z.password())).containsExactly("app", "top-secret");
		assertThat(z.driverClassName()).as("detected from its URL").isNull();
	}

	private static io.peerpool.PeerPoolSettings.PeerConfig peer(ResolvedPool pool, String name) {
		return pool.peers().stream().filter((peer) -> peer.name().equals(name)).findFirst().orElseThrow();
	}

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
