package io.peerpool.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

import io.peerpool.PeerPoolSettings;

/**
 * A pool as a connection sees it, for unit tests of the JDBC layer without servers: pool
 * {@code stub} with default settings, in which no failure is a peer's. Subclasses say where a
 * physical connection comes from.
 */
abstract class StubAcquirer implements PeerAcquirer {

	private final boolean readWriteSplit;

	StubAcquirer(boolean readWriteSplit) {
		this.readWriteSplit = readWriteSplit;
	}

	@Override
	public String poolName() {
		return "stub";
	}

	@Override
	public PeerPoolSettings settings() {
		return PeerPoolSettings.defaults("stub");
	}

	@Override
	public boolean isReadWriteSplit() {
		return this.readWriteSplit;
	}

	@Override
	public boolean reportIfPeerFailure(io.peerpool.peer.Peer peer, SQLException failure) {
		return false;
	}

	@Override
	public void confirmRole(io.peerpool.peer.Peer peer) {
	}

	@Override
	public abstract Connection acquire(PeerConnection connection, boolean readIntent, long excluded)
			throws SQLException;

}
