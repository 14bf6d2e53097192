package io.peerpool;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.peerpool.balance.Balance;
import io.peerpool.failure.DefaultPeerFailureClassifier;
import io.peerpool.failure.FailureReason;
import io.peerpool.failure.PeerFailureClassifier;
import io.peerpool.test.DatabaseServer;
import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.EmbeddedPostgres;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.PostgresMajor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * A query past the timeout the application set ({@code Statement.setQueryTimeout}, or Spring's
 * transaction timeout, which {@code JdbcTemplate} turns into one) is the application's error: it
 * reaches the caller once, is not run again on the other peer (neither as the retry of a failed
 * first statement nor as a transaction replay), and leaves every peer UP. Two equal peers, real
 * servers, each driver's own way of timing a query out: MariaDB Connector/J's
 * {@code max_statement_time}, Connector/J's {@code KILL QUERY} from a timer, PgJDBC's cancel request.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class QueryTimeoutIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb mariadb = EmbeddedMariaDb.peers(2);

	@RegisterExtension
	static final EmbeddedPostgres postgres = EmbeddedPostgres.of(PostgresMajor.V17, PostgresMajor.V17);

	static Stream<Arguments> drivers() {
		return Stream.of(Arguments.of(JdbcDriver.MARIADB, "SELECT SLEEP(3)"),
				Arguments.of(JdbcDriver.MYSQL, "SELECT SLEEP(3)"),
				Arguments.of(JdbcDriver.POSTGRESQL, "SELECT pg_sleep(3)"));
	}

	private static List<? extends DatabaseServer> servers(JdbcDriver driver) {
		return (driver == JdbcDriver.POSTGRESQL) ? postgres.servers() : mariadb.servers();
	}

	@ParameterizedTest
	@MethodSource("drivers")
	void aQueryPastItsTimeoutInAutoCommitFailsOnceAndThePeersStayUp(JdbcDriver driver, String slowQuery)
			throws Exception {
		try (Observed pool = new Observed(driver)) {
			long routedBefore = pool.routed();
			Throwable timedOut = pool.queryWithTimeout(slowQuery);

			assertThat(timedOut).as("the query past its timeout").isInstanceOf(SQLException.class);
			pool.assertRanOnceAndEveryPeerStaysUp(routedBefore);
		}
	}

	@ParameterizedTest
	@MethodSource("drivers")
	void aReadOnlyTransactionPastItsQueryTimeoutIsNotReplayed(JdbcDriver driver, String slowQuery) throws Exception {
		try (Observed pool = new Observed(driver)) {
			long routedBefore = pool.routed();
			Throwable timedOut;
			try (Connection connection = pool.dataSource.getConnection()) {
				connection.setReadOnly(true);
				connection.setAutoCommit(false);
				try (Statement statement = connection.createStatement()) {
					statement.executeQuery("SELECT 1").close();
					statement.setQueryTimeout(1);
					timedOut = catchThrowable(() -> statement.executeQuery(slowQuery).close());
				}
				connection.rollback();
			}

			assertThat(timedOut).as("the query past its timeout").isInstanceOf(SQLException.class);
			pool.assertRanOnceAndEveryPeerStaysUp(routedBefore);
		}
	}

	@ParameterizedTest
	@MethodSource("drivers")
	void aSpringTransactionTimeoutReachesTheCallerAndThePeersStayUp(JdbcDriver driver, String slowQuery)
			throws Exception {
		try (Observed pool = new Observed(driver)) {
			TransactionTemplate transactions = new TransactionTemplate(
					new DataSourceTransactionManager(pool.dataSource));
			transactions.setTimeout(1);
			transactions.setReadOnly(true);
			JdbcTemplate jdbc = new JdbcTemplate(pool.dataSource);
			long routedBefore = pool.routed();

			Throwable timedOut = catchThrowable(
					() -> transactions.executeWithoutResult((status) -> jdbc.queryForList(slowQuery)));

			assertThat(timedOut).as("@Transactional(timeout = 1) around the report query")
				.isInstanceOf(DataAccessException.class);
			pool.assertRanOnceAndEveryPeerStaysUp(routedBefore);
		}
	}

	/**
	 * Control: with a classifier that takes every error for the peer's (as a hand-written routing
	 * data source that fails over on any {@code SQLException} does), the same query runs again on
	 * the other peer and its peer is taken DOWN. The retries end: a peer that came back is taken
	 * again at most once.
	 */
	@ParameterizedTest
	@MethodSource("drivers")
	void controlAClassifierThatBlamesThePeerRunsTheQueryAgainElsewhere(JdbcDriver driver, String slowQuery)
			throws Exception {
		PeerFailureClassifier blamesThePeer = (failure) -> FailureReason.CONNECTION_LOST;
		try (Observed pool = new Observed(driver, blamesThePeer)) {
			long routedBefore = pool.routed();
			Throwable failure = pool.queryWithTimeout(slowQuery);

			assertThat(failure).as("the query that fails wherever it runs").isInstanceOf(SQLException.class);
			// each of the two peers taken back at most once after it failed the statement, not round and round
			assertThat(pool.routed() - routedBefore).as("connections handed out for it").isBetween(2L, 4L);
			await().atMost(Duration.ofSeconds(10)).until(() -> !pool.downs.isEmpty());
		}
	}

	/** A pool over the two peers of a driver's servers, with what the assertions read. */
	private static final class Observed implements AutoCloseable {

		final PeerPoolDataSource dataSource;

		private final ConcurrentLinkedQueue<String> downs = new ConcurrentLinkedQueue<>();

		private final AtomicInteger probes = new AtomicInteger();

		Observed(JdbcDriver driver) {
			this(driver, new DefaultPeerFailureClassifier());
		}

		Observed(JdbcDriver driver, PeerFailureClassifier classifier) {
			// probes every 500 ms (fast settings), so that a wrong DOWN would show within the test
			this.dataSource = TestPools.over(TestPools.fastSettings("timeout", Balance.ROUND_ROBIN), servers(driver),
					driver, (server) -> PeerRole.PRIMARY, PeerProbe.standard(),
					Map.of("maximum-pool-size", "4", "minimum-idle", "1"), (builder) -> builder.classifier(classifier));
			PoolEvents.onDown(this.dataSource, (down) -> this.downs.add(PoolEvents.describeDown(down)));
			PoolEvents.onProbe(this.dataSource, this.probes::incrementAndGet);
		}

		/** Runs {@code slowQuery} in auto-commit with a query timeout of 1 s: what it threw. */
		Throwable queryWithTimeout(String slowQuery) {
			return catchThrowable(() -> {
				try (Connection connection = this.dataSource.getConnection();
						Statement statement = connection.createStatement()) {
					statement.setQueryTimeout(1);
					statement.executeQuery(slowQuery).close();
				}
			});
		}

		long routed() {
			return this.dataSource.getPeers().stream().mapToLong(PeerInfo::routed).sum();
		}

		void assertRanOnceAndEveryPeerStaysUp(long routedBefore) {
			assertThat(routed() - routedBefore)
				.as("connections handed out for it: a retry or a replay would have taken another one")
				.isEqualTo(1);
			int probed = this.probes.get();
			// two more probe rounds of both peers, the ones that a failure classified as the peer's would ask for
			await().atMost(Duration.ofSeconds(20)).until(() -> this.probes.get() >= probed + 4);
			assertThat(this.downs).as("DOWN transitions").isEmpty();
			assertThat(this.dataSource.getPeers()).allSatisfy((peer) -> assertThat(peer.state()).isEqualTo(PeerState.UP));
		}

		@Override
		public void close() {
			this.dataSource.close();
		}

	}

}
