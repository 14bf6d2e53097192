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
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

@Timeout(value = 5, unit = TimeUnit.MINUTES)
class FaultProxyIntegrationTests {

	@RegisterExtension
	static final EmbeddedPostgres pg = EmbeddedPostgres.of(PostgresMajor.V14, PostgresMajor.V17);

	@RegisterExtension
	static final FaultProxy proxy = FaultProxy.to(pg.server("pg14"));

	@BeforeEach
	void passToPg14() {
		proxy.switchUpstream(pg.server("pg14")).latency(Duration.ZERO).pass().resetConnections();
	}

	@Test
	void jdbcUrlIsTheServersUrlWithTheProxyPort() {
		assertThat(proxy.jdbcUrl(pg.server("pg14"), JdbcDriver.POSTGRESQL))
			.isEqualTo("jdbc:postgresql://127.0.0.1:" + proxy.port() + "/app");
	}

	@Test
	void passForwardsQueries() throws SQLException {
		try (Connection connection = connect(10)) {
			assertThat(query(connection, "SELECT inet_server_port()")).isEqualTo(Integer.toString(pg.server("pg14").port()));
		}
	}

	@Test
	void refuseClosesThePortAndPassReopensIt() throws Exception {
		proxy.refuse();
		assertThatExceptionOfType(ConnectException.class).isThrownBy(this::openSocket);
		proxy.pass();
		try (Connection connection = connect(10)) {
			assertThat(query(connection, "SELECT 1")).isEqualTo("1");
		}
	}

	@Test
	void refuseTakesEffectImmediatelyEveryTime() throws Exception {
		// regression: a socket closed while its acceptor thread is in accept() kept listening for a moment
		try (FaultProxy own = FaultProxy.to(pg.server("pg14")).start()) {
			for (int i = 0; i < 300; i++) {
				own.refuse();
				assertThatExceptionOfType(ConnectException.class).as("connect %d after refuse()", i).isThrownBy(() -> {
					try (Socket socket = new Socket()) {
						socket.connect(new InetSocketAddress("127.0.0.1", own.port()), 2000);
					}
				});
				own.pass();
			}
		}
	}

	@Test
	void refuseKeepsLiveConnections() throws Exception {
		try (Connection connection = connect(10)) {
			proxy.refuse();
			assertThat(query(connection, "SELECT 1")).isEqualTo("1");
		}
	}

	@Test
	void blackholeAcceptsButNeverAnswers() throws Exception {
		try (Connection live = connect(10)) {
			live.setNetworkTimeout(Runnable::run, 1500);
			proxy.blackhole();
			try (Socket socket = openSocket()) {
				socket.setSoTimeout(1000);
				socket.getOutputStream().write(sslRequest());
				InputStream in = socket.getInputStream();
				assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(in::read);
			}
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> connect(2).close());
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> query(live, "SELECT 1"));
		}
		proxy.pass();
		try (Connection connection = connect(10)) {
			assertThat(query(connection, "SELECT 1")).isEqualTo("1");
		}
	}

	@Test
	void connectionHeldByBlackholeIsServedAfterPass() throws Exception {
		proxy.blackhole();
		try (Socket socket = openSocket()) {
			socket.setSoTimeout(500);
			socket.getOutputStream().write(sslRequest());
			InputStream in = socket.getInputStream();
			assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(in::read);
			proxy.pass();
			socket.setSoTimeout(10000);
			// the server declines SSL with 'N'
			assertThat(in.read()).isEqualTo('N');
		}
	}

	@Test
	void resetBreaksLiveConnectionsOnly() throws Exception {
		try (Connection live = connect(10)) {
			live.setNetworkTimeout(Runnable::run, 10000);
			assertThat(query(live, "SELECT 1")).isEqualTo("1");
			proxy.resetConnections();
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> query(live, "SELECT 1"));
		}
		try (Connection connection = connect(10)) {
			assertThat(query(connection, "SELECT 1")).isEqualTo("1");
		}
	}

	@Test
	void latencyDelaysEveryQuery() throws Exception {
		try (Connection connection = connect(10)) {
			proxy.latency(Duration.ofMillis(300));
			long start = System.nanoTime();
			query(connection, "SELECT 1");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
		}
	}

	@Test
	void switchUpstreamSendsNewConnectionsToTheNewServer() throws Exception {
		try (Connection before = connect(10)) {
			assertThat(query(before, "SHOW server_version")).startsWith("14.");
			proxy.switchUpstream(pg.server("pg17"));
			try (Connection after = connect(10)) {
				assertThat(query(after, "SHOW server_version")).startsWith("17.");
			}
			// a live connection keeps its server, like a pooler's established session
			assertThat(query(before, "SHOW server_version")).startsWith("14.");
		}
	}

	private static Connection connect(int loginTimeoutSeconds) throws SQLException {
		PostgresServer server = pg.server("pg14");
		Properties properties = new Properties();
		properties.setProperty("user", server.username());
		properties.setProperty("password", server.password());
		properties.setProperty("loginTimeout", Integer.toString(loginTimeoutSeconds));
		properties.setProperty("connectTimeout", Integer.toString(loginTimeoutSeconds));
		return DriverManager.getConnection(proxy.jdbcUrl(server, JdbcDriver.POSTGRESQL), properties);
	}

	private static String query(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
			result.next();
			return result.getString(1);
		}
	}

	private Socket openSocket() throws Exception {
		Socket socket = new Socket();
		try {
			socket.connect(new InetSocketAddress("127.0.0.1", proxy.port()), 2000);
			return socket;
		}
		catch (Exception ex) {
			socket.close();
			throw ex;
		}
	}

	/** PostgreSQL's SSLRequest: a server answers it with a single byte, {@code S} or {@code N}. */
	private static byte[] sslRequest() {
		return new byte[] { 0, 0, 0, 8, 4, (byte) 210, 22, 47 };
	}

}
