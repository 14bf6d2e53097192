package io.peerpool;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * What Boot derives from a pool ({@code DataSourceBuilder.derivedFrom}, as its Flyway and Liquibase
 * auto-configuration do for a migration user of their own): the writer's URL and login, so the
 * derived DataSource reaches the peer that takes writes; no writer, a clear error.
 */
class DerivedDataSourceTests {

	@Test
	void aDerivedDataSourceTakesTheWritersUrlAndItsOwnUser() {
		try (PeerPoolDataSource pool = PeerPoolDataSource.builder("derived")
			.peer("replica", (peer) -> peer.url("jdbc:h2:mem:derived-r").role(PeerRole.REPLICA).username("r"))
			.peer("writer", (peer) -> peer.url("jdbc:h2:mem:derived-w").username("app").password("app-secret"))
			.build()) {
			SimpleDriverDataSource derived = (SimpleDriverDataSource) DataSourceBuilder.derivedFrom(pool)
				.type(SimpleDriverDataSource.class)
				.username("migrator")
				.password("migrator-secret")
				.build();
			assertThat(derived.getUrl()).isEqualTo("jdbc:h2:mem:derived-w");
			assertThat(derived.getUsername()).isEqualTo("migrator");
			assertThat(derived.getPassword()).isEqualTo("migrator-secret");
			assertThat(pool.getUsername()).isEqualTo("app");
			assertThat(pool.getPassword()).as("as a HikariDataSource gives its own").isEqualTo("app-secret");
			assertThat(pool.getDriverClassName()).isNull();
		}
	}

	/**
	 * With several peers taking writes (two declared primaries, round-robin), every getter names the
	 * same one, the first in declared order: the derived DataSource's URL and password belong together.
	 */
	@Test
	void withSeveralWritersEveryGetterNamesTheFirstOne() {
		try (PeerPoolDataSource pool = PeerPoolDataSource.builder("two")
			.balance(io.peerpool.balance.Balance.ROUND_ROBIN)
			.peer("w0", (peer) -> peer.url("jdbc:h2:mem:derived-w0").username("u0").password("p0"))
			.peer("w1", (peer) -> peer.url("jdbc:h2:mem:derived-w1").username("u1").password("p1"))
			.build()) {
			for (int i = 0; i < 3; i++) {
				assertThat(List.of(pool.getUrl(), pool.getUsername(), pool.getPassword()))
					.containsExactly("jdbc:h2:mem:derived-w0", "u0", "p0");
			}
		}
	}

	@Test
	void withoutAWriterTheDerivationFailsNamingThePeers() {
		try (PeerPoolDataSource pool = PeerPoolDataSource.builder("readers")
			.peer("r0", (peer) -> peer.url("jdbc:h2:mem:derived-r0").role(PeerRole.REPLICA))
			.build()) {
			assertThatIllegalStateException().isThrownBy(pool::getUrl)
				.withMessageContaining("No peer of pool 'readers' takes writes now")
				.withMessageContaining("r0");
		}
	}

}
