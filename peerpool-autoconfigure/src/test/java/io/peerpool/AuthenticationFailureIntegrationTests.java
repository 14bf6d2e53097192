package io.peerpool;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.peerpool.PeerPoolSettings.PeerConfig;
import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.EmbeddedPostgres;
import io.peerpool.test.PostgresMajor;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.DatabaseServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A peer whose credentials are wrong is DOWN with reason {@code auth}, the other peer serves, and
 * the wrong password appears nowhere: not in the peer's state, not in the exception, not in the log.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
@ExtendWith(OutputCaptureExtension.class)
class AuthenticationFailureIntegrationTests {

	private static final String WRONG_PASSWORD = "Wr0ngPassw0rd-7d1f";

	@RegisterExtension
	static final EmbeddedMariaDb mariadb = EmbeddedMariaDb.peers(2);

	@RegisterExtension
	static final EmbeddedPostgres postgres = EmbeddedPostgres.of(PostgresMajor.V17, PostgresMajor.V17);

	@Test
	void mariaDbPeerWithWrongPasswordIsDownWithReasonAuthAndThePasswordIsNowhere(CapturedOutput output)
			throws Exception {
		assertAuthFailure(mariadb.servers(), JdbcDriver.MARIADB, "SELECT @@port", output);
	}

	@Test
	void postgresPeerWithWrongPasswordIsDownWithReasonAuthAndThePasswordIsNowhere(CapturedOutput output)
			throws Exception {
		assertAuthFailure(postgres.servers(), JdbcDriver.POSTGRESQL, "SELECT inet_server_port()", output);
	}

	private static void assertAuthFailure(List<? extends DatabaseServer> servers, JdbcDriver driver, String portQuery,
			CapturedOutput output) throws Exception {
		DatabaseServer good = servers.get(0);
		DatabaseServer bad = servers.get(1);
		// the server's refusal comes at the end of the handshake (a backend forked, SCRAM computed): with a
		// 1 s connect timeout a loaded machine once ran out of it first, the driver closed the socket and the
		// probe saw connection_lost. Nothing here is about timing: a connect timeout the handshake fits in
		// lets every probe see what the server answers
		Duration connectTimeout = Duration.ofSeconds(10);
		PeerPoolSettings settings = new PeerPoolSettings("auth", io.peerpool.balance.Balance.ROUND_ROBIN,
				Duration.ofSeconds(2), Duration.ofMillis(500), Duration.ofSeconds(5), connectTimeout, Duration.ofSeconds(5));
		List<PeerConfig> peers = List.of(
				new PeerConfig("auth", "good", good.jdbcUrl(driver), good.username(), good.password(), null,
						PeerRole.PRIMARY, 1, connectTimeout, Map.of()),
				new PeerConfig("auth", "bad", bad.jdbcUrl(driver), bad.username(), WRONG_PASSWORD, null,
						PeerRole.PRIMARY, 1, connectTimeout, Map.of()));
		try (PeerPoolDataSource pool = PeerPoolDataSource.builder(settings.name())
			.settings(settings)
			.peers(peers)
			.probe(PeerProbe.standard())
			.buildUnstarted()) {
			pool.start();
			await().atMost(Duration.ofSeconds(30)).until(() -> pool.peer("bad").state() == PeerState.DOWN);
			PeerInfo info = pool.getPeers().get(1);
			assertThat(info.failureReason()).isEqualTo("auth");
			for (int i = 0; i < 10; i++) {
				try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
						ResultSet result = statement.executeQuery(portQuery)) {
					result.next();
					assertThat(result.getInt(1)).isEqualTo(good.port());
				}
			}
			assertThat(String.valueOf(info)).doesNotContain(WRONG_PASSWORD);
			assertThat(pool.toString()).doesNotContain(WRONG_PASSWORD);
		}
		assertThat(output.getAll()).doesNotContain(WRONG_PASSWORD);
	}

}
