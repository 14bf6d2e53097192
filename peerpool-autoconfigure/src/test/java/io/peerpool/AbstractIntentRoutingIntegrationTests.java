package io.peerpool;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;

import org.springframework.transaction.TransactionDefinition;

import io.peerpool.balance.Balance;
import io.peerpool.routing.PeerRouting;
import io.peerpool.routing.RouteIntent;
import io.peerpool.routing.RouteOrigin;
import io.peerpool.routing.RouteScope;
import io.peerpool.test.DatabaseServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the MariaDB and PostgreSQL intent routing tests share: the pool's settings, the scopes the
 * web filter opens for a GET and for a POST and the GET of its redirect, unique row names, and the
 * routing cleared after every test.
 */
abstract class AbstractIntentRoutingIntegrationTests {

	static final int[] ISOLATION_LEVELS = { TransactionDefinition.ISOLATION_DEFAULT,
			TransactionDefinition.ISOLATION_READ_UNCOMMITTED, TransactionDefinition.ISOLATION_READ_COMMITTED,
			TransactionDefinition.ISOLATION_REPEATABLE_READ, TransactionDefinition.ISOLATION_SERIALIZABLE };

	private static final AtomicLong names = new AtomicLong();

	@AfterEach
	void clearRouting() {
		PeerRouting.clear();
	}

	static String unique(String prefix) {
		return prefix + "-" + names.incrementAndGet() + "-" + System.nanoTime();
	}

	/** Detection within a second or two; replicas up to 60 s behind still serve reads (the replica is 3 s behind). */
	static PeerPoolSettings settings(String name, ReadYourWrites mode) {
		return new PeerPoolSettings(name, Balance.ROUND_ROBIN, Duration.ofSeconds(1), Duration.ofMillis(300),
				Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(5), null, false, Duration.ofSeconds(60),
				mode, Duration.ofSeconds(10));
	}

	static PeerPoolDataSource awaitEveryPeerUp(PeerPoolDataSource pool) {
		await().atMost(Duration.ofSeconds(30))
			.until(() -> pool.getPeers().stream().allMatch((peer) -> peer.state() == PeerState.UP));
		return pool;
	}

	/** Waits until {@code query} runs on {@code server} (a replica has received the DDL). */
	static void awaitQueryRuns(DatabaseServer server, String query) {
		await().atMost(Duration.ofSeconds(30)).until(() -> {
			try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
				statement.executeQuery(query).close();
				return true;
			}
			catch (SQLException ex) {
				return false;
			}
		});
	}

	/** Runs {@code work} as a GET request does: read intent from the HTTP method. */
	static <T> T inGet(Supplier<T> work) {
		try (RouteScope request = PeerRouting.open(RouteIntent.REPLICA, RouteOrigin.HTTP_METHOD)) {
			return work.get();
		}
		finally {
			PeerRouting.clear();
		}
	}

	/**
	 * A POST, then the GET of its redirect as the web filter runs them: the POST's write pins the
	 * client ({@code pin}: the next request reads from primaries) or leaves its position
	 * ({@code gtid}: the next request's replica must have applied it).
	 */
	static void postThenRedirect(PeerPoolDataSource pool, ReadYourWrites mode, Runnable post,
			Supplier<Integer> countAfter) {
		boolean pinned;
		Map<String, String> tokens;
		try (RouteScope request = PeerRouting.open(RouteIntent.PRIMARY, RouteOrigin.HTTP_METHOD)) {
			post.run();
			pinned = request.hasWritten();
			tokens = new HashMap<>(request.writeTokens());
		}
		finally {
			PeerRouting.clear();
		}
		assertThat(pinned).as("the POST's write pins its client (the pin cookie)").isTrue();
		if (mode == ReadYourWrites.GTID) {
			assertThat(tokens).as("the POST's write position (the cookie's token)").containsKey(pool.getName());
		}
		RouteScope redirect = (mode == ReadYourWrites.PIN) ? PeerRouting.open(RouteIntent.PRIMARY, RouteOrigin.PIN)
				: PeerRouting.open(RouteIntent.REPLICA, RouteOrigin.HTTP_METHOD);
		try (redirect) {
			tokens.forEach(redirect::putWriteToken);
			assertThat(countAfter.get()).as("the redirect's GET sees the write").isEqualTo(1);
		}
		finally {
			PeerRouting.clear();
		}
	}

}
