package io.peerpool.test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * Samples {@code wsrep_cluster_status} of every node of an {@link EmbeddedGalera} cluster in the
 * background (one admin connection and one thread per node), so that a test can tell failures
 * that happened while the whole cluster had no Primary Component (no quorum: no pool can hide
 * that) from failures while a quorum existed.
 *
 * <pre>
 * try (PrimaryComponentWatch watch = galera.watchPrimaryComponent()) {
 *     ... // faults
 *     watch.withoutPrimaryComponentDuring(outcome.started(), outcome.ended());
 * }
 * </pre>
 *
 * <p>A node counts as out of the Primary Component from the last sample before a run of samples
 * in which it answered something else than {@code Primary} up to the next sample after that
 * run: a sampling period of uncertainty on each side, never more. A sample the node did not
 * answer (frozen, restarting) says nothing and does not count as out. The cluster is without a
 * Primary Component while a majority of its nodes are out: the rest cannot form one.
 */
public final class PrimaryComponentWatch implements AutoCloseable {

	private static final Duration INTERVAL = Duration.ofMillis(100);

	/** Short, so that a frozen node's sampler gives up quickly and its samples stay dense elsewhere. */
	private static final int SAMPLE_TIMEOUT_MILLIS = 1000;

	/**
	 * One sample of one node, {@link System#nanoTime()} based.
	 * @param asked when the query was sent
	 * @param answered when it answered or failed
	 * @param status {@code wsrep_cluster_status} ({@code Primary}, {@code non-Primary}, ...), or
	 * {@code null} when the node did not answer
	 */
	record Sample(long asked, long answered, @Nullable String status) {

		boolean outOfPrimary() {
			return this.status != null && !"Primary".equals(this.status);
		}

	}

	private final int clusterSize;

	private final Map<String, List<Sample>> samples = new LinkedHashMap<>();

	private final @Nullable ScheduledExecutorService executor;

	private final List<Sampler> samplers = new ArrayList<>();

	/** A history to evaluate without sampling (tests of the evaluation). */
	PrimaryComponentWatch(int clusterSize, Map<String, List<Sample>> samples) {
		this.clusterSize = clusterSize;
		samples.forEach((node, list) -> this.samples.put(node, new ArrayList<>(list)));
		this.executor = null;
	}

	PrimaryComponentWatch(List<GaleraNode> nodes) {
		this.clusterSize = nodes.size();
		this.executor = Executors.newScheduledThreadPool(nodes.size(), (task) -> {
			Thread thread = new Thread(task, "primary-component-watch");
			thread.setDaemon(true);
			return thread;
		});
		for (GaleraNode node : nodes) {
			List<Sample> list = new ArrayList<>();
			this.samples.put(node.name(), list);
			Sampler sampler = new Sampler(node, list);
			this.samplers.add(sampler);
			this.executor.scheduleWithFixedDelay(sampler, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	/**
	 * Whether the whole cluster was without a Primary Component at some instant between
	 * {@code from} and {@code to} ({@link System#nanoTime()}).
	 */
	public boolean withoutPrimaryComponentDuring(long from, long to) {
		return withoutPrimaryComponent().stream().anyMatch((period) -> period[0] <= to && period[1] >= from);
	}

	/** Samples answered by {@code node} after {@code nanoTime}, whatever their status (a control). */
	public long answeredAfter(String node, long nanoTime) {
		synchronized (this.samples) {
			return this.samples.getOrDefault(node, List.of())
				.stream()
				.filter((sample) -> sample.status() != null && sample.asked() > nanoTime)
				.count();
		}
	}

	/**
	 * The periods ({@code [from, to]}, {@link System#nanoTime()}) in which a majority of the nodes
	 * were out of the Primary Component.
	 */
	List<long[]> withoutPrimaryComponent() {
		List<long[]> boundaries = new ArrayList<>();
		for (List<long[]> periods : outOfPrimaryByNode().values()) {
			for (long[] period : periods) {
				boundaries.add(new long[] { period[0], +1 });
				boundaries.add(new long[] { period[1], -1 });
			}
		}
		// at one instant, a start before an end: touching periods overlap
		boundaries.sort((a, b) -> (a[0] != b[0]) ? Long.compare(a[0], b[0]) : Long.compare(b[1], a[1]));
		int majority = this.clusterSize / 2 + 1;
		List<long[]> result = new ArrayList<>();
		int out = 0;
		long start = 0;
		for (long[] boundary : boundaries) {
			int before = out;
			out += (int) boundary[1];
			if (before < majority && out >= majority) {
				start = boundary[0];
			}
			else if (before >= majority && out < majority) {
				result.add(new long[] { start, boundary[0] });
			}
		}
		return result;
	}

	/** Per node, the periods in which it was (or may have been) out of the Primary Component. */
	Map<String, List<long[]>> outOfPrimaryByNode() {
		Map<String, List<long[]>> result = new LinkedHashMap<>();
		synchronized (this.samples) {
			this.samples.forEach((node, list) -> {
				List<long[]> periods = new ArrayList<>();
				int i = 0;
				while (i < list.size()) {
					if (!list.get(i).outOfPrimary()) {
						i++;
						continue;
					}
					int first = i;
					while (i < list.size() && list.get(i).outOfPrimary()) {
						i++;
					}
					long from = (first > 0) ? list.get(first - 1).answered() : list.get(first).asked();
					long to = (i < list.size()) ? list.get(i).asked() : list.get(i - 1).answered();
					periods.add(new long[] { from, to });
				}
				result.put(node, periods);
			});
		}
		return result;
	}

	/** The periods per node and of the cluster, in ms relative to {@code origin} (for assertion messages). */
	public String describe(long origin) {
		StringBuilder text = new StringBuilder();
		outOfPrimaryByNode().forEach((node, periods) -> text.append(node)
			.append(" out of the Primary Component ")
			.append(periods(periods, origin))
			.append("; "));
		return text.append("cluster without one ").append(periods(withoutPrimaryComponent(), origin)).append(" ms").toString();
	}

	private static String periods(List<long[]> periods, long origin) {
		return periods.stream()
			.map((period) -> "[" + TimeUnit.NANOSECONDS.toMillis(period[0] - origin) + ", "
					+ TimeUnit.NANOSECONDS.toMillis(period[1] - origin) + "]")
			.toList()
			.toString();
	}

	/** Stops sampling; the history stays readable. */
	@Override
	public void close() throws InterruptedException {
		if (this.executor != null) {
			this.executor.shutdownNow();
			this.executor.awaitTermination(5, TimeUnit.SECONDS);
			this.samplers.forEach(Sampler::closeConnection);
		}
	}

	private final class Sampler implements Runnable {

		private final GaleraNode node;

		private final List<Sample> list;

		private volatile @Nullable Connection connection;

		Sampler(GaleraNode node, List<Sample> list) {
			this.node = node;
			this.list = list;
		}

		@Override
		public void run() {
			long asked = System.nanoTime();
			String status = null;
			try {
				status = status();
			}
			catch (SQLException | RuntimeException ex) {
				closeConnection();
			}
			Sample sample = new Sample(asked, System.nanoTime(), status);
			synchronized (PrimaryComponentWatch.this.samples) {
				this.list.add(sample);
			}
		}

		private @Nullable String status() throws SQLException {
			if (!this.node.isRunning() || this.node.isFrozen()) {
				closeConnection();
				return null;
			}
			Connection current = this.connection;
			if (current == null) {
				current = this.node.connectAsAdmin();
				current.setNetworkTimeout(Runnable::run, SAMPLE_TIMEOUT_MILLIS);
				this.connection = current;
			}
			try (PreparedStatement statement = current.prepareStatement("SHOW GLOBAL STATUS LIKE 'wsrep_cluster_status'");
					ResultSet result = statement.executeQuery()) {
				return result.next() ? result.getString(2) : null;
			}
		}

		private void closeConnection() {
			Connection current = this.connection;
			this.connection = null;
			if (current != null) {
				try {
					current.close();
				}
				catch (SQLException ex) {
					// a broken connection: nothing to release
				}
			}
		}

	}

}
