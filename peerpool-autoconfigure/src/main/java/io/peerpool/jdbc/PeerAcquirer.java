package io.peerpool.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

import io.peerpool.PeerPoolSettings;
import io.peerpool.PeerPoolListener;
import io.peerpool.PeerRole;
import io.peerpool.peer.Peer;

/**
 * What a {@link PeerConnection} asks of its pool: a physical connection from the best peer for
 * its intent, and the judgement of whether an error condemns the peer that gave it. Kept to an
 * interface so that the connection can be tested against a stub, without servers.
 */
public interface PeerAcquirer {

	/** The pool's name (routing state, read-your-writes tokens and messages are per pool). */
	String poolName();

	/** The pool's resolved settings. */
	PeerPoolSettings settings();

	/**
	 * How long a write keeps its client off peers that may not have it (the pool's
	 * {@code PeerPoolDataSource.getPinHold()}); asked at each write in {@code gtid} mode.
	 */
	default Duration pinHold() {
		return settings().pinHold();
	}

	/** Whether the pool sends reads to replicas. */
	boolean isReadWriteSplit();

	/** Whether the pool's connections start in auto-commit mode ({@code hikari.auto-commit}, true by default). */
	default boolean autoCommit() {
		return true;
	}

	/** Whether every peer's pool hands out read-only connections ({@code hikari.read-only}, false by default). */
	default boolean readOnly() {
		return false;
	}

	/**
	 * Whether {@code peer} takes the pool's writes now. Not the same as its role: a replica
	 * restarted without {@code read_only} reports itself writable (its role is primary) but, while it
	 * replicates or conflicts with the writer, it gets no writes.
	 */
	default boolean takesWrites(Peer peer) {
		return peer.role() == PeerRole.PRIMARY;
	}

	/**
	 * The role {@code peer} plays for routing: a routable peer that reports itself writable but
	 * takes no writes ({@link #takesWrites}) is a replica here, so that a write does not stay on it
	 * and reads on it wait for the client's write position. A primary that went DOWN or was drained
	 * stays a primary: what runs on it fails or finishes as it did before.
	 */
	default PeerRole servedAs(Peer peer) {
		PeerRole role = peer.role();
		return (role == PeerRole.PRIMARY && peer.isRoutable() && !takesWrites(peer)) ? PeerRole.REPLICA : role;
	}

	/**
	 * Takes a physical connection for {@code connection} and {@link PeerConnection#attach attaches}
	 * it, moving on to the next peer when one fails, within {@code acquire-timeout}.
	 * @param excluded peers already tried for this connection (bit per peer index)
	 */
	Connection acquire(PeerConnection connection, boolean readIntent, long excluded) throws SQLException;

	/**
	 * Whether a peer for {@code readIntent} can be chosen now, apart from {@code excluded} (bit per
	 * peer index): an answer from the routing as it stands, without waiting.
	 */
	default boolean hasPeerFor(boolean readIntent, long excluded) {
		return true;
	}

	/**
	 * Whether a borrow may take another peer that takes writes now than those of {@code excluded}
	 * (bit per peer index): where every Galera node writes, a borrow that found a node behind the
	 * client's last write tries the next one while there is one. Never with {@code sequential},
	 * whose one writer takes every borrow: a move to the next node would make two writers, whose
	 * transactions on the same rows fail Galera's certification.
	 */
	default boolean canWriteElsewhere(long excluded) {
		return false;
	}

	/**
	 * Marks {@code peer} DOWN if {@code failure} says the peer failed.
	 * @return whether it did
	 */
	boolean reportIfPeerFailure(Peer peer, SQLException failure);

	/**
	 * {@code peer} refused a write because it runs read-only now (a planned switchover): probes it
	 * again at once, so that its new role routes the next borrows.
	 */
	void confirmRole(Peer peer);

	/** A recorded transaction that failed on {@code peer} ran again ({@link PeerPoolListener#transactionReplayed}). */
	default void transactionReplayed(Peer peer, PeerPoolListener.ReplayReason reason, boolean replayed) {
	}

}
