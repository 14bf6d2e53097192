package io.peerpool.peer;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.peerpool.PeerRole;
import io.peerpool.peer.WriterElection.Candidate;
import io.peerpool.peer.WriterElection.Verdict;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one-writer rule of a pool of asynchronous replication, without servers: whether a peer
 * may take the writes, and which one is elected.
 */
class WriterElectionTests {

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', nullValues = "null", textBlock = """
			# case                                                              | up    | declared | writable | replicating | timeline | replicas | last  | behind | confirmed | lastTimeline | lastDrained | verdict
			DOWN                                                                | false | AUTO     | true     | false       | 0        | -1       | false | false  | true      | 0            | false       | NOT_WRITABLE
			read-only replica                                                   | true  | AUTO     | false    | true        | 0        | -1       | false | false  | true      | 0            | false       | NOT_WRITABLE
			restarted replica, SQL thread running (also with its source dead)   | true  | AUTO     | true     | true        | 0        | -1       | false | false  | true      | 0            | false       | REPLICATES
			the last writer, back after a restart                               | true  | AUTO     | true     | false       | 0        | 0        | true  | false  | true      | 0            | false       | WRITER
			first writer of the pool (none known yet)                           | true  | AUTO     | true     | false       | 0        | -1       | true  | false  | true      | 0            | false       | WRITER
			caught up with the last writer: switchover, or a failover that lost nothing | true | AUTO | true  | false       | 0        | 0        | false | false  | true      | 0            | false       | WRITER
			replication unknown (probe of the application's own), not behind    | true  | AUTO     | true     | null        | 0        | -1       | false | false  | true      | 0            | false       | WRITER
			restarted replica, replication not started, behind the dead primary | true  | AUTO     | true     | false       | 0        | 0        | false | true   | true      | 0            | false       | BEHIND
			same, replicas unknown                                              | true  | AUTO     | true     | false       | 0        | -1       | false | true   | true      | 0            | false       | BEHIND
			promoted after the primary died with a tail, replicas pointed at it | true  | AUTO     | true     | false       | 0        | 1        | false | true   | true      | 0            | false       | WRITER
			promoted with a tail, no replica left, the dead writer drained      | true  | AUTO     | true     | false       | 0        | 0        | false | true   | true      | 0            | true        | WRITER
			PostgreSQL standby promoted: a later timeline                       | true  | AUTO     | true     | false       | 3        | -1       | false | true   | true      | 2            | false       | WRITER
			same timeline as the last writer, behind                            | true  | AUTO     | true     | false       | 2        | -1       | false | true   | true      | 2            | false       | BEHIND
			caught up, but seen writable by one probe only (between STOP and START SLAVE) | true | AUTO | true | false | 0        | 0        | false | false  | false     | 0            | false       | UNCONFIRMED
			the last writer needs no second probe                               | true  | AUTO     | true     | false       | 0        | -1       | true  | false  | false     | 0            | false       | WRITER
			declared primary: trusted, also behind and replicating              | true  | PRIMARY  | true     | true        | 0        | 0        | false | true   | true      | 0            | false       | WRITER
			declared primary, read-only                                         | true  | PRIMARY  | false    | false       | 0        | 0        | false | false  | true      | 0            | false       | NOT_WRITABLE
			""")
	void verdict(String name, boolean up, PeerRole declared, boolean writable, Boolean replicating, long timeline,
			int replicas, boolean last, boolean behind, boolean confirmed, long lastTimeline, boolean lastDrained,
			Verdict expected) {
		Candidate candidate = new Candidate(up, declared, writable, replicating, timeline, replicas, last, behind,
				confirmed);

		assertThat(WriterElection.verdict(candidate, lastTimeline, lastDrained)).isEqualTo(expected);
	}

	private static Candidate writer(boolean last) {
		return new Candidate(true, PeerRole.AUTO, true, false, 0, 0, last, false, true);
	}

	private static Candidate down() {
		return new Candidate(false, PeerRole.AUTO, true, false, 0, -1, true, false, true);
	}

	private static Candidate replicatingWritable() {
		return new Candidate(true, PeerRole.AUTO, true, true, 0, -1, false, false, true);
	}

	private static Candidate behindWritable() {
		return new Candidate(true, PeerRole.AUTO, true, false, 0, 0, false, true, true);
	}

	@Test
	void theEstablishedWriterIsKeptWhileItMayTakeTheWrites() {
		assertThat(WriterElection.elect(List.of(writer(false), writer(true)), 1, true, 0, false)).isEqualTo(1);
	}

	@Test
	void untilTheFirstProbesAreInTheBestIsChosenAfresh() {
		Candidate laterTimeline = new Candidate(true, PeerRole.AUTO, true, false, 2, -1, false, false, true);
		assertThat(WriterElection.elect(List.of(writer(true), laterTimeline), 0, false, 0, false)).isEqualTo(1);
	}

	@Test
	void anEstablishedWriterThatTurnsOutToReplicateIsDropped() {
		// elected in the moment between a replica's restart and the start of its SQL thread
		assertThat(WriterElection.elect(List.of(down(), replicatingWritable()), 1, true, 0, false)).isEqualTo(-1);
	}

	@Test
	void withTheWriterDeadAPeerBehindItIsNotElectedAndOneCaughtUpIs() {
		assertThat(WriterElection.elect(List.of(down(), behindWritable()), 0, true, 0, false)).as("held").isEqualTo(-1);
		assertThat(WriterElection.elect(List.of(down(), behindWritable(), writer(false)), 0, true, 0, false))
			.isEqualTo(2);
	}

	@Test
	void aPeerThatReplicatesFromNoOneIsPreferredToADeclaredPrimaryThatReplicates() {
		Candidate declaredReplicating = new Candidate(true, PeerRole.PRIMARY, true, true, 0, -1, false, false, true);
		assertThat(WriterElection.elect(List.of(declaredReplicating, writer(false)), -1, true, 0, false)).isEqualTo(1);
	}

	@Test
	void amongEqualPeersTheDeclaredOrderDecides() {
		assertThat(WriterElection.elect(List.of(down(), writer(false), writer(false)), 0, true, 0, false)).isEqualTo(1);
	}

}
