package io.peerpool.web;

import java.util.Properties;

import javax.sql.DataSource;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.PersistenceContext;

import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;
import org.springframework.orm.jpa.vendor.HibernateJpaVendorAdapter;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;

/**
 * JPA/Hibernate with {@link JpaTransactionManager} over a peerpool DataSource, as a plain Spring
 * context (Boot's JPA auto-configuration is not on this module's classpath, so no other test gets
 * an EntityManagerFactory). No lazy proxy: peerpool takes the physical connection at first use.
 */
public class JpaReads {

	@PersistenceContext
	private EntityManager entityManager;

	/** A context with {@code dataSource}, Hibernate, a JPA transaction manager and this bean. */
	static AnnotationConfigApplicationContext context(DataSource dataSource) {
		AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
		// wrapped: closing this context must not close the application's pool (a DisposableBean)
		context.registerBean("dataSource", DataSource.class, () -> new DelegatingDataSource(dataSource));
		context.register(Config.class);
		context.refresh();
		return context;
	}

	@Transactional(readOnly = true)
	public int serverIdInReadOnlyTransaction() {
		return serverId();
	}

	@Transactional
	public int serverIdInReadWriteTransaction() {
		return serverId();
	}

	private int serverId() {
		return ((Number) this.entityManager.createNativeQuery("SELECT @@server_id").getSingleResult()).intValue();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableTransactionManagement
	static class Config {

		@Bean
		LocalContainerEntityManagerFactoryBean entityManagerFactory(DataSource dataSource) {
			LocalContainerEntityManagerFactoryBean factory = new LocalContainerEntityManagerFactoryBean();
			factory.setDataSource(dataSource);
			factory.setJpaVendorAdapter(new HibernateJpaVendorAdapter());
			factory.setPackagesToScan(JpaReads.class.getPackageName() + ".noentities");
			Properties properties = new Properties();
			properties.setProperty("hibernate.dialect", "org.hibernate.dialect.MariaDBDialect");
			// no connection at startup: the dialect is given
			properties.setProperty("hibernate.boot.allow_jdbc_metadata_access", "false");
			factory.setJpaProperties(properties);
			return factory;
		}

		@Bean
		JpaTransactionManager transactionManager(EntityManagerFactory entityManagerFactory) {
			return new JpaTransactionManager(entityManagerFactory);
		}

		@Bean
		JpaReads jpaReads() {
			return new JpaReads();
		}

	}

}
