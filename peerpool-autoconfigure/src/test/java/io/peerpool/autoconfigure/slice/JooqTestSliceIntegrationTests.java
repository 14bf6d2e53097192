package io.peerpool.autoconfigure.slice;

import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jooq.test.autoconfigure.JooqTest;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.annotation.Transactional;

import io.peerpool.PeerPoolDataSource;
import io.peerpool.test.EmbeddedMariaDb;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application's {@code @JooqTest}: the slice never replaces the database, and imports Boot's
 * DataSource auto-configuration by itself (not through {@code @AutoConfigureJdbc}, where the
 * JDBC slices find peerpool). It runs on the peers the application configures, a primary and a
 * replica of real MariaDB: the test's own transaction (read-write, rolled back) on the primary, a
 * read-only one on the replica. Without peerpool in the slice, Boot found no
 * {@code spring.datasource.url} and gave the test an in-memory H2 database instead.
 */
@JooqTest
@ContextConfiguration(classes = JooqTestSliceIntegrationTests.NoBeans.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class JooqTestSliceIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.primaryWithReplicas(1);

	@Autowired
	private DataSource dataSource;

	@Autowired
	private DSLContext dsl;

	@DynamicPropertySource
	static void peers(DynamicPropertyRegistry registry) {
		SlicePeers.primaryAndReplica(registry, db);
	}

	@Test
	void theTestsTransactionRunsOnThePrimary() {
		assertThat(this.dataSource).isInstanceOf(PeerPoolDataSource.class);
		assertThat(this.dsl.fetchSingle("SELECT @@port").get(0, Integer.class)).isEqualTo(db.primary().port());
	}

	@Test
	@Transactional(readOnly = true)
	void aReadOnlyTestTransactionRunsOnTheReplica() {
		assertThat(this.dsl.fetchSingle("SELECT @@port").get(0, Integer.class)).isEqualTo(db.replicas().get(0).port());
	}

	@Configuration(proxyBeanMethods = false)
	static class NoBeans {

	}

}
