package io.peerpool;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * A closed pool (the application context shutting down while a scheduler or listener still runs)
 * refuses at once, as HikariCP does, instead of holding its callers for {@code acquire-timeout}
 * and then naming a peer UP; callers held when it closes are let go with the same error. Over an
 * in-memory H2 peer, no server; {@code acquire-timeout} is longer than the test's timeout, so a
 * caller left waiting fails the test.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ClosedPoolTests {

	private final PeerPoolDataSource pool = PeerPoolDataSource.builder("closed")
		.probe(PeerProbe.validity())
		.peer("h2", "jdbc:h2:mem:closedpool;DB_CLOSE_DELAY=-1", "sa", "")
		.acquireTimeout(Duration.ofMinutes(2))
		.build();

	@AfterEach
	void close() {
		this.pool.close();
	}

	@Test
	void aClosedPoolRefusesNewConnectionsAtOnce() throws SQLException {
		selectOne(this.pool.getConnection());
		this.pool.close();
		SQLException refused = catchThrowableOfType(SQLException.class, this.pool::getConnection);
		assertThat((Throwable) refused).isNotInstanceOf(NoAvailablePeerException.class);
		assertThat(refused.getMessage()).isEqualTo("peerpool pool 'closed' is closed");
		assertThat(refused.getSQLState()).isEqualTo("08003");
	}

	@Test
	void aConnectionBorrowedBeforeTheCloseGetsTheSameErrorAtItsFirstStatement() throws SQLException {
		Connection borrowed = this.pool.getConnection();
		this.pool.close();
		SQLException refused = catchThrowableOfType(SQLException.class, () -> selectOne(borrowed));
		assertThat((Throwable) refused).hasMessage("peerpool pool 'closed' is closed");
	}

	@Test
	void callersHeldWhenThePoolClosesAreLetGoWithTheSameError() throws Exception {
		selectOne(this.pool.getConnection());
		this.pool.drain("h2");
		CompletableFuture<Void> held = CompletableFuture.runAsync(() -> {
			try {
				selectOne(this.pool.getConnection());
			}
			catch (SQLException ex) {
				throw new CompletionException(ex);
			}
		});
		await().atMost(Duration.ofSeconds(10)).until(() -> this.pool.holdingCallers() == 1);
		this.pool.close();
		ExecutionException failed = catchThrowableOfType(ExecutionException.class, () -> held.get(20, TimeUnit.SECONDS));
		assertThat(failed.getCause()).isInstanceOf(SQLException.class).hasMessage("peerpool pool 'closed' is closed");
	}

	private static void selectOne(Connection connection) throws SQLException {
		try (connection; Statement statement = connection.createStatement()) {
			statement.executeQuery("SELECT 1").close();
		}
	}

}
