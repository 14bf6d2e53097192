package io.peerpool;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.jspecify.annotations.Nullable;

import io.peerpool.test.FaultProxy;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.PostgresServer;
import io.peerpool.test.TransactionLoad;

import static org.awaitility.Awaitility.await;

/**
 * What the tests of one PostgreSQL peer behind a {@link FaultProxy} (connection resets, a slow
 * network) share: the load table, a pool of four connections over the proxy that records every
 * DOWN transition, and counting the successes of a load.
 */
abstract class AbstractProxiedPostgresIntegrationTests {

	/** The DOWN transitions of the pools of the running test. */
	final ConcurrentLinkedQueue<String> downs = new ConcurrentLinkedQueue<>();

	static void createLoadTable(PostgresServer server) throws SQLException {
		try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS load_rows (id BIGSERIAL PRIMARY KEY, seq BIGINT)");
		}
	}

	/**
	 * A pool of {@code server} through {@code proxy} (four connections, all kept idle), returned once
	 * the peer is UP; {@code listener} is added before its first probe's outcome is awaited.
	 */
	PeerPoolDataSource pool(PeerPoolSettings settings, PeerProbe probe, FaultProxy proxy, PostgresServer server,
			@Nullable PeerPoolListener listener) {
		PeerPoolDataSource pool = PeerPoolDataSource.builder(settings.name()).settings(settings).probe(probe)
			.hikari("maximum-pool-size", "4")
			.hikari("minimum-idle", "4")
			.peer(server.name(), (peer) -> peer.url(proxy.jdbcUrl(server, JdbcDriver.POSTGRESQL))
				.username(server.username())
				.password(server.password())
				.role(PeerRole.PRIMARY))
			.build();
		PoolEvents.onDown(pool, (event) -> this.downs.add(PoolEvents.describeDown(event)));
		if (listener != null) {
			pool.addListener(listener);
		}
		await().atMost(Duration.ofSeconds(20)).until(() -> pool.peer(server.name()).state() == PeerState.UP);
		return pool;
	}

	static long successesAfter(TransactionLoad load, long nanoTime) {
		return load.startedAfter(nanoTime).stream().filter((outcome) -> !outcome.failed()).count();
	}

}
