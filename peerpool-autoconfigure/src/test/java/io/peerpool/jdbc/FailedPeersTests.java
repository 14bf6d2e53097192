package io.peerpool.jdbc;

import java.sql.Connection;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.peerpool.peer.Peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

/**
 * When a connection takes back a peer it failed on ({@link FailedPeers}): not before a probe that
 * started after the failure found the peer healthy, and then only once per transaction; and which
 * connections from it are checked before use.
 */
class FailedPeersTests {

	private final Peer peer0 = peer(0);

	private final Peer peer2 = peer(2);

	private final FailedPeers failed = new FailedPeers();

	private static Peer peer(int index) {
		Peer peer = mock(Peer.class);
		given(peer.index()).willReturn(index);
		return peer;
	}

	@Test
	void aPeerThatFailedStaysFailedUntilAProbeFindsItHealthy() {
		this.failed.add(this.peer2, 100L);
		assertThat(this.failed.stillFailed()).isEqualTo(0b100L);
		assertThat(this.failed.stillFailed()).as("asked again").isEqualTo(0b100L);
	}

	@Test
	void aPeerIsTakenBackOnceAProbeThatStartedAfterItsFailureFoundItHealthy() {
		this.failed.add(this.peer0, 100L);
		this.failed.add(this.peer2, 200L);
		given(this.peer2.foundHealthySince(200L)).willReturn(true);
		assertThat(this.failed.stillFailed()).isEqualTo(0b001L);
	}

	@Test
	void aPeerIsTakenBackOnlyOncePerTransaction() {
		this.failed.add(this.peer0, 100L);
		given(this.peer0.foundHealthySince(anyLong())).willReturn(true);
		assertThat(this.failed.stillFailed()).isZero();
		// the statement failed it again: it is not taken back a second time, whatever the probes find
		this.failed.add(this.peer0, 300L);
		assertThat(this.failed.stillFailed()).isEqualTo(0b001L);
	}

	@Test
	void aPeerTakenBackHasItsNextConnectionsCheckedUntilOnePassesAtMostAsManyAsItsPoolHoldsAndOne() {
		given(this.peer0.poolSize()).willReturn(2);
		this.failed.add(this.peer0, 100L);
		assertThat(this.failed.checksNext(this.peer0)).as("not taken back yet").isFalse();
		given(this.peer0.foundHealthySince(100L)).willReturn(true);
		assertThat(this.failed.stillFailed()).isZero();
		assertThat(this.failed.checksNext(this.peer2)).as("a peer that never failed").isFalse();
		assertThat(this.failed.checksNext(this.peer0)).isTrue();
		assertThat(this.failed.checksNext(this.peer0)).isTrue();
		assertThat(this.failed.checksNext(this.peer0)).isTrue();
		assertThat(this.failed.checksNext(this.peer0)).as("past the pool's size and one").isFalse();
	}

	@Test
	void oneConnectionThatPassesItsCheckEndsTheChecks() {
		given(this.peer0.poolSize()).willReturn(10);
		given(this.peer0.foundHealthySince(100L)).willReturn(true);
		this.failed.add(this.peer0, 100L);
		this.failed.stillFailed();
		assertThat(this.failed.checksNext(this.peer0)).isTrue();
		this.failed.checked(this.peer0);
		assertThat(this.failed.checksNext(this.peer0)).isFalse();
	}

	@Test
	void aConnectionFromAPeerTakenBackIsUsedWhenItPassesItsCheckAndEvictedWhenItFails() throws Exception {
		given(this.peer0.poolSize()).willReturn(4);
		this.failed.add(this.peer0, 100L);
		given(this.peer0.foundHealthySince(100L)).willReturn(true);
		assertThat(this.failed.stillFailed()).isZero();
		Connection broken = mock(Connection.class);
		given(broken.isValid(anyInt())).willReturn(false);
		assertThat(this.failed.admits(this.peer0, broken, Duration.ofMillis(500))).isFalse();
		verify(this.peer0).evict(broken);
		Connection fine = mock(Connection.class);
		given(fine.isValid(1)).willReturn(true);
		assertThat(this.failed.admits(this.peer0, fine, Duration.ofMillis(500))).isTrue();
		verify(this.peer0, never()).evict(fine);
		Connection next = mock(Connection.class);
		assertThat(this.failed.admits(this.peer0, next, Duration.ofMillis(500))).as("after one passed").isTrue();
		verifyNoInteractions(next);
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
		connection.exclude(this.peer2, 100L);
		assertThat(connection.stillFailed()).isEqualTo(0b100L);
		connection.setAutoCommit(false);
		connection.rollback();
		assertThat(connection.stillFailed()).as("after the transaction").isZero();
	}

}
