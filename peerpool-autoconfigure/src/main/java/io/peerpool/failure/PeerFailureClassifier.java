package io.peerpool.failure;

import java.sql.SQLException;

/**
 * Decides whether an exception says the peer is unusable (the server or the way to it failed) or
 * is the application's own error (syntax, constraint, a query timeout it asked for).
 *
 * <p>Declare a bean of this type to override peerpool's {@link DefaultPeerFailureClassifier};
 * delegate to it for the cases you do not care about.
 */
@FunctionalInterface
public interface PeerFailureClassifier {

	/**
	 * Classifies an exception raised by a statement or connection of a peer.
	 * @param exception the exception, possibly with causes and chained exceptions
	 * @return why the peer must be marked DOWN, or {@code null} when the peer is fine
	 */
	FailureReason classify(SQLException exception);

	/**
	 * Whether an error that {@link #classify classifies} as a peer failure, raised on a connection
	 * that was open, may concern that connection only (a DBA's {@code KILL} of it, a socket
	 * timeout the user set, one terminated backend). peerpool then probes the peer at once and
	 * marks it DOWN only if the probe fails; otherwise the peer is marked DOWN at once.
	 * @param exception the exception, possibly with causes and chained exceptions
	 * @return {@code false} by default: every peer failure marks the peer DOWN at once
	 */
	default boolean mayConcernOneConnection(SQLException exception) {
		return false;
	}

}
