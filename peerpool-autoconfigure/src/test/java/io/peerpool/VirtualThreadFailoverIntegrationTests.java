package io.peerpool;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import io.peerpool.PeerPoolSettings.PeerConfig;
import io.peerpool.autoconfigure.observability.ObservedApp;
import io.peerpool.balance.Balance;
import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.MariaDbServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Callers on virtual threads (Java 21+; {@code .ci/run} runs this class on Java 25, the Java 17 build
 * skips it): when one of two real MariaDB peers freezes (SIGSTOP: accepts TCP, never answers), every
 * caller moves on to the other peer, no carrier thread stays blocked behind the frozen server, and
 * no virtual thread is pinned in peerpool's code; and a web application with
 * {@code spring.threads.virtual.enabled=true} keeps serving its requests on the other peer.
 *
 * <p>Why this cannot flake: detection is awaited, not timed (probe-interval 500 ms, bounds of tens
 * of seconds); only queries that started after the peer was marked DOWN must succeed; the carrier
 * check is one trivial task that must run while callers are blocked on the frozen server, which
 * only a carrier held by a blocked caller could prevent.
 */
@EnabledForJreRange(min = JRE.JAVA_21, disabledReason = "virtual threads need Java 21+; .ci/run runs this on Java 25")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class VirtualThreadFailoverIntegrationTests {

	/** Callers; each peer's pool has as many connections, so that the survivor alone is never exhausted. */
	private static final int CALLERS = 24;

	@RegisterExtension
	static final EmbeddedMariaDb db = EmbeddedMariaDb.peers(2);

	private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();

	private final ConcurrentLinkedQueue<String> pinnedInPeerpool = new ConcurrentLinkedQueue<>();

	record Outcome(int caller, long started, long ended, int port, Exception failure) {
	}

	@AfterEach
	void thaw() {
		for (MariaDbServer server : db.servers()) {
			server.thaw();
		}
	}

	@Test
	void callersOnVirtualThreadsMoveToTheOtherPeerWhenOneFreezesAndNoCarrierStaysBlocked() throws Exception {
		MariaDbServer victim = db.server(0);
		MariaDbServer survivor = db.server(1);
		AtomicBoolean stop = new AtomicBoolean();
		try (RecordingStream jfr = new RecordingStream();
				PeerPoolDataSource pool = newPool()) {
			warmUp(pool);
			jfr.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ofMillis(5)).withStackTrace();
			jfr.onEvent("jdk.VirtualThreadPinned", this::recordIfInPeerpool);
			jfr.startAsync();
			ExecutorService callers = newVirtualThreadPerTaskExecutor();
			Future<?>[] running = new Future<?>[CALLERS];
			try {
				for (int i = 0; i < CALLERS; i++) {
					int caller = i;
					running[i] = callers.submit(() -> {
						assertThat(isVirtual(Thread.currentThread())).as("caller on a virtual thread").isTrue();
						while (!stop.get()) {
							query(pool, caller);
						}
					});
				}
				await().atMost(Duration.ofSeconds(30))
					.until(() -> succeededOn(victim.port()) > 100 && succeededOn(survivor.port()) > 100);

				victim.freeze();
				long frozeAt = System.nanoTime();
				// callers whose connection is on the frozen server now wait on its socket: a virtual thread
				// waiting on I/O must leave its carrier, so other virtual threads still run
				assertThat(callers.submit(() -> 42).get(10, TimeUnit.SECONDS)).as("a task run while callers hang")
					.isEqualTo(42);
				await().atMost(Duration.ofSeconds(30)).until(() -> pool.peer(victim.name()).state() == PeerState.DOWN);
				long detectedAt = System.nanoTime();

				await().atMost(Duration.ofSeconds(60)).until(() -> startedAfter(detectedAt).size() > 500);
				await().atMost(Duration.ofSeconds(30))
					.untilAsserted(() -> assertThat(startedAfter(detectedAt).stream().map(Outcome::caller).distinct().count())
						.as("callers that finished a query started after detection (none stays blocked)")
						.isEqualTo(CALLERS));
				assertThat(startedAfter(detectedAt)).as("queries that started after detection")
					.allSatisfy((outcome) -> {
						assertThat((Throwable) outcome.failure()).isNull();
						assertThat(outcome.port()).isEqualTo(survivor.port());
					});
				assertThat(this.outcomes).filteredOn((outcome) -> outcome.failure() != null)
					.as("only queries running when the peer froze may fail")
					.allSatisfy((outcome) -> assertThat(outcome.started()).isLessThan(detectedAt))
					.allSatisfy((outcome) -> assertThat(outcome.ended()).isGreaterThan(frozeAt));
			}
			finally {
				stop.set(true);
				victim.thaw();
				callers.shutdown();
				assertThat(callers.awaitTermination(60, TimeUnit.SECONDS)).as("callers ended").isTrue();
			}
			for (Future<?> caller : running) {
				caller.get(); // a caller that was not a virtual thread failed its assertion
			}
			assertThat(this.pinnedInPeerpool).as("virtual threads pinned in peerpool's code").isEmpty();
		}
	}

	private static PeerPoolDataSource newPool() {
		PeerPoolSettings settings = TestPools.fastSettings("virtual", Balance.ROUND_ROBIN);
		List<PeerConfig> peers = new ArrayList<>();
		for (MariaDbServer server : db.servers()) {
			peers.add(new PeerConfig(settings.name(), server.name(), server.jdbcUrl(JdbcDriver.MARIADB),
					server.username(), server.password(), null, PeerRole.PRIMARY, 1, settings.connectTimeout(),
					Map.of("maximum-pool-size", String.valueOf(CALLERS), "minimum-idle", "2")));
		}
		PeerPoolDataSource pool = PeerPoolDataSource.builder(settings.name())
			.settings(settings)
			.peers(peers)
			.probe(PeerProbe.standard())
			.build();
		return pool;
	}

	/**
	 * The same in a web application with {@code spring.threads.virtual.enabled=true}: requests are
	 * served on virtual threads, and those that start after the frozen peer is DOWN all succeed on the
	 * other peer. Eight HTTP callers, fewer than a peer's ten connections, so the survivor alone is
	 * never exhausted.
	 */
	@Test
	void requestsServedOnVirtualThreadsMoveToTheOtherPeerWhenOneFreezes() throws Exception {
		MariaDbServer victim = db.server(0);
		MariaDbServer survivor = db.server(1);
		AtomicBoolean stop = new AtomicBoolean();
		ConcurrentLinkedQueue<String> platformThreads = new ConcurrentLinkedQueue<>();
		try (ObservedApp app = ObservedApp.start(VirtualThreadsApp.class, db, "spring.threads.virtual.enabled=true")) {
			ExecutorService callers = Executors.newFixedThreadPool(8);
			List<Future<?>> running = new ArrayList<>();
			try {
				for (int i = 0; i < 8; i++) {
					int caller = i;
					running.add(callers.submit(() -> {
						while (!stop.get()) {
							long started = System.nanoTime();
							ObservedApp.Response response = app.get("/port");
							if (response.status() == 200) {
								Map<String, Object> body = response.json();
								if (!Boolean.TRUE.equals(body.get("virtual"))) {
									platformThreads.add(String.valueOf(body.get("thread")));
								}
								this.outcomes.add(new Outcome(caller, started, System.nanoTime(),
										((Number) body.get("port")).intValue(), null));
							}
							else {
								this.outcomes.add(new Outcome(caller, started, System.nanoTime(), -1,
										new IllegalStateException(response.status() + " " + response.body())));
							}
						}
					}));
				}
				await().atMost(Duration.ofSeconds(30))
					.until(() -> succeededOn(victim.port()) > 50 && succeededOn(survivor.port()) > 50);
				victim.freeze();
				await().atMost(Duration.ofSeconds(30)).until(() -> app.pool().peer(victim.name()).state() == PeerState.DOWN);
				long detectedAt = System.nanoTime();
				await().atMost(Duration.ofSeconds(60)).until(() -> startedAfter(detectedAt).size() > 300);
				assertThat(startedAfter(detectedAt)).as("requests that started after detection")
					.allSatisfy((outcome) -> {
						assertThat((Throwable) outcome.failure()).isNull();
						assertThat(outcome.port()).isEqualTo(survivor.port());
					});
			}
			finally {
				stop.set(true);
				victim.thaw();
				callers.shutdown();
				assertThat(callers.awaitTermination(60, TimeUnit.SECONDS)).as("callers ended").isTrue();
			}
			for (Future<?> caller : running) {
				caller.get();
			}
			assertThat(platformThreads).as("requests served on platform threads").isEmpty();
		}
	}

	/** Answers which server (port) served the request's query, and on what kind of thread. */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	@RestController
	static class VirtualThreadsApp extends ObservedApp.Open {

		private final JdbcTemplate jdbc;

		VirtualThreadsApp(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@GetMapping("/port")
		Map<String, Object> port() {
			Integer port = this.jdbc.queryForObject("SELECT @@port", Integer.class);
			return Map.of("port", port, "virtual", isVirtual(Thread.currentThread()), "thread",
					Thread.currentThread().toString());
		}

	}

	/**
	 * Links the connection's classes on this platform thread first: the JVM links (verifies) a class
	 * at its first use inside the VM, with no Java frame to unmount, so the first virtual thread to
	 * reach {@code new PeerConnection(..)} is pinned for as long as that takes (JDK 25: "Freeze or
	 * preempt failed"), once per class and process. That is the JVM's limit, not a lock of peerpool's,
	 * and an application meets it once at startup; what this test looks for is pinning that recurs.
	 */
	private static void warmUp(PeerPoolDataSource pool) throws Exception {
		for (String name : new String[] { "PeerConnection", "ReplayableStatement", "ReplayablePreparedStatement",
				"StatementRecording", "TransactionLog", "RecordedResultSet", "PeerPreparedStatement",
				"PeerCallableStatement" }) {
			Class.forName("io.peerpool.jdbc." + name, true, pool.getClass().getClassLoader());
		}
		for (int i = 0; i < 4; i++) {
			try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
					ResultSet result = statement.executeQuery("SELECT @@port")) {
				result.next();
			}
		}
	}

	private void query(PeerPoolDataSource pool, int caller) {
		long started = System.nanoTime();
		try (Connection connection = pool.getConnection();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT @@port")) {
			result.next();
			this.outcomes.add(new Outcome(caller, started, System.nanoTime(), result.getInt(1), null));
		}
		catch (Exception ex) {
			this.outcomes.add(new Outcome(caller, started, System.nanoTime(), -1, ex));
		}
	}

	private long succeededOn(int port) {
		return this.outcomes.stream().filter((outcome) -> outcome.failure() == null && outcome.port() == port).count();
	}

	private List<Outcome> startedAfter(long nanoTime) {
		return this.outcomes.stream().filter((outcome) -> outcome.started() > nanoTime).toList();
	}

	private void recordIfInPeerpool(RecordedEvent event) {
		if (event.getStackTrace() == null) {
			return;
		}
		boolean inPeerpool = false;
		StringBuilder stack = new StringBuilder("pinned for ").append(event.getDuration());
		if (event.hasField("pinnedReason")) {
			// Java 24+ tells why. Waiting for another thread to initialise a class pins once per class and
			// process (a JVM limit, not a design choice); a monitor held or a native frame would pin every time
			String reason = event.getString("pinnedReason");
			if (reason != null && reason.contains("initialization")) {
				return;
			}
			stack.append(", ").append(reason);
		}
		List<RecordedFrame> frames = event.getStackTrace().getFrames();
		String why = event.hasField("pinnedReason") ? String.valueOf(event.getString("pinnedReason")) : "";
		if (!frames.isEmpty() && (isClassLoading(frames.get(0))
				|| (why.contains("preempt failed") && !isPeerpool(frames.get(0))))) {
			// loading a class (or HikariCP loading its generated proxies) pins once per class and process
			// (JDK 25: "Freeze or preempt failed"): a JVM limit met by the first caller, where peerpool is not
			// the code that runs; since JDK 24 a monitor no longer pins, so such a pin is never peerpool's lock
			return;
		}
		for (RecordedFrame frame : frames) {
			String type = frame.getMethod().getType().getName();
			stack.append("\n\t").append(type).append('.').append(frame.getMethod().getName()).append(':')
				.append(frame.getLineNumber());
			inPeerpool |= type.startsWith("io.peerpool.") && !type.startsWith("io.peerpool.test.")
					&& !type.startsWith(VirtualThreadFailoverIntegrationTests.class.getName());
		}
		if (inPeerpool) {
			this.pinnedInPeerpool.add(stack.toString());
		}
	}

	private static boolean isPeerpool(RecordedFrame frame) {
		String type = frame.getMethod().getType().getName();
		return type.startsWith("io.peerpool.") && !type.startsWith("io.peerpool.test.");
	}

	private static boolean isClassLoading(RecordedFrame frame) {
		String type = frame.getMethod().getType().getName();
		return type.startsWith("jdk.internal.loader.")
				|| (type.equals("java.lang.ClassLoader") && frame.getMethod().getName().startsWith("loadClass"));
	}

	/** Java 21 API, called reflectively: the project compiles for Java 17. */
	private static ExecutorService newVirtualThreadPerTaskExecutor() throws ReflectiveOperationException {
		return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
	}

	private static boolean isVirtual(Thread thread) {
		try {
			return (Boolean) Thread.class.getMethod("isVirtual").invoke(thread);
		}
		catch (ReflectiveOperationException ex) {
			return false;
		}
	}

}
