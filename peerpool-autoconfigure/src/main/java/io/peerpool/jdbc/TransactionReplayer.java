package io.peerpool.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

import org.jspecify.annotations.Nullable;

import io.peerpool.PeerPoolListener.ReplayReason;
import io.peerpool.dialect.Dialect;
import io.peerpool.peer.Peer;

/**
 * Runs a recorded transaction of a {@link PeerConnection} again on another peer when its physical
 * connection is lost before the commit, and commits it there; also, on any peer the routing offers,
 * when the server rolled it back for a conflict with another transaction (a deadlock, Galera's
 * certification, a PostgreSQL serialization failure), at most {@link #MAX_CONFLICTS} times in a
 * row. It takes a connection on another peer
 * (the normal acquisition, which holds while no peer can serve), begins the transaction there with
 * the same settings, and runs the {@link TransactionLog} again: every result the same, the
 * statements continue on the new connection and the failed one is given back; anything else, the
 * application gets the original failure on the failed connection, as if nothing had been tried.
 *
 * <p>The connection decides which transactions are recorded and holds the log; this class only
 * what happens to a recorded one when its connection is lost, or when it commits. No state of its
 * own: nothing more is allocated for a recorded transaction than its log.
 */
final class TransactionReplayer {

	/**
	 * How often in a row a transaction the server rolled back for a conflict with another runs again
	 * before the application gets the conflict: a row others keep changing is not waited out.
	 */
	static final int MAX_CONFLICTS = 3;

	private TransactionReplayer() {
	}

	/**
	 * The physical connection of the recorded transaction failed with {@code failure}: when that
	 * says the connection is lost (or the server refused it as read-only, or a standby cancelled it),
	 * runs the transaction again on another peer; when it says the server rolled the transaction
	 * back for a conflict with another, on a peer the routing offers, the same one included.
	 * @return whether it did and every result was the same; when {@code false} the transaction is
	 * no longer recorded and {@code failure} carries what happened, as suppressed exceptions
	 */
	static boolean replay(RecordingConnection connection, @Nullable TransactionLog log, SQLException failure) {
		long seen = System.nanoTime();
		Peer failed = connection.peer();
		Connection lost = connection.attachedPhysical();
		boolean refused = lost != null && connection.refusedAsReadOnly(failure);
		// a standby cancelled a read for its recovery: the connection works, as after a refusal
		boolean cancelled = lost != null && !refused && connection.cancelledByRecovery(failure);
		// the server rolled the transaction back for a conflict with another (a deadlock, Galera's certification):
		// nothing of it was committed, and neither the connection nor the peer is at fault
		boolean conflicted = lost != null && !refused && !cancelled && Dialect.isTransactionRolledBack(failure);
		if (log == null || failed == null || lost == null || connection.isClosedByApplication()
				|| (!refused && !cancelled && !conflicted && !connection.isLost(lost, failure))) {
			connection.abandonReplay();
			return false;
		}
		if (refused) {
			connection.acquirer().confirmRole(failed);
		}
		ReplayReason reason = refused ? ReplayReason.READ_ONLY : cancelled ? ReplayReason.RECOVERY_CONFLICT
				: conflicted ? ReplayReason.CONFLICT : ReplayReason.CONNECTION_LOST;
		boolean replayed = runAgain(connection, log, failure, failed, lost, seen, refused || cancelled || conflicted,
				conflicted);
		connection.acquirer().transactionReplayed(failed, reason, replayed);
		return replayed;
	}

	/**
	 * {@link #replay}, once it is decided: the failed connection let go of ({@code works}: back to its
	 * pool, else aborted), the transaction run on the next physical connection until a peer answers.
	 */
	private static boolean runAgain(RecordingConnection connection, TransactionLog log, SQLException failure,
			Peer failed, Connection lost, long seen, boolean works, boolean conflicted) {
		if (!conflicted) {
			// a conflict says nothing of the peer: the transaction may run there again (Galera's one writer)
			connection.exclude(failed, seen);
		}
		connection.detach();
		// its slot goes back now: a replay on the same peer needs one, and when a reset broke every
		// connection of the only peer that can serve, the replays would otherwise wait for each other's
		try {
			if (works) {
				// refused by a server that now runs read-only (a switchover), cancelled by a standby's recovery, or
				// rolled back for a conflict: the connection works, and its pool keeps it (rolling back what is open)
				failed.release(lost);
			}
			else {
				failed.releaseAborted(lost, Runnable::run);
			}
		}
		catch (SQLException ex) {
			failure.addSuppressed(ex);
		}
		int conflicts = conflicted ? 1 : 0;
		while (true) {
			Connection next;
			try {
				next = connection.physicalConnection();
			}
			catch (SQLException noOtherPeer) {
				failure.addSuppressed(noOtherPeer);
				return giveUp(connection, failed, lost);
			}
			Peer replayPeer = connection.peer();
			String difference;
			try {
				difference = log.replay(next);
			}
			catch (SQLException again) {
				long seenAgain = System.nanoTime();
				if (replayPeer != null && connection.acquirer().reportIfPeerFailure(replayPeer, again)) {
					// that peer failed too: the next one
					connection.exclude(replayPeer, seenAgain);
					connection.releasePhysical(again);
					continue;
				}
				if (Dialect.isTransactionRolledBack(again) && conflicts < MAX_CONFLICTS) {
					// the replay lost a conflict too (a hot row): again, as it began
					conflicts++;
					connection.releasePhysical(again);
					continue;
				}
				difference = "a statement failed: " + again;
			}
			if (difference == null) {
				return true;
			}
			failure.addSuppressed(new SQLException("peerpool transaction replay on peer '"
					+ ((replayPeer != null) ? replayPeer.name() : "?") + "' of pool '"
					+ connection.acquirer().poolName()
					+ "' gave the application a different result, so the transaction was not replayed: " + difference));
			try {
				next.rollback();
			}
			catch (SQLException ex) {
				// given back below; its pool discards it if broken
			}
			connection.releasePhysical(failure);
			return giveUp(connection, failed, lost);
		}
	}

	/**
	 * The failed connection again, as if no replay had been tried: the application sees the original
	 * failure, and the transaction's later calls fail on the connection, given back already.
	 */
	private static boolean giveUp(RecordingConnection connection, Peer failed, Connection lost) {
		connection.attach(failed, lost);
		connection.givenBack = true;
		connection.abandonReplay();
		return false;
	}

	/**
	 * Commits the recorded transaction. When the server refuses the commit because it runs
	 * read-only (a planned switchover: nothing was committed there), the transaction runs again on
	 * the writer and commits there; when it rolls the transaction back at the commit for a conflict
	 * (Galera's certification), it runs again and commits, at most {@link #MAX_CONFLICTS} times.
	 */
	static void commit(RecordingConnection connection, TransactionLog log) throws SQLException {
		for (int attempt = 0;; attempt++) {
			try {
				connection.attachedPhysical().commit();
			}
			catch (SQLException ex) {
				// a read-only refusal runs again once, on the writer; a transaction the server rolled back at its commit
				// (Galera's certification) up to MAX_CONFLICTS times: in either case nothing of it was committed
				boolean again = (Dialect.isServerReadOnly(ex) && attempt == 0)
						|| (Dialect.isTransactionRolledBack(ex) && attempt < MAX_CONFLICTS);
				if (!again || !replay(connection, log, ex)) {
					connection.endTransaction();
					connection.commitFailed(ex);
					return;
				}
				continue;
			}
			connection.endTransaction();
			connection.recordWritePosition();
			return;
		}
	}

	/**
	 * {@code commit()} on a physical connection the pool aborted before it (the commit never
	 * reached the server, which rolled the transaction back): runs the transaction again on another
	 * peer and commits it there.
	 * @return whether it did; else the application learns that nothing was committed
	 */
	static boolean commitAfterAbort(RecordingConnection connection, TransactionLog log, SQLException aborted)
			throws SQLException {
		if (!replay(connection, log, aborted)) {
			return false;
		}
		commitReplayed(connection);
		return true;
	}

	/** Commits the transaction that was just replayed on another physical connection, with the same results. */
	private static void commitReplayed(RecordingConnection connection) throws SQLException {
		connection.endTransaction();
		try {
			connection.attachedPhysical().commit();
		}
		catch (SQLException again) {
			connection.commitFailed(again);
			return;
		}
		connection.recordWritePosition();
	}

}
