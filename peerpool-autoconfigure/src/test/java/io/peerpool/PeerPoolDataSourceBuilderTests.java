package io.peerpool;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.peerpool.PeerPoolSettings.PeerConfig;
import io.peerpool.balance.Balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/** The builder over in-memory H2 peers: no database process. */
class PeerPoolDataSourceBuilderTests {

	@Test
	void buildStartsAPoolWithTheGivenSettingsAndPeers() throws Exception {
		try (PeerPoolDataSource pool = PeerPoolDataSource.builder("built")
			.peer("a", "jdbc:h2:mem:builder-a", "sa", "")
			.peer("b", (peer) -> peer.url("jdbc:h2:mem:builder-b").username("sa").role(PeerRole.REPLICA).weight(3)
				.hikari("maximum-pool-size", "2"))
			.balance(Balance.WEIGHTED)
			.checkInterval(Duration.ofSeconds(7))
			.acquireTimeout(Duration.ofSeconds(3))
			.probe(PeerProbe.validity())
			// generous: the first H2 connection of a JVM on a busy 2-core machine can take seconds
			.probeTimeout(Duration.ofSeconds(10))
			.connectTimeout(Duration.ofSeconds(10))
			.hikari("maximum-pool-size", "5")
			.build()) {
			assertThat(pool.getName()).isEqualTo("built");
			assertThat(pool.getSettings().balance()).isEqualTo(Balance.WEIGHTED);
			assertThat(pool.getSettings().checkInterval()).isEqualTo(Duration.ofSeconds(7));
			assertThat(pool.getSettings().acquireTimeout()).isEqualTo(Duration.ofSeconds(3));
			assertThat(pool.getSettings().probeInterval()).as("the default").isEqualTo(Duration.ofSeconds(2));
			assertThat(pool.getPeers()).extracting(PeerInfo::name).containsExactly("a", "b");
			assertThat(pool.peer("b").config().weight()).isEqualTo(3);
			assertThat(pool.peer("b").declaredRole()).isEqualTo(PeerRole.REPLICA);
			// a peer's own Hikari setting wins over the pool's
			assertThat(pool.peer("a").pool().getMaximumPoolSize()).isEqualTo(5);
			assertThat(pool.peer("b").pool().getMaximumPoolSize()).isEqualTo(2);
			assertThat(pool.isReadWriteSplit()).isTrue();
			try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
					ResultSet result = statement.executeQuery("SELECT 1")) {
				assertThat(result.next()).isTrue();
			}
		}
	}

	@Test
	void resolvedPeersTakeThePoolsHikariSettingsUnderTheirOwnAndCustomizersRunInOrder() {
		List<String> customized = new CopyOnWriteArrayList<>();
		PeerConfig resolved = new PeerConfig("resolved", "a", "jdbc:h2:mem:builder-resolved-a", "sa", "", null,
				PeerRole.PRIMARY, 1, null, Map.of("maximum-pool-size", "2"));
		try (PeerPoolDataSource pool = PeerPoolDataSource.builder("resolved")
			.peers(List.of(resolved))
			.probe(PeerProbe.validity())
			.probeTimeout(Duration.ofSeconds(10))
			.connectTimeout(Duration.ofSeconds(10))
			.hikari("maximum-pool-size", "5")
			.hikari("minimum-idle", "1")
			.hikariCustomizer((peer, config) -> customized.add("first " + peer.qualifiedName() + " max="
					+ config.getMaximumPoolSize()))
			.hikariCustomizer((peer, config) -> {
				customized.add("second");
				config.setMinimumIdle(0);
			})
			.build()) {
			assertThat(pool.peer("a").pool().getMaximumPoolSize()).as("the peer's own setting wins").isEqualTo(2);
			assertThat(pool.peer("a").pool().getMinimumIdle()).as("the customizer has the last word").isZero();
			assertThat(pool.peer("a").config().connectTimeout()).as("the pool's").isEqualTo(Duration.ofSeconds(10));
			assertThat(customized).as("once per peer, in order").containsExactly("first resolved.a max=2", "second");
		}
	}

	@Test
	void aResolvedPeerOfAnotherPoolIsRefused() {
		PeerConfig other = new PeerConfig("other", "a", "jdbc:h2:mem:builder-other", "sa", "", null,
				PeerRole.PRIMARY, 1, Duration.ofSeconds(1), Map.of());
		assertThatIllegalArgumentException().isThrownBy(() -> PeerPoolDataSource.builder("mine").peer(other))
			.withMessageContaining("'a' belongs to pool 'other'");
	}

	@Test
	void aPostgresPeerWhoseUrlFiltersTheServersTypeIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> PeerPoolDataSource.builder("main")
				.peer("db", "jdbc:postgresql://db0/app?targetServerType=standby", "app", ""))
			.withMessageContaining("peer 'db' of pool 'main' has a URL with targetServerType=standby")
			.withMessageContaining("Remove targetServerType");
	}

	@Test
	void twoPeersOfOneNameAreRefused() {
		// health, meters, drain and the endpoint find a peer by its name: a second one of that name would be out of reach
		assertThatIllegalArgumentException()
			.isThrownBy(() -> PeerPoolDataSource.builder("main")
				.peer("db", "jdbc:h2:mem:builder-twice-a", "sa", "")
				.peer("db", "jdbc:h2:mem:builder-twice-b", "sa", ""))
			.withMessageContaining("Pool 'main' has a peer 'db' already");
	}

	@Test
	void aPeerWhoseUrlNamesSeveralHostsIsRefusedWithAPeerPerHostAsTheFix() {
		// the builder is the library's way in (tests, benchmarks, users without Boot): it refuses what the
		// properties refuse, or the driver's own failover would run out of sight of the probes and health
		String url = "jdbc:mysql://app:s3cret@db0:3306,db1:3306/app?password=s3cret";
		assertThatIllegalArgumentException()
			.isThrownBy(() -> PeerPoolDataSource.builder("main").peer("db", url, "app", "s3cret"))
			.withMessageContaining("peer 'db' of pool 'main' has a URL that names 2 hosts (db0:3306, db1:3306)")
			.withMessageContaining(".peer(\"db-0\", \"jdbc:mysql://db0:3306/app?password=****\"")
			.withMessageContaining(".peer(\"db-1\", \"jdbc:mysql://db1:3306/app?password=****\"")
			.withMessageNotContaining("s3cret");
		PeerConfig resolved = new PeerConfig("main", "db", "jdbc:mariadb:sequential://db0,db1/app", "app", "", null,
				PeerRole.PRIMARY, 1, Duration.ofSeconds(1), Map.of());
		assertThatIllegalArgumentException().isThrownBy(() -> PeerPoolDataSource.builder("main").peer(resolved))
			.withMessageContaining("names 2 hosts (db0, db1)")
			.withMessageContaining(".peer(\"db-0\", \"jdbc:mariadb://db0/app\"");
	}

	@Test
	void anUnstartedPoolProbesNothingUntilStartedAndItsListenersSeeTheFirstProbes() {
		AtomicInteger probes = new AtomicInteger();
		try (PeerPoolDataSource pool = PeerPoolDataSource.builder("later")
			.peer("a", "jdbc:h2:mem:builder-later-a", "sa", "")
			.probe((connection, timeout) -> {
				probes.incrementAndGet();
				return PeerProbe.validity().probe(connection, timeout);
			})
			.probeTimeout(Duration.ofSeconds(10))
			.connectTimeout(Duration.ofSeconds(10))
			.buildUnstarted()) {
			List<PeerInfo> seen = new CopyOnWriteArrayList<>();
			pool.addListener(new PeerPoolListener() {

				@Override
				public void probed(PeerInfo peer, Duration elapsed, ProbeOutcome outcome) {
					seen.add(peer);
				}

			});
			assertThat(probes).as("probes before start()").hasValue(0);
			pool.start();
			await().atMost(Duration.ofSeconds(20)).until(() -> !seen.isEmpty());
			assertThat(seen.get(0).name()).isEqualTo("a");
		}
	}

	@Test
	void aPeerWithoutUrlIsRefusedWithItsName() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> PeerPoolDataSource.builder("p").peer("nourl", (peer) -> peer.username("sa")))
			.withMessageContaining("'nourl'")
			.withMessageContaining("no url");
	}

	@Test
	void aPoolWithoutPeersIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> PeerPoolDataSource.builder("empty").build())
			.withMessageContaining("'empty' has no peers");
	}

	@Test
	void invalidDurationsAreRefusedWithThePropertyName() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> PeerPoolDataSource.builder("bad").acquireTimeout(Duration.ZERO).toSettings())
			.withMessageContaining("acquire-timeout");
	}

}
