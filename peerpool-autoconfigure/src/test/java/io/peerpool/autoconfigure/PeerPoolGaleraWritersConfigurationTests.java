package io.peerpool.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.peerpool.PeerPoolDataSource;
import io.peerpool.PeerPoolSettings.GaleraWriters;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code galera-writers} binds at the top level and per pool, and defaults to one. */
class PeerPoolGaleraWritersConfigurationTests {

	private static final String P = "spring.datasource.peerpool";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PeerPoolAutoConfiguration.class, DataSourceAutoConfiguration.class));

	@Test
	void oneByDefault() {
		this.runner.withPropertyValues(P + ".peers.a.url=jdbc:h2:mem:galera-default").run((context) -> assertThat(
				context.getBean(PeerPoolDataSource.class).getSettings().galeraWriters()).isEqualTo(GaleraWriters.ONE));
	}

	@Test
	void bindsAtTheTopLevelAndPerPool() {
		this.runner
			.withPropertyValues(P + ".galera-writers=all", P + ".pools.main.primary=true",
					P + ".pools.main.peers.a.url=jdbc:h2:mem:galera-main", P + ".pools.other.galera-writers=one",
					P + ".pools.other.peers.b.url=jdbc:h2:mem:galera-other")
			.run((context) -> {
				assertThat(context.getBean("main", PeerPoolDataSource.class).getSettings().galeraWriters())
					.isEqualTo(GaleraWriters.ALL);
				assertThat(context.getBean("other", PeerPoolDataSource.class).getSettings().galeraWriters())
					.isEqualTo(GaleraWriters.ONE);
			});
	}

	@Test
	void anUnknownValueIsABindingError() {
		this.runner.withPropertyValues(P + ".galera-writers=two", P + ".peers.a.url=jdbc:h2:mem:galera-bad")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("two");
			});
	}

}
