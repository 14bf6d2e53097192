package io.peerpool;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

import io.peerpool.balance.Balance;
import io.peerpool.peer.SafeUrls;

/**
 * The resolved settings of one pool (top-level defaults merged with the pool's own), with the
 * types of its settings: {@link UnknownLag}, {@link TransactionReplay}, {@link GaleraWriters}, and
 * {@link PeerConfig}, the resolved settings of each of its peers.
 *
 * @param name name of the pool
 * @param balance how connections are spread
 * @param checkInterval quarantine of a failed peer before it is probed again
 * @param probeInterval how often UP peers are probed (zero: only failed peers are probed)
 * @param probeTimeout a probe slower than this is a failure
 * @param connectTimeout bound on opening one physical connection
 * @param acquireTimeout bound on one {@code getConnection()} across all peers
 * @param readWriteSplit whether reads go to replicas; {@code null} decides by the peers' roles
 * (on when a peer is a {@code replica} or {@code auto})
 * @param readsIncludePrimary whether reads may also go to primaries
 * @param maxReplicaLag a replica further behind gets no reads
 * @param readYourWrites how a client's reads see its own writes
 * @param pinDuration how long a write pins its client to primaries ({@code pin}), at least; see {@link #pinHold()}
 * @param unknownLag whether a replica whose lag cannot be measured at all serves reads
 * @param heartbeatInterval time between two heartbeats of an UP peer (zero: no heartbeat)
 * @param heartbeatTimeout a heartbeat slower than this marks the peer DOWN
 * @param transactionReplay which transactions run again on another peer when their connection dies
 * before the commit
 * @param transactionReplayLimitStatements statements of one transaction beyond which it is no longer
 * recorded (and its failure reaches the application)
 * @param transactionReplayLimitBytes approximate bytes of recorded SQL and parameters beyond which a
 * transaction is no longer recorded
 * @param galeraWriters how many nodes of a Galera cluster take the writes at a time
 */
public record PeerPoolSettings(String name, Balance balance, Duration checkInterval, Duration probeInterval,
		Duration probeTimeout, Duration connectTimeout, Duration acquireTimeout, Boolean readWriteSplit,
		boolean readsIncludePrimary, Duration maxReplicaLag, ReadYourWrites readYourWrites, Duration pinDuration,
		UnknownLag unknownLag, Duration heartbeatInterval, Duration heartbeatTimeout,
		TransactionReplay transactionReplay, int transactionReplayLimitStatements, long transactionReplayLimitBytes,
		GaleraWriters galeraWriters) {

	/** Default time between two heartbeats of an UP peer. */
	public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofMillis(250);

	/** Default bound on one heartbeat: with the interval, a frozen server is DOWN within a second. */
	public static final Duration DEFAULT_HEARTBEAT_TIMEOUT = Duration.ofMillis(750);

	/** Default of {@code transaction-replay-limit.statements}. */
	public static final int DEFAULT_REPLAY_LIMIT_STATEMENTS = 64;

	/** Default of {@code transaction-replay-limit.bytes}: 1 MB. */
	public static final long DEFAULT_REPLAY_LIMIT_BYTES = 1024 * 1024;

	/** Settings with one Galera writer at a time (the default). */
	public PeerPoolSettings(String name, Balance balance, Duration checkInterval, Duration probeInterval,
			Duration probeTimeout, Duration connectTimeout, Duration acquireTimeout, Boolean readWriteSplit,
			boolean readsIncludePrimary, Duration maxReplicaLag, ReadYourWrites readYourWrites, Duration pinDuration,
			UnknownLag unknownLag, Duration heartbeatInterval, Duration heartbeatTimeout,
			TransactionReplay transactionReplay, int transactionReplayLimitStatements, long transactionReplayLimitBytes) {
		this(name, balance, checkInterval, probeInterval, probeTimeout, connectTimeout, acquireTimeout, readWriteSplit,
				readsIncludePrimary, maxReplicaLag, readYourWrites, pinDuration, unknownLag, heartbeatInterval,
				heartbeatTimeout, transactionReplay, transactionReplayLimitStatements, transactionReplayLimitBytes,
				GaleraWriters.ONE);
	}

	/** Settings with the transaction replay defaults ({@code read-only}, 64 statements, 1 MB). */
	public PeerPoolSettings(String name, Balance balance, Duration checkInterval, Duration probeInterval,
			Duration probeTimeout, Duration connectTimeout, Duration acquireTimeout, Boolean readWriteSplit,
			boolean readsIncludePrimary, Duration maxReplicaLag, ReadYourWrites readYourWrites, Duration pinDuration,
			UnknownLag unknownLag, Duration heartbeatInterval, Duration heartbeatTimeout) {
		this(name, balance, checkInterval, probeInterval, probeTimeout, connectTimeout, acquireTimeout, readWriteSplit,
				readsIncludePrimary, maxReplicaLag, readYourWrites, pinDuration, unknownLag, heartbeatInterval,
				heartbeatTimeout, TransactionReplay.READ_ONLY, DEFAULT_REPLAY_LIMIT_STATEMENTS,
				DEFAULT_REPLAY_LIMIT_BYTES);
	}

	/** Settings that exclude replicas of unknown lag from reads, with the heartbeat defaults. */
	public PeerPoolSettings(String name, Balance balance, Duration checkInterval, Duration probeInterval,
			Duration probeTimeout, Duration connectTimeout, Duration acquireTimeout, Boolean readWriteSplit,
			boolean readsIncludePrimary, Duration maxReplicaLag, ReadYourWrites readYourWrites, Duration pinDuration) {
		this(name, balance, checkInterval, probeInterval, probeTimeout, connectTimeout, acquireTimeout, readWriteSplit,
				readsIncludePrimary, maxReplicaLag, readYourWrites, pinDuration, UnknownLag.EXCLUDE);
	}

	/** Settings with the heartbeat defaults. */
	public PeerPoolSettings(String name, Balance balance, Duration checkInterval, Duration probeInterval,
			Duration probeTimeout, Duration connectTimeout, Duration acquireTimeout, Boolean readWriteSplit,
			boolean readsIncludePrimary, Duration maxReplicaLag, ReadYourWrites readYourWrites, Duration pinDuration,
			UnknownLag unknownLag) {
		this(name, balance, checkInterval, probeInterval, probeTimeout, connectTimeout, acquireTimeout, readWriteSplit,
				readsIncludePrimary, maxReplicaLag, readYourWrites, pinDuration, unknownLag, DEFAULT_HEARTBEAT_INTERVAL,
				DEFAULT_HEARTBEAT_TIMEOUT);
	}

	/** Settings with the read/write-split and heartbeat defaults. */
	public PeerPoolSettings(String name, Balance balance, Duration checkInterval, Duration probeInterval,
			Duration probeTimeout, Duration connectTimeout, Duration acquireTimeout) {
		this(name, balance, checkInterval, probeInterval, probeTimeout, connectTimeout, acquireTimeout, null, false,
				Duration.ofSeconds(10), ReadYourWrites.PIN, Duration.ofSeconds(5), UnknownLag.EXCLUDE,
				DEFAULT_HEARTBEAT_INTERVAL, DEFAULT_HEARTBEAT_TIMEOUT);
	}

	/**
	 * Checks every setting.
	 * @throws IllegalArgumentException naming the property whose value is invalid
	 * @throws NullPointerException naming the property that is missing
	 */
	public PeerPoolSettings {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(balance, "balance");
		requirePositive("check-interval", checkInterval);
		requireNotNegative("probe-interval", probeInterval);
		requirePositive("probe-timeout", probeTimeout);
		requirePositive("connect-timeout", connectTimeout);
		requirePositive("acquire-timeout", acquireTimeout);
		requireNotNegative("max-replica-lag", maxReplicaLag);
		Objects.requireNonNull(readYourWrites, "read-your-writes");
		requireNotNegative("pin-duration", pinDuration);
		Objects.requireNonNull(unknownLag, "unknown-lag");
		requireNotNegative("heartbeat-interval", heartbeatInterval);
		requirePositive("heartbeat-timeout", heartbeatTimeout);
		Objects.requireNonNull(transactionReplay, "transaction-replay");
		if (transactionReplayLimitStatements < 0) {
			throw new IllegalArgumentException(
					"transaction-replay-limit.statements must not be negative, was " + transactionReplayLimitStatements);
		}
		if (transactionReplayLimitBytes < 0) {
			throw new IllegalArgumentException(
					"transaction-replay-limit.bytes must not be negative, was " + transactionReplayLimitBytes);
		}
		Objects.requireNonNull(galeraWriters, "galera-writers");
	}

	/**
	 * How long a write keeps its client's reads off replicas that may not have it yet: the pin of
	 * {@code pin} mode, and in {@code gtid} mode how long the client (the pin cookie, or a thread
	 * outside any request) keeps the write's position. {@code pin-duration}, but at least as long as
	 * a replica that serves reads may be behind the write: {@code max-replica-lag}, plus one probe
	 * cycle ({@code probe-interval} + {@code connect-timeout} + {@code probe-timeout}) before a probe
	 * of the primary sees the write's position (the lag is counted from then), plus one before the
	 * replica's next probe measures its lag again. With the configured pin alone, a client whose pin
	 * ran out read from a replica still behind its write. A replica whose lag is not followed
	 * ({@code unknown-lag: include}, or {@code probe-interval} zero) has no such bound. On a Galera
	 * cluster the pool holds for {@code pin-duration} alone ({@link PeerPoolDataSource#getPinHold()}).
	 */
	public Duration pinHold() {
		Duration probeCycle = this.probeInterval.plus(this.connectTimeout).plus(this.probeTimeout);
		Duration replicaBehind = this.maxReplicaLag.plus(probeCycle.multipliedBy(2));
		return (this.pinDuration.compareTo(replicaBehind) >= 0) ? this.pinDuration : replicaBehind;
	}

	/** These settings with {@code transaction-replay} and its limit changed. */
	public PeerPoolSettings withTransactionReplay(TransactionReplay replay, int limitStatements, long limitBytes) {
		return new PeerPoolSettings(this.name, this.balance, this.checkInterval, this.probeInterval, this.probeTimeout,
				this.connectTimeout, this.acquireTimeout, this.readWriteSplit, this.readsIncludePrimary,
				this.maxReplicaLag, this.readYourWrites, this.pinDuration, this.unknownLag, this.heartbeatInterval,
				this.heartbeatTimeout, replay, limitStatements, limitBytes, this.galeraWriters);
	}

	/** These settings with {@code galera-writers} changed. */
	public PeerPoolSettings withGaleraWriters(GaleraWriters writers) {
		return new PeerPoolSettings(this.name, this.balance, this.checkInterval, this.probeInterval, this.probeTimeout,
				this.connectTimeout, this.acquireTimeout, this.readWriteSplit, this.readsIncludePrimary,
				this.maxReplicaLag, this.readYourWrites, this.pinDuration, this.unknownLag, this.heartbeatInterval,
				this.heartbeatTimeout, this.transactionReplay, this.transactionReplayLimitStatements,
				this.transactionReplayLimitBytes, writers);
	}

	/** The defaults of the {@code spring.datasource.peerpool.*} properties. */
	public static PeerPoolSettings defaults(String name) {
		return new PeerPoolSettings(name, Balance.RANDOM, Duration.ofSeconds(30), Duration.ofSeconds(2),
				Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(5));
	}

	private static void requirePositive(String property, Duration value) {
		Objects.requireNonNull(value, property);
		if (value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(property + " must be positive, was " + value);
		}
	}

	private static void requireNotNegative(String property, Duration value) {
		Objects.requireNonNull(value, property);
		if (value.isNegative()) {
			throw new IllegalArgumentException(property + " must not be negative, was " + value);
		}
	}

	/** What to do with a replica whose lag cannot be measured at all ({@code unknown-lag}). */
	public enum UnknownLag {

		/** No reads go to it (the default): it may be arbitrarily far behind. */
		EXCLUDE,

		/** It serves reads as if it were within {@code max-replica-lag}. */
		INCLUDE;

	}

	/**
	 * Which transactions run again on another peer when their connection dies before the commit
	 * ({@code transaction-replay}). A replayed transaction goes on only when every result it gave the
	 * application (update counts, generated keys, the rows read so far) comes out the same there;
	 * otherwise, and for a commit whose outcome is unknown, the application gets the error.
	 */
	public enum TransactionReplay {

		/** No transaction is recorded; a failure inside a transaction reaches the application. */
		NONE,

		/**
		 * Read-only transactions ({@code Connection.setReadOnly(true)},
		 * {@code @Transactional(readOnly = true)}); the default.
		 */
		READ_ONLY,

		/** Every transaction, writes included: verified by comparing results, never a blind re-run. */
		ALL;

	}

	/**
	 * How many nodes of a Galera cluster take the writes at a time ({@code galera-writers}). Galera
	 * certifies a transaction at its commit against those committed meanwhile on the other nodes:
	 * two transactions that change the same row on two nodes cannot both commit, and the later one
	 * fails with MariaDB's 1213 "Deadlock found" although neither waited for a lock. On one node the
	 * second waits for the first's row lock and commits.
	 */
	public enum GaleraWriters {

		/**
		 * One Synced node takes every write (the default): the first in declared order that is UP and
		 * not drained, so that every instance of the application writes to the same node. The other
		 * nodes serve reads as replicas do, by the same rules (read-only transactions, replica scopes,
		 * GET requests).
		 */
		ONE,

		/**
		 * Every Synced node takes writes, spread by {@code balance}: for applications whose concurrent
		 * transactions never change the same rows, or that retry 1213 themselves.
		 */
		ALL;

	}

	/**
	 * The resolved settings of one peer: everything needed to connect to it, after the top-level,
	 * pool and peer settings (or the builder's) were merged. What a {@code PeerHikariConfigCustomizer}
	 * is given with the HikariCP settings of the peer's pool.
	 *
	 * @param pool name of the pool
	 * @param name name of the peer within its pool
	 * @param url JDBC URL
	 * @param username user, may be {@code null}
	 * @param password password, may be {@code null}; never printed
	 * @param driverClassName driver class, or {@code null} to let the URL decide
	 * @param role declared role
	 * @param weight weight for the {@code weighted} balance
	 * @param connectTimeout bound on opening one physical connection
	 * @param hikari HikariCP settings in relaxed property form ({@code maximum-pool-size: 5})
	 */
	public record PeerConfig(String pool, String name, String url, String username, String password,
			String driverClassName, PeerRole role, int weight, Duration connectTimeout, Map<String, String> hikari) {

		/** Checks that the peer has a name and a URL; keeps a copy of its HikariCP settings. */
		public PeerConfig {
			Objects.requireNonNull(name, "name");
			Objects.requireNonNull(url, "url");
			hikari = (hikari != null) ? Map.copyOf(hikari) : Map.of();
		}

		/**
		 * Driver properties: the {@code hikari.data-source-properties.*} entries, which HikariCP itself
		 * ignores because peerpool gives it a data source of its own.
		 */
		public Properties driverProperties() {
			Properties properties = new Properties();
			this.hikari.forEach((key, value) -> {
				for (String prefix : new String[] { "data-source-properties.", "dataSourceProperties.",
						"data-source-properties[", "dataSourceProperties[" }) {
					if (key.startsWith(prefix)) {
						String name = key.substring(prefix.length());
						properties.setProperty(name.endsWith("]") ? name.substring(0, name.length() - 1) : name, value);
					}
				}
			});
			return properties;
		}

		/** {@code <pool>.<peer>}: the HikariCP pool name and the prefix of its metrics. */
		public String qualifiedName() {
			return this.pool + "." + this.name;
		}

		/** The URL as it may be shown: without user info and password parameters. */
		public String safeUrl() {
			return SafeUrls.redact(this.url);
		}

		@Override
		public String toString() {
			return "PeerConfig[" + qualifiedName() + ", " + safeUrl() + ", user=" + this.username + ", role="
					+ this.role + "]";
		}

	}

}
