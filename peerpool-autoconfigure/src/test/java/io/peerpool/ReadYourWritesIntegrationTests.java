package io.peerpool;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.jdbc.core.simple.JdbcClient;

import io.peerpool.balance.Balance;
import io.peerpool.routing.PeerRouting;
import io.peerpool.routing.RouteIntent;
import io.peerpool.routing.RouteOrigin;
import io.peerpool.routing.RouteScope;
import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.MariaDbServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Read-your-writes across two "requests" of one client (a POST then a GET), on a primary with two
 * replicas that both apply changes 3 s late, so that a read from a replica right after the write is
 * stale unless peerpool prevents it. The second request carries what the pin cookie would carry:
 * the pin ({@code pin}) or the write's GTID ({@code gtid}).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ReadYourWritesIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.primaryWithReplicas(2);

	private static final AtomicLong names = new AtomicLong();

	@BeforeAll
	static void createTable() throws SQLException {
		try (Connection connection = db.primary().connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS notes (id BIGINT AUTO_INCREMENT PRIMARY KEY, text VARCHAR(40))");
		}
	}

	@AfterEach
	void noLag() {
		db.replicas().forEach((replica) -> db.lag(replica, Duration.ZERO));
		PeerRouting.clear();
	}

	private static PeerPoolDataSource pool(ReadYourWrites mode) {
		PeerPoolSettings settings = new PeerPoolSettings("ryw", Balance.ROUND_ROBIN, Duration.ofSeconds(1),
				Duration.ofMillis(300), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(5), null, false,
				Duration.ofSeconds(60), mode, Duration.ofSeconds(5));
		return TestPools.over(settings, db.servers(), JdbcDriver.MARIADB,
				(server) -> server == db.primary() ? PeerRole.PRIMARY : PeerRole.REPLICA);
	}

	/** "POST": writes a note; returns its text and the request's write tokens. */
	private static java.util.Map<String, String> post(JdbcClient jdbc, String text) {
		try (RouteScope request = PeerRouting.open(RouteIntent.PRIMARY, RouteOrigin.HTTP_METHOD)) {
			jdbc.sql("INSERT INTO notes (text) VALUES (?)").param(text).update();
			return request.writeTokens();
		}
		finally {
			PeerRouting.clear();
		}
	}

	/** "GET" by the same client: counts the note; {@code pinned} and {@code tokens} stand for the cookie. */
	private static Read get(JdbcClient jdbc, String text, boolean pinned, java.util.Map<String, String> tokens) {
		try (RouteScope request = pinned ? PeerRouting.open(RouteIntent.PRIMARY, RouteOrigin.PIN)
				: PeerRouting.open(RouteIntent.REPLICA, RouteOrigin.HTTP_METHOD)) {
			tokens.forEach(request::putWriteToken);
			int count = jdbc.sql("SELECT COUNT(*) FROM notes WHERE text = ?").param(text).query(Integer.class).single();
			int serverId = jdbc.sql("SELECT @@server_id").query(Integer.class).single();
			return new Read(count, serverId);
		}
		finally {
			PeerRouting.clear();
		}
	}

	record Read(int count, int serverId) {
	}

	private static void lagBothReplicas() {
		for (MariaDbServer replica : db.replicas()) {
			db.lag(replica, Duration.ofSeconds(3));
		}
	}

	@Test
	void controlWithoutReadYourWritesTheNextRequestReadsStaleDataFromALaggingReplica() {
		lagBothReplicas();
		try (PeerPoolDataSource pool = pool(ReadYourWrites.NONE)) {
			JdbcClient jdbc = JdbcClient.create(pool);
			String text = "n" + names.incrementAndGet();
			post(jdbc, text);
			Read read = get(jdbc, text, false, java.util.Map.of());
			assertThat(read.serverId()).isNotEqualTo(db.primary().serverId());
			assertThat(read.count()).as("the write, read back from a lagging replica").isZero();
		}
	}

	@Test
	void pinModeSendsThePinnedClientsReadsToThePrimary() {
		lagBothReplicas();
		try (PeerPoolDataSource pool = pool(ReadYourWrites.PIN)) {
			JdbcClient jdbc = JdbcClient.create(pool);
			String text = "n" + names.incrementAndGet();
			post(jdbc, text);
			Read read = get(jdbc, text, true, java.util.Map.of());
			assertThat(read.count()).isEqualTo(1);
			assertThat(read.serverId()).isEqualTo(db.primary().serverId());
		}
	}

	@Test
	void gtidModeReadsFromAReplicaThatHasAppliedTheWrite() {
		try (PeerPoolDataSource pool = pool(ReadYourWrites.GTID)) {
			JdbcClient jdbc = JdbcClient.create(pool);
			String text = "n" + names.incrementAndGet();
			java.util.Map<String, String> tokens = post(jdbc, text);
			assertThat(tokens).containsKey("ryw");
			assertThat(tokens.get("ryw")).as("a MariaDB GTID").matches("\\d+-\\d+-\\d+");
			Read read = get(jdbc, text, false, tokens);
			assertThat(read.count()).isEqualTo(1);
			assertThat(read.serverId()).as("served by a replica that caught up").isNotEqualTo(db.primary().serverId());
		}
	}

	@Test
	void gtidModeFallsBackToThePrimaryWhenNoReplicaCatchesUpInTime() {
		lagBothReplicas();
		try (PeerPoolDataSource pool = pool(ReadYourWrites.GTID)) {
			JdbcClient jdbc = JdbcClient.create(pool);
			String text = "n" + names.incrementAndGet();
			java.util.Map<String, String> tokens = post(jdbc, text);
			Read read = get(jdbc, text, false, tokens);
			assertThat(read.count()).isEqualTo(1);
			assertThat(read.serverId()).isEqualTo(db.primary().serverId());
		}
	}

	/** Code outside any request (a scheduler, a listener): a write, then a read-only transaction, on one thread. */
	private static Read writeThenReadOnlyTransaction(PeerPoolDataSource pool, String text) {
		JdbcClient jdbc = JdbcClient.create(pool);
		jdbc.sql("INSERT INTO notes (text) VALUES (?)").param(text).update();
		org.springframework.transaction.support.TransactionTemplate reads = new org.springframework.transaction.support.TransactionTemplate(
				new org.springframework.jdbc.datasource.DataSourceTransactionManager(pool));
		reads.setReadOnly(true);
		return reads.execute((status) -> new Read(
				jdbc.sql("SELECT COUNT(*) FROM notes WHERE text = ?").param(text).query(Integer.class).single(),
				jdbc.sql("SELECT @@server_id").query(Integer.class).single()));
	}

	@Test
	void gtidModeOutsideAnyRequestAThreadsReadOnlyTransactionReadsItsOwnWriteOnAReplicaThatAppliedIt() {
		try (PeerPoolDataSource pool = pool(ReadYourWrites.GTID)) {
			Read read = writeThenReadOnlyTransaction(pool, "n" + names.incrementAndGet());
			assertThat(read.count()).isEqualTo(1);
			assertThat(read.serverId()).as("served by a replica that caught up").isNotEqualTo(db.primary().serverId());
		}
	}

	@Test
	void gtidModeOutsideAnyRequestAThreadsReadOnlyTransactionReadsItsOwnWriteOnThePrimaryWhenNoReplicaCatchesUp() {
		lagBothReplicas();
		try (PeerPoolDataSource pool = pool(ReadYourWrites.GTID)) {
			Read read = writeThenReadOnlyTransaction(pool, "n" + names.incrementAndGet());
			assertThat(read.count()).isEqualTo(1);
			assertThat(read.serverId()).isEqualTo(db.primary().serverId());
		}
	}

	@Test
	void controlOutsideAnyRequestWithoutReadYourWritesAThreadsReadOnlyTransactionReadsALaggingReplica() {
		lagBothReplicas();
		try (PeerPoolDataSource pool = pool(ReadYourWrites.NONE)) {
			Read read = writeThenReadOnlyTransaction(pool, "n" + names.incrementAndGet());
			assertThat(read.serverId()).isNotEqualTo(db.primary().serverId());
			assertThat(read.count()).as("the thread's own write, read back from a lagging replica").isZero();
		}
	}

}
