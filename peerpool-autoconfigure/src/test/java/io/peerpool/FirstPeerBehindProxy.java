package io.peerpool;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.peerpool.PeerPoolSettings.PeerConfig;
import io.peerpool.balance.Balance;
import io.peerpool.test.DatabaseServer;
import io.peerpool.test.FaultProxy;
import io.peerpool.test.JdbcDriver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two peers that both take writes in one {@code sequential} pool, the first behind a
 * {@link FaultProxy}: what the replay-safety tests (MariaDB and PostgreSQL) reset right before a
 * statement, to see what the pool runs again on the second.
 */
final class FirstPeerBehindProxy implements AutoCloseable {

	private final DatabaseServer first;

	private final String portQuery;

	private final FaultProxy proxy;

	private final PeerPoolDataSource pool;

	private FirstPeerBehindProxy(String name, List<? extends DatabaseServer> servers, JdbcDriver driver,
			String portQuery) {
		this.first = servers.get(0);
		this.portQuery = portQuery;
		this.proxy = FaultProxy.to(this.first).start();
		// probe-interval 0: no probe of an UP peer runs while the proxy resets its connections
		PeerPoolSettings settings = new PeerPoolSettings(name, Balance.SEQUENTIAL, Duration.ofSeconds(1), Duration.ZERO,
				Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(5));
		List<PeerConfig> peers = servers.stream()
			.map((server) -> new PeerConfig(name, server.name(),
					(server == this.first) ? this.proxy.jdbcUrl(server, driver) : server.jdbcUrl(driver),
					server.username(), server.password(), null, PeerRole.PRIMARY, 1, settings.connectTimeout(),
					Map.of("maximum-pool-size", "2", "minimum-idle", "1")))
			.toList();
		this.pool = PeerPoolDataSource.builder(settings.name())
			.settings(settings)
			.peers(peers)
			.probe(PeerProbe.standard())
			.build();
	}

	/**
	 * Starts the proxy in front of {@code servers.get(0)} and the pool over both servers.
	 * @param portQuery a query answering the port of the server that ran it
	 */
	static FirstPeerBehindProxy start(String name, List<? extends DatabaseServer> servers, JdbcDriver driver,
			String portQuery) {
		return new FirstPeerBehindProxy(name, servers, driver, portQuery);
	}

	PeerPoolDataSource pool() {
		return this.pool;
	}

	FaultProxy proxy() {
		return this.proxy;
	}

	/**
	 * Leaves a just-used pooled connection to the first server in the pool (HikariCP does not check
	 * a connection used less than 500 ms ago) and resets it: the next connection's first statement
	 * finds it dead.
	 */
	void killThePooledConnection() throws SQLException {
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.pool.getPeers().stream().allMatch((peer) -> peer.state() == PeerState.UP));
		try (Connection connection = this.pool.getConnection(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(this.portQuery)) {
			result.next();
			assertThat(result.getInt(1)).as("the first peer serves").isEqualTo(this.first.port());
		}
		this.proxy.resetConnections();
	}

	@Override
	public void close() {
		this.pool.close();
		this.proxy.close();
	}

}
