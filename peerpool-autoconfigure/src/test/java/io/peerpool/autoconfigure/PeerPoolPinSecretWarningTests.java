package io.peerpool.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.peerpool.autoconfigure.web.PeerPoolWebAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/** A fleet of instances needs one pin secret: a generated one is worth a WARN at startup. */
@ExtendWith(OutputCaptureExtension.class)
class PeerPoolPinSecretWarningTests {

	private static final String P = "spring.datasource.peerpool";

	private final WebApplicationContextRunner web = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PeerPoolWebAutoConfiguration.class))
		.withPropertyValues(P + ".peers.a.url=jdbc:h2:mem:a");

	@Test
	void webRoutingWithAGeneratedSecretWarnsThatPinsOnlyHoldOnThisInstanceAndHowToSetOne(CapturedOutput output) {
		this.web.run((context) -> {
			assertThat(context).hasNotFailed().hasBean("peerRoutingFilter");
			assertThat(output).containsPattern("WARN.*generated pin secret")
				.contains("read-your-writes across requests only holds on this instance")
				.contains("Set spring.datasource.peerpool.web.pin-cookie.secret")
				.contains("SPRING_DATASOURCE_PEERPOOL_WEB_PINCOOKIE_SECRET");
		});
	}

	@Test
	void aConfiguredSecretIsNotWarnedAbout(CapturedOutput output) {
		this.web.withPropertyValues(P + ".web.pin-cookie.secret=one-secret-for-every-instance-of-the-app")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasBean("peerRoutingFilter");
				assertThat(output).doesNotContain("generated pin secret");
			});
	}

	@Test
	void withoutWebRoutingThereIsNothingToWarnAbout(CapturedOutput output) {
		this.web.withPropertyValues(P + ".web.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean("peerRoutingFilter");
			assertThat(output).doesNotContain("generated pin secret");
		});
	}

}
