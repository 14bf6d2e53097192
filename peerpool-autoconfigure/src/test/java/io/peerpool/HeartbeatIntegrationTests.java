package io.peerpool;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.MariaDbServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The heartbeat finds a frozen server between full probes. The full probes are set 60 s apart, so
 * only the heartbeat can see the freeze within the test; the control without heartbeat shows that
 * the peer then stays UP. Why the values cannot flake: the awaited bound (15 s) is fifteen times
 * the heartbeat's interval + timeout, and the control's window (3 s) is far below the 60 s probes.
 */
class HeartbeatIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.peers(2);

	private PeerPoolDataSource pool;

	@AfterEach
	void thawAndClose() {
		MariaDbServer server = db.server(1);
		if (server.isFrozen()) {
			server.thaw();
		}
		if (this.pool != null) {
			this.pool.close();
		}
	}

	private PeerPoolDataSource pool(Duration heartbeatInterval) {
		PeerPoolDataSource.Builder builder = PeerPoolDataSource.builder("beat")
			.probeInterval(Duration.ofSeconds(60))
			.checkInterval(Duration.ofSeconds(60))
			.heartbeatInterval(heartbeatInterval)
			.heartbeatTimeout(Duration.ofMillis(750))
			// small pools, filled before the freeze: HikariCP opening a connection to the frozen server
			// in the background would find it too (connect-timeout), and this test is about the heartbeat
			.hikari("maximum-pool-size", "2")
			.hikari("minimum-idle", "2");
		for (int i = 0; i < 2; i++) {
			MariaDbServer server = db.server(i);
			builder.peer(server.name(), server.jdbcUrl(JdbcDriver.MARIADB), server.username(), server.password());
		}
		PeerPoolDataSource built = builder.build();
		await().atMost(Duration.ofSeconds(15)).until(() -> built.getPeers().stream().allMatch((peer) -> peer.idle() == 2));
		if (!heartbeatInterval.isZero()) {
			// the heartbeat's kept connection is open: a freeze now can only be seen by a heartbeat
			await().atMost(Duration.ofSeconds(15)).until(() -> applicationConnections(db.server(1)) == 3);
		}
		return built;
	}

	@Test
	void aFrozenPeerIsDownByHeartbeatBetweenProbes() throws Exception {
		this.pool = pool(Duration.ofMillis(250));
		query(this.pool);

		db.server(1).freeze();

		await().atMost(Duration.ofSeconds(15)).until(() -> this.pool.peer("peer1").state() == PeerState.DOWN);
		assertThat(this.pool.getPeer("peer1").lastError()).contains("heartbeat did not answer within 750 ms");
		assertThat(this.pool.peer("peer0").state()).isEqualTo(PeerState.UP);
		for (int i = 0; i < 5; i++) {
			assertThat(query(this.pool)).isEqualTo(db.server(0).port());
		}
	}

	@Test
	void withoutHeartbeatAFrozenPeerStaysUpUntilTheNextProbe() throws Exception {
		this.pool = pool(Duration.ZERO);
		query(this.pool);

		db.server(1).freeze();

		await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
			.until(() -> this.pool.peer("peer1").state() == PeerState.UP);
	}

	@Test
	void aHealthyPeerStaysUpUnderHeartbeats() {
		this.pool = pool(Duration.ofMillis(50));

		await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
			.until(() -> this.pool.getPeers().stream().allMatch((peer) -> peer.state() == PeerState.UP));
	}

	private static int applicationConnections(MariaDbServer server) throws java.sql.SQLException {
		try (Connection connection = server.connectAsAdmin(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(
						"SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = '" + server.username() + "'")) {
			result.next();
			return result.getInt(1);
		}
	}

	private static int query(PeerPoolDataSource pool) throws Exception {
		try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT @@port")) {
			result.next();
			return result.getInt(1);
		}
	}

}
