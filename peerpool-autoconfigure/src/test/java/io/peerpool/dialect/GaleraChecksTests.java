package io.peerpool.dialect;

import java.sql.SQLException;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.peerpool.ProbeResult;
import io.peerpool.failure.DefaultPeerFailureClassifier;
import io.peerpool.failure.FailureReason;

import static io.peerpool.dialect.RecordedServer.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The probe's decision on a Galera node from its recorded status, no server: ready and Synced is
 * healthy; ready but not Synced (a donor, a joiner catching up, {@code wsrep_desync=ON}) is
 * healthy but desynced; not ready or without quorum fails with the server's own 1047
 * ({@code not_ready}, DOWN).
 */
class GaleraChecksTests {

	private static final String VERSION = "11.4.5-MariaDB";

	private static final String CAUSAL_READ = "SET SESSION wsrep_sync_wait";

	private static RecordedServer galeraNode(String ready, String state, String cluster) {
		Map<String, Object> variables = row("ro", 0, "wsrep", 1, "binlog", "", "slave", "", "current", "",
				"slave_running", "OFF", "slaves_running", "0", "slaves_connected", "0");
		return new RecordedServer("MariaDB", VERSION).answer("SELECT @@read_only, @@wsrep_on", variables)
			.answer("SHOW GLOBAL STATUS WHERE", row("Variable_name", "wsrep_ready", "Value", ready),
					row("Variable_name", "wsrep_local_state_comment", "Value", state),
					row("Variable_name", "wsrep_cluster_status", "Value", cluster))
			.answer(CAUSAL_READ)
			.answer("SELECT 1", row("1", 1));
	}

	@Test
	void aReadySyncedNodeIsHealthyAndInSync() throws SQLException {
		ProbeResult result = Dialect.of("MariaDB", VERSION).probe(galeraNode("ON", "Synced", "Primary").connection(), false);

		assertThat(result.healthy()).isTrue();
		assertThat(result.desynced()).isNull();
		assertThat(result.replication().synchronous()).isTrue();
	}

	@ParameterizedTest
	@CsvSource({ "Donor/Desynced", "Joined", "Joining" })
	void aReadyNodeThatIsNotSyncedIsHealthyButDesynced(String state) throws SQLException {
		RecordedServer server = galeraNode("ON", state, "Primary");

		ProbeResult result = Dialect.of("MariaDB", VERSION).probe(server.connection(), false);

		assertThat(result.healthy()).as("not DOWN: it still commits what runs on it").isTrue();
		assertThat(result.desynced()).isEqualTo(state);
		assertThat(result.readOnly()).isFalse();
		assertThat(result.replication().synchronous()).isTrue();
	}

	@ParameterizedTest
	@CsvSource({ "OFF, Synced, Primary", "OFF, Initialized, non-Primary", "ON, Synced, non-Primary", "OFF, Joining, Primary" })
	void aNodeThatIsNotReadyOrHasNoQuorumFailsAsNotReady(String ready, String state, String cluster) {
		RecordedServer server = galeraNode(ready, state, cluster);

		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> Dialect.of("MariaDB", VERSION).probe(server.connection(), false))
			.satisfies((ex) -> {
				assertThat(ex.getErrorCode()).isEqualTo(GaleraChecks.GALERA_NOT_READY);
				assertThat(new DefaultPeerFailureClassifier().classify(ex)).isEqualTo(FailureReason.NOT_READY);
				assertThat(ex.getMessage()).contains("wsrep_ready=" + ready).contains("wsrep_cluster_status=" + cluster);
			});
	}

	@Test
	void aRecoveringSyncedNodeMustCompleteACausalRead() throws SQLException {
		RecordedServer server = galeraNode("ON", "Synced", "Primary");

		ProbeResult result = Dialect.of("MariaDB", VERSION).probe(server.connection(), true);

		assertThat(result.desynced()).isNull();
		assertThat(server.sent).anyMatch((sql) -> sql.startsWith(CAUSAL_READ));
	}

	@Test
	void aRecoveringNodeThatIsNotSyncedIsDesyncedWithoutTheCausalReadItCannotAnswerYet() throws SQLException {
		RecordedServer server = galeraNode("ON", "Joined", "Primary");

		ProbeResult result = Dialect.of("MariaDB", VERSION).probe(server.connection(), true);

		assertThat(result.desynced()).isEqualTo("Joined");
		assertThat(server.sent).noneMatch((sql) -> sql.startsWith(CAUSAL_READ));
	}

	@Test
	void aRecoveringNodeWhoseCausalReadFailsIsNotReady() {
		RecordedServer server = galeraNode("ON", "Synced", "Primary").deny(CAUSAL_READ, 1047);

		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> Dialect.of("MariaDB", VERSION).probe(server.connection(), true))
			.satisfies((ex) -> assertThat(new DefaultPeerFailureClassifier().classify(ex)).isEqualTo(FailureReason.NOT_READY));
	}

}
