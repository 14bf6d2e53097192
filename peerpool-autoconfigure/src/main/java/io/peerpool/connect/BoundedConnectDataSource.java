package io.peerpool.connect;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.Socket;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

import javax.sql.DataSource;

import com.zaxxer.hikari.util.DriverDataSource;
import io.peerpool.dialect.DriverTimeouts;

/**
 * Opens physical connections to one peer with the handshake bounded by {@code connect-timeout}
 * (see {@link DriverTimeouts}), then lifts the temporary socket timeout so the application's
 * queries are not cut short. Both HikariCP (for the peer's pool) and the probes use it, so a probe
 * sees exactly what the next pooled connection would see.
 */
public final class BoundedConnectDataSource implements DataSource {

	private final DataSource driver;

	private final boolean liftSocketTimeout;

	private volatile ConnectionObserver observer;

	private volatile FailureObserver failureObserver;

	/** Open sockets of this peer, where the driver lets peerpool create them (see {@link PeerSocketFactory}). */
	private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

	private final boolean tracksSockets;

	/** Told of every new physical connection, before anyone uses it. */
	@FunctionalInterface
	public interface ConnectionObserver {

		void opened(Connection connection) throws SQLException;

	}

	/** Told of a failed attempt to open a connection. */
	@FunctionalInterface
	public interface FailureObserver {

		void failed(SQLException failure);

	}

	public BoundedConnectDataSource(String url, String driverClassName, Properties dataSourceProperties,
			String username, String password, Duration connectTimeout) {
		Properties properties = new Properties();
		properties.putAll(dataSourceProperties);
		this.liftSocketTimeout = DriverTimeouts.apply(url, driverClassName, properties, connectTimeout);
		this.tracksSockets = DriverTimeouts.isMariaDbDriver(url, driverClassName)
				&& !DriverTimeouts.isSet(url, properties, "socketFactory");
		if (this.tracksSockets) {
			properties.setProperty("socketFactory", PeerSocketFactory.class.getName());
		}
		// HikariCP's DriverDataSource: the same driver lookup and URL handling as a plain Hikari pool
		this.driver = new DriverDataSource(url, driverClassName, properties, username, password);
	}

	/** Sets the observer of new physical connections (the peer's server identity check). */
	public void observeConnections(ConnectionObserver observer) {
		this.observer = observer;
	}

	/**
	 * Tells {@code observer} of every connection attempt that fails, whoever made it: a request,
	 * a probe or HikariCP filling the peer's pool in the background. A refused connection then
	 * marks the peer DOWN at once, not only when a request gives up waiting for the pool.
	 */
	public void observeFailures(FailureObserver observer) {
		this.failureObserver = observer;
	}

	/**
	 * Closes every socket of this peer that peerpool tracks: threads blocked on a frozen server get
	 * an error at once. For drivers whose {@code abort} does this itself, nothing is tracked.
	 */
	public void closeSockets() {
		for (Socket socket : this.sockets.toArray(new Socket[0])) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// closing is all that matters
			}
		}
	}

	@Override
	public Connection getConnection() throws SQLException {
		Connection connection;
		try {
			connection = open();
		}
		catch (SQLException ex) {
			FailureObserver failures = this.failureObserver;
			if (failures != null) {
				try {
					failures.failed(ex);
				}
				catch (RuntimeException observerFailure) {
					ex.addSuppressed(observerFailure);
				}
			}
			throw ex;
		}
		try {
			ConnectionObserver current = this.observer;
			if (current != null) {
				// still under the handshake's socket timeout: a server that stops answering here is bounded too
				current.opened(connection);
			}
			if (this.liftSocketTimeout) {
				connection.setNetworkTimeout(Runnable::run, 0);
			}
		}
		catch (SQLException | RuntimeException ex) {
			closeQuietly(connection);
			throw (ex instanceof SQLException sql) ? sql : new SQLException(ex);
		}
		return connection;
	}

	private Connection open() throws SQLException {
		if (!this.tracksSockets) {
			return this.driver.getConnection();
		}
		PeerSocketFactory.connecting(this.sockets);
		try {
			return this.driver.getConnection();
		}
		finally {
			PeerSocketFactory.connected();
		}
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		throw new SQLFeatureNotSupportedException("A peer connects with its configured user");
	}

	private static void closeQuietly(Connection connection) {
		try {
			connection.close();
		}
		catch (SQLException ex) {
			// already failing
		}
	}

	@Override
	public PrintWriter getLogWriter() throws SQLException {
		return this.driver.getLogWriter();
	}

	@Override
	public void setLogWriter(PrintWriter out) throws SQLException {
		this.driver.setLogWriter(out);
	}

	@Override
	public void setLoginTimeout(int seconds) throws SQLException {
		this.driver.setLoginTimeout(seconds);
	}

	@Override
	public int getLoginTimeout() throws SQLException {
		return this.driver.getLoginTimeout();
	}

	@Override
	public Logger getParentLogger() throws SQLFeatureNotSupportedException {
		return this.driver.getParentLogger();
	}

	@Override
	public <T> T unwrap(Class<T> iface) throws SQLException {
		if (iface.isInstance(this)) {
			return iface.cast(this);
		}
		return this.driver.unwrap(iface);
	}

	@Override
	public boolean isWrapperFor(Class<?> iface) throws SQLException {
		return iface.isInstance(this) || this.driver.isWrapperFor(iface);
	}

}
