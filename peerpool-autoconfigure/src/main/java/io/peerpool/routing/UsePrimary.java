package io.peerpool.routing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated method (or every method of the annotated class) on primaries, whatever the
 * HTTP method, the pin cookie or an enclosing read-only transaction say: an explicit scope, the
 * strongest route. A method's annotation wins over its class's.
 *
 * <p>Applied by Spring AOP to Spring beans (controllers and services); like {@code @Transactional}
 * it does not apply to calls from inside the same object.
 *
 * @see PeerRouting#primary(Runnable)
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface UsePrimary {

}
