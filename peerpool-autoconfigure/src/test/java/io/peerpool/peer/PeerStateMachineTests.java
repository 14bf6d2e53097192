package io.peerpool.peer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import io.peerpool.PeerPoolSettings.PeerConfig;
import io.peerpool.PeerRole;
import io.peerpool.PeerState;
import io.peerpool.failure.FailureReason;
import io.peerpool.connect.BoundedConnectDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The peer's UP/DOWN transitions with a clock the test moves. */
class PeerStateMachineTests {

	static final class MovableClock extends Clock {

		Instant now = Instant.parse("2026-01-01T00:00:00Z");

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

	}

	private final MovableClock clock = new MovableClock();

	private final List<String> transitions = new ArrayList<>();

	private final List<HikariDataSource> pools = new ArrayList<>();

	private Peer newPeer() {
		PeerConfig config = new PeerConfig("pool", "peer0", "jdbc:h2:mem:sm", "sa", "s3cret", null, PeerRole.PRIMARY,
				1, Duration.ofSeconds(1), Map.of());
		BoundedConnectDataSource connector = new BoundedConnectDataSource(config.url(), null, new Properties(), "sa",
				"s3cret", Duration.ofSeconds(1));
		return new Peer(config, 0, connector, (peer) -> {
			HikariDataSource pool = new HikariDataSource();
			this.pools.add(pool);
			return pool;
		}, this.clock, (peer, previous, current) -> this.transitions.add(previous.state() + "->" + current.state()));
	}

	@Test
	void failureTakesThePeerDownOnceAndRetiresItsPool() {
		Peer peer = newPeer();
		peer.start();
		HikariDataSource firstPool = peer.pool();
		HikariDataSource retired = peer.markDown(FailureReason.CONNECT, "refused", Duration.ofSeconds(30));
		assertThat(retired).isSameAs(firstPool);
		assertThat(peer.pool()).isNull();
		assertThat(peer.state()).isEqualTo(PeerState.DOWN);
		assertThat(peer.isRoutable()).isFalse();
		assertThat(peer.status().retryAt()).isEqualTo(this.clock.now.plusSeconds(30));
		assertThat(peer.markDown(FailureReason.CONNECT, "again", Duration.ofSeconds(30)))
			.as("a second failure retires nothing")
			.isNull();
		assertThat(this.transitions).containsExactly("UP->DOWN");
	}

	@Test
	void downPeerKeepsItsFirstSinceAndIsDueForRetryOnlyAfterTheCheckInterval() {
		Peer peer = newPeer();
		peer.start();
		Instant downAt = this.clock.now;
		peer.markDown(FailureReason.TIMEOUT, "probe timed out", Duration.ofSeconds(30));
		assertThat(peer.isDueForRetry()).isFalse();
		this.clock.now = this.clock.now.plusSeconds(10);
		peer.markDown(FailureReason.CONNECT, "refused", Duration.ofSeconds(30));
		assertThat(peer.status().since()).isEqualTo(downAt);
		assertThat(peer.status().lastError()).isEqualTo("refused");
		assertThat(peer.untilRetry()).isEqualTo(Duration.ofSeconds(30));
		this.clock.now = this.clock.now.plusSeconds(30);
		assertThat(peer.isDueForRetry()).isTrue();
		assertThat(peer.untilRetry()).isZero();
	}

	@Test
	void recoveryBringsAFreshPoolAndKeepsTheLastErrorVisible() {
		Peer peer = newPeer();
		peer.start();
		peer.markDown(FailureReason.CONNECT, "refused", Duration.ofSeconds(30));
		this.clock.now = this.clock.now.plusSeconds(31);
		assertThat(peer.markUp()).isTrue();
		assertThat(peer.markUp()).as("already up").isFalse();
		assertThat(peer.state()).isEqualTo(PeerState.UP);
		assertThat(peer.pool()).isNotNull().isNotSameAs(this.pools.get(0));
		assertThat(peer.status().lastError()).isEqualTo("refused");
		assertThat(peer.status().since()).isEqualTo(this.clock.now);
		assertThat(this.transitions).containsExactly("UP->DOWN", "DOWN->UP");
	}

	@Test
	void passwordNeverAppearsInTheRecordedError() {
		Peer peer = newPeer();
		peer.markDown(FailureReason.AUTH, "Access denied for user 'sa' using password s3cret", Duration.ofSeconds(1));
		assertThat(peer.status().lastError()).doesNotContain("s3cret");
		assertThat(peer.config().toString()).doesNotContain("s3cret");
	}

	@Test
	void drainIsKeptApartFromHealth() {
		Peer peer = newPeer();
		peer.start();
		peer.drain();
		assertThat(peer.displayState()).isEqualTo(PeerState.DRAINED);
		assertThat(peer.isRoutable()).isFalse();
		peer.markDown(FailureReason.CONNECT, "refused", Duration.ofSeconds(1));
		assertThat(peer.displayState()).isEqualTo(PeerState.DOWN);
		this.clock.now = this.clock.now.plusSeconds(2);
		peer.markUp();
		assertThat(peer.displayState()).as("still drained after recovery").isEqualTo(PeerState.DRAINED);
		peer.resume();
		assertThat(peer.isRoutable()).isTrue();
	}

}
