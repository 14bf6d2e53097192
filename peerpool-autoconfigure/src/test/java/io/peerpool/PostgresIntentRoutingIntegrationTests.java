package io.peerpool;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import io.peerpool.test.EmbeddedPostgres;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.PostgresMajor;
import io.peerpool.test.PostgresServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two user reports of {@link IntentRoutingIntegrationTests} on a real PostgreSQL 17 primary
 * and a hot standby 3 s behind ({@code recovery_min_apply_delay}): a read-write transaction with an
 * isolation level in a GET runs on the primary (JdbcTemplate and JPA, with and without
 * open-in-view); a POST that reads and then writes with a plain statement is seen by its
 * redirect ({@code pin} and {@code gtid}); {@code SET search_path} keeps the connection on its peer.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PostgresIntentRoutingIntegrationTests extends AbstractIntentRoutingIntegrationTests {

	@RegisterExtension
	static final EmbeddedPostgres pg = EmbeddedPostgres.primaryWithStandbys(PostgresMajor.V17, 1);

	@BeforeAll
	static void createTablesAndDelayTheStandby() throws SQLException {
		try (Connection connection = pg.primary().connectAsAdmin(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS public.items (id BIGSERIAL PRIMARY KEY, name TEXT)");
			statement.execute("CREATE SCHEMA IF NOT EXISTS other");
			statement.execute("CREATE TABLE IF NOT EXISTS other.items (id BIGSERIAL PRIMARY KEY, name TEXT)");
			for (String schema : new String[] { "public", "other" }) {
				statement.execute("GRANT USAGE ON SCHEMA " + schema + " TO " + pg.primary().username());
				statement.execute("GRANT ALL ON ALL TABLES IN SCHEMA " + schema + " TO " + pg.primary().username());
				statement.execute("GRANT ALL ON ALL SEQUENCES IN SCHEMA " + schema + " TO " + pg.primary().username());
			}
		}
		awaitQueryRuns(standby(), "SELECT 1 FROM other.items LIMIT 0");
		pg.lag(standby(), Duration.ofSeconds(3));
	}

	private static PostgresServer standby() {
		return pg.standbys().get(0);
	}

	private static PeerPoolDataSource pool(ReadYourWrites mode) {
		return awaitEveryPeerUp(TestPools.over(settings("pg-intent", mode), pg.servers(), JdbcDriver.POSTGRESQL,
				(server) -> (server == pg.primary()) ? PeerRole.PRIMARY : PeerRole.REPLICA));
	}

	private static int countOnPrimary(String schema, String name) throws SQLException {
		try (Connection connection = pg.primary().connect();
				PreparedStatement statement = connection
					.prepareStatement("SELECT count(*) FROM " + schema + ".items WHERE name = ?")) {
			statement.setString(1, name);
			try (ResultSet result = statement.executeQuery()) {
				result.next();
				return result.getInt(1);
			}
		}
	}

	@Test
	void readWriteTransactionInAGetRunsOnThePrimaryAtEveryIsolationLevelWithJdbcTemplateAndJpa() {
		try (PeerPoolDataSource pool = pool(ReadYourWrites.PIN);
				JpaWork jpa = new JpaWork(pool, "org.hibernate.dialect.PostgreSQLDialect", false)) {
			JdbcTemplate jdbcTemplate = new JdbcTemplate(pool);
			DataSourceTransactionManager manager = new DataSourceTransactionManager(pool);
			for (int isolation : ISOLATION_LEVELS) {
				TransactionTemplate transaction = new TransactionTemplate(manager);
				transaction.setIsolationLevel(isolation);
				Integer port = inGet(() -> transaction.execute((status) -> {
					jdbcTemplate.update("INSERT INTO items (name) VALUES (?)", unique("pg-iso"));
					return jdbcTemplate.queryForObject("SELECT inet_server_port()", Integer.class);
				}));
				assertThat(port).as("JdbcTemplate, isolation %d", isolation).isEqualTo(pg.primary().port());
				for (boolean openInView : new boolean[] { false, true }) {
					TransactionTemplate jpaTransaction = jpa.transactions(isolation, false);
					Runnable request = () -> {
						if (openInView) {
							jpa.single("SELECT inet_server_port()");
						}
						int answered = jpaTransaction.execute((status) -> {
							jpa.entityManager.createNativeQuery("INSERT INTO items (name) VALUES (?)")
								.setParameter(1, unique("pg-jpa-iso"))
								.executeUpdate();
							return ((Number) jpa.single("SELECT inet_server_port()")).intValue();
						});
						assertThat(answered).as("JPA, open-in-view %s, isolation %d", openInView, isolation)
							.isEqualTo(pg.primary().port());
					};
					inGet(() -> {
						if (openInView) {
							jpa.inView(request);
						}
						else {
							request.run();
						}
						return null;
					});
				}
			}
		}
	}

	@ParameterizedTest
	@EnumSource(value = ReadYourWrites.class, names = { "PIN", "GTID" })
	void postThatReadsThenWritesWithAPlainStatementIsSeenByTheRedirectWithJdbcTemplateAndJpa(ReadYourWrites mode) {
		try (PeerPoolDataSource pool = pool(mode);
				JpaWork jpa = new JpaWork(pool, "org.hibernate.dialect.PostgreSQLDialect", false)) {
			JdbcTemplate jdbcTemplate = new JdbcTemplate(pool);
			TransactionTemplate withTemplate = new TransactionTemplate(new DataSourceTransactionManager(pool));
			String name = unique("pg-post-" + mode);
			postThenRedirect(pool, mode, () -> withTemplate.executeWithoutResult((status) -> {
				jdbcTemplate.queryForObject("SELECT count(*) FROM items", Integer.class);
				jdbcTemplate.update("INSERT INTO items (name) VALUES ('" + name + "')");
			}), () -> jdbcTemplate.queryForObject("SELECT count(*) FROM items WHERE name = ?", Integer.class, name));
			TransactionTemplate withJpa = jpa.transactions(TransactionDefinition.ISOLATION_DEFAULT, false);
			String jpaName = unique("pg-jpa-post-" + mode);
			postThenRedirect(pool, mode, () -> withJpa.executeWithoutResult((status) -> {
				jpa.single("SELECT count(*) FROM items");
				jdbcTemplate.update("INSERT INTO items (name) VALUES ('" + jpaName + "')");
			}), () -> ((Number) jpa.single("SELECT count(*) FROM items WHERE name = '" + jpaName + "'")).intValue());
		}
	}

	@Test
	void setSearchPathKeepsTheConnectionOnItsPeer() throws SQLException {
		try (PeerPoolDataSource pool = pool(ReadYourWrites.PIN)) {
			String name = unique("pg-search-path");
			inGet(() -> {
				try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
					statement.execute("SET search_path TO other");
					try (PreparedStatement insert = connection.prepareStatement("INSERT INTO items (name) VALUES (?)")) {
						insert.setString(1, name);
						insert.executeUpdate();
					}
					catch (SQLException ex) {
						// the write stays with the session, on its read-only standby
						assertThat(ex.getMessage()).contains("read-only");
					}
					try (ResultSet result = statement.executeQuery("SHOW search_path")) {
						result.next();
						assertThat(result.getString(1)).as("the session that ran SET search_path").isEqualTo("other");
					}
				}
				catch (SQLException ex) {
					throw new IllegalStateException(ex);
				}
				return null;
			});
			assertThat(countOnPrimary("public", name)).as("no write in the default schema").isZero();
		}
	}

}
