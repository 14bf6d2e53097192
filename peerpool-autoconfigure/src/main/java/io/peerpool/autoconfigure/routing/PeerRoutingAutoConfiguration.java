package io.peerpool.autoconfigure.routing;

import org.aopalliance.intercept.MethodInterceptor;

import org.springframework.aop.Advisor;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;

import io.peerpool.autoconfigure.ConditionalOnPeersConfigured;
import io.peerpool.autoconfigure.PeerPoolAutoConfiguration;
import io.peerpool.routing.RouteAnnotationAdvisor;

/**
 * {@code @UsePrimary} / {@code @UseReplica} on Spring beans, through a Spring AOP advisor that
 * any auto-proxy creator picks up (Boot's AOP auto-configuration registers one; the advisor is an
 * infrastructure bean, so even the minimal creator that {@code @EnableTransactionManagement}
 * registers applies it).
 */
@AutoConfiguration(after = PeerPoolAutoConfiguration.class)
@ConditionalOnClass({ Advisor.class, MethodInterceptor.class })
@ConditionalOnBooleanProperty(name = "spring.datasource.peerpool.enabled", matchIfMissing = true)
@ConditionalOnPeersConfigured
public final class PeerRoutingAutoConfiguration {

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	static RouteAnnotationAdvisor peerPoolRouteAnnotationAdvisor() {
		return new RouteAnnotationAdvisor();
	}

}
