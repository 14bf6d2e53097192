package io.peerpool.routing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated method (or every method of the annotated class) on replicas, whatever the
 * HTTP method or the pin cookie say: an explicit scope, the strongest route. A write inside fails
 * fast with SQLState {@code 25006} (the write guard) instead of reaching a read-only server. A
 * method's annotation wins over its class's.
 *
 * <p>Applied by Spring AOP to Spring beans (controllers and services); like {@code @Transactional}
 * it does not apply to calls from inside the same object.
 *
 * @see PeerRouting#replica(Runnable)
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface UseReplica {

}
