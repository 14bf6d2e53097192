package io.peerpool.autoconfigure.slice;

import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.boot.jdbc.test.autoconfigure.JdbcTest;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.annotation.Transactional;

import io.peerpool.PeerPoolDataSource;
import io.peerpool.test.EmbeddedMariaDb;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application's {@code @JdbcTest} against its real database ({@code replace = NONE}): the slice
 * runs on the peers it configures, a primary and a replica of real MariaDB, as the application
 * does; the test's own transaction (read-write, rolled back) on the primary, a read-only one on
 * the replica. Without peerpool in the slice, Boot's DataSource auto-configuration found no
 * {@code spring.datasource.url} and gave the test an in-memory H2 database instead.
 */
@JdbcTest
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
@ContextConfiguration(classes = JdbcTestSliceIntegrationTests.NoBeans.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class JdbcTestSliceIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.primaryWithReplicas(1);

	@Autowired
	private DataSource dataSource;

	@Autowired
	private JdbcTemplate jdbc;

	@DynamicPropertySource
	static void peers(DynamicPropertyRegistry registry) {
		SlicePeers.primaryAndReplica(registry, db);
	}

	@Test
	void theTestsTransactionRunsOnThePrimary() {
		assertThat(this.dataSource).isInstanceOf(PeerPoolDataSource.class);
		assertThat(this.jdbc.queryForObject("SELECT @@port", Integer.class)).isEqualTo(db.primary().port());
	}

	@Test
	@Transactional(readOnly = true)
	void aReadOnlyTestTransactionRunsOnTheReplica() {
		assertThat(this.jdbc.queryForObject("SELECT @@port", Integer.class)).isEqualTo(db.replicas().get(0).port());
	}

	@Configuration(proxyBeanMethods = false)
	static class NoBeans {

	}

}
