package io.peerpool.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.peerpool.PeerPoolDataSource;
import io.peerpool.PeerPoolSettings.UnknownLag;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code unknown-lag} binds at the top level and per pool, and defaults to exclude. */
class PeerPoolUnknownLagConfigurationTests {

	private static final String P = "spring.datasource.peerpool";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PeerPoolAutoConfiguration.class, DataSourceAutoConfiguration.class));

	@Test
	void excludesByDefault() {
		this.runner.withPropertyValues(P + ".peers.a.url=jdbc:h2:mem:lag-default").run((context) -> assertThat(
				context.getBean(PeerPoolDataSource.class).getSettings().unknownLag()).isEqualTo(UnknownLag.EXCLUDE));
	}

	@Test
	void bindsAtTheTopLevelAndPerPool() {
		this.runner
			.withPropertyValues(P + ".unknown-lag=include", P + ".pools.main.primary=true",
					P + ".pools.main.peers.a.url=jdbc:h2:mem:lag-main", P + ".pools.other.unknown-lag=exclude",
					P + ".pools.other.peers.b.url=jdbc:h2:mem:lag-other")
			.run((context) -> {
				assertThat(context.getBean("main", PeerPoolDataSource.class).getSettings().unknownLag())
					.isEqualTo(UnknownLag.INCLUDE);
				assertThat(context.getBean("other", PeerPoolDataSource.class).getSettings().unknownLag())
					.isEqualTo(UnknownLag.EXCLUDE);
			});
	}

	@Test
	void anUnknownValueIsABindingError() {
		this.runner.withPropertyValues(P + ".unknown-lag=maybe", P + ".peers.a.url=jdbc:h2:mem:lag-bad").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("maybe");
		});
	}

}
