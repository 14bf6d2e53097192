package io.peerpool;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import io.peerpool.dialect.DefaultPeerProbe;

/**
 * Checks one peer over a new physical connection (never one borrowed from the peer's pool, so it
 * sees what the next new connection would see). Declare a bean of this type to replace the
 * default check; throw or return an unhealthy result to mark the peer DOWN.
 */
@FunctionalInterface
public interface PeerProbe {

	/**
	 * Probes a peer. While its server refuses new connections at its connection limit, an UP peer
	 * is probed on one of its pool's connections instead, which goes back to the pool afterwards:
	 * a probe must leave the session as it found it (HikariCP resets only the JDBC settings).
	 * @param connection a new connection to the peer (or one of its pool's), closed by the caller
	 * @param timeout how long the probe may take in all
	 * @return the outcome
	 * @throws SQLException when the peer cannot serve; the exception is classified like any other
	 */
	ProbeResult probe(Connection connection, Duration timeout) throws SQLException;

	/**
	 * Probes a peer that is DOWN, before it is taken back. A server that comes back can look
	 * healthy before it is (a Galera node waking up from a freeze reports Synced for seconds after
	 * the others evicted it): this is the place for checks that are too strict or too costly for
	 * every probe of a healthy peer. The default is {@link #probe(Connection, Duration)}.
	 * @param connection a new connection to the peer, closed by the caller
	 * @param timeout how long the probe may take in all
	 * @return the outcome
	 * @throws SQLException when the peer cannot serve yet; the exception is classified like any other
	 */
	default ProbeResult probeRecovering(Connection connection, Duration timeout) throws SQLException {
		return probe(connection, timeout);
	}

	/** peerpool's default probe: validity, read-only, replica lag, Galera readiness. */
	static PeerProbe standard() {
		return new DefaultPeerProbe();
	}

	/** Only {@link Connection#isValid(int)}: for products peerpool knows nothing about. */
	static PeerProbe validity() {
		return (connection, timeout) -> {
			int seconds = (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
			return connection.isValid(seconds) ? ProbeResult.ok()
					: ProbeResult.unhealthy("connection is not valid");
		};
	}

}
