package io.peerpool.benchmarks;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.sun.management.ThreadMXBean;

import io.peerpool.PeerPoolDataSource;
import io.peerpool.test.MariaDbCluster;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.MariaDbServer;

/**
 * What the heartbeat costs: CPU time and bytes allocated by the heartbeat threads per beat, and
 * the connections it keeps, over an idle pool of real MariaDB servers (no application load, so
 * nothing else runs on those threads).
 *
 * <pre>
 * java -cp target/benchmarks.jar io.peerpool.benchmarks.HeartbeatCost [seconds] [peers]
 * </pre>
 */
public final class HeartbeatCost {

	private HeartbeatCost() {
	}

	public static void main(String[] args) throws Exception {
		int seconds = (args.length > 0) ? Integer.parseInt(args[0]) : 30;
		int peers = (args.length > 1) ? Integer.parseInt(args[1]) : 3;
		Duration interval = Duration.ofMillis(250);
		try (MariaDbCluster db = MariaDbCluster.peers(peers)) {
			db.start();
			PeerPoolDataSource.Builder builder = PeerPoolDataSource.builder("cost")
				.heartbeatInterval(interval)
				// no full probe during the run: only heartbeats run on their threads
				.probeInterval(Duration.ofHours(1));
			for (int i = 0; i < peers; i++) {
				MariaDbServer server = db.server(i);
				builder.peer(server.name(), server.jdbcUrl(JdbcDriver.MARIADB), server.username(), server.password());
			}
			try (PeerPoolDataSource pool = builder.build()) {
				ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
				// let every heartbeat open its kept connection first
				Thread.sleep(2_000);
				List<Long> ids = heartbeatThreads();
				long cpuBefore = 0;
				long bytesBefore = 0;
				for (long id : ids) {
					cpuBefore += threads.getThreadCpuTime(id);
					bytesBefore += threads.getThreadAllocatedBytes(id);
				}
				Thread.sleep(seconds * 1000L);
				long cpuAfter = 0;
				long bytesAfter = 0;
				for (long id : ids) {
					cpuAfter += threads.getThreadCpuTime(id);
					bytesAfter += threads.getThreadAllocatedBytes(id);
				}
				double beats = (double) seconds * 1000 / interval.toMillis() * peers;
				System.out.printf("peers=%d interval=%dms seconds=%d heartbeat threads=%d beats~%.0f%n", peers,
						interval.toMillis(), seconds, ids.size(), beats);
				System.out.printf("CPU per beat: %.1f us (%.3f%% of one core per peer)%n",
						(cpuAfter - cpuBefore) / beats / 1000.0,
						(cpuAfter - cpuBefore) / 1e9 / seconds / peers * 100);
				System.out.printf("allocated per beat: %.0f B%n", (bytesAfter - bytesBefore) / beats);
				System.out.printf("connections kept by heartbeats: %d (one per UP peer)%n", peers);
			}
		}
	}

	private static List<Long> heartbeatThreads() {
		List<Long> ids = new ArrayList<>();
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			if (thread.getName().startsWith("peerpool-cost-heartbeat-")) {
				ids.add(thread.getId());
			}
		}
		return ids;
	}

}
