package io.peerpool.benchmarks;

import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Both in-memory systems of {@link InMemoryConnectionBenchmark} serve the benchmark's query. */
class InMemoryConnectionBenchmarkTests {

	@ParameterizedTest
	@EnumSource(value = BenchmarkSystem.class, names = { "H2_HIKARI", "H2_PEERPOOL" })
	void systemServesSelectOne(BenchmarkSystem system) throws Exception {
		DataSource dataSource = system.create(List.of(), BenchmarkSystem.Timings.fast());
		try {
			assertThat(ConnectionBenchmark.selectOne(dataSource)).isEqualTo(1);
		}
		finally {
			BenchmarkSystem.close(dataSource);
		}
	}

}
