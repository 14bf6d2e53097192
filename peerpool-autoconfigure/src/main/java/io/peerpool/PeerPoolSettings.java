package io.peerpool;

import java.time.Duration;
import java.util.Objects;

import io.peerpool.balance.Balance;

/**
 * The resolved settings of one pool (top-level defaults merged with the pool's own).
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
 * @param pinDuration how long a write pins its client to primaries ({@code pin})
 * @param unknownLag whether a replica whose lag cannot be measured at all serves reads
 * @param heartbeatInterval time between two heartbeats of an UP peer (zero: no heartbeat)
 * @param heartbeatTimeout a heartbeat slower than this marks the peer DOWN
 * @param transactionReplay which transactions run again on another peer when their connection dies
 * before the commit
 * @param transactionReplayLimitStatements statements of one transaction beyond which it is no longer
 * recorded (and its failure reaches the application)
 * @param transactionReplayLimitBytes approximate bytes of recorded SQL and parameters beyond which a
 * transaction is no longer recorded
 */
public record PeerPoolSettings(String name, Balance balance, Duration checkInterval, Duration probeInterval,
		Duration probeTimeout, Duration connectTimeout, Duration acquireTimeout, Boolean readWriteSplit,
		boolean readsIncludePrimary, Duration maxReplicaLag, ReadYourWrites readYourWrites, Duration pinDuration,
		UnknownLag unknownLag, Duration heartbeatInterval, Duration heartbeatTimeout,
		TransactionReplay transactionReplay, int transactionReplayLimitStatements, long transactionReplayLimitBytes) {

	/** Default time between two heartbeats of an UP peer. */
	public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofMillis(250);

	/** Default bound on one heartbeat: with the interval, a frozen server is DOWN within a second. */
	public static final Duration DEFAULT_HEARTBEAT_TIMEOUT = Duration.ofMillis(750);

	/** Default of {@code transaction-replay-limit.statements}. */
	public static final int DEFAULT_REPLAY_LIMIT_STATEMENTS = 64;

	/** Default of {@code transaction-replay-limit.bytes}: 1 MB. */
	public static final long DEFAULT_REPLAY_LIMIT_BYTES = 1024 * 1024;

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
	}

	/** These settings with {@code transaction-replay} and its limit changed. */
	public PeerPoolSettings withTransactionReplay(TransactionReplay replay, int limitStatements, long limitBytes) {
		return new PeerPoolSettings(this.name, this.balance, this.checkInterval, this.probeInterval, this.probeTimeout,
				this.connectTimeout, this.acquireTimeout, this.readWriteSplit, this.readsIncludePrimary,
				this.maxReplicaLag, this.readYourWrites, this.pinDuration, this.unknownLag, this.heartbeatInterval,
				this.heartbeatTimeout, replay, limitStatements, limitBytes);
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

}
