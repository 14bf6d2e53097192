package io.peerpool;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import io.peerpool.balance.Balance;
import io.peerpool.routing.PeerRouting;
import io.peerpool.routing.RouteIntent;
import io.peerpool.routing.RouteOrigin;
import io.peerpool.routing.RouteScope;
import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.JdbcDriver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Spring's transaction propagation as applications use it, on a primary and a replica: an audit row
 * written in a {@code REQUIRES_NEW} transaction from inside a read-only one, a read-only
 * {@code REQUIRES_NEW} inside a read-write one, {@code NESTED} (a savepoint) rolled back, and
 * {@code NOT_SUPPORTED}. Each transaction runs where its own definition says, on its own
 * connection, and the suspended one goes on where it was, undisturbed.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TransactionPropagationIntegrationTests {

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.primaryWithReplicas(1);

	private static final AtomicLong names = new AtomicLong();

	@BeforeAll
	static void createTable() throws SQLException {
		try (Connection connection = db.primary().connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS audit (id BIGINT AUTO_INCREMENT PRIMARY KEY, text VARCHAR(40))");
		}
		db.awaitReplicated(Duration.ofSeconds(30));
	}

	@AfterEach
	void clear() {
		PeerRouting.clear();
	}

	private static PeerPoolDataSource pool() {
		return pool(ReadYourWrites.PIN);
	}

	private static PeerPoolDataSource pool(ReadYourWrites mode) {
		PeerPoolSettings settings = new PeerPoolSettings("propagation", Balance.ROUND_ROBIN, Duration.ofSeconds(1),
				Duration.ofMillis(300), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(5), null, false,
				Duration.ofSeconds(60), mode, Duration.ofSeconds(5));
		return TestPools.over(settings, db.servers(), JdbcDriver.MARIADB,
				(server) -> server == db.primary() ? PeerRole.PRIMARY : PeerRole.REPLICA);
	}

	private static TransactionTemplate transaction(PeerPoolDataSource pool, int propagation, boolean readOnly) {
		TransactionTemplate template = new TransactionTemplate(new DataSourceTransactionManager(pool));
		template.setPropagationBehavior(propagation);
		template.setReadOnly(readOnly);
		return template;
	}

	private static int serverId(JdbcTemplate jdbc) {
		return jdbc.queryForObject("SELECT @@server_id", Integer.class);
	}

	private static int countOnPrimary(String text) throws SQLException {
		try (Connection connection = db.primary().connect();
				var statement = connection.prepareStatement("SELECT COUNT(*) FROM audit WHERE text = ?")) {
			statement.setString(1, text);
			try (var rows = statement.executeQuery()) {
				rows.next();
				return rows.getInt(1);
			}
		}
	}

	@Test
	void anAuditRowWrittenInRequiresNewFromAReadOnlyTransactionGoesToThePrimaryAndTheReadOnlyOneStaysOnTheReplica()
			throws SQLException {
		String text = "a" + names.incrementAndGet();
		try (PeerPoolDataSource pool = pool()) {
			JdbcTemplate jdbc = new JdbcTemplate(pool);
			int[] servers = new int[4];
			transaction(pool, TransactionDefinition.PROPAGATION_REQUIRED, true).executeWithoutResult((outer) -> {
				servers[0] = serverId(jdbc);
				// a read of a table: MariaDB begins the transaction (its snapshot) here, not at a SELECT of a variable
				jdbc.queryForObject("SELECT COUNT(*) FROM audit", Integer.class);
				transaction(pool, TransactionDefinition.PROPAGATION_REQUIRES_NEW, false).executeWithoutResult((inner) -> {
					jdbc.update("INSERT INTO audit (text) VALUES ('" + text + "')");
					servers[1] = serverId(jdbc);
				});
				servers[2] = serverId(jdbc);
				servers[3] = jdbc.queryForObject("SELECT @@in_transaction", Integer.class);
			});
			assertThat(servers[0]).as("the read-only transaction").isEqualTo(db.replicas().get(0).serverId());
			assertThat(servers[1]).as("the audit's own transaction").isEqualTo(db.primary().serverId());
			assertThat(servers[2]).as("the read-only transaction, resumed").isEqualTo(db.replicas().get(0).serverId());
			assertThat(servers[3]).as("still in its transaction").isEqualTo(1);
			assertThat(countOnPrimary(text)).isEqualTo(1);
		}
	}

	@Test
	void aFailedRequiresNewRollsBackAloneAndTheReadOnlyTransactionAroundItGoesOn() throws SQLException {
		String text = "b" + names.incrementAndGet();
		try (PeerPoolDataSource pool = pool()) {
			JdbcTemplate jdbc = new JdbcTemplate(pool);
			int outerServer = transaction(pool, TransactionDefinition.PROPAGATION_REQUIRED, true).execute((outer) -> {
				assertThatThrownBy(() -> transaction(pool, TransactionDefinition.PROPAGATION_REQUIRES_NEW, false)
					.executeWithoutResult((inner) -> {
						jdbc.update("INSERT INTO audit (text) VALUES ('" + text + "')");
						throw new IllegalStateException("the audit's caller failed");
					})).hasMessage("the audit's caller failed");
				return serverId(jdbc);
			});
			assertThat(outerServer).isEqualTo(db.replicas().get(0).serverId());
			assertThat(countOnPrimary(text)).isZero();
		}
	}

	@Test
	void aReadOnlyRequiresNewInsideAReadWriteTransactionReadsOnTheReplicaAndTheWriterCommitsOnThePrimary()
			throws SQLException {
		String text = "c" + names.incrementAndGet();
		try (PeerPoolDataSource pool = pool()) {
			JdbcTemplate jdbc = new JdbcTemplate(pool);
			int[] servers = new int[3];
			transaction(pool, TransactionDefinition.PROPAGATION_REQUIRED, false).executeWithoutResult((outer) -> {
				jdbc.update("INSERT INTO audit (text) VALUES ('" + text + "')");
				servers[0] = serverId(jdbc);
				servers[1] = transaction(pool, TransactionDefinition.PROPAGATION_REQUIRES_NEW, true)
					.execute((inner) -> serverId(jdbc));
				jdbc.update("INSERT INTO audit (text) VALUES ('" + text + "')");
				servers[2] = serverId(jdbc);
			});
			assertThat(servers[0]).isEqualTo(db.primary().serverId());
			assertThat(servers[1]).as("outside a request, a read-only transaction reads from the replica")
				.isEqualTo(db.replicas().get(0).serverId());
			assertThat(servers[2]).isEqualTo(db.primary().serverId());
			assertThat(countOnPrimary(text)).isEqualTo(2);
		}
	}

	@Test
	void inARequestTheAuditWrittenInRequiresNewIsReadBackByTheRequestsNextReadOnlyTransaction() {
		assertThat(auditReadBackInTheSameRequest(ReadYourWrites.PIN)).as("the request's own write, read back after it")
			.isEqualTo(1);
	}

	@Test
	void controlWithoutReadYourWritesTheRequestsNextReadOnlyTransactionMissesTheAudit() {
		assertThat(auditReadBackInTheSameRequest(ReadYourWrites.NONE)).as("read on the lagging replica").isZero();
	}

	/**
	 * In a GET: a read-only transaction, a {@code REQUIRES_NEW} audit inside it, then the request's
	 * next read-only transaction counts the audit row, with the replica applying 3 s late.
	 */
	private static int auditReadBackInTheSameRequest(ReadYourWrites mode) {
		String text = "d" + names.incrementAndGet();
		db.lag(db.replicas().get(0), Duration.ofSeconds(3));
		try (PeerPoolDataSource pool = pool(mode);
				RouteScope request = PeerRouting.open(RouteIntent.REPLICA, RouteOrigin.HTTP_METHOD)) {
			JdbcTemplate jdbc = new JdbcTemplate(pool);
			transaction(pool, TransactionDefinition.PROPAGATION_REQUIRED, true).executeWithoutResult((outer) -> {
				serverId(jdbc);
				transaction(pool, TransactionDefinition.PROPAGATION_REQUIRES_NEW, false).executeWithoutResult(
						(inner) -> jdbc.update("INSERT INTO audit (text) VALUES ('" + text + "')"));
			});
			return transaction(pool, TransactionDefinition.PROPAGATION_REQUIRED, true)
				.execute((next) -> jdbc.queryForObject("SELECT COUNT(*) FROM audit WHERE text = ?", Integer.class, text));
		}
		finally {
			db.lag(db.replicas().get(0), Duration.ZERO);
		}
	}

	@Test
	void aNestedTransactionRolledBackToItsSavepointKeepsTheOuterWorkOnThePrimary() throws SQLException {
		String text = "e" + names.incrementAndGet();
		try (PeerPoolDataSource pool = pool()) {
			JdbcTemplate jdbc = new JdbcTemplate(pool);
			transaction(pool, TransactionDefinition.PROPAGATION_REQUIRED, false).executeWithoutResult((outer) -> {
				jdbc.update("INSERT INTO audit (text) VALUES (?)", text);
				assertThatThrownBy(() -> transaction(pool, TransactionDefinition.PROPAGATION_NESTED, false)
					.executeWithoutResult((nested) -> {
						jdbc.update("INSERT INTO audit (text) VALUES (?)", text);
						jdbc.update("INSERT INTO audit (text) VALUES (?)", text);
						throw new IllegalStateException("nested work failed");
					})).hasMessage("nested work failed");
				jdbc.update("INSERT INTO audit (text) VALUES (?)", text + "-after");
			});
			assertThat(countOnPrimary(text)).as("the outer insert, not the nested ones").isEqualTo(1);
			assertThat(countOnPrimary(text + "-after")).isEqualTo(1);
		}
	}

	@Test
	void aNestedTransactionInsideAReadOnlyOneUsesASavepointOnTheReplica() {
		try (PeerPoolDataSource pool = pool()) {
			JdbcTemplate jdbc = new JdbcTemplate(pool);
			int[] servers = new int[2];
			transaction(pool, TransactionDefinition.PROPAGATION_REQUIRED, true).executeWithoutResult((outer) -> {
				servers[0] = serverId(jdbc);
				assertThatThrownBy(() -> transaction(pool, TransactionDefinition.PROPAGATION_NESTED, true)
					.executeWithoutResult((nested) -> {
						servers[1] = serverId(jdbc);
						throw new IllegalStateException("nested read failed");
					})).hasMessage("nested read failed");
				assertThat(jdbc.queryForObject("SELECT 1", Integer.class)).isEqualTo(1);
			});
			assertThat(servers).containsOnly(db.replicas().get(0).serverId());
		}
	}

	@Test
	void workWithoutATransactionInsideAReadOnlyOneWritesOnThePrimaryInAutoCommit() throws SQLException {
		String text = "f" + names.incrementAndGet();
		try (PeerPoolDataSource pool = pool()) {
			JdbcTemplate jdbc = new JdbcTemplate(pool);
			transaction(pool, TransactionDefinition.PROPAGATION_REQUIRED, true).executeWithoutResult((outer) -> {
				serverId(jdbc);
				transaction(pool, TransactionDefinition.PROPAGATION_NOT_SUPPORTED, false).executeWithoutResult(
						(none) -> jdbc.update("INSERT INTO audit (text) VALUES ('" + text + "')"));
				// committed already: auto-commit, on the primary
				try {
					assertThat(countOnPrimary(text)).isEqualTo(1);
				}
				catch (SQLException ex) {
					throw new IllegalStateException(ex);
				}
			});
		}
	}

}
