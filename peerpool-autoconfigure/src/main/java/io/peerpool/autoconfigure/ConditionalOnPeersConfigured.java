package io.peerpool.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Conditional;

/**
 * Matches when {@code spring.datasource.peerpool.peers} or {@code .pools} is configured: without
 * peers the starter does nothing, so adding the dependency never changes an existing app.
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Conditional(OnPeersConfiguredCondition.class)
public @interface ConditionalOnPeersConfigured {

}
