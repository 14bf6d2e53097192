package io.peerpool.autoconfigure.slice;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jdbc.test.autoconfigure.JdbcTest;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ContextConfiguration;

import io.peerpool.PeerPool;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code @JdbcTest} left at its default ({@code replace = ANY}) in an application that configures
 * peers: Boot's embedded test database replaces peerpool's DataSource, as it replaces any other,
 * although peerpool is part of the slice. The peers are closed ports: no pool starts, nothing
 * waits for them.
 */
@JdbcTest(properties = { "spring.datasource.peerpool.peers.a.url=jdbc:mariadb://127.0.0.1:1/app",
		"spring.datasource.peerpool.peers.b.url=jdbc:mariadb://127.0.0.1:2/app" })
@ContextConfiguration(classes = JdbcTestSliceTests.NoBeans.class)
class JdbcTestSliceTests {

	@Autowired
	private ApplicationContext context;

	@Autowired
	private DataSource dataSource;

	@Test
	void theEmbeddedTestDatabaseReplacesThePeers() {
		assertThat(this.dataSource).isNotInstanceOf(PeerPool.class);
		assertThat(this.context.getBeansOfType(PeerPool.class)).isEmpty();
		assertThat(new JdbcTemplate(this.dataSource).queryForObject("SELECT 1", Integer.class)).isEqualTo(1);
	}

	@Configuration(proxyBeanMethods = false)
	static class NoBeans {

	}

}
