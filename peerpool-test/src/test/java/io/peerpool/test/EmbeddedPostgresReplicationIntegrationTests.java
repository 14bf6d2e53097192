package io.peerpool.test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/** A PostgreSQL 17 primary with two hot standbys on streaming replication, and its faults. */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmbeddedPostgresReplicationIntegrationTests {

	@RegisterExtension
	static final EmbeddedPostgres pg = EmbeddedPostgres.primaryWithStandbys(PostgresMajor.V17, 2);

	private static final AtomicLong names = new AtomicLong();

	@BeforeAll
	static void createTable() throws SQLException {
		try (Connection connection = pg.primary().connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS notes (id BIGSERIAL PRIMARY KEY, text VARCHAR(40))");
		}
	}

	@AfterEach
	void noLag() {
		pg.standbys().stream().filter(PostgresServer::isRunning).forEach((standby) -> pg.lag(standby, Duration.ZERO));
	}

	@Test
	@Order(1)
	void topologyHasAPrimaryAndStreamingStandbys() {
		assertThat(pg.servers()).extracting(DatabaseServer::name).containsExactly("primary", "standby0", "standby1");
		assertThat(pg.primary().name()).isEqualTo("primary");
		assertThat(pg.standbys()).extracting(DatabaseServer::name).containsExactly("standby0", "standby1");
		assertThat(pg.primary().isInRecovery()).isFalse();
		assertThat(pg.standbys()).allSatisfy((standby) -> assertThat(standby.isInRecovery()).isTrue());
		assertThat(pg.standbys()).extracting(PostgresServer::port).doesNotContain(pg.primary().port()).doesNotHaveDuplicates();
		assertThat(pg.primary().queryAsAdmin("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"))
			.isEqualTo("2");
	}

	@Test
	@Order(2)
	void aRowWrittenOnThePrimaryAppearsOnTheStandbys() throws SQLException {
		String text = write(pg.primary());
		for (PostgresServer standby : pg.standbys()) {
			await().atMost(Duration.ofSeconds(10)).until(() -> count(standby, text) == 1);
		}
	}

	@Test
	@Order(3)
	void aStandbyRefusesWrites() {
		for (PostgresServer standby : pg.standbys()) {
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> write(standby))
				.satisfies((ex) -> assertThat(ex.getSQLState()).as("read_only_sql_transaction").isEqualTo("25006"));
		}
	}

	@Test
	@Order(4)
	void lagDelaysWhatAStandbyShowsAndZeroRemovesTheDelay() throws SQLException {
		PostgresServer lagging = pg.standbys().get(0);
		PostgresServer other = pg.standbys().get(1);
		pg.lag(lagging, Duration.ofSeconds(2));
		String text;
		// connected before the write, so that the first read follows the commit closely even on a busy machine
		try (Connection standby = lagging.connect()) {
			text = write(pg.primary());
			assertThat(count(standby, text)).as("right after the commit, on the delayed standby").isZero();
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> count(other, text) == 1);
		await().atMost(Duration.ofSeconds(15)).until(() -> count(lagging, text) == 1);
		pg.lag(lagging, Duration.ZERO);
		String next = write(pg.primary());
		await().atMost(Duration.ofSeconds(2)).until(() -> count(lagging, next) == 1);
	}

	@Test
	@Order(5)
	void aKilledStandbyRestartsAsAStandbyAndCatchesUp() throws SQLException {
		PostgresServer standby = pg.standbys().get(1);
		standby.kill();
		assertThat(standby.isRunning()).isFalse();
		String missed = write(pg.primary());
		standby.restart();
		assertThat(standby.isInRecovery()).isTrue();
		await().atMost(Duration.ofSeconds(20)).until(() -> count(standby, missed) == 1);
	}

	@Test
	@Order(6)
	void aFrozenStandbyCatchesUpWhenThawed() throws SQLException {
		PostgresServer standby = pg.standbys().get(0);
		standby.freeze();
		try {
			assertThat(standby.isFrozen()).isTrue();
			String missed = write(pg.primary());
			standby.thaw();
			await().atMost(Duration.ofSeconds(20)).until(() -> count(standby, missed) == 1);
		}
		finally {
			standby.thaw();
		}
	}

	@Test
	@Order(100)
	void promoteMakesTheStandbyThePrimaryAndAStoppedStandbyFollowsItAfterARestart() throws SQLException {
		PostgresServer oldPrimary = pg.primary();
		PostgresServer promoted = pg.standbys().get(0);
		PostgresServer other = pg.standbys().get(1);
		String before = write(oldPrimary);
		await().atMost(Duration.ofSeconds(10)).until(() -> count(promoted, before) == 1 && count(other, before) == 1);
		// a failover: the old primary dies (and a standby with it), then a standby takes over
		oldPrimary.kill();
		other.kill();
		pg.promote(promoted);
		assertThat(pg.primary()).isSameAs(promoted);
		assertThat(pg.standbys()).containsExactly(other);
		assertThat(promoted.isInRecovery()).isFalse();
		String after = write(promoted);
		assertThat(count(promoted, after)).isEqualTo(1);
		assertThat(count(promoted, before)).as("what the old primary had replicated").isEqualTo(1);
		other.restart();
		await().atMost(Duration.ofSeconds(30)).until(() -> count(other, after) == 1);
		assertThat(other.isInRecovery()).isTrue();
		assertThatExceptionOfType(SQLException.class).isThrownBy(() -> write(other));
		assertThat(oldPrimary.isRunning()).as("the old primary is left as it is").isFalse();
	}

	private static String write(PostgresServer server) throws SQLException {
		String text = "n" + names.incrementAndGet();
		try (Connection connection = server.connect();
				PreparedStatement insert = connection.prepareStatement("INSERT INTO notes (text) VALUES (?)")) {
			insert.setString(1, text);
			insert.executeUpdate();
		}
		return text;
	}

	private static int count(PostgresServer server, String text) throws SQLException {
		try (Connection connection = server.connect()) {
			return count(connection, text);
		}
	}

	private static int count(Connection connection, String text) throws SQLException {
		try (PreparedStatement select = connection.prepareStatement("SELECT count(*) FROM notes WHERE text = ?")) {
			select.setString(1, text);
			try (ResultSet result = select.executeQuery()) {
				result.next();
				return result.getInt(1);
			}
		}
	}

}
