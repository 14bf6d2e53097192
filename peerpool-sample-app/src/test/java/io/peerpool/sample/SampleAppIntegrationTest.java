package io.peerpool.sample;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

/**
 * The sample app on a random port with its embedded cluster and short failure detection. Every
 * test class uses the same properties, so they share one application context and one cluster.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.datasource.peerpool.check-interval=1s", "spring.datasource.peerpool.probe-interval=500ms",
				"spring.datasource.peerpool.probe-timeout=1s", "spring.datasource.peerpool.connect-timeout=1s" })
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@interface SampleAppIntegrationTest {

}
