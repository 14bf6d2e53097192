package io.peerpool;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.peerpool.balance.Balance;
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
		return over(settings, servers, driver, roles, probe, hikari, (builder) -> {
		});
	}

	/** As above, with what else the test sets on the builder ({@code more}: replay, a classifier). */
	static PeerPoolDataSource over(PeerPoolSettings settings, List<? extends DatabaseServer> servers,
			JdbcDriver driver, java.util.function.Function<DatabaseServer, PeerRole> roles, PeerProbe probe,
			Map<String, String> hikari, java.util.function.Consumer<PeerPoolDataSource.Builder> more) {
		PeerPoolDataSource.Builder builder = PeerPoolDataSource.builder(settings.name()).settings(settings)
			.probe(probe);
		hikari.forEach(builder::hikari);
		more.accept(builder);
		for (DatabaseServer server : servers) {
			builder.peer(server.name(), (peer) -> peer.url(server.jdbcUrl(driver))
				.username(server.username())
				.password(server.password())
				.role(roles.apply(server)));
		}
		return builder.build();
	}

	private TestPools() {
	}

}
