package io.peerpool;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.peerpool.PeerPoolSettings.GaleraWriters;
import io.peerpool.balance.Balance;
import io.peerpool.test.EmbeddedGalera;
import io.peerpool.test.GaleraNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Read-your-writes by position on the kit's Galera nodes, which write no binary log. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class GaleraReadYourWritesIntegrationTests extends AbstractGaleraReadYourWritesIntegrationTests {

	@RegisterExtension
	static final EmbeddedGalera galera = EmbeddedGalera.nodes(3);

	@Override
	EmbeddedGalera galera() {
		return galera;
	}

	/**
	 * A write pins its client for {@code pin-duration} only on a Galera cluster: the nodes apply it
	 * moments after its commit, and no replica lag within {@code max-replica-lag} (60 s here) can
	 * leave one behind it, as on a pool of asynchronous replicas, whose hold counts that limit.
	 */
	@Test
	void onGaleraAWritePinsItsClientForPinDurationNotForTheReplicaLagLimit() {
		PeerPoolDataSource pool = pool(ReadYourWrites.PIN, GaleraWriters.ONE, Balance.RANDOM, Duration.ofMillis(300),
				(node) -> 1);

		assertThat(pool.getSettings().pinHold()).as("the hold of a pool of asynchronous replicas")
			.isEqualTo(Duration.ofMillis(64_600));
		assertThat(pool.getPinHold()).isEqualTo(Duration.ofSeconds(5));
	}

	/**
	 * With every node taking writes, the node a borrow takes after the client's write waits for it;
	 * when that node does not apply it in time (here it applies nothing: a DBA's backup lock), the
	 * borrow takes another node and waits there too, not any node unchecked. The stopped node's
	 * weight (98 of 100) makes nearly every borrow try it first, and probes only on failure keep it
	 * routable (a probe would find it desynced): the old fallback, by the same weights, took it again
	 * nearly every time. Only on the kit's nodes: how the position is read does not change how a
	 * borrow falls back. ({@code sequential} does not move on: its one writer takes every borrow.)
	 */
	@Test
	void withEveryNodeTakingWritesANodeBehindTheClientsWriteIsPassedOverForOneThatAppliedIt() throws Exception {
		GaleraNode paused = galera.node(1);
		Client client = new Client(pool(ReadYourWrites.PIN, GaleraWriters.ALL, Balance.WEIGHTED, Duration.ZERO,
				(node) -> (node == paused) ? 98 : 1), ReadYourWrites.PIN);
		try (Connection writer = galera.node(0).connect(); Statement write = writer.createStatement();
				Connection admin = paused.connectAsAdmin(); Statement lock = admin.createStatement()) {
			// FLUSH TABLES WITH READ LOCK needs RELOAD: the admin's (as in the test of the wait's bound)
			lock.execute("FLUSH TABLES WITH READ LOCK");
			try {
				for (int i = 0; i < 3; i++) {
					String text = "b" + names.incrementAndGet();
					// the client's write, on another node than any the pool tries first
					write.execute("INSERT INTO notes (text) VALUES ('" + text + "')");
					String gtid;
					try (ResultSet result = write.executeQuery("SELECT WSREP_LAST_WRITTEN_GTID()")) {
						result.next();
						gtid = result.getString(1);
					}
					Read read = client.get(text, Map.of("galera-ryw", gtid));
					assertThat(read.count()).as("the client's write, read back in its next request").isEqualTo(1);
					assertThat(read.port()).as("the node that served the read (the stopped one is " + paused.port() + ")")
						.isNotEqualTo(paused.port());
				}
			}
			finally {
				lock.execute("UNLOCK TABLES");
			}
		}
		finally {
			galera.awaitSynced();
		}
	}

}
