package io.peerpool;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.peerpool.balance.Balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The builder over in-memory H2 peers: no database process. */
class PeerPoolDataSourceBuilderTests {

	@Test
	void buildStartsAPoolWithTheGivenSettingsAndPeers() throws Exception {
		try (PeerPoolDataSource pool = PeerPoolDataSource.builder("built")
			.peer("a", "jdbc:h2:mem:builder-a", "sa", "")
			.peer("b", (peer) -> peer.url("jdbc:h2:mem:builder-b").username("sa").role(PeerRole.REPLICA).weight(3)
				.hikari("maximum-pool-size", "2"))
			.balance(Balance.WEIGHTED)
			.checkInterval(Duration.ofSeconds(7))
			.acquireTimeout(Duration.ofSeconds(3))
			.probe(PeerProbe.validity())
			// generous: the first H2 connection of a JVM on a busy 2-core machine can take seconds
			.probeTimeout(Duration.ofSeconds(10))
			.connectTimeout(Duration.ofSeconds(10))
			.hikari("maximum-pool-size", "5")
			.build()) {
			assertThat(pool.getName()).isEqualTo("built");
			assertThat(pool.getSettings().balance()).isEqualTo(Balance.WEIGHTED);
			assertThat(pool.getSettings().checkInterval()).isEqualTo(Duration.ofSeconds(7));
			assertThat(pool.getSettings().acquireTimeout()).isEqualTo(Duration.ofSeconds(3));
			assertThat(pool.getSettings().probeInterval()).as("the default").isEqualTo(Duration.ofSeconds(2));
			assertThat(pool.getPeers()).extracting(PeerInfo::name).containsExactly("a", "b");
			assertThat(pool.peer("b").config().weight()).isEqualTo(3);
			assertThat(pool.peer("b").declaredRole()).isEqualTo(PeerRole.REPLICA);
			// a peer's own Hikari setting wins over the pool's
			assertThat(pool.peer("a").pool().getMaximumPoolSize()).isEqualTo(5);
			assertThat(pool.peer("b").pool().getMaximumPoolSize()).isEqualTo(2);
			assertThat(pool.isReadWriteSplit()).isTrue();
			try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
					ResultSet result = statement.executeQuery("SELECT 1")) {
				assertThat(result.next()).isTrue();
			}
		}
	}

	@Test
	void aPeerWithoutUrlIsRefusedWithItsName() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> PeerPoolDataSource.builder("p").peer("nourl", (peer) -> peer.username("sa")))
			.withMessageContaining("'nourl'")
			.withMessageContaining("no url");
	}

	@Test
	void aPoolWithoutPeersIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> PeerPoolDataSource.builder("empty").build())
			.withMessageContaining("'empty' has no peers");
	}

	@Test
	void invalidDurationsAreRefusedWithThePropertyName() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> PeerPoolDataSource.builder("bad").acquireTimeout(Duration.ZERO).toSettings())
			.withMessageContaining("acquire-timeout");
	}

}
