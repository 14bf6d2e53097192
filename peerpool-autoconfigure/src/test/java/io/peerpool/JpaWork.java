package io.peerpool;

import java.util.Properties;

import javax.sql.DataSource;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;

import org.springframework.orm.jpa.EntityManagerFactoryUtils;
import org.springframework.orm.jpa.EntityManagerHolder;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;
import org.springframework.orm.jpa.SharedEntityManagerCreator;
import org.springframework.orm.jpa.vendor.HibernateJpaVendorAdapter;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Hibernate over a peerpool DataSource as Spring Boot sets it up ({@link JpaTransactionManager},
 * connection handling {@code DELAYED_ACQUISITION_AND_HOLD}), without a Boot context: transactions
 * through a {@link TransactionTemplate} take the same path as {@code @Transactional} methods, and
 * open-in-view is the entity manager bound to the thread, as {@code OpenEntityManagerInViewInterceptor}
 * does.
 */
final class JpaWork implements AutoCloseable {

	private final LocalContainerEntityManagerFactoryBean factoryBean;

	final EntityManagerFactory factory;

	/** The shared entity manager an application injects with {@code @PersistenceContext}. */
	final EntityManager entityManager;

	final JpaTransactionManager transactionManager;

	JpaWork(DataSource dataSource, String dialect, boolean providerDisablesAutocommit) {
		this.factoryBean = new LocalContainerEntityManagerFactoryBean();
		this.factoryBean.setDataSource(dataSource);
		this.factoryBean.setJpaVendorAdapter(new HibernateJpaVendorAdapter());
		this.factoryBean.setPackagesToScan(JpaWork.class.getPackageName() + ".noentities");
		Properties properties = new Properties();
		properties.setProperty("hibernate.dialect", dialect);
		properties.setProperty("hibernate.boot.allow_jdbc_metadata_access", "false");
		// Boot's default for Hibernate
		properties.setProperty("hibernate.connection.handling_mode", "DELAYED_ACQUISITION_AND_HOLD");
		properties.setProperty("hibernate.connection.provider_disables_autocommit",
				Boolean.toString(providerDisablesAutocommit));
		this.factoryBean.setJpaProperties(properties);
		this.factoryBean.afterPropertiesSet();
		this.factory = this.factoryBean.getObject();
		this.entityManager = SharedEntityManagerCreator.createSharedEntityManager(this.factory);
		this.transactionManager = new JpaTransactionManager(this.factory);
	}

	TransactionTemplate transactions(int isolation, boolean readOnly) {
		TransactionTemplate template = new TransactionTemplate(this.transactionManager);
		template.setIsolationLevel(isolation);
		template.setReadOnly(readOnly);
		return template;
	}

	/** Runs {@code work} with an entity manager open around it, as {@code spring.jpa.open-in-view=true} does per request. */
	void inView(Runnable work) {
		EntityManager view = this.factory.createEntityManager();
		TransactionSynchronizationManager.bindResource(this.factory, new EntityManagerHolder(view));
		try {
			work.run();
		}
		finally {
			TransactionSynchronizationManager.unbindResource(this.factory);
			EntityManagerFactoryUtils.closeEntityManager(view);
		}
	}

	Object single(String sql) {
		return this.entityManager.createNativeQuery(sql).getSingleResult();
	}

	@Override
	public void close() {
		this.factoryBean.destroy();
	}

}
