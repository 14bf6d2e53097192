package io.peerpool;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.peerpool.PeerPoolSettings.PeerConfig;
import io.peerpool.balance.Balance;
import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.MariaDbServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A failed connection attempt marks the peer DOWN. Here the attempt is HikariCP's own
 * (the peer's pool has no idle connection, so it opens one for a waiting request) and no probe is
 * due: the peer must be DOWN as soon as that attempt is refused, not only when the waiting request
 * gives up after {@code connect-timeout}, so that the requests after it go elsewhere at once.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BackgroundConnectFailureIntegrationTests {

	/** Long, so that the test can tell "DOWN at the refused attempt" from "DOWN when the request gave up". */
	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(6);

	@RegisterExtension
	static final EmbeddedMariaDb mariadb = EmbeddedMariaDb.peers(2);

	@Test
	void aRefusedConnectionThatHikariOpensMarksThePeerDownBeforeTheWaitingRequestGivesUp() throws Exception {
		MariaDbServer victim = mariadb.servers().get(0);
		MariaDbServer other = mariadb.servers().get(1);
		// sequential: every request goes to the first peer while it is UP; probes of UP peers once a minute
		PeerPoolSettings settings = new PeerPoolSettings("background", Balance.SEQUENTIAL, Duration.ofSeconds(30),
				Duration.ofMinutes(1), Duration.ofSeconds(1), CONNECT_TIMEOUT, CONNECT_TIMEOUT.multipliedBy(3));
		try (PeerPoolDataSource pool = pool(settings)) {
			await().atMost(Duration.ofSeconds(10))
				.until(() -> pool.getPeers().stream().allMatch(PeerInfo::isUp));
			// minimum-idle 0 and no request yet: the victim's pool holds no connection to hand out
			victim.kill();
			long killedAt = System.nanoTime();

			CompletableFuture<Integer> request = CompletableFuture.supplyAsync(() -> port(pool));

			await().atMost(CONNECT_TIMEOUT.dividedBy(2)).until(() -> pool.peer(victim.name()).state() == PeerState.DOWN);
			long downAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
			assertThat(downAfterMillis).as("DOWN before a request could have given up (connect-timeout %s)", CONNECT_TIMEOUT)
				.isLessThan(CONNECT_TIMEOUT.toMillis());
			assertThat(pool.getPeer(victim.name()).failureReason()).isEqualTo("connect");
			assertThat(port(pool)).as("a request after the refused attempt").isEqualTo(other.port());
			assertThat(request.get(CONNECT_TIMEOUT.multipliedBy(3).toSeconds(), TimeUnit.SECONDS))
				.as("the request that was waiting for the victim's pool moves on").isEqualTo(other.port());
		}
		finally {
			victim.restart();
		}
	}

	private static PeerPoolDataSource pool(PeerPoolSettings settings) {
		List<PeerConfig> peers = new ArrayList<>();
		for (MariaDbServer server : mariadb.servers()) {
			peers.add(new PeerConfig(settings.name(), server.name(), server.jdbcUrl(JdbcDriver.MARIADB),
					server.username(), server.password(), null, PeerRole.PRIMARY, 1, settings.connectTimeout(),
					Map.of("maximum-pool-size", "2", "minimum-idle", "0")));
		}
		PeerPoolDataSource pool = PeerPoolDataSource.builder(settings.name())
			.settings(settings)
			.peers(peers)
			.probe(PeerProbe.standard())
			.build();
		return pool;
	}

	private static int port(PeerPoolDataSource pool) {
		try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT @@port")) {
			result.next();
			return result.getInt(1);
		}
		catch (java.sql.SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
