package io.peerpool;

import java.util.List;
import java.util.Properties;

import jakarta.persistence.EntityManagerFactory;
import org.hibernate.SessionFactory;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.jooq.SQLDialect;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.data.jdbc.core.dialect.JdbcDialect;
import org.springframework.data.jdbc.core.dialect.JdbcMariaDbDialect;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;
import org.springframework.orm.jpa.vendor.HibernateJpaVendorAdapter;

import io.peerpool.PeerPoolSettings.UnknownLag;
import io.peerpool.test.DatabaseServer;
import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.MariaDbServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AbstractMetadataWithoutWriterIntegrationTests} on MariaDB, and Hibernate, which asks for
 * its dialect at startup and without one stopped the application. A pool that never saw its
 * primary has no position to measure a MariaDB replica's lag by, nor does the server while its
 * primary is away ({@code Seconds_Behind_Master} is {@code NULL}): the replica serves reads by
 * {@code unknown-lag: include}.
 */
class MetadataWithoutWriterIntegrationTests extends AbstractMetadataWithoutWriterIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.primaryWithReplicas(1);

	@Override
	List<? extends DatabaseServer> servers() {
		return db.servers();
	}

	@Override
	JdbcDriver driver() {
		return JdbcDriver.MARIADB;
	}

	@Override
	String productName() {
		return "MariaDB";
	}

	@Override
	SQLDialect jooqDialect() {
		return SQLDialect.MARIADB;
	}

	@Override
	Class<? extends JdbcDialect> dataJdbcDialect() {
		return JdbcMariaDbDialect.class;
	}

	@Override
	String identityQuery() {
		return "SELECT @@server_id";
	}

	@Override
	int identity(DatabaseServer server) {
		return ((MariaDbServer) server).serverId();
	}

	@Override
	void configure(PeerPoolDataSource.Builder builder) {
		builder.unknownLag(UnknownLag.INCLUDE);
	}

	@Test
	void hibernateStartsAndDetectsItsDialectFromTheReplica() {
		primary().kill();
		try (PeerPoolDataSource pool = poolWithoutItsPrimary()) {
			LocalContainerEntityManagerFactoryBean factoryBean = new LocalContainerEntityManagerFactoryBean();
			factoryBean.setDataSource(pool);
			factoryBean.setJpaVendorAdapter(new HibernateJpaVendorAdapter());
			factoryBean.setPackagesToScan(JpaWork.class.getPackageName() + ".noentities");
			// Boot's settings: no dialect configured, Hibernate reads the database's metadata at startup
			Properties properties = new Properties();
			properties.setProperty("hibernate.connection.handling_mode", "DELAYED_ACQUISITION_AND_HOLD");
			factoryBean.setJpaProperties(properties);
			factoryBean.afterPropertiesSet();
			EntityManagerFactory factory = factoryBean.getObject();
			try {
				SessionFactoryImplementor sessions = factory.unwrap(SessionFactory.class)
					.unwrap(SessionFactoryImplementor.class);
				assertThat(sessions.getJdbcServices().getDialect().getClass().getSimpleName())
					.isEqualTo("MariaDBDialect");
			}
			finally {
				factoryBean.destroy();
			}
		}
	}

}
