package io.peerpool.dialect;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.peerpool.PeerProbe;
import io.peerpool.ProbeResult;

/**
 * peerpool's probe: the connection is valid, and by product (see {@link Dialect}) what routing
 * needs to know: read-only or not, whether the server replicates, its replication position, the
 * server's own lag figure where the user may see it; on a Galera node its readiness.
 *
 * <p>No privilege beyond the application's own is needed: the lag is measured by position
 * against the pool's primary when the server's own figure is denied. A denied statement is not
 * sent again for {@link #DENIED_RETRY}: each denial is an error in the server's log and a WARN
 * of the driver.
 */
public class DefaultPeerProbe implements PeerProbe {

	/** How long a server that denied its lag figure is not asked for it again (a grant may come). */
	static final Duration DENIED_RETRY = Duration.ofMinutes(5);

	/** By connection URL: until when the server's lag figure is not asked for. */
	private final Map<String, Long> deniedUntil = new ConcurrentHashMap<>();

	/**
	 * {@link #probe} and, on a Galera node, a causal read. Only for a peer coming back: while
	 * another node of the cluster is frozen and not yet evicted, a causal read blocks on
	 * <em>every</em> node, and the healthy ones must stay UP meanwhile.
	 */
	@Override
	public ProbeResult probeRecovering(Connection connection, Duration timeout) throws SQLException {
		return check(connection, timeout, true);
	}

	@Override
	public ProbeResult probe(Connection connection, Duration timeout) throws SQLException {
		return check(connection, timeout, false);
	}

	private ProbeResult check(Connection connection, Duration timeout, boolean recovering) throws SQLException {
		int seconds = (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
		if (!connection.isValid(seconds)) {
			// drivers swallow why (PgJDBC): a connection broken under the check, as a proxy resetting every
			// connection does, fails the next statement with the driver's own error, which is classified like
			// any other (a lost connection is confirmed by a new probe, a hung server times out)
			try (java.sql.Statement statement = connection.createStatement()) {
				statement.execute("SELECT 1");
			}
			return ProbeResult.unhealthy("connection is not valid");
		}
		String url = String.valueOf(connection.getMetaData().getURL());
		Long until = this.deniedUntil.get(url);
		boolean askServerLag = until == null || System.nanoTime() - until > 0;
		ProbeResult result = Dialect.of(connection).probe(connection, recovering, askServerLag);
		if (askServerLag && result.replication() != null && result.replication().lagUnavailable() != null) {
			this.deniedUntil.put(url, System.nanoTime() + DENIED_RETRY.toNanos());
		}
		else if (askServerLag && until != null) {
			this.deniedUntil.remove(url);
		}
		return result;
	}

}
