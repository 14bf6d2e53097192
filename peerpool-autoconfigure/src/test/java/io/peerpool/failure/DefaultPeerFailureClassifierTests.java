package io.peerpool.failure;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DefaultPeerFailureClassifierTests {

	private final DefaultPeerFailureClassifier classifier = new DefaultPeerFailureClassifier();

	@Test
	void connectionClassErrorsMarkThePeerDown() {
		assertThat(this.classifier.classify(new SQLNonTransientConnectionException("Socket error", "08000")))
			.isEqualTo(FailureReason.CONNECTION_LOST);
		assertThat(this.classifier.classify(new SQLException("Communications link failure", "08S01", 0)))
			.isEqualTo(FailureReason.CONNECTION_LOST);
		assertThat(this.classifier.classify(new SQLException("refused", "08001", new ConnectException("refused"))))
			.isEqualTo(FailureReason.CONNECT);
		assertThat(this.classifier.classify(new SQLException("Lost connection", "HY000", 2013)))
			.isEqualTo(FailureReason.CONNECTION_LOST);
		assertThat(this.classifier.classify(new SQLException("Connection was killed", "70100", 1927)))
			.isEqualTo(FailureReason.CONNECTION_LOST);
		assertThat(this.classifier.classify(new SQLException("Server shutdown in progress", "08S01", 1053)))
			.isEqualTo(FailureReason.CONNECTION_LOST);
		assertThat(this.classifier.classify(new SQLException("Server shutdown in progress", "HY000", 1053)))
			.isEqualTo(FailureReason.SHUTDOWN);
		assertThat(this.classifier.classify(new SQLException("terminating connection", "57P01")))
			.isEqualTo(FailureReason.SHUTDOWN);
		assertThat(this.classifier.classify(new SQLException("the database system is starting up", "57P03")))
			.isEqualTo(FailureReason.NOT_READY);
		assertThat(this.classifier.classify(new SQLException("WSREP has not yet prepared node", "08S01", 1047)))
			.isEqualTo(FailureReason.NOT_READY);
		assertThat(this.classifier.classify(new SQLException("Database is already closed", "90067", 90067)))
			.isEqualTo(FailureReason.CONNECTION_LOST);
		assertThat(this.classifier.classify(new SQLException("read timed out", null, new SocketTimeoutException())))
			.isEqualTo(FailureReason.TIMEOUT);
		assertThat(this.classifier.classify(new SQLException("Socket timeout when connecting to 127.0.0.1:3306. Read timed out",
				"08000", -1, new SocketTimeoutException("Read timed out"))))
			.as("mariadb-java-client, handshake with a frozen server")
			.isEqualTo(FailureReason.TIMEOUT);
	}

	@Test
	void errorsThatMayConcernOneConnectionAreConfirmedByAProbeOthersAreNot() {
		assertThat(this.classifier.mayConcernOneConnection(new SQLException("Connection was killed", "70100", 1927)))
			.as("MariaDB KILL of one connection").isTrue();
		assertThat(this.classifier.mayConcernOneConnection(new SQLException("terminating connection due to administrator command", "57P01")))
			.as("pg_terminate_backend").isTrue();
		assertThat(this.classifier.mayConcernOneConnection(new SQLException("read timed out", "08000", new SocketTimeoutException())))
			.as("a socket timeout the user set").isTrue();
		assertThat(this.classifier.mayConcernOneConnection(new SQLNonTransientConnectionException("Socket error", "08000")))
			.isTrue();
		assertThat(this.classifier.mayConcernOneConnection(new SQLException("Server shutdown in progress", "HY000", 1053)))
			.isFalse();
		assertThat(this.classifier.mayConcernOneConnection(new SQLException("WSREP has not yet prepared node", "08S01", 1047)))
			.isFalse();
		assertThat(this.classifier.mayConcernOneConnection(new SQLInvalidAuthorizationSpecException("Access denied", "28000", 1045)))
			.isFalse();
		assertThat(this.classifier.mayConcernOneConnection(new SQLSyntaxErrorException("syntax", "42000", 1064))).isFalse();
	}

	@Test
	void aServerAtItsConnectionLimitIsBusyNotDown() {
		assertThat(this.classifier.classify(new SQLNonTransientConnectionException("(conn=19) Too many connections", "08004", 1040)))
			.as("MariaDB's max_connections, with the SQLState of a refused connection").isNull();
		assertThat(this.classifier.classify(new SQLException("User app already has more than 'max_user_connections' active connections",
				"42000", 1203))).isNull();
		assertThat(this.classifier.classify(new SQLException("User 'app' has exceeded the 'max_user_connections' resource (current value: 5)",
				"42000", 1226))).isNull();
		assertThat(this.classifier.classify(new SQLException("FATAL: too many connections for role \"app\"", "53300")))
			.as("PostgreSQL's max_connections, or a role's CONNECTION LIMIT").isNull();
		assertThat(this.classifier.classify(new SQLTransientConnectionException("limit - Connection is not available, request timed out",
				"08004", new SQLNonTransientConnectionException("Too many connections", "08004", 1040))))
			.as("HikariCP's timeout over the refusal").isNull();
		assertThat(this.classifier.mayConcernOneConnection(new SQLException("Too many connections", "08004", 1040))).isFalse();
	}

	@Test
	void aConnectionExceptionWithoutSQLStateIsAConnectFailure() {
		assertThat(this.classifier.classify(new SQLTransientConnectionException("request timed out after 250ms")))
			.as("HikariCP's, with no connection failure below it")
			.isEqualTo(FailureReason.CONNECT);
		assertThat(this.classifier.classify(new SQLInvalidAuthorizationSpecException("Access denied")))
			.isEqualTo(FailureReason.AUTH);
	}

	@Test
	void authenticationFailureIsItsOwnReason() {
		assertThat(this.classifier.classify(new SQLInvalidAuthorizationSpecException("Access denied", "28000", 1045)))
			.isEqualTo(FailureReason.AUTH);
		assertThat(this.classifier.classify(new SQLException("password authentication failed", "28P01")))
			.isEqualTo(FailureReason.AUTH);
	}

	@Test
	void theApplicationsOwnErrorsNeverMarkThePeerDown() {
		assertThat(this.classifier.classify(new SQLSyntaxErrorException("syntax", "42000", 1064))).isNull();
		assertThat(this.classifier.classify(new SQLIntegrityConstraintViolationException("dup", "23000", 1062))).isNull();
		assertThat(this.classifier.classify(new SQLException("unique_violation", "23505"))).isNull();
		assertThat(this.classifier.classify(new SQLTimeoutException("Query execution was interrupted", "70100", 1317)))
			.as("a query timeout the application asked for")
			.isNull();
		assertThat(this.classifier.classify(new SQLException("canceling statement due to statement timeout", "57014")))
			.isNull();
		// MariaDB Connector/J's exception classes for SQLState classes 25 and for those it does not know
		assertThat(this.classifier.classify(new SQLInvalidAuthorizationSpecException(
				"Cannot execute statement in a READ ONLY transaction", "25006", 1792)))
			.as("a write in a read-only transaction")
			.isNull();
		assertThat(this.classifier.classify(new SQLTransientConnectionException("refused by the application", "45000", 1644)))
			.as("SIGNAL SQLSTATE '45000'")
			.isNull();
		assertThat(this.classifier.classify(new SQLTransientConnectionException("No database selected", "3D000", 1046)))
			.isNull();
	}

}
