package io.peerpool.peer;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.peerpool.PeerPoolSettings.PeerConfig;
import io.peerpool.PeerProbe;
import io.peerpool.PeerRole;
import io.peerpool.PeerState;
import io.peerpool.ProbeResult;
import io.peerpool.connect.BoundedConnectDataSource;
import io.peerpool.failure.DefaultPeerFailureClassifier;
import io.peerpool.failure.FailureReason;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.awaitility.Awaitility.await;

/** Probes and shutdown: one probe per peer at a time, and nothing happens to a closed pool. */
class PeerMonitorLifecycleTests {

	private final CountDownLatch release = new CountDownLatch(1);

	private final AtomicInteger poolsCreated = new AtomicInteger();

	private PeerMonitor monitor;

	@AfterEach
	void close() {
		this.release.countDown();
		if (this.monitor != null) {
			this.monitor.close();
		}
	}

	/** A probe that does not answer until the test releases it; interrupts do not stop it (as a driver stuck in I/O). */
	private final PeerProbe hungProbe = (connection, timeout) -> {
		boolean interrupted = false;
		while (true) {
			try {
				this.release.await();
				break;
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
		return ProbeResult.ok();
	};

	private Peer newPeer() {
		PeerConfig config = new PeerConfig("pool", "peer0", "jdbc:h2:mem:lifecycle", "sa", "", null, PeerRole.PRIMARY,
				1, Duration.ofMillis(100), Map.of());
		BoundedConnectDataSource connector = new BoundedConnectDataSource(config.url(), null, new Properties(), "sa", "",
				Duration.ofMillis(100));
		return new Peer(config, 0, connector, (peer) -> {
			this.poolsCreated.incrementAndGet();
			return new HikariDataSource();
		}, Clock.systemUTC(), (peer, previous, current) -> {
		});
	}

	private PeerMonitor newMonitor(PeerProbe probe) {
		return newMonitor(probe, Duration.ofMillis(100));
	}

	private PeerMonitor newMonitor(PeerProbe probe, Duration probeTimeout) {
		this.monitor = new PeerMonitor("pool", probe, new DefaultPeerFailureClassifier(), Duration.ZERO, probeTimeout,
				Duration.ofMillis(1), Duration.ofSeconds(10));
		return this.monitor;
	}

	@Test
	void aTimedOutProbeThatStillRunsKeepsTheNextOneFromStarting() throws Exception {
		Peer peer = newPeer();
		peer.start();
		PeerMonitor monitor = newMonitor(this.hungProbe);

		monitor.probeNow(peer).get(10, TimeUnit.SECONDS);
		assertThat(peer.state()).as("a probe past its bound is a failure").isEqualTo(PeerState.DOWN);
		assertThat(peer.tryStartProbe()).as("a second probe while the hung one runs").isFalse();

		this.release.countDown();
		await().atMost(Duration.ofSeconds(10)).until(peer::tryStartProbe);
		peer.probeFinished();
	}

	@Test
	void markDownAfterCloseNeitherThrowsNorSchedules() {
		Peer peer = newPeer();
		peer.start();
		PeerMonitor monitor = newMonitor(PeerProbe.validity());
		monitor.close();

		assertThatNoException().isThrownBy(() -> monitor.markDown(peer, FailureReason.CONNECT, "refused"));
		assertThatNoException().isThrownBy(() -> monitor.confirm(peer));
	}

	@Test
	void aProbeThatEndsAfterCloseCreatesNoPool() throws Exception {
		Peer peer = newPeer();
		peer.markDown(FailureReason.CONNECT, "refused", Duration.ZERO);
		// the probe answers within its bound, but only after the pool is closed
		PeerMonitor monitor = newMonitor(this.hungProbe, Duration.ofSeconds(30));
		var probe = monitor.probeNow(peer);
		await().atMost(Duration.ofSeconds(10)).until(() -> !peer.tryStartProbe());

		monitor.close();
		assertThat(peer.shutdown()).isNull();
		this.release.countDown();
		probe.get(10, TimeUnit.SECONDS);

		assertThat(peer.markUp()).as("markUp after shutdown").isFalse();
		assertThat(peer.pool()).isNull();
		assertThat(this.poolsCreated).as("pools created after shutdown").hasValue(0);
	}

}
