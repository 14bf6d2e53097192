package io.peerpool.benchmarks;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openjdk.jmh.annotations.Benchmark;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * JMH's annotation processor ran: every {@code @Benchmark} method has its generated class. A
 * compiler that runs no annotation processor unless asked (javac 23 and later) builds a jar that
 * compiles and starts but holds no benchmark ("No matching benchmarks"), which only a run finds.
 */
class GeneratedBenchmarksTests {

	@ParameterizedTest
	@ValueSource(classes = { ConnectionBenchmark.class, InMemoryConnectionBenchmark.class,
			InMemoryTransactionBenchmark.class })
	void everyBenchmarkMethodHasItsGeneratedClass(Class<?> benchmark) {
		List<String> methods = Arrays.stream(benchmark.getDeclaredMethods())
			.filter((method) -> method.isAnnotationPresent(Benchmark.class))
			.map(Method::getName)
			.toList();
		assertThat(methods).isNotEmpty();
		for (String method : methods) {
			String generated = benchmark.getPackageName() + ".jmh_generated." + benchmark.getSimpleName() + "_" + method
					+ "_jmhTest";
			assertThat(getClass().getClassLoader().getResource(generated.replace('.', '/') + ".class"))
				.as("JMH's generated %s", generated)
				.isNotNull();
		}
		assertThat(getClass().getClassLoader().getResource("META-INF/BenchmarkList")).isNotNull();
	}

}
