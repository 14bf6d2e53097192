package io.peerpool.routing;

import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.peerpool.autoconfigure.routing.PeerRoutingAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** {@code @UsePrimary} / {@code @UseReplica} on Spring beans open explicit scopes and always restore them. */
class RouteAnnotationAdvisorTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, PeerRoutingAutoConfiguration.class))
		.withPropertyValues("spring.datasource.peerpool.peers.a.url=jdbc:h2:mem:a")
		.withUserConfiguration(Beans.class);

	@AfterEach
	void clear() {
		PeerRouting.clear();
	}

	@Test
	void methodAnnotationOpensAnExplicitScopeForTheCallOnly() {
		this.runner.run((context) -> {
			Reports reports = context.getBean(Reports.class);
			RouteScope inside = reports.replicaMethod(PeerRouting::current);
			assertThat(inside.intent()).isEqualTo(RouteIntent.REPLICA);
			assertThat(inside.origin()).isEqualTo(RouteOrigin.EXPLICIT);
			assertThat(PeerRouting.current()).isNull();
		});
	}

	@Test
	void worksWithoutAspectJThroughTheInfrastructureAutoProxyCreator() {
		this.runner.withClassLoader(new FilteredClassLoader("org.aspectj")).run((context) -> {
			RouteScope inside = context.getBean(Reports.class).replicaMethod(PeerRouting::current);
			assertThat(inside).isNotNull();
			assertThat(inside.intent()).isEqualTo(RouteIntent.REPLICA);
		});
	}

	@Test
	void classAnnotationAppliesAndMethodAnnotationWins() {
		this.runner.run((context) -> {
			Accounts accounts = context.getBean(Accounts.class);
			assertThat(accounts.inherited(PeerRouting::current).intent()).isEqualTo(RouteIntent.PRIMARY);
			assertThat(accounts.ownAnnotation(PeerRouting::current).intent()).isEqualTo(RouteIntent.REPLICA);
		});
	}

	@Test
	void scopeIsRestoredWhenTheMethodThrows() {
		this.runner.run((context) -> {
			Reports reports = context.getBean(Reports.class);
			try (RouteScope request = PeerRouting.open(RouteIntent.PRIMARY, RouteOrigin.HTTP_METHOD)) {
				assertThatIllegalStateException().isThrownBy(() -> reports.replicaMethod(() -> {
					throw new IllegalStateException("boom");
				}));
				assertThat(PeerRouting.current()).isSameAs(request);
			}
		});
	}

	@Test
	void nestedCallsRestoreTheOuterAnnotation() {
		this.runner.run((context) -> {
			Accounts accounts = context.getBean(Accounts.class);
			Reports reports = context.getBean(Reports.class);
			RouteIntent[] seen = new RouteIntent[2];
			accounts.inherited(() -> {
				seen[0] = reports.replicaMethod(PeerRouting::current).intent();
				seen[1] = PeerRouting.current().intent();
				return null;
			});
			assertThat(seen).containsExactly(RouteIntent.REPLICA, RouteIntent.PRIMARY);
		});
	}

	@Test
	void explicitScopeBeatsTheRequestScope() {
		this.runner.run((context) -> {
			Reports reports = context.getBean(Reports.class);
			try (RouteScope pinned = PeerRouting.open(RouteIntent.PRIMARY, RouteOrigin.PIN)) {
				assertThat(reports.replicaMethod(() -> PeerRouting.wantsReplica(false))).isTrue();
				assertThat(PeerRouting.wantsReplica(false)).isFalse();
			}
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class Beans {

		@Bean
		Reports reports() {
			return new Reports();
		}

		@Bean
		Accounts accounts() {
			return new Accounts();
		}

	}

	public static class Reports {

		@UseReplica
		public <T> T replicaMethod(Supplier<T> work) {
			return work.get();
		}

	}

	@UsePrimary
	public static class Accounts {

		public <T> T inherited(Supplier<T> work) {
			return work.get();
		}

		@UseReplica
		public <T> T ownAnnotation(Supplier<T> work) {
			return work.get();
		}

	}

}
