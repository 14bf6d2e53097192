package io.peerpool.autoconfigure.endpoint;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.peerpool.autoconfigure.PeerPoolAutoConfiguration;
import io.peerpool.actuate.PeerPoolEndpoint.PeerDescriptor;
import io.peerpool.actuate.PeerPoolEndpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The endpoint bean and its operations with two pools, without servers or HTTP. */
class PeerPoolEndpointAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PeerPoolAutoConfiguration.class, EndpointAutoConfiguration.class,
				PeerPoolEndpointAutoConfiguration.class))
		.withPropertyValues("spring.datasource.peerpool.pools.main.primary=true",
				"spring.datasource.peerpool.pools.main.peers.a.url=jdbc:mariadb://127.0.0.1:1/app",
				"spring.datasource.peerpool.pools.users.peers.b.url=jdbc:mariadb://127.0.0.1:2/app",
				"spring.datasource.peerpool.check-interval=1h");

	@Test
	void notAvailableUnlessExposed() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(PeerPoolEndpoint.class));
	}

	@Test
	void listsEveryPoolAndDrainsAPeer() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=peerpool").run((context) -> {
			PeerPoolEndpoint endpoint = context.getBean(PeerPoolEndpoint.class);
			assertThat(endpoint.pools().pools()).extracting(PeerPoolEndpoint.PoolDescriptor::name)
				.containsExactly("main", "users");
			assertThat(endpoint.pool("users").peers()).extracting(PeerDescriptor::name).containsExactly("b");
			assertThat(endpoint.pool("nosuchpool")).isNull();
			assertThat(endpoint.peerAction("users", "b", "DRAIN").state()).isIn("DRAINED", "DOWN");
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.peerAction("users", "a", "drain"))
				.withMessageContaining("no peer 'a'");
		});
	}

}
