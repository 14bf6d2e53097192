package io.peerpool.dialect;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.mysql.MySQLContainer;

import io.peerpool.ProbeResult;
import io.peerpool.PeerServerChangedEvent.ServerIdentity;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * peerpool's statements on real MySQL 8.0, 8.4 LTS and 9.x (8.4 removed {@code SHOW SLAVE STATUS},
 * {@code SHOW MASTER STATUS} and {@code Seconds_Behind_Master}), with the image's application
 * user ({@code ALL} on its database only) and GTIDs on: the probe answers, the position is the
 * GTID set, identity is {@code server_uuid}, and read-your-writes by GTID works. MySQL server
 * binaries are not on Maven Central, so this needs Docker; without a Docker engine it is skipped
 * (the dialect's statements by version are also unit-tested in {@link DialectTests}).
 */
@Testcontainers(disabledWithoutDocker = true)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class MySqlDialectTestcontainersIntegrationTests {

	@ParameterizedTest(name = "mysql:{0}")
	@ValueSource(strings = { "8.0", "8.4", "9.1" })
	void probePositionIdentityAndReadYourWritesOnEveryVersion(String version) throws SQLException {
		try (MySQLContainer mysql = new MySQLContainer("mysql:" + version)
			.withCommand("--gtid-mode=ON", "--enforce-gtid-consistency=ON", "--server-id=1", "--log-bin=binlog")) {
			mysql.start();
			Properties properties = new Properties();
			properties.setProperty("user", mysql.getUsername());
			properties.setProperty("password", mysql.getPassword());
			properties.setProperty("connectTimeout", "10000");
			try (Connection connection = DriverManager.getConnection(mysql.getJdbcUrl(), properties)) {
				try (Statement statement = connection.createStatement()) {
					statement.execute("CREATE TABLE IF NOT EXISTS t (id INT PRIMARY KEY)");
					statement.execute("INSERT INTO t VALUES (1)");
				}
				ProbeResult result = new DefaultPeerProbe().probe(connection, Duration.ofSeconds(5));
				assertThat(result.healthy()).isTrue();
				assertThat(result.readOnly()).isFalse();
				assertThat(result.replication().product()).isEqualTo("MySQL");
				assertThat(result.replication().position()).contains(":1-");
				assertThat(result.replication().lagUnavailable()).as("no REPLICATION CLIENT").contains("REPLICATION CLIENT");

				ServerIdentity identity = ServerIdentity.of(connection);
				assertThat(identity.product()).isEqualTo("MySQL");
				assertThat(identity.version()).startsWith(version);
				assertThat(identity.id()).startsWith("server_uuid=");

				String position = ReplicaCatchUp.positionAfterWrite(connection, identity, false);
				assertThat(position).contains(":1-");
				assertThat(ReplicaCatchUp.hasApplied(connection, identity, false, position, Duration.ofSeconds(1))).isTrue();
			}
		}
	}

}
