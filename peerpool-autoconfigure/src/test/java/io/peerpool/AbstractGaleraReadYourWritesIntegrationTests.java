package io.peerpool;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntFunction;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.peerpool.PeerPoolSettings.GaleraWriters;
import io.peerpool.PeerServerChangedEvent.ServerIdentity;
import io.peerpool.dialect.ReplicaCatchUp;
import io.peerpool.PeerPoolSettings.PeerConfig;
import io.peerpool.balance.Balance;
import io.peerpool.routing.PeerRouting;
import io.peerpool.routing.RouteIntent;
import io.peerpool.routing.RouteOrigin;
import io.peerpool.routing.RouteScope;
import io.peerpool.test.EmbeddedGalera;
import io.peerpool.test.GaleraNode;
import io.peerpool.test.JdbcDriver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Read-your-writes across two "requests" of one client (a POST, then a GET that carries what the
 * pin cookie would carry) on a three-node Galera cluster with one writer, where the other nodes
 * serve reads. Galera commits on the writer once the cluster has certified the transaction; the
 * other nodes apply it a moment later, so a read there right after the write can miss it (the
 * control). With {@code read-your-writes: gtid} the write's GTID is the client's token, and a node
 * serves the client's next read once it has applied it ({@code WSREP_SYNC_WAIT_UPTO_GTID}): every
 * read sees the write, and reads still go to the nodes that do not take the writes. With
 * {@code galera-writers: all} any borrow may take another node than the write did, also in the
 * request that wrote: there the write's GTID is awaited on whichever node serves, in {@code pin}
 * mode too. Subclasses run
 * it on the kit's nodes (no binary log) and on nodes that write a binary log, as production nodes
 * often do; the Spring code is ordinary: a read-write and a read-only {@link TransactionTemplate}.
 */
abstract class AbstractGaleraReadYourWritesIntegrationTests {

	static final AtomicLong names = new AtomicLong();

	private final List<AutoCloseable> resources = new ArrayList<>();

	abstract EmbeddedGalera galera();

	@BeforeEach
	void createTable() throws SQLException {
		try (Connection connection = galera().node(0).connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS notes (id BIGINT AUTO_INCREMENT PRIMARY KEY, text VARCHAR(40))");
		}
	}

	@AfterEach
	void closePools() throws Exception {
		PeerRouting.clear();
		for (int i = this.resources.size() - 1; i >= 0; i--) {
			this.resources.get(i).close();
		}
	}

	@Test
	void withGtidEveryReadAfterTheClientsWriteSeesItOnANodeThatDoesNotTakeTheWrites() {
		Client client = new Client(pool(ReadYourWrites.GTID), ReadYourWrites.GTID);
		int writer = galera().node(0).port();
		for (int i = 0; i < 40; i++) {
			String text = "g" + names.incrementAndGet();
			Map<String, String> tokens = client.post(text);
			assertThat(tokens).as("the write's position, the pin cookie's token").containsKey("galera-ryw");
			Read read = client.get(text, tokens);
			assertThat(read.count()).as("the client's write, read back in its next request").isEqualTo(1);
			assertThat(read.port()).as("the node that served the read (the writer is " + writer + ")")
				.isIn(galera().node(1).port(), galera().node(2).port());
		}
	}

	@ParameterizedTest
	@EnumSource(value = ReadYourWrites.class, names = { "PIN", "GTID" })
	void withEveryNodeTakingWritesARequestReadsItsOwnWriteAndSoDoesTheClientsNextRequest(ReadYourWrites mode) {
		Client client = new Client(pool(mode, GaleraWriters.ALL), mode);
		Set<Integer> wroteOn = new HashSet<>();
		for (int i = 0; i < 100; i++) {
			String text = "a" + names.incrementAndGet();
			Map<String, String> tokens;
			try (RouteScope request = PeerRouting.open(RouteIntent.PRIMARY, RouteOrigin.HTTP_METHOD)) {
				// auto-commit, each call its own borrow, as a handler without @Transactional runs them
				client.jdbc.update("INSERT INTO notes (text) VALUES ('" + text + "')");
				wroteOn.add(client.jdbc.queryForObject("SELECT @@port", Integer.class));
				assertThat(client.count(text)).as("the request's own write, read back in the request").isEqualTo(1);
				tokens = request.writeTokens();
			}
			finally {
				PeerRouting.clear();
			}
			assertThat(client.get(text, tokens).count()).as("the client's write, read back in its next request")
				.isEqualTo(1);
		}
		assertThat(wroteOn).as("nodes the requests ran on").hasSizeGreaterThan(1);
	}

	@Test
	void withEveryNodeTakingWritesCodeOutsideAnyRequestReadsItsOwnWrite() {
		// a scheduler, @Async or a test's own code: no routing scope
		Client client = new Client(pool(ReadYourWrites.PIN, GaleraWriters.ALL), ReadYourWrites.PIN);
		// 1,000: WSREP_SYNC_WAIT_UPTO_GTID alone returned before the write was visible about 3 times in 1,000
		for (int i = 0; i < 1000; i++) {
			String text = "o" + names.incrementAndGet();
			client.jdbc.update("INSERT INTO notes (text) VALUES ('" + text + "')");
			assertThat(client.count(text)).as("the thread's own write, read back").isEqualTo(1);
		}
	}

	@Test
	void aNodeThatStoppedApplyingMakesTheWaitGiveUpWithinItsBoundInsteadOfHanging() throws Exception {
		GaleraNode paused = galera().node(1);
		try (Connection writer = galera().node(0).connect(); Statement write = writer.createStatement();
				Connection admin = paused.connectAsAdmin(); Statement lock = admin.createStatement();
				Connection reader = paused.connect()) {
			ServerIdentity server = ServerIdentity.of(reader);
			// the node stops applying (and desyncs) while the lock is held. FLUSH TABLES WITH READ LOCK needs RELOAD, which
			// the application user does not have: the fault is a DBA's (a backup's lock), so the admin takes it; the wait
			// itself runs as the application user, like every statement peerpool sends
			lock.execute("FLUSH TABLES WITH READ LOCK");
			String gtid;
			try {
				write.execute("INSERT INTO notes (text) VALUES ('p" + names.incrementAndGet() + "')");
				try (ResultSet result = write.executeQuery("SELECT WSREP_LAST_WRITTEN_GTID()")) {
					result.next();
					gtid = result.getString(1);
				}
				assertThat(assertTimeoutPreemptively(Duration.ofSeconds(10),
						() -> ReplicaCatchUp.hasApplied(reader, server, true, gtid, Duration.ofSeconds(1))))
					.as("applied, on a node that applies nothing").isFalse();
			}
			finally {
				lock.execute("UNLOCK TABLES");
			}
			assertThat(ReplicaCatchUp.hasApplied(reader, server, true, gtid, Duration.ofSeconds(1)))
				.as("applied, once the node applies again").isTrue();
		}
		finally {
			galera().awaitSynced();
		}
	}

	@Test
	void controlWithEveryNodeTakingWritesAndNoReadYourWritesARequestCanMissItsOwnWrite() {
		Client client = new Client(pool(ReadYourWrites.NONE, GaleraWriters.ALL), ReadYourWrites.NONE);
		int stale = 0;
		int reads = 0;
		while (stale == 0 && reads < 400) {
			String text = "m" + names.incrementAndGet();
			try (RouteScope request = PeerRouting.open(RouteIntent.PRIMARY, RouteOrigin.HTTP_METHOD)) {
				client.jdbc.update("INSERT INTO notes (text) VALUES ('" + text + "')");
				reads++;
				if (client.count(text) == 0) {
					stale++;
				}
			}
			finally {
				PeerRouting.clear();
			}
		}
		assertThat(stale).as("reads, of " + reads + ", that missed their own request's write").isPositive();
	}

	@Test
	void controlWithoutReadYourWritesAReadRightAfterTheWriteOnAnotherNodeCanMissIt() {
		Client client = new Client(pool(ReadYourWrites.NONE), ReadYourWrites.NONE);
		int stale = 0;
		int reads = 0;
		while (stale == 0 && reads < 400) {
			String text = "n" + names.incrementAndGet();
			client.post(text);
			Read read = client.get(text, Map.of());
			assertThat(read.port()).isNotEqualTo(galera().node(0).port());
			reads++;
			if (read.count() == 0) {
				stale++;
			}
		}
		assertThat(stale).as("reads, of " + reads + ", that missed the client's write just committed on the writer")
			.isPositive();
	}

	private PeerPoolDataSource pool(ReadYourWrites mode) {
		return pool(mode, GaleraWriters.ONE);
	}

	private PeerPoolDataSource pool(ReadYourWrites mode, GaleraWriters writers) {
		return pool(mode, writers, Balance.RANDOM, Duration.ofMillis(300), (node) -> 1);
	}

	/** A pool of the nodes with {@code weights} (for {@code weighted}), probed every {@code probeInterval} (0: only on failure). */
	final PeerPoolDataSource pool(ReadYourWrites mode, GaleraWriters writers, Balance balance, Duration probeInterval,
			ToIntFunction<GaleraNode> weights) {
		PeerPoolSettings settings = new PeerPoolSettings("galera-ryw", balance, Duration.ofSeconds(1), probeInterval,
				Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(5), null, false, Duration.ofSeconds(60),
				mode, Duration.ofSeconds(5));
		List<PeerConfig> peers = new ArrayList<>();
		for (GaleraNode node : galera().nodes()) {
			peers.add(new PeerConfig("galera-ryw", node.name(), node.jdbcUrl(JdbcDriver.MARIADB), node.username(),
					node.password(), null, PeerRole.PRIMARY, weights.applyAsInt(node), settings.connectTimeout(),
					Map.of("maximum-pool-size", "4", "minimum-idle", "2")));
		}
		PeerPoolDataSource pool = PeerPoolDataSource.builder("galera-ryw")
			.settings(settings)
			.peers(peers)
			.galeraWriters(writers)
			.build();
		this.resources.add(pool);
		return pool;
	}

	/** One client of a web application: what its POST and GET handlers run. */
	static final class Client {

		private final JdbcTemplate jdbc;

		private final ReadYourWrites mode;

		private final TransactionTemplate writes;

		private final TransactionTemplate reads;

		Client(PeerPoolDataSource pool, ReadYourWrites mode) {
			this.jdbc = new JdbcTemplate(pool);
			this.mode = mode;
			DataSourceTransactionManager transactions = new DataSourceTransactionManager(pool);
			this.writes = new TransactionTemplate(transactions);
			this.reads = new TransactionTemplate(transactions);
			this.reads.setReadOnly(true);
		}

		/** "POST": writes a note in a read-write transaction; returns the request's write tokens. */
		Map<String, String> post(String text) {
			try (RouteScope request = PeerRouting.open(RouteIntent.PRIMARY, RouteOrigin.HTTP_METHOD)) {
				this.writes.executeWithoutResult((status) -> this.jdbc.update("INSERT INTO notes (text) VALUES ('" + text + "')"));
				return request.writeTokens();
			}
			finally {
				PeerRouting.clear();
			}
		}

		/**
		 * "GET" by the same client in a read-only transaction: counts the note. What the web filter
		 * makes of the pin cookie: with {@code tokens} the request may read from a node that applied
		 * them; without, the cookie pins the client to the writer; with read-your-writes
		 * {@code none} there is no cookie.
		 */
		Read get(String text, Map<String, String> tokens) {
			boolean pinned = tokens.isEmpty() && this.mode != ReadYourWrites.NONE;
			try (RouteScope request = pinned ? PeerRouting.open(RouteIntent.PRIMARY, RouteOrigin.PIN)
					: PeerRouting.open(RouteIntent.REPLICA, RouteOrigin.HTTP_METHOD)) {
				tokens.forEach(request::putWriteToken);
				return this.reads.execute((status) -> new Read(count(text), this.jdbc.queryForObject("SELECT @@port", Integer.class)));
			}
			finally {
				PeerRouting.clear();
			}
		}

		int count(String text) {
			return this.jdbc.queryForObject("SELECT COUNT(*) FROM notes WHERE text = ?", Integer.class, text);
		}

	}

	record Read(int count, int port) {
	}

}
