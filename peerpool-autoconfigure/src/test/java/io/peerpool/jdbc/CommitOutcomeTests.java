package io.peerpool.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;

import io.peerpool.PeerState;
import io.peerpool.peer.Peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * What a failed or impossible commit tells the application, against a stub pool and mocked
 * physical connections: unknown ({@code 08007}) only when the connection was lost while the
 * commit may have reached the server; certainly not committed ({@code 08003}) when it could not.
 */
class CommitOutcomeTests {

	private final Peer peer = mock(Peer.class);

	@Test
	void aLostConnectionDuringCommitLeavesTheOutcomeUnknown() {
		SQLException lost = new SQLException("connection reset", "08S01");
		SQLException failure = CommitOutcome.failure(pool(true), this.peer, false, false, lost);
		assertThat(failure.getSQLState()).isEqualTo("08007");
		assertThat(failure.getCause()).isSameAs(lost);
	}

	@Test
	void aLostConnectionDuringTheCommitOfATransactionThatOnlyReadLosesNothing() {
		SQLException lost = new SQLException("connection reset", "08S01");
		assertThat((Throwable) CommitOutcome.failure(pool(true), this.peer, false, true, lost)).as("nothing to commit")
			.isNull();
		// the server's refusal is still the application's to see
		SQLException refused = new SQLException("serialization failure", "40001");
		assertThat((Throwable) CommitOutcome.failure(pool(false), this.peer, false, true, refused)).isSameAs(refused);
	}

	@Test
	void anErrorThatIsNotThePeersOrAReadOnlyServerIsTheServersOwn() {
		SQLException refused = new SQLException("duplicate key", "23000");
		assertThat((Throwable) CommitOutcome.failure(pool(false), this.peer, false, false, refused)).isSameAs(refused);
		// in auto-commit there is no transaction whose outcome could be unknown
		assertThat((Throwable) CommitOutcome.failure(pool(true), this.peer, true, false, refused)).isSameAs(refused);
		assertThat((Throwable) CommitOutcome.failure(pool(true), null, false, false, refused)).isSameAs(refused);
	}

	@Test
	void aConnectionThePoolAbortedCannotReachTheServer() throws Exception {
		Connection aborted = mock(Connection.class);
		given(aborted.isClosed()).willReturn(true);
		assertThat(CommitOutcome.cannotReachServer(this.peer, aborted)).isTrue();
		Connection open = mock(Connection.class);
		given(open.unwrap(Connection.class)).willReturn(open);
		assertThat(CommitOutcome.cannotReachServer(this.peer, open)).isFalse();
		verify(open, never()).abort(any());
	}

	@Test
	void theConnectionOfADownPeerIsAbortedFirstSoThatTheCommitIsCertainlyNotSent() throws Exception {
		given(this.peer.state()).willReturn(PeerState.DOWN);
		Connection physical = mock(Connection.class);
		assertThat(CommitOutcome.cannotReachServer(this.peer, physical)).isTrue();
		verify(physical).abort(any());
	}

	@Test
	void aCommitThatCouldNotBeSentSaysNothingWasCommitted() {
		given(this.peer.name()).willReturn("db0");
		SQLException aborted = CommitOutcome.notCommitted(pool(false), this.peer);
		assertThat(aborted.getSQLState()).isEqualTo("08003");
		assertThat(aborted.getMessage()).contains("'db0'", "'stub'", "was not committed");
	}

	private static PeerAcquirer pool(boolean everyFailureIsThePeers) {
		return new StubAcquirer(false) {

			@Override
			public Connection acquire(PeerConnection connection, boolean readIntent, long excluded) {
				throw new UnsupportedOperationException();
			}

			@Override
			public boolean reportIfPeerFailure(Peer peer, SQLException failure) {
				return everyFailureIsThePeers;
			}

		};
	}

}
