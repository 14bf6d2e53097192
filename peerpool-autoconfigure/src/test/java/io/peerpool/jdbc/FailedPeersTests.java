package io.peerpool.jdbc;

import java.sql.Connection;

import org.junit.jupiter.api.Test;

import io.peerpool.peer.Peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * When a connection takes back a peer it failed on ({@link FailedPeers}): not while the peer's
 * stored health is the one it failed with, once a probe found it back (another health mark), and
 * only once per transaction.
 */
class FailedPeersTests {

	private final Peer peer0 = peer(0);

	private final Peer peer2 = peer(2);

	private final FailedPeers failed = new FailedPeers();

	private static Peer peer(int index) {
		Peer peer = mock(Peer.class);
		given(peer.index()).willReturn(index);
		given(peer.healthMark()).willReturn(new Object());
		return peer;
	}

	@Test
	void aPeerThatFailedStaysFailedWhileItsHealthIsTheOneItFailedWith() {
		this.failed.add(this.peer2);
		assertThat(this.failed.stillFailed()).isEqualTo(0b100L);
		assertThat(this.failed.stillFailed()).as("asked again").isEqualTo(0b100L);
	}

	@Test
	void aPeerIsTakenBackOnceAProbeFoundItBack() {
		this.failed.add(this.peer0);
		this.failed.add(this.peer2);
		// a probe found peer2 DOWN, then UP: its stored health is another object
		given(this.peer2.healthMark()).willReturn(new Object());
		assertThat(this.failed.stillFailed()).isEqualTo(0b001L);
	}

	@Test
	void aPeerIsTakenBackOnlyOncePerTransaction() {
		this.failed.add(this.peer0);
		given(this.peer0.healthMark()).willReturn(new Object());
		assertThat(this.failed.stillFailed()).isZero();
		// the statement failed it again: it is not taken back a second time, whatever the probes find
		this.failed.add(this.peer0);
		given(this.peer0.healthMark()).willReturn(new Object());
		assertThat(this.failed.stillFailed()).isEqualTo(0b001L);
	}

	@Test
	void aConnectionForgetsItsFailedPeersWhenItsTransactionEnds() throws Exception {
		PeerConnection connection = new PeerConnection(new StubAcquirer(false) {

			@Override
			public Connection acquire(PeerConnection owner, boolean readIntent, long excluded) {
				throw new IllegalStateException("no statement runs here");
			}

		});
		assertThat(connection.stillFailed()).isZero();
		connection.exclude(this.peer2);
		assertThat(connection.stillFailed()).isEqualTo(0b100L);
		connection.setAutoCommit(false);
		connection.rollback();
		assertThat(connection.stillFailed()).as("after the transaction").isZero();
	}

}
