package io.peerpool.dialect;

import java.sql.SQLException;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.peerpool.PeerServerChangedEvent.ServerIdentity;
import io.peerpool.ProbeResult;

import static io.peerpool.dialect.RecordedServer.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * The statements of each product and version, from recorded metadata (product name and version
 * string as the drivers report them) and recorded answers; no server.
 */
class DialectTests {

	@ParameterizedTest
	@CsvSource({ "MariaDB, 11.4.5-MariaDB, MariaDbDialect", "MySQL, 5.5.5-10.6.12-MariaDB, MariaDbDialect",
			"MySQL, 11.4.5-MariaDB-log, MariaDbDialect", "MySQL, 8.4.3, MySqlDialect", "MySQL, 8.0.36-0ubuntu0.22.04.1, MySqlDialect",
			"PostgreSQL, 17.2, PostgresDialect", "H2, 2.3.232 (2024-08-11), GenericDialect" })
	void detectsTheProductFromMetadata(String product, String version, String dialect) {
		assertThat(Dialect.of(product, version).getClass().getSimpleName()).isEqualTo(dialect);
	}

	@ParameterizedTest
	@CsvSource({ "8.0.21, SHOW SLAVE STATUS", "8.0.22, SHOW REPLICA STATUS", "8.0.36, SHOW REPLICA STATUS",
			"8.4.3, SHOW REPLICA STATUS", "9.1.0, SHOW REPLICA STATUS" })
	void mySqlShowsReplicationStatusWithTheStatementOfItsVersion(String version, String statement) {
		assertThat(new MySqlDialect(version).replicaStatusStatement()).isEqualTo(statement);
	}

	@ParameterizedTest
	@CsvSource({ "8.4.3", "9.1.0", "8.0.22" })
	void mySqlFromEightZeroTwentyTwoIsNeverSentARemovedStatement(String version) throws SQLException {
		RecordedServer server = new RecordedServer("MySQL", version)
			.answer("SELECT @@global.read_only, @@global.gtid_executed", row("ro", 1, "gtid", "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-77"))
			.answer("SHOW REPLICA STATUS", row("Replica_IO_Running", "Yes", "Replica_SQL_Running", "Yes",
					"Seconds_Behind_Source", 4L));

		ProbeResult result = Dialect.of("MySQL", version).probe(server.connection(), false);

		assertThat(server.sent).noneMatch((sql) -> sql.contains("SLAVE") || sql.contains("MASTER")
				|| sql.contains("Seconds_Behind_Master"));
		assertThat(result.lag()).isEqualTo(Duration.ofSeconds(4));
		assertThat(result.readOnly()).isTrue();
		assertThat(result.replication().replicating()).isTrue();
		assertThat(result.replication().position()).isEqualTo("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-77");
	}

	@ParameterizedTest
	@CsvSource(nullValues = "null", value = {
			"jdbc:mariadb://db/app, null, org.hibernate.dialect.MariaDBDialect, MARIADB, maria, org.mariadb.jdbc:mariadb-java-client",
			"jdbc:mysql://db/app, null, org.hibernate.dialect.MySQLDialect, MYSQL, mysql, com.mysql:mysql-connector-j",
			"jdbc:mysql://db/app, org.mariadb.jdbc.Driver, org.hibernate.dialect.MariaDBDialect, MARIADB, maria, org.mariadb.jdbc:mariadb-java-client",
			"jdbc:postgresql://db/app, null, org.hibernate.dialect.PostgreSQLDialect, POSTGRES, postgresql, org.postgresql:postgresql",
			"jdbc:h2:mem:app, null, org.hibernate.dialect.H2Dialect, H2, h2, com.h2database:h2",
			"jdbc:sqlserver://db, null, null, null, null, null" })
	void theProductOfAUrlNamesItsHibernateJooqAndDataJdbcDialectsAndItsDriver(String url, String driver,
			String hibernate, String jooq, String dataJdbc, String artifact) {
		assertThat(Dialect.hibernateDialect(url, driver)).isEqualTo(hibernate);
		assertThat(Dialect.jooqDialect(url, driver)).isEqualTo(jooq);
		assertThat(Dialect.dataJdbcDialect(url, driver)).isEqualTo(dataJdbc);
		assertThat(Dialect.driverArtifact(url, driver)).isEqualTo(artifact);
	}

	@Test
	void mySqlBeforeEightZeroTwentyTwoUsesTheSlaveStatement() throws SQLException {
		RecordedServer server = new RecordedServer("MySQL", "5.7.44-log")
			.answer("SELECT @@global.read_only", row("ro", 1, "gtid", ""))
			.answer("SHOW SLAVE STATUS", row("Slave_IO_Running", "Yes", "Slave_SQL_Running", "No",
					"Seconds_Behind_Master", null));

		ProbeResult result = Dialect.of("MySQL", "5.7.44-log").probe(server.connection(), false);

		assertThat(server.sent).contains("SHOW SLAVE STATUS");
		assertThat(result.lag()).as("SQL thread stopped: no figure").isNull();
		assertThat(result.replication().replicating()).isFalse();
	}

	@Test
	void mySqlWithoutReplicationClientReportsThePositionAndTheGrant() throws SQLException {
		RecordedServer server = new RecordedServer("MySQL", "8.4.3")
			.answer("SELECT @@global.read_only", row("ro", 1, "gtid", "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5"))
			.deny("SHOW REPLICA STATUS", 1227);

		ProbeResult result = Dialect.of("MySQL", "8.4.3").probe(server.connection(), false);

		assertThat(result.lag()).isNull();
		assertThat(result.replication().replicating()).as("not visible").isNull();
		assertThat(result.replication().lagUnavailable()).contains("REPLICATION CLIENT").contains("SHOW REPLICA STATUS");
		assertThat(result.replication().position()).isEqualTo("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5");
	}

	@Test
	void mariaDbWithoutSlaveMonitorReportsItsAppliedPositionAndTheGrant() throws SQLException {
		RecordedServer server = new RecordedServer("MariaDB", "11.4.5-MariaDB")
			.answer("SELECT @@read_only, @@wsrep_on", row("ro", 1, "wsrep", 0, "binlog", "0-2-3", "slave", "0-1-42",
					"current", "0-1-41", "running", "ON", "sqlThreads", "1", "replicas", "0"))
			.deny("SHOW SLAVE STATUS", 1227);

		ProbeResult result = Dialect.of("MariaDB", "11.4.5-MariaDB").probe(server.connection(), false);

		assertThat(result.readOnly()).isTrue();
		assertThat(result.lag()).isNull();
		assertThat(result.replication().replicating()).isTrue();
		assertThat(result.replication().position()).isEqualTo("0-1-42");
		assertThat(result.replication().lagUnavailable()).contains("SLAVE MONITOR");
	}

	@Test
	void aServerThatDeniedItsLagFigureIsNotAskedAgainRightAway() throws SQLException {
		RecordedServer server = new RecordedServer("MariaDB", "11.4.5-MariaDB")
			.answer("SELECT @@read_only, @@wsrep_on", row("ro", 1, "wsrep", 0, "binlog", "", "slave", "0-1-42",
					"current", "0-1-42", "running", "ON", "sqlThreads", "1", "replicas", "0"))
			.deny("SHOW SLAVE STATUS", 1227);
		DefaultPeerProbe probe = new DefaultPeerProbe();

		probe.probe(server.connection(), Duration.ofSeconds(1));
		ProbeResult second = probe.probe(server.connection(), Duration.ofSeconds(1));

		assertThat(server.sent).filteredOn((sql) -> sql.startsWith("SHOW SLAVE STATUS")).hasSize(1);
		assertThat(second.replication().lagUnavailable()).contains("SLAVE MONITOR");
		assertThat(second.replication().position()).isEqualTo("0-1-42");
	}

	@Test
	void aWritableMariaDbWhoseSourceIsGoneStillReplicates() throws SQLException {
		// restarted without read_only, its source dead: the I/O thread reconnects (Slave_running OFF),
		// the SQL thread runs: still set up as a replica, never a server to take writes
		RecordedServer server = new RecordedServer("MariaDB", "11.4.5-MariaDB")
			.answer("SELECT @@read_only, @@wsrep_on", row("ro", 0, "wsrep", 0, "binlog", "0-2-3", "slave", "0-1-42",
					"current", "0-1-42", "running", "OFF", "sqlThreads", "1", "replicas", "0"))
			.deny("SHOW SLAVE STATUS", 1227);

		ProbeResult result = Dialect.of("MariaDB", "11.4.5-MariaDB").probe(server.connection(), false);

		assertThat(result.readOnly()).isFalse();
		assertThat(result.replication().replicating()).isTrue();
		assertThat(result.replication().position()).isEqualTo("0-1-42");
	}

	@Test
	void aWritableMariaDbThatReplicatesFromNoOneReportsItsBinaryLogPosition() throws SQLException {
		RecordedServer server = new RecordedServer("MariaDB", "11.4.5-MariaDB")
			.answer("SELECT @@read_only, @@wsrep_on", row("ro", 0, "wsrep", 0, "binlog", "0-1-50", "slave", "",
					"current", "0-1-50", "running", "OFF", "sqlThreads", "0", "replicas", "2"))
			.answer("SHOW SLAVE STATUS");

		ProbeResult result = Dialect.of("MariaDB", "11.4.5-MariaDB").probe(server.connection(), false);

		assertThat(result.readOnly()).isFalse();
		assertThat(result.lag()).isEqualTo(Duration.ZERO);
		assertThat(result.replication().replicating()).isFalse();
		assertThat(result.replication().position()).isEqualTo("0-1-50");
		assertThat(result.replication().replicas()).as("Slaves_connected: replicas replicate from it").isEqualTo(2);
	}

	@Test
	void aGaleraNodeIsSynchronous() throws SQLException {
		RecordedServer server = new RecordedServer("MariaDB", "10.11.6-MariaDB-0+deb12u1")
			.answer("SELECT @@read_only, @@wsrep_on", row("ro", 0, "wsrep", 1, "binlog", "", "slave", "", "current", "", "running", null, "sqlThreads", null, "replicas", "2"))
			.answer("SHOW GLOBAL STATUS WHERE", row("Variable_name", "wsrep_ready", "Value", "ON"),
					row("Variable_name", "wsrep_local_state_comment", "Value", "Synced"));

		ProbeResult result = Dialect.of("MariaDB", "10.11.6-MariaDB-0+deb12u1").probe(server.connection(), false);

		assertThat(result.replication().synchronous()).isTrue();
		assertThat(result.lag()).isEqualTo(Duration.ZERO);
		assertThat(server.sent).noneMatch((sql) -> sql.startsWith("SHOW SLAVE"));
	}

	@Test
	void postgresReportsTheReplayPositionOfAStandbyAndTheTimelineOfAPrimary() throws SQLException {
		RecordedServer standby = new RecordedServer("PostgreSQL", "17.2")
			.answer("SELECT pg_is_in_recovery()",
					row("r", true, "lsn", "0/3000148", "replay", 2.5, "wal", null, "ro", "off"));
		ProbeResult standbyResult = Dialect.of("PostgreSQL", "17.2").probe(standby.connection(), false);
		assertThat(standbyResult.readOnly()).isTrue();
		assertThat(standbyResult.lag()).as("only an estimate: not the server's figure").isNull();
		assertThat(standbyResult.replication().position()).isEqualTo("0/3000148");
		assertThat(standbyResult.replication().replayLag()).isEqualTo(Duration.ofMillis(2500));

		RecordedServer primary = new RecordedServer("PostgreSQL", "14.15")
			.answer("SELECT pg_is_in_recovery()", row("r", false, "lsn", "0/3000148", "replay", 0, "wal",
					"000000030000000000000003", "ro", "off"));
		ProbeResult primaryResult = Dialect.of("PostgreSQL", "14.15").probe(primary.connection(), false);
		assertThat(primaryResult.replication().timeline()).isEqualTo(3);
		assertThat(primaryResult.replication().replicating()).isFalse();
		assertThat(primaryResult.readOnly()).isFalse();
		assertThat(primaryResult.lag()).isEqualTo(Duration.ZERO);
	}

	/**
	 * A primary whose sessions start read-only ({@code default_transaction_read_only} from
	 * {@code ALTER SYSTEM}, the database or the role: {@code reset_val}) refuses every write: read-only,
	 * replicating from no one, and its lag is left to the pool to measure by position.
	 */
	@Test
	void postgresReportsAPrimaryWhoseSessionsStartReadOnlyAsReadOnly() throws SQLException {
		RecordedServer fenced = new RecordedServer("PostgreSQL", "17.2")
			.answer("SELECT pg_is_in_recovery()", row("r", false, "lsn", "0/3000148", "replay", 0, "wal",
					"000000010000000000000003", "ro", "on"));
		ProbeResult result = Dialect.of("PostgreSQL", "17.2").probe(fenced.connection(), false);
		assertThat(result.readOnly()).isTrue();
		assertThat(result.replication().replicating()).isFalse();
		assertThat(result.replication().position()).isEqualTo("0/3000148");
		assertThat(result.lag()).as("measured by position, not zero").isNull();
		assertThat(fenced.sent).anyMatch((sql) -> sql.contains("reset_val FROM pg_settings"));
	}

	@Test
	void mariaDbPositionsCompareByDomain() {
		MariaDbDialect dialect = new MariaDbDialect("11.4.5-MariaDB");
		assertThat(dialect.hasReached("0-1-42", "0-1-42")).isTrue();
		assertThat(dialect.hasReached("0-2-43", "0-1-42")).as("the server id does not order").isTrue();
		assertThat(dialect.hasReached("0-1-41", "0-1-42")).isFalse();
		assertThat(dialect.hasReached("0-1-42,1-3-7", "0-1-42,1-3-8")).isFalse();
		assertThat(dialect.hasReached("0-1-42", "0-1-42,1-3-8")).as("a domain not applied at all").isFalse();
		assertThat(dialect.hasReached("", "")).isTrue();
		assertThat(MariaDbDialect.furthest("0-1-42,1-3-2", "0-1-40,1-3-5")).isEqualTo("0-1-42,1-3-5");
	}

	@Test
	void mySqlPositionsAreGtidSets() {
		MySqlDialect dialect = new MySqlDialect("8.4.3");
		String uuid = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
		String other = "4a3c1b2d-71ca-11e1-9e33-c80aa9429562";
		assertThat(dialect.hasReached(uuid + ":1-77", uuid + ":1-77")).isTrue();
		assertThat(dialect.hasReached(uuid + ":1-76", uuid + ":1-77")).isFalse();
		assertThat(dialect.hasReached(uuid + ":1-10:12-77", uuid + ":1-77")).as("a hole").isFalse();
		assertThat(dialect.hasReached(uuid + ":1-80,\n" + other + ":1-3", uuid + ":1-77,\n" + other + ":1-3")).isTrue();
		assertThat(dialect.hasReached(uuid + ":1-80", uuid + ":1-77," + other + ":1")).isFalse();
		assertThat(dialect.hasReached(uuid + ":1-5:batch:1-3", uuid + ":batch:1-2")).as("tagged GTIDs (8.4)").isTrue();
		assertThat(dialect.hasReached(uuid + ":1-5", uuid + ":batch:1")).isFalse();
	}

	@Test
	void postgresPositionsAreLsns() {
		PostgresDialect dialect = new PostgresDialect("17.2");
		assertThat(dialect.hasReached("16/B374D848", "16/B374D848")).isTrue();
		assertThat(dialect.hasReached("16/B374D847", "16/B374D848")).isFalse();
		assertThat(dialect.hasReached("17/0", "16/FFFFFFFF")).isTrue();
	}

	@Test
	void versionsAreComparedAsNumbers() {
		assertThat(Dialect.versionNumber("8.0.22")).isGreaterThan(Dialect.versionNumber("8.0.9"));
		assertThat(Dialect.versionNumber("8.0.36-0ubuntu0.22.04.1")).isEqualTo(8_000_036);
		assertThat(Dialect.versionNumber("5.5.5-10.6.12-MariaDB")).isEqualTo(5_005_005);
	}

	@ParameterizedTest
	@CsvSource(nullValues = "null", value = { "HY000, 2013, CONNECTION_LOST", "42000, 2013, null", "HY000, 1053, SHUTDOWN",
			"08S01, 1077, SHUTDOWN", "70100, 1927, CONNECTION_LOST", "90067, 90067, CONNECTION_LOST", "HY000, 1064, null" })
	void vendorCodesOfAConnectionOrServerGoneAreTheDialects(String state, int code, Dialect.VendorFailure failure) {
		assertThat(Dialect.connectionFailure(new SQLException("error", state, code))).isEqualTo(failure);
	}

	@ParameterizedTest
	@CsvSource(nullValues = "null", value = { "08S01, 1047, NOT_READY", "57P01, 0, SHUTDOWN", "57P02, 0, SHUTDOWN",
			"57P03, 0, NOT_READY", "57014, 0, null", "08S01, 0, null" })
	void vendorCodesThatSayMoreThanTheirSqlStateClassAreTheDialects(String state, int code,
			Dialect.VendorFailure failure) {
		assertThat(Dialect.serverFailure(new SQLException("error", state, code))).isEqualTo(failure);
	}

	@Test
	void vendorCodesOfAuthenticationOneConnectionAndReadOnlyAreTheDialects() {
		assertThat(Dialect.isAuthFailure(new SQLException("password authentication failed", "28P01"))).isTrue();
		assertThat(Dialect.isAuthFailure(new SQLException("Access denied", "28000", 1045))).isTrue();
		assertThat(Dialect.isAuthFailure(new SQLException("Access denied to database", "42000", 1044))).isFalse();
		assertThat(Dialect.endsOneConnection(new SQLException("Connection was killed", "70100", 1927))).isTrue();
		assertThat(Dialect.endsOneConnection(new SQLException("terminating connection", "57P01"))).isTrue();
		assertThat(Dialect.endsOneConnection(new SQLException("Server shutdown in progress", "HY000", 1053))).isFalse();
		assertThat(Dialect.isServerReadOnly(new SQLException(
				"The MariaDB server is running with the --read-only option so it cannot execute this statement",
				"HY000", 1290))).isTrue();
		assertThat(Dialect.isServerReadOnly(new SQLException("running in read-only mode", "HY000", 1836))).isTrue();
		assertThat(Dialect.isServerReadOnly(new SQLException("secure-file-priv option", "HY000", 1290))).isFalse();
	}

	@Test
	void aPostgresRefusalOfAWriteInAReadOnlyTransactionIsTheOnlyReadOnlyTransactionRefusal() {
		SQLException postgres = new SQLException("ERROR: cannot execute INSERT in a read-only transaction", "25006");
		assertThat(Dialect.isReadOnlyTransactionRefusal(postgres)).isTrue();
		assertThat(Dialect.isReadOnlyTransactionRefusal(new SQLException("wrapped", "08000", postgres))).isTrue();
		assertThat(Dialect.isServerReadOnly(postgres)).as("ambiguous: not the server's by itself").isFalse();
		// MariaDB and MySQL in a transaction the session made read-only: 1792, its own doing
		assertThat(Dialect.isReadOnlyTransactionRefusal(
				new SQLException("Cannot execute statement in a READ ONLY transaction", "25006", 1792))).isFalse();
		assertThat(Dialect.isReadOnlyTransactionRefusal(new SQLException("read-only", "HY000", 1290))).isFalse();
	}

	@Test
	void aConnectionRefusedAtTheServersConnectionLimitIsTheDialectsConnectionLimit() {
		assertThat(Dialect.isConnectionLimit(new SQLException("Too many connections", "08004", 1040))).isTrue();
		assertThat(Dialect.isConnectionLimit(new SQLException("more than 'max_user_connections'", "42000", 1203))).isTrue();
		assertThat(Dialect.isConnectionLimit(
				new SQLException("User 'app' has exceeded the 'max_user_connections' resource (current value: 5)", "42000", 1226)))
			.isTrue();
		assertThat(Dialect.isConnectionLimit(
				new SQLException("User 'app' has exceeded the 'max_queries_per_hour' resource (current value: 100)", "42000", 1226)))
			.as("an account's limit of queries: not one of connections").isFalse();
		SQLException postgres = new SQLException("FATAL: sorry, too many clients already", "53300");
		assertThat(Dialect.isConnectionLimit(postgres)).isTrue();
		assertThat(Dialect.isConnectionLimit(new SQLException("request timed out", "08001", postgres))).as("as a cause").isTrue();
		assertThat(Dialect.isConnectionLimit(new SQLException("refused", "08001", 0))).isFalse();
		assertThat(Dialect.isConnectionLimit(new SQLException("Lost connection", "HY000", 2013))).isFalse();
	}

	@Test
	void aQueryAStandbyCancelledForItsRecoveryIsTheDialectsRecoveryConflict() {
		SQLException cancelled = new SQLException("ERROR: canceling statement due to conflict with recovery", "40001");
		assertThat(Dialect.isRecoveryConflict(cancelled)).isTrue();
		assertThat(Dialect.isRecoveryConflict(new SQLException("wrapped", "08000", cancelled))).as("as a cause").isTrue();
		assertThat(Dialect.isRecoveryConflict(new SQLException("deadlock with the startup process", "40P01"))).isTrue();
		assertThat(Dialect.isRecoveryConflict(new SQLException("Deadlock found when trying to get lock", "40001", 1213)))
			.as("MariaDB's deadlock: not PostgreSQL's").isFalse();
		assertThat(Dialect.isRecoveryConflict(new SQLException("canceling statement due to user request", "57014")))
			.isFalse();
	}

	@Test
	void aTransactionTheServerRolledBackForAConflictIsADeadlockACertificationFailureOrASerializationFailure() {
		SQLException deadlock = new SQLException("Deadlock found when trying to get lock; try restarting transaction",
				"40001", 1213);
		assertThat(Dialect.isTransactionRolledBack(deadlock)).as("MariaDB's deadlock, and Galera's certification").isTrue();
		assertThat(Dialect.isTransactionRolledBack(new SQLException("JDBC commit failed", "08000", deadlock)))
			.as("as a cause").isTrue();
		assertThat(Dialect.isTransactionRolledBack(new SQLException("could not serialize access", "40001"))).isTrue();
		assertThat(Dialect.isTransactionRolledBack(new SQLException("deadlock detected", "40P01"))).isTrue();
		assertThat(Dialect.isTransactionRolledBack(new SQLException("Lock wait timeout exceeded", "HY000", 1205)))
			.as("a lock wait timeout rolls back the statement only").isFalse();
		assertThat(Dialect.isTransactionRolledBack(new SQLException("Deadlock detected", "40001", 40001)))
			.as("H2's deadlock: its own code, not a vendor's this dialect knows").isFalse();
		assertThat(Dialect.isTransactionRolledBack(new SQLException("Duplicate entry", "23000", 1062))).isFalse();
		assertThat(Dialect.isTransactionRolledBack(new SQLException("Statement cancelled due to timeout")))
			.as("an error without SQLState (mysql-connector-j's query timeout)").isFalse();
		assertThat(Dialect.isRecoveryConflict(new SQLException("Statement cancelled due to timeout"))).isFalse();
	}

	@Test
	void onAGaleraNodeAWriteIsKnownByItsWsrepGtidAndAwaitedByGalerasOwnWaitNotByMasterGtidWait() throws SQLException {
		ServerIdentity server = new ServerIdentity("MariaDB", "11.4.5-MariaDB", null);
		RecordedServer node = new RecordedServer("MariaDB", "11.4.5-MariaDB")
			.answer("SELECT WSREP_LAST_WRITTEN_GTID()", row("gtid", "0-1-7"))
			.answer("SELECT WSREP_SYNC_WAIT_UPTO_GTID(", row("node", 1))
			.answer("SET STATEMENT wsrep_sync_wait = 1 FOR SELECT 1", row("1", 1));

		assertThat(ReplicaCatchUp.positionAfterWrite(node.connection(), server, true)).isEqualTo("0-1-7");
		assertThat(ReplicaCatchUp.hasApplied(node.connection(), server, true, "0-1-7", Duration.ofMillis(300))).isTrue();
		assertThat(node.sent).as("the wait for the GTID, then a causal read: the function returns a moment before the"
				+ " transaction is visible").containsExactly("SELECT WSREP_LAST_WRITTEN_GTID()",
						"SELECT WSREP_SYNC_WAIT_UPTO_GTID(?, ?)", "SET STATEMENT wsrep_sync_wait = 1 FOR SELECT 1");
	}

	@Test
	void aMariaDbReplicationReplicaStillWaitsWithMasterGtidWait() throws SQLException {
		ServerIdentity server = new ServerIdentity("MariaDB", "11.4.5-MariaDB", null);
		RecordedServer replica = new RecordedServer("MariaDB", "11.4.5-MariaDB")
			.answer("SELECT @@last_gtid", row("gtid", "0-1-7"))
			.answer("SELECT MASTER_GTID_WAIT(", row("waited", 0));

		assertThat(ReplicaCatchUp.positionAfterWrite(replica.connection(), server, false)).isEqualTo("0-1-7");
		assertThat(ReplicaCatchUp.hasApplied(replica.connection(), server, false, "0-1-7", Duration.ofSeconds(1))).isTrue();
		assertThat(replica.sent).containsExactly("SELECT @@last_gtid", "SELECT MASTER_GTID_WAIT(?, ?)");
	}

	@Test
	void aGaleraWaitThatTimesOutOrCannotReadTheGtidIsNotAppliedAndALostConnectionReachesTheCaller() {
		ServerIdentity server = new ServerIdentity("MariaDB", "11.4.5-MariaDB", null);
		RecordedServer timedOut = new RecordedServer("MariaDB", "11.4.5-MariaDB").fail("SELECT WSREP_SYNC_WAIT_UPTO_GTID(",
				new SQLException("Lock wait timeout exceeded; try restarting transaction", "HY000", 1205));
		RecordedServer unreadable = new RecordedServer("MariaDB", "11.4.5-MariaDB").fail("SELECT WSREP_SYNC_WAIT_UPTO_GTID(",
				new SQLException("Incorrect arguments to wsrep_sync_wait_upto_gtid", "HY000", 1210));
		RecordedServer lost = new RecordedServer("MariaDB", "11.4.5-MariaDB").fail("SELECT WSREP_SYNC_WAIT_UPTO_GTID(",
				new SQLException("Socket error", "08000", 0));
		RecordedServer causalTimedOut = new RecordedServer("MariaDB", "11.4.5-MariaDB")
			.answer("SELECT WSREP_SYNC_WAIT_UPTO_GTID(", row("node", 1))
			.fail("SET STATEMENT wsrep_sync_wait", new SQLException("Lock wait timeout exceeded", "HY000", 1205));

		assertThatNoException().isThrownBy(() -> assertThat(
				ReplicaCatchUp.hasApplied(timedOut.connection(), server, true, "0-1-7", Duration.ofSeconds(1))).isFalse());
		assertThatNoException().isThrownBy(() -> assertThat(
				ReplicaCatchUp.hasApplied(unreadable.connection(), server, true, "x", Duration.ofSeconds(1))).isFalse());
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> ReplicaCatchUp.hasApplied(lost.connection(), server, true, "0-1-7", Duration.ofSeconds(1)))
			.withMessage("Socket error");
		assertThatNoException().isThrownBy(() -> assertThat(
				ReplicaCatchUp.hasApplied(causalTimedOut.connection(), server, true, "0-1-7", Duration.ofSeconds(1)))
			.as("the causal read gave up").isFalse());
	}

	@Test
	void galerasWaitTakesWholeSecondsSoAShorterTimeoutWaitsOneSecond() {
		assertThat(GaleraChecks.waitSeconds(Duration.ofMillis(300))).isEqualTo(1);
		assertThat(GaleraChecks.waitSeconds(Duration.ZERO)).isEqualTo(1);
		assertThat(GaleraChecks.waitSeconds(Duration.ofSeconds(1))).isEqualTo(1);
		assertThat(GaleraChecks.waitSeconds(Duration.ofMillis(1001))).isEqualTo(2);
	}

}
