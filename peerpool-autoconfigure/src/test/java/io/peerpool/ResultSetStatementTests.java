package io.peerpool;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What the README says of a result set outside a recorded transaction: it is HikariCP's own, so
 * its {@code getStatement()} is HikariCP's statement; closing the connection reached from it ends
 * the borrow with an error at its next statement, and the physical connection is never in use by
 * two borrows at once. Over an in-memory H2 peer, no server.
 */
class ResultSetStatementTests {

	private final PeerPoolDataSource pool = PeerPoolDataSource.builder("rs")
		.probe(PeerProbe.validity())
		.peer("h2", "jdbc:h2:mem:resultsetstatement;DB_CLOSE_DELAY=-1", "sa", "")
		.hikari("maximum-pool-size", "1")
		.build();

	@AfterEach
	void close() {
		this.pool.close();
	}

	@Test
	void closingHikariCpsConnectionFromAResultSetEndsTheBorrowWithoutSharingItsConnection() throws SQLException {
		try (Connection connection = this.pool.getConnection(); Statement statement = connection.createStatement()) {
			Connection behind;
			try (ResultSet result = statement.executeQuery("SELECT 1")) {
				assertThat(result.getStatement()).isNotSameAs(statement);
				behind = result.getStatement().getConnection();
			}
			assertThat(behind).isNotSameAs(connection);
			behind.close();

			assertThat(this.pool.peer("h2").activeConnections()).as("the borrow's slot").isEqualTo(1);
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> statement.executeQuery("SELECT 2"));
			assertThat(this.pool.peer("h2").activeConnections())
				.as("given back with the closed connection, which the next statement does not use").isZero();
		}
		// the one physical connection serves the next borrow alone
		try (Connection next = this.pool.getConnection(); Statement statement = next.createStatement();
				ResultSet result = statement.executeQuery("SELECT 3")) {
			assertThat(result.next()).isTrue();
			assertThat(result.getInt(1)).isEqualTo(3);
		}
		assertThat(this.pool.peer("h2").activeConnections()).isZero();
	}

	@Test
	void theStatementAndTheMetaDataAnswerPeerpoolsConnection() throws SQLException {
		try (Connection connection = this.pool.getConnection(); Statement statement = connection.createStatement()) {
			assertThat(statement.getConnection()).isSameAs(connection);
			assertThat(connection.getMetaData().getConnection()).isSameAs(connection);
		}
	}

}
