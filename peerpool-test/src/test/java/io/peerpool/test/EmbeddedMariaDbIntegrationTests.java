package io.peerpool.test;

import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** {@link EmbeddedMariaDb#peers(int)} against real servers: identity, drivers and the faults. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EmbeddedMariaDbIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.peers(3);

	@Test
	void peersAreNamedAndHaveDistinctPortsAndServerIds() throws SQLException {
		assertThat(db.servers()).extracting(MariaDbServer::name).containsExactly("peer0", "peer1", "peer2");
		assertThat(db.server("peer1")).isSameAs(db.server(1));
		assertThat(db.servers()).extracting(MariaDbServer::port).doesNotHaveDuplicates();
		assertThat(db.servers()).extracting(MariaDbServer::serverId).doesNotHaveDuplicates();
		for (MariaDbServer server : db.servers()) {
			assertThat(queryLong(server, "SELECT @@server_id")).isEqualTo(server.serverId());
		}
	}

	@Test
	void bothMariaDbAndMySqlDriversConnectAsTheApplicationUser() throws SQLException {
		MariaDbServer server = db.server(0);
		assertThat(server.jdbcUrl(JdbcDriver.MARIADB))
			.isEqualTo("jdbc:mariadb://127.0.0.1:" + server.port() + "/app?sslMode=disable");
		for (JdbcDriver driver : new JdbcDriver[] { JdbcDriver.MARIADB, JdbcDriver.MYSQL }) {
			try (Connection connection = DriverManager.getConnection(server.jdbcUrl(driver), server.username(),
					server.password());
					Statement statement = connection.createStatement();
					ResultSet result = statement.executeQuery("SELECT CURRENT_USER(), DATABASE(), VERSION()")) {
				assertThat(connection.getMetaData().getDriverName()).as(driver.name())
					.containsIgnoringCase(driver == JdbcDriver.MYSQL ? "MySQL" : "MariaDB");
				result.next();
				assertThat(result.getString(1)).isEqualTo("app@%");
				assertThat(result.getString(2)).isEqualTo("app");
				assertThat(result.getString(3)).startsWith("11.4.5-MariaDB");
			}
		}
		assertThatIllegalArgumentException().isThrownBy(() -> server.jdbcUrl(JdbcDriver.POSTGRESQL));
	}

	@Test
	void applicationUserIsNotASuperuser() throws SQLException {
		MariaDbServer server = db.server(0);
		try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
			assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> statement.execute("SET GLOBAL read_only = 1"));
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> statement.execute("CREATE DATABASE other"));
		}
	}

	@Test
	void killRefusesConnectionsAndRestartKeepsCommittedRowsAndPort() throws SQLException {
		MariaDbServer server = db.server("peer1");
		int port = server.port();
		try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE survivor (id INT PRIMARY KEY, name VARCHAR(20))");
			statement.execute("INSERT INTO survivor VALUES (1, 'committed')");
		}

		server.kill();

		assertThat(server.isRunning()).isFalse();
		assertThat(server.pid()).isEqualTo(-1);
		assertThatExceptionOfType(SQLNonTransientConnectionException.class).isThrownBy(server::connect)
			.withRootCauseInstanceOf(ConnectException.class);

		server.restart();

		assertThat(server.port()).isEqualTo(port);
		assertThat(server.isRunning()).isTrue();
		try (Connection connection = server.connect();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT name FROM survivor WHERE id = 1")) {
			assertThat(result.next()).isTrue();
			assertThat(result.getString(1)).isEqualTo("committed");
		}
	}

	@Test
	void freezeAcceptsTcpButNeverAnswersAndThawRecovers() throws Exception {
		MariaDbServer server = db.server("peer2");
		assertThat(readGreeting(server)).as("greeting before freeze").isPositive();

		server.freeze();
		try {
			assertThat(server.isFrozen()).isTrue();
			assertThat(server.isRunning()).isTrue();
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress(server.host(), server.port()), 2000);
				socket.setSoTimeout(1000);
				assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(() -> socket.getInputStream().read());
			}
			Properties properties = new Properties();
			properties.setProperty("user", server.username());
			properties.setProperty("password", server.password());
			properties.setProperty("connectTimeout", "1000");
			properties.setProperty("socketTimeout", "1000");
			long started = System.nanoTime();
			assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> DriverManager.getConnection(server.jdbcUrl(JdbcDriver.MARIADB), properties).close());
			assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(10);
		}
		finally {
			server.thaw();
		}

		assertThat(server.isFrozen()).isFalse();
		assertThat(queryLong(server, "SELECT 1")).isEqualTo(1);
	}

	private static int readGreeting(MariaDbServer server) throws Exception {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(server.host(), server.port()), 2000);
			socket.setSoTimeout(5000);
			InputStream in = socket.getInputStream();
			return in.read(new byte[256]);
		}
	}

	private static long queryLong(MariaDbServer server, String sql) throws SQLException {
		try (Connection connection = server.connect();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(sql)) {
			result.next();
			return result.getLong(1);
		}
	}

}
