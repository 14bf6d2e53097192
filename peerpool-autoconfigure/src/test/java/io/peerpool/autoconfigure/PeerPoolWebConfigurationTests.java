package io.peerpool.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;

import io.peerpool.autoconfigure.routing.PeerRoutingAutoConfiguration;
import io.peerpool.autoconfigure.web.PeerPoolWebAutoConfiguration;
import io.peerpool.routing.RouteAnnotationAdvisor;
import io.peerpool.routing.RouteIntent;
import io.peerpool.web.RouteOverrides;

import static org.assertj.core.api.Assertions.assertThat;

/** When the web routing and the annotation advisor are configured, and how bad overrides fail. */
class PeerPoolWebConfigurationTests {

	private static final String P = "spring.datasource.peerpool";

	private final WebApplicationContextRunner web = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PeerPoolWebAutoConfiguration.class, PeerRoutingAutoConfiguration.class))
		.withPropertyValues(P + ".peers.a.url=jdbc:h2:mem:a");

	@Test
	void servletAppWithPeersGetsTheFilterAndTheAdvisor() {
		this.web.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasBean("peerRoutingFilter");
			assertThat(context).hasSingleBean(RouteAnnotationAdvisor.class);
			assertThat(context.getBean(RouteOverrides.class).isEmpty()).isTrue();
		});
	}

	@Test
	void webEnabledFalseTurnsTheFilterOff() {
		this.web.withPropertyValues(P + ".web.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean("peerRoutingFilter");
			assertThat(context).doesNotHaveBean(RouteOverrides.class);
			assertThat(context).hasSingleBean(RouteAnnotationAdvisor.class);
		});
	}

	@Test
	void withoutPeersNothingIsConfigured() {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PeerPoolWebAutoConfiguration.class, PeerRoutingAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).doesNotHaveBean(FilterRegistrationBean.class);
				assertThat(context).doesNotHaveBean(RouteAnnotationAdvisor.class);
			});
	}

	@Test
	void notAServletAppGetsNoFilter() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PeerPoolWebAutoConfiguration.class))
			.withPropertyValues(P + ".peers.a.url=jdbc:h2:mem:a")
			.run((context) -> assertThat(context).doesNotHaveBean("peerRoutingFilter"));
	}

	@Test
	void overridesKeepTheirDeclaredOrder() {
		this.web
			.withPropertyValues(P + ".web.overrides[/admin/public/**]=replica", P + ".web.overrides[/admin/**]=primary",
					P + ".web.overrides[io.peerpool.autoconfigure.PeerPoolWebConfigurationTests#overridesKeepTheirDeclaredOrder]=replica")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				RouteOverrides overrides = context.getBean(RouteOverrides.class);
				assertThat(overrides.match("/admin/public/x", null, null)).isEqualTo(RouteIntent.REPLICA);
				assertThat(overrides.match("/admin/x", null, null)).isEqualTo(RouteIntent.PRIMARY);
				assertThat(overrides.match("/other", null, null)).isNull();
			});
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			unknown class        | com.example.NoSuchController#export                                  | does not exist       | fully qualified name
			unknown method       | io.peerpool.autoconfigure.PeerPoolWebConfigurationTests#noSuchMethod | does not have        | handler method
			neither path nor bean| admin                                                                | neither a path       | Class#method
			bad path pattern     | /reports/{id                                                         | not a valid path     | path pattern
			""")
	void overrideWithAnUnknownTargetFailsStartupWithPropertyAndFix(String title, String target, String problem,
			String fix) {
		this.web.withPropertyValues(P + ".web.overrides[" + target + "]=primary").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new PeerPoolFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).as("failure analysis of " + context.getStartupFailure()).isNotNull();
			assertThat(analysis.getDescription()).contains(P + ".web.overrides[" + target + "]").contains(problem);
			assertThat(analysis.getAction()).contains(fix);
		});
	}

	@Test
	void overrideWithAnUnknownRouteIsABindingError() {
		this.web.withPropertyValues(P + ".web.overrides[/admin/**]=leader").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("leader");
		});
	}

}
