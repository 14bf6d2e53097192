package io.peerpool.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy on 127.0.0.1 in front of one server, for faults that a server process cannot make
 * by itself: a pooler or VIP that refuses, swallows packets, resets connections, is slow, or moves
 * to another server.
 *
 * <pre class="code">
 * &#64;RegisterExtension
 * static final EmbeddedPostgres pg = EmbeddedPostgres.of(PostgresMajor.V14, PostgresMajor.V17);
 *
 * &#64;RegisterExtension // after the servers: extensions start in field order
 * static final FaultProxy proxy = FaultProxy.to(pg.server("pg14"));
 *
 * String url = proxy.jdbcUrl(pg.server("pg14"), JdbcDriver.POSTGRESQL);
 * proxy.blackhole();                   // connects succeed, nothing is ever answered
 * proxy.pass();
 * proxy.switchUpstream(pg.server("pg17")); // new connections reach PostgreSQL 17
 * </pre>
 *
 * <p>Modes: {@link #pass()} (the default), {@link #refuse()}, {@link #blackhole()}; on top of
 * them {@link #latency(Duration)}, {@link #resetConnections()} and
 * {@link #switchUpstream(DatabaseServer)}. The port stays the same for the proxy's life.
 */
public final class FaultProxy implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(FaultProxy.class);

	private enum Mode {

		PASS, REFUSE, BLACKHOLE

	}

	private final int port;

	private final Set<RelayedConnection> connections = ConcurrentHashMap.newKeySet();

	private final Object monitor = new Object();

	private volatile InetSocketAddress upstream;

	private volatile Mode mode = Mode.PASS;

	private volatile Duration latency = Duration.ZERO;

	private volatile boolean started;

	private volatile boolean closed;

	private ServerSocket listener;

	private Thread acceptor;

	private FaultProxy(InetSocketAddress upstream, int port) {
		this.upstream = upstream;
		this.port = port;
	}

	/** A proxy on a free port in front of {@code server}; not started yet. */
	public static FaultProxy to(DatabaseServer server) {
		return to(server.host(), server.port());
	}

	/** A proxy on a free port in front of {@code host:port}; not started yet. */
	public static FaultProxy to(String host, int port) {
		return new FaultProxy(address(host, port), FreePorts.next());
	}

	/** A proxy on the given fixed port of 127.0.0.1 in front of {@code server}; not started yet. */
	public static FaultProxy to(DatabaseServer server, int proxyPort) {
		return new FaultProxy(address(server.host(), server.port()), proxyPort);
	}

	/** Starts listening (in pass mode unless a mode was chosen before). Idempotent. */
	public FaultProxy start() {
		synchronized (this.monitor) {
			if (this.closed) {
				throw new IllegalStateException("Proxy on port " + this.port + " is closed");
			}
			if (!this.started) {
				this.started = true;
				if (this.mode != Mode.REFUSE) {
					listen();
				}
				logger.info("Fault proxy 127.0.0.1:{} -> {}", this.port, describe(this.upstream));
			}
		}
		return this;
	}

	/** The proxy's port on 127.0.0.1; the same across every mode. */
	public int port() {
		return this.port;
	}

	/** Where new connections go. */
	public InetSocketAddress upstream() {
		return this.upstream;
	}

	/**
	 * {@code server}'s JDBC URL for {@code driver} with its port replaced by the proxy's, for
	 * example {@code jdbc:postgresql://127.0.0.1:<proxy port>/app}.
	 */
	public String jdbcUrl(DatabaseServer server, JdbcDriver driver) {
		String url = server.jdbcUrl(driver);
		String hostAndPort = server.host() + ":" + server.port();
		int at = url.indexOf(hostAndPort);
		if (at < 0) {
			throw new IllegalStateException("No " + hostAndPort + " in " + url);
		}
		return url.substring(0, at) + "127.0.0.1:" + this.port + url.substring(at + hostAndPort.length());
	}

	/** Forwards everything: new connections reach the upstream, held ones resume. */
	public FaultProxy pass() {
		return mode(Mode.PASS);
	}

	/**
	 * Closes the listening socket: new connections are refused ({@code ConnectException}), live
	 * ones keep working. {@link #pass()} or {@link #blackhole()} listens again on the same port.
	 */
	public FaultProxy refuse() {
		return mode(Mode.REFUSE);
	}

	/**
	 * Accepts connections but never forwards or answers anything, on new and on live connections:
	 * a client waits until its own timeout. {@link #pass()} releases what was held.
	 */
	public FaultProxy blackhole() {
		return mode(Mode.BLACKHOLE);
	}

	/**
	 * Resets every live connection (SO_LINGER 0, then close): both the client and the server see a
	 * TCP RST. New connections are not affected.
	 */
	public FaultProxy resetConnections() {
		List<RelayedConnection> live = List.copyOf(this.connections);
		live.forEach(RelayedConnection::reset);
		if (!live.isEmpty()) {
			logger.info("Fault proxy {}: reset {} connection(s)", this.port, live.size());
		}
		return this;
	}

	/** Delays every forwarded chunk, in both directions, by {@code latency}; {@link Duration#ZERO} turns it off. */
	public FaultProxy latency(Duration latency) {
		if (latency.isNegative()) {
			throw new IllegalArgumentException("Negative latency " + latency);
		}
		Duration previous = this.latency;
		this.latency = latency;
		if (!previous.equals(latency)) {
			logger.info("Fault proxy {}: latency {}", this.port, latency);
		}
		return this;
	}

	/** New connections go to {@code server}; live ones keep their server until they end or are reset. */
	public FaultProxy switchUpstream(DatabaseServer server) {
		return switchUpstream(server.host(), server.port());
	}

	/** New connections go to {@code host:port}; live ones keep their server until they end or are reset. */
	public FaultProxy switchUpstream(String host, int port) {
		InetSocketAddress previous = this.upstream;
		this.upstream = address(host, port);
		if (!previous.equals(this.upstream)) {
			logger.info("Fault proxy {}: upstream now {}", this.port, describe(this.upstream));
		}
		return this;
	}

	/** Stops listening and closes every connection. Idempotent. */
	@Override
	public void close() {
		synchronized (this.monitor) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			closeListener();
			this.monitor.notifyAll();
		}
		List.copyOf(this.connections).forEach(RelayedConnection::close);
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		start();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		// a @Nested class inherits the extension: only the outermost class closes the proxy
		if (!context.getRequiredTestClass().isAnnotationPresent(Nested.class)) {
			close();
		}
	}

	/** Blocks while the proxy is a black hole. */
	void awaitForwarding() throws InterruptedException {
		if (this.mode != Mode.BLACKHOLE) {
			return;
		}
		synchronized (this.monitor) {
			while (this.mode == Mode.BLACKHOLE && !this.closed) {
				this.monitor.wait();
			}
		}
	}

	void delay() throws InterruptedException {
		Duration delay = this.latency;
		if (!delay.isZero()) {
			Thread.sleep(delay.toMillis(), delay.toNanosPart() % 1_000_000);
		}
	}

	void forget(RelayedConnection connection) {
		this.connections.remove(connection);
	}

	private FaultProxy mode(Mode mode) {
		Mode previous;
		synchronized (this.monitor) {
			previous = this.mode;
			if (this.closed) {
				throw new IllegalStateException("Proxy on port " + this.port + " is closed");
			}
			this.mode = mode;
			if (this.started) {
				if (mode == Mode.REFUSE) {
					closeListener();
				}
				else if (this.listener == null) {
					listen();
				}
			}
			this.monitor.notifyAll();
		}
		if (previous != mode) {
			logger.info("Fault proxy {}: {}", this.port, mode.name().toLowerCase());
		}
		return this;
	}

	private void listen() {
		try {
			ServerSocket socket = new ServerSocket();
			// rebinding after refuse() must not fail on connections still in TIME_WAIT
			socket.setReuseAddress(true);
			socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.port), 50);
			this.listener = socket;
			this.acceptor = new Thread(() -> accept(socket), "fault-proxy-" + this.port + "-accept");
			this.acceptor.setDaemon(true);
			this.acceptor.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Fault proxy cannot listen on 127.0.0.1:" + this.port, ex);
		}
	}

	private void closeListener() {
		ServerSocket socket = this.listener;
		Thread thread = this.acceptor;
		this.listener = null;
		this.acceptor = null;
		if (socket == null) {
			return;
		}
		try {
			socket.close();
		}
		catch (IOException ex) {
			// the acceptor ends either way
		}
		// While a thread is blocked in accept(), the JDK only pre-closes the socket and the kernel keeps
		// it listening until that thread has left accept(): until then connects still succeed and the
		// port cannot be bound again. Waiting for the acceptor makes refuse() take effect at once.
		try {
			thread.join(TimeUnit.SECONDS.toMillis(10));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (thread.isAlive()) {
			logger.warn("Fault proxy {}: acceptor did not stop within 10 seconds", this.port);
		}
	}

	private void accept(ServerSocket socket) {
		while (!socket.isClosed()) {
			try {
				Socket client = socket.accept();
				client.setTcpNoDelay(true);
				RelayedConnection connection = new RelayedConnection(this, client, this.upstream);
				this.connections.add(connection);
				if (this.closed) {
					connection.close();
					return;
				}
				connection.start();
			}
			catch (IOException ex) {
				if (!socket.isClosed()) {
					logger.warn("Fault proxy {}: accept failed", this.port, ex);
				}
			}
		}
	}

	private static InetSocketAddress address(String host, int port) {
		Objects.requireNonNull(host, "host");
		return InetSocketAddress.createUnresolved(host, port);
	}

	private static String describe(InetSocketAddress address) {
		return address.getHostString() + ":" + address.getPort();
	}

	@Override
	public String toString() {
		return "FaultProxy[127.0.0.1:" + this.port + " -> " + describe(this.upstream) + ", " + this.mode + "]";
	}

}
