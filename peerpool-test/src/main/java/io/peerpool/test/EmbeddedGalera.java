package io.peerpool.test;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A MariaDB Galera cluster (synchronous multi-primary replication) on 127.0.0.1, made of the
 * system's {@code mariadbd} and {@code libgalera_smm.so} (Debian packages {@code mariadb-server},
 * {@code galera-4} and {@code rsync}; {@code .ci/install-prerequisites} installs them).
 *
 * <pre>
 * &#64;RegisterExtension
 * static final EmbeddedGalera galera = EmbeddedGalera.nodes(3);
 *
 * galera.node(2).freeze();      // evicted by the others after about 3 s
 * galera.node(2).thaw();        // rejoins by IST
 * galera.awaitSynced();
 * </pre>
 *
 * <p>As a JUnit 5 extension the cluster starts once before the test class and stops after it;
 * where the binaries are missing the class is skipped with a message saying how to install them,
 * except under {@code CI=true}, where it fails. Other code calls {@link #start()} and
 * {@link #close()}. When the JVM is root the nodes run as user {@code mysql}: rsync state
 * transfer refuses root.
 */
public final class EmbeddedGalera implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(EmbeddedGalera.class);

	private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(120);

	private final int size;

	private final Supplier<Optional<GaleraBinaries>> binaries;

	private final List<GaleraNode> nodes = new ArrayList<>();

	private GaleraDataDirectories directories;

	private boolean keepData;

	/** Server options every node starts with after the kit's own ({@link #withBinaryLog()}). */
	private List<String> serverOptions = List.of();

	EmbeddedGalera(int size, Supplier<Optional<GaleraBinaries>> binaries) {
		if (size < 1) {
			throw new IllegalArgumentException("A Galera cluster needs at least one node, not " + size);
		}
		this.size = size;
		this.binaries = binaries;
	}

	/** A cluster of {@code size} nodes (3 keeps quorum when one fails); nothing starts yet. */
	public static EmbeddedGalera nodes(int size) {
		return new EmbeddedGalera(size, GaleraBinaries::find);
	}

	/**
	 * Every node writes a binary log, as production nodes do for backups, point-in-time recovery or
	 * asynchronous replicas: {@code log_bin}, {@code log_slave_updates}, and {@code wsrep_gtid_mode} so
	 * that a transaction has the same MariaDB GTID on every node. Call before {@link #start()}.
	 */
	public EmbeddedGalera withBinaryLog() {
		this.serverOptions = List.of("--log-bin=mariadb-bin", "--log-slave-updates=ON", "--wsrep-gtid-mode=ON",
				"--wsrep-gtid-domain-id=1", "--server-id=1");
		return this;
	}

	/** The options each node starts with beyond the kit's own. */
	List<String> serverOptions() {
		return this.serverOptions;
	}

	/** Whether {@code mariadbd}, {@code mariadb-install-db}, the Galera provider and rsync are installed. */
	public static boolean isAvailable() {
		return GaleraBinaries.find().isPresent();
	}

	/**
	 * Starts the nodes ({@code node0} bootstraps the cluster, the others join by state transfer)
	 * and returns when all are Synced. Idempotent.
	 * @throws IllegalStateException when the binaries are missing, or a node does not start
	 */
	public synchronized EmbeddedGalera start() {
		if (!this.nodes.isEmpty()) {
			return this;
		}
		GaleraBinaries binaries = this.binaries.get()
			.orElseThrow(() -> new IllegalStateException(GaleraBinaries.INSTALL_HINT));
		long started = System.nanoTime();
		this.keepData = false;
		try {
			this.directories = new GaleraDataDirectories(binaries);
			for (int i = 0; i < this.size; i++) {
				String name = "node" + i;
				this.nodes.add(new GaleraNode(this, binaries, name, this.directories.newNodeDirectory(name)));
			}
			this.nodes.get(0).start(true);
			// joiners queue for state transfer in the donor; starting them together saves their own start-up time
			CompletableFuture.allOf(this.nodes.stream()
				.skip(1)
				.map((node) -> CompletableFuture.runAsync(() -> node.start(false)))
				.toArray(CompletableFuture[]::new)).join();
			awaitSynced();
		}
		catch (RuntimeException ex) {
			// the node logs explain the failure: keep them
			this.keepData = true;
			close();
			throw (ex instanceof CompletionException && ex.getCause() instanceof RuntimeException cause) ? cause : ex;
		}
		logger.info("Galera cluster of {} nodes Synced in {} ms: {}", this.size,
				Duration.ofNanos(System.nanoTime() - started).toMillis(), this.nodes);
		return this;
	}

	/** The nodes, {@code node0} first. */
	public List<GaleraNode> nodes() {
		return List.copyOf(this.nodes);
	}

	/** Node {@code index} (0-based). */
	public GaleraNode node(int index) {
		if (this.nodes.isEmpty()) {
			throw new IllegalStateException("The Galera cluster is not started");
		}
		return this.nodes.get(index);
	}

	/**
	 * Waits until every running node that is not frozen is Synced, ready, in the primary
	 * component, and all of them share one view whose size is their number. This is what
	 * "the cluster healed" means after a {@link GaleraNode#thaw()}: a thawed node first still
	 * reports its old, stale view as Synced.
	 * @throws IllegalStateException after two minutes without that state
	 */
	public void awaitSynced() {
		long deadline = System.nanoTime() + SYNC_TIMEOUT.toNanos();
		String last = "";
		while (System.nanoTime() < deadline) {
			List<GaleraNode> live = this.nodes.stream().filter((node) -> node.isRunning() && !node.isFrozen()).toList();
			try {
				List<Map<String, String>> statuses = new ArrayList<>();
				for (GaleraNode node : live) {
					statuses.add(node.wsrepStatus());
				}
				last = describe(live, statuses);
				if (healed(live.size(), statuses)) {
					return;
				}
			}
			catch (SQLException ex) {
				last = ex.getMessage();
			}
			try {
				Thread.sleep(200);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted", ex);
			}
		}
		throw new IllegalStateException("Galera cluster not Synced within " + SYNC_TIMEOUT.toSeconds() + " s: " + last);
	}

	private static boolean healed(int liveNodes, List<Map<String, String>> statuses) {
		if (statuses.isEmpty()) {
			return true;
		}
		String view = statuses.get(0).get("wsrep_cluster_state_uuid") + ":" + statuses.get(0).get("wsrep_cluster_conf_id");
		return statuses.stream()
			.allMatch((status) -> "Synced".equals(status.get("wsrep_local_state_comment"))
					&& "ON".equals(status.get("wsrep_ready")) && "Primary".equals(status.get("wsrep_cluster_status"))
					&& String.valueOf(liveNodes).equals(status.get("wsrep_cluster_size"))
					&& view.equals(status.get("wsrep_cluster_state_uuid") + ":" + status.get("wsrep_cluster_conf_id")));
	}

	private static String describe(List<GaleraNode> live, List<Map<String, String>> statuses) {
		List<String> parts = new ArrayList<>();
		for (int i = 0; i < live.size(); i++) {
			Map<String, String> status = statuses.get(i);
			parts.add(live.get(i).name() + "=" + status.get("wsrep_local_state_comment") + "/size "
					+ status.get("wsrep_cluster_size") + "/view " + status.get("wsrep_cluster_conf_id"));
		}
		return String.join(", ", parts);
	}

	/**
	 * Starts sampling whether each node is in the Primary Component (every 100 ms, in the
	 * background) until the watch is closed; see {@link PrimaryComponentWatch}.
	 */
	public PrimaryComponentWatch watchPrimaryComponent() {
		if (this.nodes.isEmpty()) {
			throw new IllegalStateException("The Galera cluster is not started");
		}
		return new PrimaryComponentWatch(nodes());
	}

	/** {@code gcomm://} address listing every node, so that any of them can (re)join through any other. */
	String clusterAddress() {
		return this.nodes.stream()
			.map((node) -> "127.0.0.1:" + node.groupPort())
			.collect(Collectors.joining(",", "gcomm://", ""));
	}

	/**
	 * Whether another node's process is alive, so that {@code node} must join rather than bootstrap
	 * a second cluster (a frozen or quorum-less node still counts: it will merge again).
	 */
	boolean anyOtherNodeRunning(GaleraNode node) {
		return this.nodes.stream().anyMatch((other) -> other != node && other.isRunning());
	}

	/**
	 * Stops every node (SIGKILL: test data is disposable) and deletes their data directories,
	 * unless the cluster failed to start. Idempotent.
	 */
	@Override
	public synchronized void close() {
		for (GaleraNode node : this.nodes) {
			try {
				node.close();
			}
			catch (RuntimeException ex) {
				logger.warn("Could not stop Galera node {}", node.name(), ex);
			}
		}
		if (this.directories != null && !this.keepData) {
			this.directories.delete(this.nodes.stream().map(GaleraNode::dataDirectory).toList());
		}
		this.nodes.clear();
		this.directories = null;
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		KitEnvironment.requirePrerequisite(this.binaries.get().isPresent(), GaleraBinaries.INSTALL_HINT);
		start();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		close();
	}

}
