package io.peerpool.peer;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.peerpool.PeerPoolSettings.PeerConfig;
import io.peerpool.PeerProbe;
import io.peerpool.PeerRole;
import io.peerpool.PeerState;
import io.peerpool.ProbeResult;
import io.peerpool.connect.BoundedConnectDataSource;
import io.peerpool.failure.DefaultPeerFailureClassifier;
import io.peerpool.failure.FailureReason;
import io.peerpool.peer.PeerStateMachineTests.MovableClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The monitor's side of a server at its connection limit, without a database process: the
 * probe's connector is a driver that refuses as MariaDB does ("Too many connections", 1040) while
 * the peer's pool (in-memory H2) keeps its connections. An UP peer is probed on one of the pool's
 * connections and stays UP; with none free it stays UP unprobed; a DOWN peer stays DOWN.
 */
class PeerMonitorConnectionLimitTests {

	private static final String REFUSING_URL = "jdbc:refusing:limit";

	private static final String H2_URL = "jdbc:h2:mem:limit;DB_CLOSE_DELAY=-1";

	/** Whether {@link RefusingDriver} refuses new connections now. */
	private static volatile boolean refusing;

	private final AtomicInteger probes = new AtomicInteger();

	private final PeerProbe probe = new PeerProbe() {

		@Override
		public ProbeResult probe(Connection connection, Duration timeout) {
			PeerMonitorConnectionLimitTests.this.probes.incrementAndGet();
			return ProbeResult.ok();
		}

	};

	// probe-interval 0: only the test triggers probes; probe-timeout 300 ms bounds the wait for a pooled connection
	private final PeerMonitor monitor = new PeerMonitor("pool", this.probe, new DefaultPeerFailureClassifier(),
			Duration.ZERO, Duration.ofMillis(300), Duration.ofSeconds(30), Duration.ofSeconds(10));

	private final Peer peer = newPeer();

	@BeforeAll
	static void registerDriver() throws SQLException {
		DriverManager.registerDriver(new RefusingDriver());
	}

	@AfterEach
	void close() {
		refusing = false;
		this.monitor.close();
		HikariDataSource pool = this.peer.shutdown();
		if (pool != null) {
			pool.close();
		}
	}

	private Peer newPeer() {
		PeerConfig config = new PeerConfig("pool", "peer0", REFUSING_URL, "sa", "", null, PeerRole.PRIMARY, 1,
				Duration.ofSeconds(1), Map.of());
		BoundedConnectDataSource connector = new BoundedConnectDataSource(REFUSING_URL, null, new Properties(), "sa", "",
				Duration.ofSeconds(1));
		Peer created = new Peer(config, 0, connector, (p) -> {
			HikariDataSource pool = new HikariDataSource();
			pool.setJdbcUrl(H2_URL);
			pool.setUsername("sa");
			pool.setMaximumPoolSize(1);
			pool.setMinimumIdle(0);
			return pool;
		}, new MovableClock(), (p, previous, current) -> {
		});
		created.start();
		return created;
	}

	private void probe() throws Exception {
		this.monitor.probeNow(this.peer).get(5, TimeUnit.SECONDS);
	}

	@Test
	void anUpPeerWhoseServerRefusesTheProbeAConnectionAtItsLimitIsProbedOnAPooledOneAndStaysUp() throws Exception {
		refusing = true;
		probe();
		assertThat(this.probes).as("the probe ran, on the pool's connection").hasValue(1);
		assertThat(this.peer.state()).isEqualTo(PeerState.UP);
		assertThat(this.peer.info().refusingConnections()).contains("Too many connections");
		assertThat(this.peer.activeConnections()).as("the pooled connection went back").isZero();
		assertThat(this.peer.routedConnections()).as("a probe is not routed work").isZero();
		refusing = false;
		probe();
		assertThat(this.probes).hasValue(2);
		assertThat(this.peer.info().refusingConnections()).as("new connections are accepted again").isNull();
	}

	@Test
	void anUpPeerWhosePooledConnectionsAreAllInUseStaysUpUnprobed() throws Exception {
		Connection inUse = this.peer.borrow(1000, 1000);
		try {
			refusing = true;
			probe();
			assertThat(this.probes).as("no connection to probe on").hasValue(0);
			assertThat(this.peer.state()).isEqualTo(PeerState.UP);
			assertThat(this.peer.info().refusingConnections()).contains("Too many connections");
		}
		finally {
			this.peer.release(inUse);
		}
	}

	@Test
	void aDownPeerWhoseServerRefusesConnectionsAtItsLimitStaysDown() throws Exception {
		this.monitor.markDown(this.peer, FailureReason.CONNECT, "refused");
		refusing = true;
		probe();
		assertThat(this.probes).hasValue(0);
		assertThat(this.peer.state()).isEqualTo(PeerState.DOWN);
		assertThat(this.peer.status().lastError()).contains("Too many connections");
		assertThat(this.peer.info().refusingConnections()).as("shown on an UP peer only").isNull();
	}

	/** Refuses as MariaDB at {@code max_connections} while {@link #refusing}, else opens H2. */
	private static final class RefusingDriver implements Driver {

		@Override
		public Connection connect(String url, Properties info) throws SQLException {
			if (!acceptsURL(url)) {
				return null;
			}
			if (refusing) {
				throw new SQLNonTransientConnectionException("(conn=7) Too many connections", "08004", 1040);
			}
			return DriverManager.getConnection(H2_URL, "sa", "");
		}

		@Override
		public boolean acceptsURL(String url) {
			return url != null && url.startsWith(REFUSING_URL);
		}

		@Override
		public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
			return new DriverPropertyInfo[0];
		}

		@Override
		public int getMajorVersion() {
			return 1;
		}

		@Override
		public int getMinorVersion() {
			return 0;
		}

		@Override
		public boolean jdbcCompliant() {
			return false;
		}

		@Override
		public Logger getParentLogger() {
			return Logger.getGlobal();
		}

	}

}
