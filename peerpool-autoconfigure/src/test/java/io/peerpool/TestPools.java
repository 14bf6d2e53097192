package io.peerpool;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.peerpool.autoconfigure.PeerHikariConfigs;
import io.peerpool.balance.Balance;
import io.peerpool.failure.DefaultPeerFailureClassifier;
import io.peerpool.peer.PeerConfig;
import io.peerpool.test.DatabaseServer;
import io.peerpool.test.JdbcDriver;

/** Builds pools over the test kit's servers, with timings short enough for tests. */
final class TestPools {

	/** Fast detection and recovery so failover tests finish in seconds. */
	static PeerPoolSettings fastSettings(String name, Balance balance) {
		return new PeerPoolSettings(name, balance, Duration.ofSeconds(2), Duration.ofMillis(500),
				Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(5));
	}

	static PeerPoolDataSource over(List<? extends DatabaseServer> servers, JdbcDriver driver) {
		return over(fastSettings("test", Balance.ROUND_ROBIN), servers, driver);
	}

	static PeerPoolDataSource over(PeerPoolSettings settings, List<? extends DatabaseServer> servers,
			JdbcDriver driver) {
		return over(settings, servers, driver, (server) -> PeerRole.PRIMARY);
	}

	static PeerPoolDataSource over(PeerPoolSettings settings, List<? extends DatabaseServer> servers,
			JdbcDriver driver, java.util.function.Function<DatabaseServer, PeerRole> roles) {
		return over(settings, servers, driver, roles, PeerProbe.standard());
	}

	static PeerPoolDataSource over(PeerPoolSettings settings, List<? extends DatabaseServer> servers,
			JdbcDriver driver, java.util.function.Function<DatabaseServer, PeerRole> roles, PeerProbe probe) {
		return over(settings, servers, driver, roles, probe, Map.of("maximum-pool-size", "4", "minimum-idle", "2"));
	}

	/** A pool whose peers all have the HikariCP settings {@code hikari} (relaxed names). */
	static PeerPoolDataSource over(PeerPoolSettings settings, List<? extends DatabaseServer> servers,
			JdbcDriver driver, java.util.function.Function<DatabaseServer, PeerRole> roles, PeerProbe probe,
			Map<String, String> hikari) {
		List<PeerConfig> peers = new ArrayList<>();
		for (DatabaseServer server : servers) {
			peers.add(new PeerConfig(settings.name(), server.name(), server.jdbcUrl(driver), server.username(),
					server.password(), null, roles.apply(server), 1, settings.connectTimeout(), hikari));
		}
		PeerPoolDataSource pool = new PeerPoolDataSource(settings, peers, probe,
				new DefaultPeerFailureClassifier(), PeerHikariConfigs::create, Clock.systemUTC());
		pool.start();
		return pool;
	}

	private TestPools() {
	}

}
