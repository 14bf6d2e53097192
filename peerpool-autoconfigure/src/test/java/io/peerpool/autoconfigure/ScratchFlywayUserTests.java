package io.peerpool.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class ScratchFlywayUserTests {

	@Test
	void scratch() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PeerPoolAutoConfiguration.class, DataSourceAutoConfiguration.class,
					FlywayAutoConfiguration.class))
			.withPropertyValues("spring.datasource.peerpool.peers.a.url=jdbc:h2:mem:fw-a;DB_CLOSE_DELAY=-1",
					"spring.datasource.peerpool.peers.a.username=sa",
					"spring.flyway.enabled=true", "spring.flyway.locations=classpath:db/scratch",
					"spring.flyway.user=sa", "spring.flyway.password=")
			.run((context) -> {
				System.out.println("SCRATCH failure=" + context.getStartupFailure());
				Throwable t = context.getStartupFailure();
				while (t != null && t.getCause() != null) { t = t.getCause(); }
				System.out.println("SCRATCH root=" + t);
			});
	}

}
