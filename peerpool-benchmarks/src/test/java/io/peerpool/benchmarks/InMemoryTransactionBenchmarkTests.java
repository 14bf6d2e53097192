package io.peerpool.benchmarks;

import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Every system of {@link InMemoryTransactionBenchmark} runs both of its transactions. */
class InMemoryTransactionBenchmarkTests {

	@ParameterizedTest
	@EnumSource(value = BenchmarkSystem.class,
			names = { "H2_HIKARI", "H2_PEERPOOL_REPLAY_NONE", "H2_PEERPOOL_REPLAY_READ_ONLY", "H2_PEERPOOL_REPLAY_ALL" })
	void systemRunsTheReadOnlyAndTheReadWriteTransaction(BenchmarkSystem system) throws Exception {
		InMemoryTransactionBenchmark.Pool pool = new InMemoryTransactionBenchmark.Pool();
		pool.system = system.label();
		pool.start();
		try {
			DataSource dataSource = pool.dataSource;
			assertThat(InMemoryTransactionBenchmark.readOnlyTransaction(dataSource)).isZero();
			int before = InMemoryTransactionBenchmark.readWriteTransaction(dataSource);
			assertThat(InMemoryTransactionBenchmark.readWriteTransaction(dataSource)).as("the update committed")
				.isEqualTo(before + 1);
		}
		finally {
			pool.stop();
		}
	}

}
