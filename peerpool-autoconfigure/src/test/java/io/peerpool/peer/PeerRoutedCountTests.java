package io.peerpool.peer;

import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.peerpool.PeerPoolSettings.PeerConfig;
import io.peerpool.PeerRole;
import io.peerpool.connect.BoundedConnectDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A peer's routed count ({@code peerpool.connections.routed}, a Micrometer counter) counts
 * connections handed out, and so never goes down: a borrow that the engine gives back unused (the
 * peer was drained or went DOWN between the choice and the borrow) is never counted, not counted
 * and then taken back. Over an in-memory H2 pool, no server.
 */
class PeerRoutedCountTests {

	private Peer peer;

	@AfterEach
	void close() {
		if (this.peer != null) {
			HikariDataSource pool = this.peer.shutdown();
			if (pool != null) {
				pool.close();
			}
		}
	}

	private Peer startedPeer() {
		PeerConfig config = new PeerConfig("pool", "peer0", "jdbc:h2:mem:routed", "sa", "", null, PeerRole.PRIMARY, 1,
				Duration.ofSeconds(1), Map.of());
		BoundedConnectDataSource connector = new BoundedConnectDataSource(config.url(), null, new Properties(), "sa", "",
				Duration.ofSeconds(1));
		this.peer = new Peer(config, 0, connector, (peer) -> {
			HikariDataSource pool = new HikariDataSource();
			pool.setJdbcUrl(config.url());
			pool.setUsername("sa");
			pool.setMaximumPoolSize(2);
			return pool;
		}, Clock.systemUTC(), (peer, previous, current) -> {
		});
		this.peer.start();
		return this.peer;
	}

	@Test
	void aBorrowGivenBackUnusedIsNeverCounted() throws Exception {
		Peer peer = startedPeer();

		Connection unused = peer.borrow(0, 1000);
		assertThat(unused).isNotNull();
		assertThat(peer.routedConnections()).as("borrowed, not yet handed out").isZero();
		peer.returnUnused(unused);
		assertThat(peer.routedConnections()).as("given back unused").isZero();
		assertThat(peer.activeConnections()).isZero();
	}

	@Test
	void aConnectionHandedOutIsCountedOnceAndStaysCountedAfterItsRelease() throws Exception {
		Peer peer = startedPeer();

		Connection handedOut = peer.borrow(0, 1000);
		peer.countRouted();
		assertThat(peer.routedConnections()).isEqualTo(1);
		peer.release(handedOut);
		assertThat(peer.routedConnections()).isEqualTo(1);
	}

}
