package io.peerpool.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

import org.jspecify.annotations.Nullable;

import io.peerpool.PeerPoolSettings;
import io.peerpool.PeerRole;
import io.peerpool.ReadYourWrites;
import io.peerpool.dialect.ReplicaCatchUp;
import io.peerpool.peer.Peer;
import io.peerpool.routing.PeerRouting;

/**
 * Read-your-writes by position: where the client's last write is on the peer that took it, and
 * whether the peer a later borrow takes has applied it yet. The position is the client's routing
 * token ({@link PeerRouting#recordWriteToken}), which the pin cookie carries to its next requests.
 * Two cases: {@code read-your-writes: gtid}, where a replica serves the client's reads once it has
 * applied the position; and a Galera pool whose every node takes writes ({@code galera-writers: all})
 * with {@code pin} or {@code gtid}, where any borrow may take another node than the write did,
 * which commits the write a moment after the write's own commit returned. A thread that writes
 * outside any request keeps its position for {@link PeerAcquirer#pinHold()}.
 */
final class WritePosition {

	private WritePosition() {
	}

	/**
	 * Whether {@code physical}, just taken on {@code peer}, has applied the client's last write,
	 * waiting at most {@code probe-timeout}. Always true without a position, and for a primary but
	 * a node of a Galera pool whose every node takes writes.
	 * @param read whether the connection was taken to read from a replica
	 */
	static boolean isApplied(PeerAcquirer pool, @Nullable Peer peer, Connection physical, boolean read)
			throws SQLException {
		if (peer == null || !mayLag(pool, peer, read)) {
			return true;
		}
		String token = PeerRouting.clientWriteToken(pool.poolName());
		if (token == null) {
			return true;
		}
		return ReplicaCatchUp.hasApplied(physical, peer.server(), peer.isSynchronous(), token,
				pool.settings().probeTimeout());
	}

	/** Whether {@code peer} may not have applied what the client wrote elsewhere: the cases of the class comment. */
	private static boolean mayLag(PeerAcquirer pool, Peer peer, boolean read) {
		PeerPoolSettings settings = pool.settings();
		if (settings.readYourWrites() != ReadYourWrites.NONE && everyNodeWrites(settings, peer)) {
			return true;
		}
		return read && settings.readYourWrites() == ReadYourWrites.GTID && pool.servedAs(peer) == PeerRole.REPLICA;
	}

	/** Whether {@code peer} is a node of a Galera pool whose every node takes writes ({@code galera-writers: all}). */
	private static boolean everyNodeWrites(PeerPoolSettings settings, Peer peer) {
		return settings.galeraWriters() == PeerPoolSettings.GaleraWriters.ALL && peer.isSynchronous();
	}

	/** After a write committed on {@code peer}: remembers where the write is for the client's next borrows. */
	static void remember(PeerAcquirer pool, @Nullable Peer peer, @Nullable Connection physical) {
		if (physical == null || peer == null || !positionNeeded(pool, peer)) {
			return;
		}
		try {
			String position = ReplicaCatchUp.positionAfterWrite(physical, peer.server(), peer.isSynchronous());
			if (position != null && !PeerRouting.recordWriteToken(pool.poolName(), position)) {
				// outside any request: the thread's later borrows wait for it where they may not find it yet
				PeerRouting.recordThreadWriteToken(pool.poolName(), position, pool.pinHold());
			}
		}
		catch (SQLException ex) {
			// without a position the client's next reads are pinned instead (see PeerConnection.wantsReplica)
		}
	}

	private static boolean positionNeeded(PeerAcquirer pool, Peer peer) {
		PeerPoolSettings settings = pool.settings();
		if (settings.readYourWrites() == ReadYourWrites.NONE) {
			return false;
		}
		if (everyNodeWrites(settings, peer)) {
			return true;
		}
		return settings.readYourWrites() == ReadYourWrites.GTID && pool.servedAs(peer) == PeerRole.PRIMARY;
	}

}
