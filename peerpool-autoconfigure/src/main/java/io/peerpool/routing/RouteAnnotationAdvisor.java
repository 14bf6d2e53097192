package io.peerpool.routing;

import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.aopalliance.aop.Advice;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;

import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Spring AOP advisor for {@link UsePrimary} and {@link UseReplica}: a method of a bean annotated
 * (or whose class is annotated) runs in an explicit {@link PeerRouting} scope, restored when the
 * method returns or throws.
 *
 * <p>It is ordered before Spring's transaction advisor so that the scope is open when a
 * transaction starts; peerpool takes the physical connection at the first statement anyway.
 */
public final class RouteAnnotationAdvisor extends AbstractPointcutAdvisor {

	/** Runs before {@code @Transactional} (whose advisor has the lowest precedence by default). */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

	private final Pointcut pointcut = new ComposablePointcut(classOrMethod(UsePrimary.class))
		.union(classOrMethod(UseReplica.class));

	private final RouteInterceptor interceptor = new RouteInterceptor();

	public RouteAnnotationAdvisor() {
		setOrder(ORDER);
	}

	private static ComposablePointcut classOrMethod(Class<? extends Annotation> annotation) {
		return new ComposablePointcut(new AnnotationMatchingPointcut(annotation, true))
			.union(new AnnotationMatchingPointcut(null, annotation, true));
	}

	@Override
	public Pointcut getPointcut() {
		return this.pointcut;
	}

	@Override
	public Advice getAdvice() {
		return this.interceptor;
	}

	/** The route an annotated method asks for: its own annotation, else its class's, else {@code null}. */
	static RouteIntent intentOf(Method method, Class<?> targetClass) {
		Method specific = (targetClass != null) ? AopUtils.getMostSpecificMethod(method, targetClass) : method;
		RouteIntent intent = declared(specific, specific.toGenericString());
		if (intent == null && specific != method) {
			intent = declared(method, method.toGenericString());
		}
		if (intent == null) {
			Class<?> type = (targetClass != null) ? targetClass : method.getDeclaringClass();
			intent = declared(type, type.getName());
		}
		return intent;
	}

	private static RouteIntent declared(AnnotatedElement element, String description) {
		boolean primary = AnnotatedElementUtils.hasAnnotation(element, UsePrimary.class);
		boolean replica = AnnotatedElementUtils.hasAnnotation(element, UseReplica.class);
		if (primary && replica) {
			throw new IllegalStateException(
					"Both @UsePrimary and @UseReplica on " + description + ": keep the one it needs");
		}
		return primary ? RouteIntent.PRIMARY : (replica ? RouteIntent.REPLICA : null);
	}

	/** Opens the explicit scope around the call. */
	private static final class RouteInterceptor implements MethodInterceptor {

		/** Method and target class resolved once; annotations do not change at runtime. */
		private final Map<MethodKey, Object> intents = new ConcurrentHashMap<>();

		private static final Object NONE = new Object();

		@Override
		public Object invoke(MethodInvocation invocation) throws Throwable {
			Object target = invocation.getThis();
			Class<?> targetClass = (target != null) ? AopUtils.getTargetClass(target) : null;
			Object intent = this.intents.computeIfAbsent(new MethodKey(invocation.getMethod(), targetClass), (key) -> {
				RouteIntent found = intentOf(key.method(), key.targetClass());
				return (found != null) ? found : NONE;
			});
			if (intent == NONE) {
				return invocation.proceed();
			}
			try (RouteScope scope = PeerRouting.open((RouteIntent) intent, RouteOrigin.EXPLICIT)) {
				return invocation.proceed();
			}
		}

	}

	private record MethodKey(Method method, Class<?> targetClass) {
	}

}
