package io.peerpool;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.jdbc.datasource.lookup.AbstractRoutingDataSource;

import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.MariaDbServer;
import io.peerpool.test.TransactionLoad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Control for {@link MariaDbFailoverIntegrationTests}: the hand-written {@code AbstractRoutingDataSource} that
 * users write today keeps routing to a killed peer, so transactions that start well after the kill
 * still fail. This is the failure peerpool's kill test proves absent.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class NaiveRoutingControlIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.peers(3);

	@Test
	void naiveRoundRobinRoutingKeepsFailingTransactionsLongAfterAPeerIsKilled() throws Exception {
		Map<Object, Object> targets = new HashMap<>();
		for (MariaDbServer server : db.servers()) {
			try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
				statement.execute("CREATE TABLE IF NOT EXISTS load_rows (id BIGINT AUTO_INCREMENT PRIMARY KEY, seq BIGINT)");
			}
			HikariDataSource hikari = new HikariDataSource();
			hikari.setJdbcUrl(server.jdbcUrl(JdbcDriver.MARIADB));
			hikari.setUsername(server.username());
			hikari.setPassword(server.password());
			hikari.setConnectionTimeout(1000);
			hikari.setMaximumPoolSize(4);
			targets.put(server.name(), hikari);
		}
		List<String> names = db.servers().stream().map(MariaDbServer::name).toList();
		AtomicInteger next = new AtomicInteger();
		AbstractRoutingDataSource naive = new AbstractRoutingDataSource() {
			@Override
			protected Object determineCurrentLookupKey() {
				return names.get((next.getAndIncrement() & Integer.MAX_VALUE) % names.size());
			}
		};
		naive.setTargetDataSources(targets);
		naive.afterPropertiesSet();
		MariaDbServer victim = db.server(1);
		try (TransactionLoad load = new TransactionLoad(naive, 8, "SELECT @@port")) {
			await().atMost(Duration.ofSeconds(30)).until(() -> load.successes() > 100);
			victim.kill();
			long wellAfterKill = System.nanoTime() + Duration.ofSeconds(2).toNanos();
			await().atMost(Duration.ofSeconds(30)).until(() -> load.startedAfter(wellAfterKill).size() > 100);
			assertThat(load.startedAfter(wellAfterKill)).filteredOn(TransactionLoad.Outcome::failed)
				.as("transactions that started 2 s after the kill and still failed")
				.isNotEmpty();
		}
		finally {
			victim.restart();
			targets.values().forEach((dataSource) -> ((HikariDataSource) dataSource).close());
		}
	}

}
