package io.peerpool;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.peerpool.PeerPoolSettings.PeerConfig;
import io.peerpool.balance.Balance;
import io.peerpool.test.EmbeddedPostgres;
import io.peerpool.test.FaultProxy;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.PostgresMajor;
import io.peerpool.test.PostgresServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The hot-upgrade seed: a peer's address stays the same (a proxy, PgBouncer, a VIP) while the
 * server behind it changes from PostgreSQL 14 to 17, whose hstore and citext type OIDs differ. The
 * old server keeps running (blue/green), which is when a pool that never notices keeps writing to
 * it.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PostgresServerChangeIntegrationTests {

	@RegisterExtension
	static final EmbeddedPostgres pg = EmbeddedPostgres.of(PostgresMajor.V14, PostgresMajor.V17);

	private FaultProxy proxy;

	@BeforeAll
	static void createExtensionsInOppositeOrderAndTables() throws SQLException {
		PostgresServer pg14 = pg.server("pg14");
		PostgresServer pg17 = pg.server("pg17");
		pg14.executeAsAdmin("CREATE EXTENSION IF NOT EXISTS hstore");
		pg14.executeAsAdmin("CREATE EXTENSION IF NOT EXISTS citext");
		pg17.executeAsAdmin("CREATE EXTENSION IF NOT EXISTS citext");
		pg17.executeAsAdmin("CREATE TYPE oid_spacer AS (a int)");
		pg17.executeAsAdmin("CREATE EXTENSION IF NOT EXISTS hstore");
		for (PostgresServer server : pg.servers()) {
			try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
				statement.execute("CREATE TABLE IF NOT EXISTS tagged (id BIGSERIAL PRIMARY KEY, name CITEXT, tags HSTORE)");
			}
		}
		assertThat(typeOid(pg14, "hstore")).isNotEqualTo(typeOid(pg17, "hstore"));
		assertThat(typeOid(pg14, "citext")).isNotEqualTo(typeOid(pg17, "citext"));
	}

	@BeforeEach
	void proxyInFrontOfPostgres14() {
		this.proxy = FaultProxy.to(pg.server("pg14")).start();
	}

	@AfterEach
	void closeProxy() {
		this.proxy.close();
	}

	/** Writes and reads an hstore and a citext column; returns the server version. */
	static String hstoreAndCitextRoundTrip(Connection connection) throws SQLException {
		try (PreparedStatement insert = connection
			.prepareStatement("INSERT INTO tagged (name, tags) VALUES (?, ?::hstore) RETURNING id")) {
			insert.setString(1, "Mixed Case");
			insert.setObject(2, Map.of("env", "prod", "tier", "gold"));
			try (ResultSet result = insert.executeQuery()) {
				result.next();
			}
		}
		try (PreparedStatement query = connection.prepareStatement(
				"SELECT tags, name, current_setting('server_version') FROM tagged WHERE name = ?::citext AND tags -> 'env' = 'prod' ORDER BY id DESC LIMIT 1")) {
			query.setString(1, "mixed case");
			try (ResultSet result = query.executeQuery()) {
				if (!result.next()) {
					throw new IllegalStateException("citext comparison found no row");
				}
				@SuppressWarnings("unchecked")
				Map<String, String> tags = (Map<String, String>) result.getObject(1);
				if (!"gold".equals(tags.get("tier"))) {
					throw new IllegalStateException("hstore came back as " + tags);
				}
				return result.getString(3);
			}
		}
	}

	@Test
	void serverChangeBehindTheSameAddressEvictsOldConnectionsAndPublishesAnEvent() throws Exception {
		PeerPoolSettings settings = new PeerPoolSettings("hot", Balance.RANDOM, Duration.ofSeconds(2),
				Duration.ofMillis(300), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(5));
		PostgresServer pg14 = pg.server("pg14");
		PeerConfig peer = new PeerConfig("hot", "db", this.proxy.jdbcUrl(pg14, JdbcDriver.POSTGRESQL), pg14.username(),
				pg14.password(), null, PeerRole.PRIMARY, 1, Duration.ofSeconds(1), Map.of("maximum-pool-size", "4"));
		List<Object> events = new CopyOnWriteArrayList<>();
		List<String> changes = new CopyOnWriteArrayList<>();
		try (PeerPoolDataSource pool = PeerPoolDataSource.builder(settings.name())
			.settings(settings)
			.peer(peer)
			.probe(PeerProbe.validity())
			.buildUnstarted()) {
			pool.setApplicationEventPublisher((event) -> {
				events.add(event);
				throw new IllegalStateException("a failing listener must not break connection creation");
			});
			PoolEvents.onServerChange(pool, (previous, current) -> changes.add(previous + "->" + current));
			pool.start();
			try (ServerChangeLoad load = new ServerChangeLoad(pool, 4, PostgresServerChangeIntegrationTests::hstoreAndCitextRoundTrip)) {
				await().atMost(Duration.ofSeconds(20)).until(() -> load.runs().size() > 50);
				assertThat(pool.getPeers().get(0).server()).startsWith("PostgreSQL 14.");

				this.proxy.switchUpstream(pg.server("pg17"));
				await().atMost(Duration.ofSeconds(20)).until(() -> !events.isEmpty());
				long changedAt = System.nanoTime();
				await().atMost(Duration.ofSeconds(30)).until(() -> load.startedAfter(changedAt).size() > 100);

				assertThat(load.runs()).as("no transaction failed across the switch")
					.allSatisfy((run) -> assertThat(run.failure()).isNull());
				assertThat(load.startedAfter(changedAt)).as("transactions after the change")
					.allSatisfy((run) -> assertThat(run.server()).startsWith("17."));
			}
			assertThat(changes).hasSize(1).first().asString().startsWith("14.").contains("->17.");
			PeerServerChangedEvent event = (PeerServerChangedEvent) events.get(0);
			assertThat(event.getPool()).isEqualTo("hot");
			assertThat(event.getPeer()).isEqualTo("db");
			assertThat(event.getPrevious().version()).startsWith("14.");
			assertThat(event.getCurrent().version()).startsWith("17.");
			assertThat(pool.getPeers().get(0).server()).startsWith("PostgreSQL 17.");
			assertThat(pool.getPeers().get(0).state()).isEqualTo(PeerState.UP);
		}
	}

	/**
	 * Control: plain HikariCP behind the same switch keeps its pooled connections to the old server,
	 * so transactions that start long after the switch still write to PostgreSQL 14. (Nothing fails
	 * in PgJDBC itself: its type OID cache is per connection, and a new connection to 17 reads 17's
	 * OIDs. The damage is silent: writes keep going to the old server until maxLifetime, 30 min.)
	 */
	@Test
	void controlPlainHikariKeepsWritingToTheOldServerAfterTheSwitch() throws Exception {
		PostgresServer pg14 = pg.server("pg14");
		try (HikariDataSource hikari = new HikariDataSource()) {
			hikari.setJdbcUrl(this.proxy.jdbcUrl(pg14, JdbcDriver.POSTGRESQL));
			hikari.setUsername(pg14.username());
			hikari.setPassword(pg14.password());
			hikari.setMaximumPoolSize(4);
			hikari.setMinimumIdle(4);
			try (ServerChangeLoad load = new ServerChangeLoad(hikari, 4, PostgresServerChangeIntegrationTests::hstoreAndCitextRoundTrip)) {
				// every pooled connection is open (to 14) before the switch
				await().atMost(Duration.ofSeconds(20))
					.until(() -> load.runs().size() > 50 && hikari.getHikariPoolMXBean().getTotalConnections() == 4);
				this.proxy.switchUpstream(pg.server("pg17"));
				long wellAfterSwitch = System.nanoTime() + Duration.ofSeconds(2).toNanos();
				await().atMost(Duration.ofSeconds(30)).until(() -> load.startedAfter(wellAfterSwitch).size() > 100);
				assertThat(load.startedAfter(wellAfterSwitch)).as("transactions 2 s after the switch")
					.anySatisfy((run) -> assertThat(run.server()).startsWith("14."));
			}
		}
	}

	private static long typeOid(PostgresServer server, String type) throws SQLException {
		try (Connection connection = server.connect(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT oid FROM pg_type WHERE typname = '" + type + "'")) {
			result.next();
			return result.getLong(1);
		}
	}

}
