package io.peerpool.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;

import org.jspecify.annotations.Nullable;

import io.peerpool.PeerState;
import io.peerpool.dialect.Dialect;
import io.peerpool.peer.Peer;

/**
 * What the application learns of a commit that did not succeed: whether the transaction may have
 * been committed ({@code 08007}, never replayed) or certainly was not ({@code 08003}: the
 * connection was aborted before the commit was sent; the server's own error when it refused it).
 */
final class CommitOutcome {

	private CommitOutcome() {
	}

	/**
	 * Whether a commit sent now on {@code physical} could not reach the server: the pool already
	 * aborted it, or its peer is DOWN, in which case this aborts the connection first (the pool is
	 * aborting every connection of that peer anyway), so that the commit is certainly not sent.
	 * Flags only, no I/O.
	 */
	static boolean cannotReachServer(@Nullable Peer peer, Connection physical) {
		try {
			if (peer != null && peer.state() == PeerState.DOWN) {
				// what the pool is about to do: after this the commit cannot reach the server, so its
				// outcome is known (given back, and evicted by HikariCP, as any aborted connection)
				physical.abort(Runnable::run);
				return true;
			}
			if (physical.isClosed()) {
				return true;
			}
			// HikariCP's proxy stays open when its retired pool aborts the driver's connection under it
			Connection driver = physical.unwrap(Connection.class);
			return driver != null && driver != physical && driver.isClosed();
		}
		catch (SQLException ex) {
			return false;
		}
	}

	/**
	 * {@code commit()} on a connection the pool aborted before it: the commit never reached the
	 * server, which rolled the transaction back, so the outcome is known (SQLState {@code 08003},
	 * not the {@code 08007} of a commit cut on its way).
	 */
	static SQLException notCommitted(PeerAcquirer pool, @Nullable Peer failed) {
		return new SQLNonTransientConnectionException("peerpool: the connection to peer '"
				+ ((failed != null) ? failed.name() : "?") + "' of pool '" + pool.poolName()
				+ "' was closed before commit() (the pool aborts the connections of a peer that went DOWN): the transaction was not committed",
				"08003");
	}

	/**
	 * The error a failed commit gives the application: SQLState {@code 08007} when the connection
	 * was lost, since the commit may have reached the server; the server's own error when it
	 * refused the commit (running read-only: nothing was committed); none when the connection of a
	 * transaction that only read was lost ({@code onlyRead}): there was nothing to commit, and the
	 * application has what it read.
	 * @return the error, or {@code null} when the commit counts as done
	 */
	static @Nullable SQLException failure(PeerAcquirer pool, @Nullable Peer peer, boolean autoCommit,
			boolean onlyRead, SQLException ex) {
		if (!autoCommit && peer != null && pool.reportIfPeerFailure(peer, ex) && !Dialect.isServerReadOnly(ex)) {
			if (onlyRead) {
				return null;
			}
			// the commit may have reached the server before the connection was lost: never replayed
			return new SQLException("peerpool: the connection to peer '" + peer.name() + "' of pool '"
					+ pool.poolName() + "' was lost during commit; the transaction may or may not have"
					+ " been committed (transaction resolution unknown): " + ex.getMessage(), "08007", ex);
		}
		return ex;
	}

}
