package io.peerpool.autoconfigure;

import java.util.List;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

import io.peerpool.PeerPoolDataSource;

/**
 * Registers one {@code DataSource} bean per configured pool, named after the pool, answering
 * {@code @Qualifier("<pool>")}, the right one {@code @Primary}. The single-pool shorthand is
 * named {@code dataSource}, like Boot's own.
 */
class PeerPoolBeanRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware {

	static final String FACTORY_BEAN_NAME = "peerPoolDataSourceFactory";

	private Environment environment;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		List<ResolvedPool> pools = PeerPoolConfigurations.resolve(this.environment);
		for (ResolvedPool pool : pools) {
			RootBeanDefinition definition = new RootBeanDefinition();
			definition.setTargetType(PeerPoolDataSource.class);
			definition.setFactoryBeanName(FACTORY_BEAN_NAME);
			definition.setFactoryMethodName("create");
			definition.getConstructorArgumentValues().addIndexedArgumentValue(0, pool.name());
			definition.setPrimary(pool.primary());
			definition.addQualifier(new AutowireCandidateQualifier(Qualifier.class, pool.name()));
			definition.setDestroyMethodName("close");
			registry.registerBeanDefinition(pool.beanName(), definition);
			if (!pool.beanName().equals(pool.name())) {
				registry.registerAlias(pool.beanName(), pool.name());
			}
		}
	}

}
