package io.peerpool;

import java.io.Closeable;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.jdbc.datasource.lookup.AbstractRoutingDataSource;

import io.peerpool.balance.Balance;
import io.peerpool.failure.PeerFailureClassifier;
import io.peerpool.peer.Peer;
import io.peerpool.peer.PeerPoolEngine;

/**
 * A set of database servers ("peers") as one highly available {@link DataSource}.
 *
 * <p>{@link #getConnection()} returns at once a connection that takes its physical connection at
 * first use, from a peer chosen by the pool's {@link Balance} among the healthy peers that fit the
 * intent (read or write). A peer that fails to give a connection is marked DOWN at once and the
 * next one is tried, within {@code acquire-timeout}; a connection-class error on any statement
 * marks its peer DOWN too. DOWN peers are left alone for {@code check-interval}, then probed in
 * the background and taken back; application threads never pay a dead peer's timeout to learn
 * that it is dead.
 *
 * <p>A subclass of Spring's {@link AbstractRoutingDataSource}: its targets are the peers, keyed by
 * name, and {@link #determineCurrentLookupKey()} is the balanced choice of a writable peer.
 *
 * <p>The facade of the pool: what it does is the engine's ({@code io.peerpool.peer}), which it
 * creates and delegates to; no engine type is part of its public face.
 */
public class PeerPoolDataSource extends AbstractRoutingDataSource
		implements PeerPool, Closeable, DisposableBean, ApplicationEventPublisherAware {

	private final PeerPoolSettings settings;

	private final PeerPoolEngine engine;

	public PeerPoolDataSource(PeerPoolSettings settings, List<PeerConfig> peerConfigs, PeerProbe probe,
			PeerFailureClassifier classifier, Function<PeerConfig, HikariConfig> hikariConfigs, Clock clock) {
		this.settings = settings;
		this.engine = new PeerPoolEngine(this, settings, peerConfigs, probe, classifier, hikariConfigs, clock);
		setTargetDataSources(this.engine.targets());
		// a lookup key that is not a peer must fail, not silently use some default peer
		setLenientFallback(false);
	}

	/**
	 * A builder of a pool named {@code name}, for use without Spring Boot's auto-configuration:
	 * {@code PeerPoolDataSource.builder("main").peer("db0", url, user, password).build()}.
	 */
	public static PeerPoolBuilder builder(String name) {
		return new PeerPoolBuilder(name);
	}

	@Override
	public void afterPropertiesSet() {
		super.afterPropertiesSet();
		start();
	}

	/** Starts the peers' pools and their monitoring. Startup never fails because peers are down. */
	public void start() {
		this.engine.start();
	}

	@Override
	public String getName() {
		return this.engine.name();
	}

	/** The resolved settings of this pool. */
	public PeerPoolSettings getSettings() {
		return this.settings;
	}

	/** A connection whose physical connection is taken from a peer at first use. */
	@Override
	public Connection getConnection() throws SQLException {
		return this.engine.newConnection();
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		throw PeerPoolEngine.otherUserRefused();
	}

	@Override
	protected Object determineCurrentLookupKey() {
		return this.engine.lookupKey();
	}

	/** Whether this pool sends reads to replicas. */
	public boolean isReadWriteSplit() {
		return this.engine.isReadWriteSplit();
	}

	/**
	 * Sets what sees every physical acquisition (for example a Micrometer observation per
	 * acquisition); {@code null} removes it.
	 */
	public void setAcquisitionObserver(@Nullable AcquisitionObserver observer) {
		this.engine.setAcquisitionObserver(observer);
	}

	@Override
	public void setApplicationEventPublisher(ApplicationEventPublisher publisher) {
		this.engine.setEventPublisher(publisher);
	}

	/**
	 * Registers a listener told of every event of this pool's timeline as it happens; one that
	 * throws is logged and never breaks the pool.
	 */
	@Override
	public void addListener(PeerPoolListener listener) {
		this.engine.addListener(listener);
	}

	/** Removes a listener registered with {@link #addListener}. */
	@Override
	public void removeListener(PeerPoolListener listener) {
		this.engine.removeListener(listener);
	}

	@Override
	public List<PeerPoolEvent> getEvents() {
		return this.engine.events();
	}

	@Override
	public List<PeerInfo> getPeers() {
		return this.engine.getPeers();
	}

	@Override
	public PeerInfo getPeer(String name) {
		return this.engine.getPeer(name);
	}

	@Override
	public void drain(String peer) {
		this.engine.drain(peer);
	}

	@Override
	public void resume(String peer) {
		this.engine.resume(peer);
	}

	/** Probes {@code peer} now; for tests, not API. */
	CompletableFuture<Void> probeNow(Peer peer) {
		return this.engine.probeNow(peer);
	}

	/** The peers, in declared order; for tests, not API ({@link #getPeers()} is). */
	List<Peer> peers() {
		return this.engine.peers();
	}

	/** The peer named {@code name}; for tests, not API ({@link #getPeer} is). */
	Peer peer(String name) {
		return this.engine.peer(name);
	}

	/** The peers that take reads ({@code read}) or writes now, by name; for tests. */
	String[] routingSnapshot(boolean read) {
		return this.engine.routingSnapshot(read);
	}

	/** Callers waiting for a peer now; for tests. */
	int holdingCallers() {
		return this.engine.holdingCallers();
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> T unwrap(Class<T> iface) throws SQLException {
		if (iface.isInstance(this)) {
			return (T) this;
		}
		return super.unwrap(iface);
	}

	@Override
	public boolean isWrapperFor(Class<?> iface) throws SQLException {
		return iface.isInstance(this) || super.isWrapperFor(iface);
	}

	@Override
	public void destroy() {
		close();
	}

	@Override
	public void close() {
		this.engine.close();
	}

	@Override
	public String toString() {
		return "PeerPoolDataSource[" + getName() + ", peers=" + this.engine.peers() + "]";
	}

}
