package io.peerpool.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.util.unit.DataSize;

import io.peerpool.ReadYourWrites;
import io.peerpool.PeerPoolSettings.GaleraWriters;
import io.peerpool.PeerPoolSettings.TransactionReplay;
import io.peerpool.PeerPoolSettings.UnknownLag;
import io.peerpool.balance.Balance;

/**
 * The settings of a pool, shared by the top level of {@code spring.datasource.peerpool} (where
 * they are the defaults of every pool) and each {@code pools.<name>} (where they override them):
 * one set of properties and one source of defaults.
 */
public class PoolProperties {

	/** Login user of every peer that names none of its own (peers.<name>.username). */
	private @Nullable String username;

	/** Login password of every peer that names none of its own (peers.<name>.password). */
	private @Nullable String password;

	/**
	 * Fully qualified JDBC driver class of every peer that names none of its own; detected from each
	 * peer's URL when unset.
	 */
	private @Nullable String driverClassName;

	/** How long a failed peer is left alone before it is probed again. */
	private Duration checkInterval = Duration.ofSeconds(30);

	/** How often healthy peers are probed in the background; 0 probes only failed peers. */
	private Duration probeInterval = Duration.ofSeconds(2);

	/** A probe slower than this counts as a failure. */
	private Duration probeTimeout = Duration.ofSeconds(1);

	/** Bound on opening a physical connection to one peer, handshake included. */
	private Duration connectTimeout = Duration.ofSeconds(1);

	/** Bound on one getConnection() across all peers; then NoAvailablePeerException. */
	private Duration acquireTimeout = Duration.ofSeconds(5);

	/** How connections are spread over the healthy peers. */
	private Balance balance = Balance.RANDOM;

	/** Whether reads go to replicas; by default on when the pool has a replica or an auto peer. */
	private @Nullable Boolean readWriteSplit;

	/** Whether reads may also go to primaries. */
	private boolean readsIncludePrimary = false;

	/** A replica further behind its primary gets no reads. */
	private Duration maxReplicaLag = Duration.ofSeconds(10);

	/** How a client's reads see its own writes: pin, gtid or none. */
	private ReadYourWrites readYourWrites = ReadYourWrites.PIN;

	/**
	 * How long a write pins its client to primaries (pin mode), and how long the client keeps its
	 * write's position (gtid mode); refreshed by every write. At least max-replica-lag plus twice
	 * probe-interval + connect-timeout + probe-timeout, as far as a replica that serves reads may be
	 * behind: a shorter value is raised to that (not on a Galera cluster, whose nodes apply a write
	 * moments after its commit).
	 */
	private Duration pinDuration = Duration.ofSeconds(5);

	/**
	 * A replica whose lag cannot be measured at all (no position to compare, and the server's own
	 * figure denied to the user): exclude (no reads go to it) or include (it serves reads).
	 */
	private UnknownLag unknownLag = UnknownLag.EXCLUDE;

	/**
	 * Time between two heartbeats (SELECT 1 on one kept connection) of each healthy peer, which find
	 * a frozen server between the full probes; 0 turns them off.
	 */
	private Duration heartbeatInterval = Duration.ofMillis(250);

	/** A heartbeat slower than this marks the peer DOWN. */
	private Duration heartbeatTimeout = Duration.ofMillis(750);

	/**
	 * Which transactions run again on another peer when their connection dies before the commit:
	 * none, read-only (transactions marked read-only) or all (read-write ones too). A replayed
	 * transaction goes on only when every result it gave the application comes out the same.
	 */
	private TransactionReplay transactionReplay = TransactionReplay.READ_ONLY;

	/** Beyond this size a transaction is no longer recorded, and its failure reaches the application. */
	private final TransactionReplayLimit transactionReplayLimit = new TransactionReplayLimit();

	/**
	 * How many nodes of a Galera cluster take the writes at a time: one (the first Synced node in
	 * declared order that is up and not drained; the others serve reads as replicas) or all (spread by
	 * balance, where concurrent transactions that change the same row on two nodes fail with 1213).
	 */
	private GaleraWriters galeraWriters = GaleraWriters.ONE;

	/** HikariCP settings for every peer's connection pool, in Spring Boot's relaxed form (maximum-pool-size). */
	private Map<String, String> hikari = new LinkedHashMap<>();

	/** Peers of the pool, by name; at the top level the single pool named "default". */
	private Map<String, PeerPoolProperties.Peer> peers = new LinkedHashMap<>();

	public @Nullable String getUsername() {
		return this.username;
	}

	public void setUsername(@Nullable String username) {
		this.username = username;
	}

	public @Nullable String getPassword() {
		return this.password;
	}

	public void setPassword(@Nullable String password) {
		this.password = password;
	}

	public @Nullable String getDriverClassName() {
		return this.driverClassName;
	}

	public void setDriverClassName(@Nullable String driverClassName) {
		this.driverClassName = driverClassName;
	}

	public Duration getCheckInterval() {
		return this.checkInterval;
	}

	public void setCheckInterval(Duration checkInterval) {
		this.checkInterval = checkInterval;
	}

	public Duration getProbeInterval() {
		return this.probeInterval;
	}

	public void setProbeInterval(Duration probeInterval) {
		this.probeInterval = probeInterval;
	}

	public Duration getProbeTimeout() {
		return this.probeTimeout;
	}

	public void setProbeTimeout(Duration probeTimeout) {
		this.probeTimeout = probeTimeout;
	}

	public Duration getConnectTimeout() {
		return this.connectTimeout;
	}

	public void setConnectTimeout(Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
	}

	public Duration getAcquireTimeout() {
		return this.acquireTimeout;
	}

	public void setAcquireTimeout(Duration acquireTimeout) {
		this.acquireTimeout = acquireTimeout;
	}

	public Balance getBalance() {
		return this.balance;
	}

	public void setBalance(Balance balance) {
		this.balance = balance;
	}

	public @Nullable Boolean getReadWriteSplit() {
		return this.readWriteSplit;
	}

	public void setReadWriteSplit(@Nullable Boolean readWriteSplit) {
		this.readWriteSplit = readWriteSplit;
	}

	public boolean isReadsIncludePrimary() {
		return this.readsIncludePrimary;
	}

	public void setReadsIncludePrimary(boolean readsIncludePrimary) {
		this.readsIncludePrimary = readsIncludePrimary;
	}

	public Duration getMaxReplicaLag() {
		return this.maxReplicaLag;
	}

	public void setMaxReplicaLag(Duration maxReplicaLag) {
		this.maxReplicaLag = maxReplicaLag;
	}

	public ReadYourWrites getReadYourWrites() {
		return this.readYourWrites;
	}

	public void setReadYourWrites(ReadYourWrites readYourWrites) {
		this.readYourWrites = readYourWrites;
	}

	public Duration getPinDuration() {
		return this.pinDuration;
	}

	public void setPinDuration(Duration pinDuration) {
		this.pinDuration = pinDuration;
	}

	public UnknownLag getUnknownLag() {
		return this.unknownLag;
	}

	public void setUnknownLag(UnknownLag unknownLag) {
		this.unknownLag = unknownLag;
	}

	public Duration getHeartbeatInterval() {
		return this.heartbeatInterval;
	}

	public void setHeartbeatInterval(Duration heartbeatInterval) {
		this.heartbeatInterval = heartbeatInterval;
	}

	public Duration getHeartbeatTimeout() {
		return this.heartbeatTimeout;
	}

	public void setHeartbeatTimeout(Duration heartbeatTimeout) {
		this.heartbeatTimeout = heartbeatTimeout;
	}

	public TransactionReplay getTransactionReplay() {
		return this.transactionReplay;
	}

	public void setTransactionReplay(TransactionReplay transactionReplay) {
		this.transactionReplay = transactionReplay;
	}

	public GaleraWriters getGaleraWriters() {
		return this.galeraWriters;
	}

	public void setGaleraWriters(GaleraWriters galeraWriters) {
		this.galeraWriters = galeraWriters;
	}

	public TransactionReplayLimit getTransactionReplayLimit() {
		return this.transactionReplayLimit;
	}

	public Map<String, String> getHikari() {
		return this.hikari;
	}

	public void setHikari(Map<String, String> hikari) {
		this.hikari = hikari;
	}

	public Map<String, PeerPoolProperties.Peer> getPeers() {
		return this.peers;
	}

	public void setPeers(Map<String, PeerPoolProperties.Peer> peers) {
		this.peers = peers;
	}

	/** The size of a transaction beyond which it is no longer recorded for replay. */
	public static class TransactionReplayLimit {

		/** Statements executed in one transaction. */
		private int statements = 64;

		/** Approximate size of one transaction's recorded SQL and parameters. */
		private DataSize bytes = DataSize.ofMegabytes(1);

		public int getStatements() {
			return this.statements;
		}

		public void setStatements(int statements) {
			this.statements = statements;
		}

		public DataSize getBytes() {
			return this.bytes;
		}

		public void setBytes(DataSize bytes) {
			this.bytes = bytes;
		}

	}

}
