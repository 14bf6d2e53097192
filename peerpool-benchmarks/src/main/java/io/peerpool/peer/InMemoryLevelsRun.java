package io.peerpool.peer;

import java.lang.reflect.Field;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import javax.sql.DataSource;

import io.peerpool.PeerPoolDataSource;
import io.peerpool.benchmarks.BenchmarkSystem;
import io.peerpool.jdbc.PeerAcquirer;
import io.peerpool.jdbc.PeerConnection;

/**
 * Where peerpool's time over H2 goes, one level of its borrow at a time: each level's operation
 * (take a connection at that level, {@code SELECT 1}, give it back) is paired against plain
 * HikariCP's in one JVM, in alternating blocks, as {@code InMemoryPairedRun} pairs the whole
 * operations. A benchmark tool, not part of the library: it lives in the engine's package only to
 * reach {@code Peer.borrow} and the engine's fields, which no application calls.
 *
 * <ul>
 * <li>{@code hikari}: HikariCP against itself, the harness's own noise (ratio 1.00).</li>
 * <li>{@code borrow}: the peer's slot, its HikariCP pool and the routed counter
 * ({@code Peer.borrow}, {@code countRouted}, {@code release}).</li>
 * <li>{@code acquire-reused}: the engine's choice of a peer and borrow ({@code PeerAcquirer.acquire}) for one
 * {@code PeerConnection} allocated once.</li>
 * <li>{@code acquire}: the same with a new {@code PeerConnection} per operation, as a borrow makes one.</li>
 * <li>{@code full}: {@code PeerPoolDataSource.getConnection()}, with the lazy connection and the statement wrapper.</li>
 * <li>{@code write}: both sides run {@code SELECT 1} and then an auto-commit {@code UPDATE} prepared after it (its
 * parameter kept for a switchover's read-only refusal), HikariCP against {@code full}.</li>
 * </ul>
 *
 * <p>Arguments: {@code level [seconds=20]}. Prints one line as {@code InMemoryPairedRun} does.
 */
public final class InMemoryLevelsRun {

	@FunctionalInterface
	private interface Operation {

		int run() throws SQLException;

	}

	private static int sink;

	private InMemoryLevelsRun() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length < 1) {
			throw new IllegalArgumentException("arguments: level [seconds]; level is one of hikari, borrow, "
					+ "acquire-reused, acquire, full, write");
		}
		String level = args[0];
		int seconds = (args.length > 1) ? Integer.parseInt(args[1]) : 20;
		if (seconds < 1) {
			throw new IllegalArgumentException("seconds must be at least 1, got " + seconds);
		}
		DataSource hikari = BenchmarkSystem.of("h2-hikari").create(List.of(), BenchmarkSystem.Timings.fast());
		PeerPoolDataSource pool = (PeerPoolDataSource) BenchmarkSystem.of("h2-peerpool")
			.create(List.of(), BenchmarkSystem.Timings.fast());
		try {
			PeerPoolEngine engine = field(PeerPoolDataSource.class, "engine", pool);
			Peer peer = InMemoryLevelsRun.<Peer[]>field(PeerPoolEngine.class, "peers", engine)[0];
			PeerAcquirer acquirer = field(PeerPoolEngine.class, "acquirer", engine);
			Operation baseline = () -> {
				try (Connection connection = hikari.getConnection()) {
					return select(connection);
				}
			};
			if (level.equals("write")) {
				try (Connection connection = hikari.getConnection(); Statement statement = connection.createStatement()) {
					statement.execute("CREATE TABLE IF NOT EXISTS levels_writes (id INT PRIMARY KEY, v BIGINT)");
					statement.execute("MERGE INTO levels_writes KEY (id) VALUES (1, 0)");
				}
				baseline = () -> {
					try (Connection connection = hikari.getConnection()) {
						return selectAndWrite(connection);
					}
				};
			}
			PeerConnection reused = new PeerConnection(acquirer);
			Operation other = switch (level) {
				case "hikari" -> () -> {
					try (Connection connection = hikari.getConnection()) {
						return select(connection);
					}
				};
				case "borrow" -> () -> {
					Connection connection = peer.borrow(0, 30_000);
					peer.countRouted();
					try {
						return select(connection);
					}
					finally {
						peer.release(connection);
					}
				};
				case "acquire-reused" -> () -> selectAndRelease(peer, acquirer.acquire(reused, false, 0L));
				case "acquire" -> () -> selectAndRelease(peer, acquirer.acquire(new PeerConnection(acquirer), false, 0L));
				case "full" -> () -> {
					try (Connection connection = pool.getConnection()) {
						return select(connection);
					}
				};
				case "write" -> () -> {
					try (Connection connection = pool.getConnection()) {
						return selectAndWrite(connection);
					}
				};
				default -> throw new IllegalArgumentException("unknown level " + level
						+ "; one of hikari, borrow, acquire-reused, acquire, full, write");
			};
			pair(level, baseline, other, seconds);
		}
		finally {
			BenchmarkSystem.close(hikari);
			BenchmarkSystem.close(pool);
		}
		if (sink == 42) {
			System.out.println();
		}
	}

	private static void pair(String level, Operation baseline, Operation other, int seconds) throws SQLException {
		for (int i = 0; i < 300_000; i++) {
			sink += baseline.run() + other.run();
		}
		int block = 10_000;
		List<Double> ratios = new ArrayList<>();
		long baselineNanos = 0;
		long otherNanos = 0;
		boolean baselineFirst = true;
		long end = System.nanoTime() + seconds * 1_000_000_000L;
		while (System.nanoTime() < end) {
			long b;
			long o;
			if (baselineFirst) {
				b = run(baseline, block);
				o = run(other, block);
			}
			else {
				o = run(other, block);
				b = run(baseline, block);
			}
			baselineFirst = !baselineFirst;
			ratios.add((double) o / b);
			baselineNanos += b;
			otherNanos += o;
		}
		Collections.sort(ratios);
		int pairs = ratios.size();
		System.out.println(String.format(Locale.ROOT,
				"%s: h2-hikari %.0f ns/op, level %.0f ns/op, ratio of sums %.3f, median ratio %.3f (IQR %.3f-%.3f), %d pairs",
				level, (double) baselineNanos / pairs / block, (double) otherNanos / pairs / block,
				(double) otherNanos / baselineNanos, ratios.get(pairs / 2), ratios.get(pairs / 4),
				ratios.get(3 * pairs / 4), pairs));
	}

	private static long run(Operation operation, int operations) throws SQLException {
		long start = System.nanoTime();
		for (int i = 0; i < operations; i++) {
			sink += operation.run();
		}
		return System.nanoTime() - start;
	}

	private static int select(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery("SELECT 1")) {
			result.next();
			return result.getInt(1);
		}
	}

	private static long writes;

	private static int selectAndWrite(Connection connection) throws SQLException {
		int selected = select(connection);
		try (PreparedStatement update = connection.prepareStatement("UPDATE levels_writes SET v = ? WHERE id = 1")) {
			update.setLong(1, ++writes);
			return selected + update.executeUpdate();
		}
	}

	private static int selectAndRelease(Peer peer, Connection physical) throws SQLException {
		try {
			return select(physical);
		}
		finally {
			peer.release(physical);
		}
	}

	@SuppressWarnings("unchecked")
	private static <T> T field(Class<?> type, String name, Object target) throws ReflectiveOperationException {
		Field field = type.getDeclaredField(name);
		field.setAccessible(true);
		return (T) field.get(target);
	}

}
