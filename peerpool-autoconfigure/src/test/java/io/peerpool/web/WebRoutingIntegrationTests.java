package io.peerpool.web;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.peerpool.PeerInfo;
import io.peerpool.PeerPoolDataSource;
import io.peerpool.routing.PeerRouting;
import io.peerpool.routing.RouteIntent;
import io.peerpool.routing.RouteOrigin;
import io.peerpool.routing.RouteScope;
import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.MariaDbServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Web routing over a real primary and two real replicas: which server answers each request,
 * read-your-writes through the signed pin cookie, overrides, the trusted header, annotations,
 * transactions, the write guard and the per-thread state between requests.
 *
 * <p>{@code replica1} replicates with a delay of 3 s ({@code MASTER_DELAY}, counted from the event's
 * timestamp in whole seconds, so a write may apply there up to 1 s early: 2 s after it at the
 * soonest, longer than a read's 1.5 s below and than the read-your-writes wait); the read-your-writes
 * tests drain {@code replica0}, so that every replica read lands on the stale one and a read that
 * sees its write proves the routing, not luck. A stale read is only asserted when the read
 * followed the write by less than 1.5 s (else the scenario is run again), so a slow machine
 * cannot make those assertions flake. Tomcat has a single worker thread: every request runs on
 * the same thread, which is what the leak test needs.
 */
@SpringBootTest(classes = RoutingTestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.main.banner-mode=off", "spring.datasource.peerpool.check-interval=1s",
				"spring.datasource.peerpool.probe-interval=300ms", "spring.datasource.peerpool.probe-timeout=1s",
				"spring.datasource.peerpool.connect-timeout=1s", "spring.datasource.peerpool.hikari.maximum-pool-size=4",
				"spring.datasource.peerpool.web.state-header=X-Peerpool-Route",
				"spring.datasource.peerpool.web.pin-cookie.secret=" + WebRoutingIntegrationTests.SECRET,
				"spring.datasource.peerpool.web.overrides[/admin/public/**]=replica",
				"spring.datasource.peerpool.web.overrides[/admin/**]=primary",
				"spring.datasource.peerpool.web.overrides[io.peerpool.web.ReportController#export]=primary",
				"spring.datasource.peerpool.web.overrides[/search]=replica",
				"spring.datasource.peerpool.web.overrides[/annotated/**]=replica",
				"spring.datasource.peerpool.web.overrides[/nothing/**]=primary", "server.tomcat.threads.max=1",
				"server.tomcat.threads.min-spare=1" })
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class WebRoutingIntegrationTests {

	static final String SECRET = "a-secret-every-instance-shares";

	private static final String ROUTE_HEADER = "X-Peerpool-Route";

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.primaryWithReplicas(2);

	@LocalServerPort
	private int port;

	@Autowired
	private PeerPoolDataSource pool;

	@DynamicPropertySource
	static void peers(DynamicPropertyRegistry registry) {
		peers(registry, db);
	}

	/** Registers the servers of {@code db} as the pool's peers, the primary {@code primary}, the others {@code replica}. */
	static void peers(DynamicPropertyRegistry registry, EmbeddedMariaDb db) {
		for (String property : peerProperties(db)) {
			int equals = property.indexOf('=');
			registry.add(property.substring(0, equals), () -> property.substring(equals + 1));
		}
	}

	private static List<String> peerProperties() {
		return peerProperties(db);
	}

	private static List<String> peerProperties(EmbeddedMariaDb db) {
		List<String> properties = new ArrayList<>();
		for (MariaDbServer server : db.servers()) {
			String prefix = "spring.datasource.peerpool.peers." + server.name() + ".";
			properties.add(prefix + "url=" + server.jdbcUrl(JdbcDriver.MARIADB));
			properties.add(prefix + "username=" + server.username());
			properties.add(prefix + "password=" + server.password());
			properties.add(prefix + "role=" + (server == db.primary() ? "primary" : "replica"));
		}
		return properties;
	}

	@BeforeAll
	static void createTablesAndDelayOneReplica() throws SQLException {
		try (Connection connection = db.primary().connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE IF NOT EXISTS items (name VARCHAR(100) PRIMARY KEY)");
			statement.execute("CREATE TABLE IF NOT EXISTS visits (id INT AUTO_INCREMENT PRIMARY KEY, who VARCHAR(100))");
		}
		for (MariaDbServer replica : db.replicas()) {
			await().atMost(Duration.ofSeconds(30)).until(() -> count(replica, "visits", "who", "nobody") == 0);
		}
		db.lag(laggingReplica(), Duration.ofSeconds(3));
	}

	private static MariaDbServer laggingReplica() {
		return db.server("replica1");
	}

	private static MariaDbServer freshReplica() {
		return db.server("replica0");
	}

	@BeforeEach
	void everyPeerUp() {
		awaitEveryPeerUp(this.pool);
	}

	@AfterEach
	void resumeEveryPeer() {
		for (PeerInfo peer : this.pool.getPeers()) {
			this.pool.resume(peer.name());
		}
	}

	// --- HTTP method

	@Test
	void getHeadAndOptionsReadFromReplicas() {
		WebClient client = WebClient.withoutCookies(this.port);
		assertThat(client.get("/server").serverId()).isIn(replicaIds());
		assertThat(client.head("/server").serverId()).isIn(replicaIds());
		assertThat(client.options("/server").serverId()).isIn(replicaIds());
	}

	@Test
	void postPutAndDeleteUseThePrimary() {
		WebClient client = WebClient.withoutCookies(this.port);
		assertThat(client.post("/server").serverId()).isEqualTo(primaryId());
		assertThat(client.send("PUT", "/server").serverId()).isEqualTo(primaryId());
		assertThat(client.send("DELETE", "/server").serverId()).isEqualTo(primaryId());
	}

	// --- overrides, header, annotations

	@Test
	void overridesWinOverTheHttpMethod() {
		WebClient client = WebClient.withoutCookies(this.port);
		assertThat(client.get("/admin/server").serverId()).as("path override").isEqualTo(primaryId());
		assertThat(client.get("/report/export").serverId()).as("handler override").isEqualTo(primaryId());
		assertThat(client.get("/report/summary").serverId()).as("other method of that handler")
			.isIn(replicaIds());
		assertThat(client.post("/search").serverId()).as("replica override of a POST").isIn(replicaIds());
	}

	@Test
	void firstMatchingOverrideWins() {
		WebClient client = WebClient.withoutCookies(this.port);
		// [/admin/public/**]=replica is declared before [/admin/**]=primary
		assertThat(client.post("/admin/public/server").serverId()).isIn(replicaIds());
		assertThat(client.post("/admin/server").serverId()).isEqualTo(primaryId());
	}

	@Test
	void overrideForAPathWithoutHandlerNeverFailsTheRequest() {
		WebClient client = WebClient.withoutCookies(this.port);
		assertThat(client.get("/nothing/here").status()).isEqualTo(404);
		assertThat(client.post("/nothing/here").status()).isEqualTo(404);
	}

	@Test
	void trustedHeaderForcesTheRouteWhenEnabled() {
		WebClient client = WebClient.withoutCookies(this.port);
		assertThat(client.get("/server", ROUTE_HEADER, "primary").serverId()).isEqualTo(primaryId());
		assertThat(client.post("/server", ROUTE_HEADER, "replica").serverId()).isIn(replicaIds());
		assertThat(client.get("/admin/server", ROUTE_HEADER, "replica").serverId()).as("stronger than an override")
			.isIn(replicaIds());
		assertThat(client.post("/server", ROUTE_HEADER, "nonsense").serverId()).as("unknown value: the method decides")
			.isEqualTo(primaryId());
	}

	@Test
	void annotationOnTheHandlerIsStrongest() {
		WebClient client = WebClient.withoutCookies(this.port);
		// /annotated/** is overridden to replica, and a GET reads from replicas: @UsePrimary wins over both
		assertThat(client.get("/annotated/primary").serverId()).isEqualTo(primaryId());
		assertThat(client.get("/annotated/primary", ROUTE_HEADER, "replica").serverId()).as("and over the header")
			.isEqualTo(primaryId());
		assertThat(client.post("/annotated/replica").serverId()).isIn(replicaIds());
		assertThat(client.post("/annotated/replica", "Cookie", validPin()).serverId()).as("and over the pin")
			.isIn(replicaIds());
	}

	// --- read-your-writes

	@Test
	void getAfterJsonPostReadsItsWriteThroughThePinCookie() {
		this.pool.drain(freshReplica().name());
		WebClient browser = WebClient.browser(this.port);
		WebClient stranger = WebClient.withoutCookies(this.port);
		expectStaleRead((name) -> {
			WebClient.Answer posted = browser.postJson("/items", "{\"name\":\"" + name + "\"}");
			assertThat(posted.status()).isEqualTo(200);
			assertThat(posted.serverId()).isEqualTo(primaryId());
			assertThat(posted.setCookie()).hasValueSatisfying((cookie) -> assertThat(cookie).startsWith("peerpool-pin=")
				.contains("HttpOnly")
				.contains("SameSite=Lax")
				.doesNotContain("Secure"));
			WebClient.Answer own = browser.get("/items/" + name);
			assertThat(own.serverId()).as("the writer reads from the primary").isEqualTo(primaryId());
			assertThat(own.found()).as("the writer sees its write").isEqualTo(1);
			// control in the same run: a client without the cookie reads the delayed replica
			return stranger.get("/items/" + name);
		});
	}

	/**
	 * A handler that returns a {@code Callable} runs on Spring MVC's task executor, not on the
	 * thread the filter opened the request's routing on: its write still pins the client.
	 */
	@Test
	void getAfterJsonPostToAnAsyncHandlerReadsItsWriteThroughThePinCookie() {
		this.pool.drain(freshReplica().name());
		WebClient browser = WebClient.browser(this.port);
		String name = unique("async");
		WebClient.Answer posted = browser.postJson("/async/items", "{\"name\":\"" + name + "\"}");
		assertThat(posted.status()).isEqualTo(200);
		assertThat(posted.serverId()).isEqualTo(primaryId());
		assertThat(posted.setCookie()).as("the pin cookie of the async handler's write").isPresent();
		WebClient.Answer own = browser.get("/async/items/" + name);
		assertThat(own.serverId()).as("the writer reads from the primary").isEqualTo(primaryId());
		assertThat(own.found()).as("the writer sees its write").isEqualTo(1);
	}

	/** A GET whose handler returns a {@code Callable} reads from a replica, as one that answers at once does. */
	@Test
	void getWithAnAsyncHandlerReadsFromAReplica() {
		WebClient.Answer answer = WebClient.withoutCookies(this.port).get("/async/items/" + unique("none"));
		assertThat(answer.status()).isEqualTo(200);
		assertThat(answer.serverId()).isIn(replicaIds());
	}

	@Test
	void getAfterRedirectedFormPostReadsItsWrite() {
		this.pool.drain(freshReplica().name());
		WebClient browser = WebClient.browser(this.port);
		String name = unique("form");
		WebClient.Answer answer = browser.postForm("/items/form", "name=" + name);
		assertThat(answer.path()).as("followed the 303").isEqualTo("/items/" + name);
		assertThat(answer.serverId()).isEqualTo(primaryId());
		assertThat(answer.found()).isEqualTo(1);
	}

	/** A transaction that reads before it writes with a plain statement pins all the same. */
	@Test
	void getAfterRedirectedTransactionalFormPostThatReadsFirstReadsItsWrite() {
		this.pool.drain(freshReplica().name());
		WebClient browser = WebClient.browser(this.port);
		String name = unique("tx-form");
		WebClient.Answer answer = browser.postForm("/items/form/transactional", "name=" + name);
		assertThat(answer.path()).as("followed the 303").isEqualTo("/items/" + name);
		assertThat(answer.found()).isEqualTo(1);
		assertThat(answer.serverId()).isEqualTo(primaryId());
	}

	@Test
	void readWriteTransactionWithAnIsolationLevelInAGetRunsOnThePrimary() {
		WebClient.Answer answer = WebClient.withoutCookies(this.port)
			.get("/tx/read-committed-insert?name=" + unique("read-committed"));
		assertThat(answer.status()).isEqualTo(200);
		assertThat(answer.serverId()).isEqualTo(primaryId());
	}

	@Test
	void anyWritePinsWhateverTheResponseStatus() {
		WebClient.Answer answer = WebClient.withoutCookies(this.port).post("/items/rejected?name=" + unique("rejected"));
		assertThat(answer.status()).isEqualTo(422);
		assertThat(answer.setCookie()).hasValueSatisfying((cookie) -> assertThat(cookie).startsWith("peerpool-pin="));
		assertThat(WebClient.withoutCookies(this.port).get("/server", "Cookie", answer.pinCookie()).serverId())
			.isEqualTo(primaryId());
	}

	@Test
	void readWithoutWriteSetsNoPinCookie() {
		assertThat(WebClient.withoutCookies(this.port).get("/server").setCookie()).isEmpty();
		assertThat(WebClient.withoutCookies(this.port).post("/server").setCookie()).isEmpty();
	}

	@Test
	void everyWriteRefreshesThePin() {
		WebClient client = WebClient.withoutCookies(this.port);
		long first = expiry(client.postJson("/items", "{\"name\":\"" + unique("refresh") + "\"}").pinCookie());
		assertThat(first).isGreaterThan(System.currentTimeMillis());
		await().atMost(Duration.ofSeconds(10))
			.until(() -> expiry(client.postJson("/items", "{\"name\":\"" + unique("refresh") + "\"}").pinCookie()) > first);
	}

	@Test
	void forgedTamperedOrExpiredPinCookieIsIgnored() {
		WebClient client = WebClient.withoutCookies(this.port);
		String valid = validPin();
		assertThat(client.get("/server", "Cookie", valid).serverId()).as("control: a valid pin reads from the primary")
			.isEqualTo(primaryId());

		String value = valid.substring(valid.indexOf('=') + 1);
		long expiry = Long.parseLong(value.substring(0, value.indexOf('.')));
		String extended = "peerpool-pin=" + (expiry + 3_600_000) + value.substring(value.indexOf('.'));
		String forged = "peerpool-pin=" + pinCookie("not-the-secret").encode(Instant.now().plusSeconds(60), null);
		String expired = "peerpool-pin=" + pinCookie(SECRET).encode(Instant.now().minusSeconds(1), null);
		String flipped = "peerpool-pin=" + value.substring(0, value.length() - 2)
				+ (value.endsWith("AA") ? "BB" : "AA");
		for (String cookie : List.of(extended, forged, expired, flipped, "peerpool-pin=garbage", "peerpool-pin=1.2.3")) {
			assertThat(client.get("/server", "Cookie", cookie).serverId()).as(cookie).isIn(replicaIds());
		}
	}

	// --- transactions, write guard, incidental writes

	@Test
	void readOnlyTransactionReachesAReplicaWithJdbcTemplateAndJdbcClient() {
		WebClient client = WebClient.withoutCookies(this.port);
		// POST: only @Transactional(readOnly = true) asks for a replica
		assertThat(client.post("/tx/read-only/jdbc-template").serverId()).isIn(replicaIds());
		assertThat(client.post("/tx/read-only/jdbc-client").serverId()).isIn(replicaIds());
	}

	@Test
	void readWriteTransactionRunsOnThePrimaryItsReadsIncluded() {
		// GET: the method asks for a replica, the read-write transaction needs the primary
		assertThat(WebClient.withoutCookies(this.port).get("/tx/read-write").serverId()).isEqualTo(primaryId());
	}

	@Test
	void jpaReadOnlyTransactionReachesAReplicaAndReadWriteOneThePrimary() {
		try (AnnotationConfigApplicationContext jpa = JpaReads.context(this.pool)) {
			JpaReads reads = jpa.getBean(JpaReads.class);
			// as in a POST: only readOnly = true asks for a replica
			try (RouteScope post = PeerRouting.open(RouteIntent.PRIMARY, RouteOrigin.HTTP_METHOD)) {
				assertThat(reads.serverIdInReadOnlyTransaction()).isIn(replicaIds());
			}
			// as in a GET: the read-write transaction needs the primary
			try (RouteScope get = PeerRouting.open(RouteIntent.REPLICA, RouteOrigin.HTTP_METHOD)) {
				assertThat(reads.serverIdInReadWriteTransaction()).isEqualTo(primaryId());
			}
		}
		finally {
			PeerRouting.clear();
		}
	}

	@Test
	void writeInUseReplicaFailsFastWithAClearError() throws SQLException {
		WebClient.Answer answer = WebClient.withoutCookies(this.port).post("/guarded");
		assertThat(answer.status()).isEqualTo(500);
		assertThat(answer.body()).contains("\"sqlState\":\"25006\"").contains("write guard").contains("@UseReplica");
		assertThat(count(db.primary(), "visits", "who", "guarded")).isZero();
	}

	@Test
	void incidentalWriteInAGetGoesToThePrimary() throws SQLException {
		String who = unique("visitor");
		WebClient.Answer answer = WebClient.withoutCookies(this.port).get("/visit?who=" + who);
		assertThat(answer.status()).isEqualTo(200);
		assertThat(answer.body()).containsPattern("\"readFirstOn\":(" + replicaIds().get(0) + "|" + replicaIds().get(1)
				+ ")");
		assertThat(answer.serverId()).as("reads after the write").isEqualTo(primaryId());
		assertThat(count(db.primary(), "visits", "who", who)).isEqualTo(1);
	}

	// --- per-thread state

	@Test
	void routingStateDoesNotLeakIntoTheNextRequestOnTheSameThread() {
		WebClient client = WebClient.withoutCookies(this.port);
		Set<String> threads = new HashSet<>();
		for (int i = 0; i < 5; i++) {
			WebClient.Answer leaked = client.post("/leak");
			WebClient.Answer next = client.get("/server");
			WebClient.Answer wrote = client.postJson("/items", "{\"name\":\"" + unique("leak") + "\"}");
			WebClient.Answer after = client.get("/server");
			assertThat(leaked.serverId()).isEqualTo(primaryId());
			assertThat(wrote.serverId()).isEqualTo(primaryId());
			assertThat(next.serverId()).as("after a request that left a scope open").isIn(replicaIds());
			assertThat(after.serverId()).as("after a request that wrote").isIn(replicaIds());
			List.of(leaked, next, wrote, after).forEach((answer) -> threads.add(answer.thread()));
		}
		assertThat(threads).as("one Tomcat worker served every request").hasSize(1);
	}

	// --- read-your-writes by position: another instance with read-your-writes=gtid

	@Test
	void gtidModeGetAfterPostReadsItsWriteFromAReplicaThatAppliedItElseFromThePrimary() {
		List<String> properties = new ArrayList<>(List.of("server.port=0", "spring.main.banner-mode=off",
				"spring.datasource.peerpool.read-your-writes=gtid", "spring.datasource.peerpool.check-interval=1s",
				"spring.datasource.peerpool.probe-interval=300ms", "spring.datasource.peerpool.max-replica-lag=1m",
				"spring.datasource.peerpool.web.pin-cookie.secret=" + SECRET,
				"spring.datasource.peerpool.hikari.maximum-pool-size=2"));
		properties.addAll(peerProperties());
		try (ConfigurableApplicationContext gtid = new SpringApplicationBuilder(RoutingTestApp.class)
			.properties(properties.toArray(String[]::new))
			.run()) {
			PeerPoolDataSource gtidPool = gtid.getBean(PeerPoolDataSource.class);
			awaitEveryPeerUp(gtidPool);
			int port = ((WebServerApplicationContext) gtid).getWebServer().getPort();

			// only the up-to-date replica reads: it applies the write within milliseconds and serves it
			gtidPool.drain(laggingReplica().name());
			WebClient browser = WebClient.browser(port);
			String fresh = unique("gtid");
			WebClient.Answer posted = browser.postJson("/items", "{\"name\":\"" + fresh + "\"}");
			assertThat(posted.setCookie()).as("the cookie carries the write's position")
				.hasValueSatisfying((cookie) -> assertThat(cookie).startsWith("peerpool-pin="));
			WebClient.Answer own = browser.get("/items/" + fresh);
			assertThat(own.found()).as("the writer sees its write").isEqualTo(1);
			assertThat(own.serverId()).as("served by a replica that applied it").isEqualTo(freshReplica().serverId());
			gtidPool.resume(laggingReplica().name());

			// only the late replica reads: it cannot apply the write within the wait, the primary serves
			gtidPool.drain(freshReplica().name());
			String late = unique("gtid");
			browser.postJson("/items", "{\"name\":\"" + late + "\"}");
			WebClient.Answer fallback = browser.get("/items/" + late);
			assertThat(fallback.found()).isEqualTo(1);
			assertThat(fallback.serverId()).isEqualTo(primaryId());
		}
	}

	// --- control: another instance without read-your-writes and without the trusted header

	@Test
	void controlWithoutReadYourWritesReadsStaleAndIgnoresTheHeader() {
		List<String> properties = new ArrayList<>(List.of("server.port=0", "spring.main.banner-mode=off",
				"spring.datasource.peerpool.read-your-writes=none", "spring.datasource.peerpool.check-interval=1s",
				"spring.datasource.peerpool.probe-interval=300ms", "spring.datasource.peerpool.hikari.maximum-pool-size=2"));
		properties.addAll(peerProperties());
		try (ConfigurableApplicationContext control = new SpringApplicationBuilder(RoutingTestApp.class)
			.properties(properties.toArray(String[]::new))
			.run()) {
			PeerPoolDataSource controlPool = control.getBean(PeerPoolDataSource.class);
			awaitEveryPeerUp(controlPool);
			controlPool.drain(freshReplica().name());
			WebClient browser = WebClient.browser(((WebServerApplicationContext) control).getWebServer().getPort());
			assertThat(browser.get("/server", ROUTE_HEADER, "primary").serverId()).as("header not enabled: ignored")
				.isEqualTo(laggingReplica().serverId());
			expectStaleRead((name) -> {
				WebClient.Answer posted = browser.postJson("/items", "{\"name\":\"" + name + "\"}");
				assertThat(posted.serverId()).isEqualTo(primaryId());
				assertThat(posted.setCookie()).as("no pin cookie without read-your-writes").isEmpty();
				return browser.get("/items/" + name);
			});
		}
	}

	/**
	 * Runs {@code scenario} (write an item, then read it as the client under test) and asserts
	 * that the read it returns came from the delayed replica and missed the write. A read that
	 * came more than 1.5 s after the write may legitimately see it: then the scenario runs again.
	 */
	private void expectStaleRead(Function<String, WebClient.Answer> scenario) {
		for (int attempt = 1;; attempt++) {
			long start = System.nanoTime();
			String name = unique("item");
			WebClient.Answer read = scenario.apply(name);
			long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
			assertThat(read.serverId()).isEqualTo(laggingReplica().serverId());
			if (elapsedMillis < 1500) {
				assertThat(read.found()).as("stale read on the delayed replica").isZero();
				return;
			}
			assertThat(attempt).as("too slow to observe the 3 s delay in " + attempt + " attempts").isLessThan(5);
		}
	}

	// --- helpers

	private static void awaitEveryPeerUp(PeerPoolDataSource pool) {
		await().atMost(Duration.ofSeconds(30))
			.until(() -> pool.getPeers().stream().allMatch(PeerInfo::isUp));
	}

	private static int primaryId() {
		return db.primary().serverId();
	}

	private static List<Integer> replicaIds() {
		return db.replicas().stream().map(MariaDbServer::serverId).toList();
	}

	private static String unique(String prefix) {
		return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	private static PinCookie pinCookie(String secret) {
		return new PinCookie("peerpool-pin", secret.getBytes(java.nio.charset.StandardCharsets.UTF_8), true, "Lax",
				null, Clock.systemUTC());
	}

	/** A pin cookie as the application signs it, valid for a minute. */
	private static String validPin() {
		return "peerpool-pin=" + pinCookie(SECRET).encode(Instant.now().plusSeconds(60), null);
	}

	private static long expiry(String cookie) {
		String value = cookie.substring(cookie.indexOf('=') + 1);
		return Long.parseLong(value.substring(0, value.indexOf('.')));
	}

	private static int count(MariaDbServer server, String table, String column, String value) throws SQLException {
		try (Connection connection = server.connect();
				var statement = connection.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE " + column + " = ?")) {
			statement.setString(1, value);
			try (ResultSet result = statement.executeQuery()) {
				result.next();
				return result.getInt(1);
			}
		}
	}

}
