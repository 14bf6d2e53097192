package io.peerpool.test;

import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EmbeddedPostgresIntegrationTests {

	@RegisterExtension
	static final EmbeddedPostgres pg = EmbeddedPostgres.of(PostgresMajor.V14, PostgresMajor.V17);

	@Test
	void serversReportTheirMajorVersions() {
		assertThat(pg.servers()).extracting(DatabaseServer::name).containsExactly("pg14", "pg17");
		assertThat(pg.server("pg14").serverVersion()).startsWith("14.");
		assertThat(pg.server(1).serverVersion()).startsWith("17.");
		assertThat(pg.server("pg17").major()).isEqualTo(PostgresMajor.V17);
	}

	@Test
	void applicationUserOwnsTheDatabaseAndIsNoSuperuser() throws SQLException {
		PostgresServer server = pg.server("pg17");
		try (Connection connection = DriverManager.getConnection(server.jdbcUrl(JdbcDriver.POSTGRESQL),
				server.username(), server.password()); Statement statement = connection.createStatement()) {
			ResultSet result = statement.executeQuery(
					"SELECT current_database(), current_user, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)");
			result.next();
			assertThat(result.getString(1)).isEqualTo("app");
			assertThat(result.getString(2)).isEqualTo("app");
			assertThat(result.getBoolean(3)).isFalse();
		}
		assertThat(server.jdbcUrl(JdbcDriver.POSTGRESQL)).isEqualTo("jdbc:postgresql://127.0.0.1:" + server.port() + "/app");
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> server.jdbcUrl(JdbcDriver.MARIADB));
	}

	@Test
	void pidIsThePostmasterOfPostmasterPid() throws Exception {
		PostgresServer server = pg.server("pg14");
		String firstLine = Files.readAllLines(server.dataDirectory().resolve("postmaster.pid")).get(0).trim();
		assertThat(server.pid()).isEqualTo(Long.parseLong(firstLine));
	}

	@Test
	void extensionsCreatedInOppositeOrderGetDifferentTypeOids() {
		PostgresServer pg14 = pg.server("pg14");
		PostgresServer pg17 = pg.server("pg17");
		pg14.executeAsAdmin("CREATE EXTENSION IF NOT EXISTS hstore");
		pg14.executeAsAdmin("CREATE EXTENSION IF NOT EXISTS citext");
		pg17.executeAsAdmin("CREATE EXTENSION IF NOT EXISTS citext");
		// a type in between makes sure the OIDs cannot line up by accident of allocation order
		pg17.executeAsAdmin("CREATE TYPE oid_spacer AS (a int)");
		pg17.executeAsAdmin("CREATE EXTENSION IF NOT EXISTS hstore");
		assertThat(typeOid(pg14, "hstore")).isNotEqualTo(typeOid(pg17, "hstore"));
		assertThat(typeOid(pg14, "citext")).isNotEqualTo(typeOid(pg17, "citext"));
	}

	@Test
	void killRefusesConnectionsAndRestartKeepsCommittedRowsAndPort() throws Exception {
		PostgresServer server = pg.server("pg17");
		int port = server.port();
		try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE kept (id int PRIMARY KEY)");
			statement.execute("INSERT INTO kept VALUES (1), (2), (3)");
		}
		long pid = server.pid();
		server.kill();
		assertThat(server.isRunning()).isFalse();
		assertThat(server.pid()).isEqualTo(-1);
		assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
		assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
			}
		});
		server.restart();
		assertThat(server.port()).isEqualTo(port);
		assertThat(server.isRunning()).isTrue();
		try (Connection connection = server.connect(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT count(*) FROM kept")) {
			result.next();
			assertThat(result.getInt(1)).isEqualTo(3);
		}
	}

	/**
	 * A process of the server that is not among the postmaster's children when they are listed (a
	 * recovery process forked while its siblings die, seen on a loaded machine) must not survive
	 * kill(): it would hold the shared memory and the restart would fail. Stood in for by a process
	 * running in the data directory, as every PostgreSQL process does.
	 */
	@Test
	void killLeavesNoProcessOfTheServerBehindAndRestartWorks() throws Exception {
		PostgresServer server = pg.server("pg14");
		Process straggler = new ProcessBuilder("sleep", "120").directory(server.dataDirectory().toFile()).start();
		try {
			server.kill();

			assertThat(straggler.waitFor(10, java.util.concurrent.TimeUnit.SECONDS))
				.as("a process in the data directory is gone after kill()").isTrue();
			server.restart();
			try (Connection connection = server.connect(); Statement statement = connection.createStatement();
					ResultSet result = statement.executeQuery("SELECT 1")) {
				assertThat(result.next()).isTrue();
			}
		}
		finally {
			straggler.destroyForcibly();
		}
	}

	@Test
	void freezeAcceptsTcpButNeverAnswersAndThawRecovers() throws Exception {
		PostgresServer server = pg.server("pg14");
		// a live backend is a separate process: it must freeze too
		try (Connection live = server.connect()) {
			live.setNetworkTimeout(Runnable::run, 2000);
			server.freeze();
			try {
				assertThat(server.isFrozen()).isTrue();
				try (Socket socket = new Socket()) {
					socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 2000);
					socket.setSoTimeout(1000);
					// SSLRequest: a running server answers with one byte at once
					socket.getOutputStream().write(new byte[] { 0, 0, 0, 8, 4, (byte) 210, 22, 47 });
					InputStream in = socket.getInputStream();
					assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(in::read);
				}
				Properties properties = new Properties();
				properties.setProperty("user", server.username());
				properties.setProperty("password", server.password());
				properties.setProperty("loginTimeout", "2");
				assertThatExceptionOfType(SQLException.class)
					.isThrownBy(() -> DriverManager.getConnection(server.jdbcUrl(JdbcDriver.POSTGRESQL), properties)
						.close());
				assertThatExceptionOfType(SQLException.class).isThrownBy(() -> {
					try (Statement statement = live.createStatement()) {
						statement.execute("SELECT 1");
					}
				});
			}
			finally {
				server.thaw();
			}
		}
		assertThat(server.isFrozen()).isFalse();
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
				assertThat(statement.execute("SELECT 1")).isTrue();
			}
		});
	}

	private static long typeOid(PostgresServer server, String type) {
		try (Connection connection = server.connect(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT oid FROM pg_type WHERE typname = '" + type + "'")) {
			assertThat(result.next()).as(type + " exists on " + server.name()).isTrue();
			return result.getLong(1);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
