package io.peerpool.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

import org.jspecify.annotations.Nullable;

import io.peerpool.PeerRole;
import io.peerpool.ReadYourWrites;
import io.peerpool.dialect.ReplicaCatchUp;
import io.peerpool.peer.Peer;
import io.peerpool.routing.PeerRouting;

/**
 * Read-your-writes by position ({@code read-your-writes: gtid}): where the client's last write is
 * on the primary that took it, and whether a replica has applied it yet. The position is the
 * client's routing token ({@link PeerRouting#recordWriteToken}); nothing is done in the other modes.
 */
final class WritePosition {

	private WritePosition() {
	}

	/**
	 * Whether {@code physical}, just taken on {@code peer}, has applied the client's last write,
	 * waiting at most {@code probe-timeout}. Always true for a primary or without a position.
	 */
	static boolean isApplied(PeerAcquirer pool, @Nullable Peer peer, Connection physical) throws SQLException {
		if (pool.settings().readYourWrites() != ReadYourWrites.GTID || peer == null
				|| pool.servedAs(peer) != PeerRole.REPLICA) {
			return true;
		}
		String token = PeerRouting.writeToken(pool.poolName());
		if (token == null) {
			return true;
		}
		return ReplicaCatchUp.hasApplied(physical, peer.server(), peer.isSynchronous(), token, pool.settings().probeTimeout());
	}

	/** After a write committed on {@code peer}, a primary: remembers where the write is for the client's next reads. */
	static void remember(PeerAcquirer pool, @Nullable Peer peer, @Nullable Connection physical) {
		if (pool.settings().readYourWrites() != ReadYourWrites.GTID || physical == null || peer == null
				|| pool.servedAs(peer) != PeerRole.PRIMARY) {
			return;
		}
		try {
			String position = ReplicaCatchUp.positionAfterWrite(physical, peer.server(), peer.isSynchronous());
			if (position != null) {
				PeerRouting.recordWriteToken(pool.poolName(), position);
			}
		}
		catch (SQLException ex) {
			// without a position the client's next reads are pinned instead (see PeerConnection.wantsReplica)
		}
	}

}
