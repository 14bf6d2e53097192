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

}
