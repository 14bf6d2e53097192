package io.peerpool.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.peerpool.PeerPoolDataSource;
import io.peerpool.PeerPoolSettings;
import io.peerpool.PeerPoolSettings.TransactionReplay;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code transaction-replay} and {@code transaction-replay-limit.*} bind at the top level and per
 * pool, default to read-only, 64 statements and 1 MB, and a negative limit stops startup naming the
 * property.
 */
class PeerPoolTransactionReplayConfigurationTests {

	private static final String P = "spring.datasource.peerpool";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PeerPoolAutoConfiguration.class, DataSourceAutoConfiguration.class));

	@Test
	void readOnlyWithinSixtyFourStatementsAndOneMegabyteByDefault() {
		this.runner.withPropertyValues(P + ".peers.a.url=jdbc:h2:mem:replay-default").run((context) -> {
			PeerPoolSettings settings = context.getBean(PeerPoolDataSource.class).getSettings();
			assertThat(settings.transactionReplay()).isEqualTo(TransactionReplay.READ_ONLY);
			assertThat(settings.transactionReplayLimitStatements()).isEqualTo(64);
			assertThat(settings.transactionReplayLimitBytes()).isEqualTo(1024 * 1024);
		});
	}

	@Test
	void bindsAtTheTopLevelAndPerPool() {
		this.runner
			.withPropertyValues(P + ".transaction-replay=all", P + ".transaction-replay-limit.statements=10",
					P + ".pools.main.primary=true", P + ".pools.main.peers.a.url=jdbc:h2:mem:replay-main",
					P + ".pools.other.transaction-replay=none", P + ".pools.other.transaction-replay-limit.bytes=64KB",
					P + ".pools.other.peers.b.url=jdbc:h2:mem:replay-other")
			.run((context) -> {
				PeerPoolSettings main = context.getBean("main", PeerPoolDataSource.class).getSettings();
				assertThat(main.transactionReplay()).isEqualTo(TransactionReplay.ALL);
				assertThat(main.transactionReplayLimitStatements()).isEqualTo(10);
				assertThat(main.transactionReplayLimitBytes()).isEqualTo(1024 * 1024);
				PeerPoolSettings other = context.getBean("other", PeerPoolDataSource.class).getSettings();
				assertThat(other.transactionReplay()).isEqualTo(TransactionReplay.NONE);
				assertThat(other.transactionReplayLimitStatements()).as("inherited").isEqualTo(10);
				assertThat(other.transactionReplayLimitBytes()).isEqualTo(64 * 1024);
			});
	}

	@Test
	void aNegativeLimitStopsStartupNamingTheProperty() {
		this.runner
			.withPropertyValues(P + ".pools.main.transaction-replay-limit.statements=-1",
					P + ".pools.main.peers.a.url=jdbc:h2:mem:replay-bad")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure())
					.hasStackTraceContaining(P + ".pools.main.transaction-replay-limit.statements");
			});
	}

}
