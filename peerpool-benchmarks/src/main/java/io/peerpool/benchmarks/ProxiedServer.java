package io.peerpool.benchmarks;

import java.sql.Connection;
import java.sql.SQLException;

import io.peerpool.test.DatabaseServer;
import io.peerpool.test.FaultProxy;
import io.peerpool.test.JdbcDriver;

/**
 * A server as a system under test sees it: reached through the {@link FaultProxy} in front of it
 * (its port and JDBC URLs are the proxy's). Name, credentials and the process (kill, freeze,
 * restart) are the server's; {@link #connect()} and {@link #connectAsAdmin()} go to the server
 * directly, as the benchmark's own checks should.
 */
record ProxiedServer(DatabaseServer server, FaultProxy proxy) implements DatabaseServer {

	@Override
	public String name() {
		return this.server.name();
	}

	@Override
	public int port() {
		return this.proxy.port();
	}

	@Override
	public String database() {
		return this.server.database();
	}

	@Override
	public String username() {
		return this.server.username();
	}

	@Override
	public String password() {
		return this.server.password();
	}

	@Override
	public String jdbcUrl(JdbcDriver driver) {
		return this.proxy.jdbcUrl(this.server, driver);
	}

	@Override
	public Connection connect() throws SQLException {
		return this.server.connect();
	}

	@Override
	public Connection connectAsAdmin() throws SQLException {
		return this.server.connectAsAdmin();
	}

	@Override
	public long pid() {
		return this.server.pid();
	}

	@Override
	public boolean isRunning() {
		return this.server.isRunning();
	}

	@Override
	public boolean isFrozen() {
		return this.server.isFrozen();
	}

	@Override
	public void kill() {
		this.server.kill();
	}

	@Override
	public void freeze() {
		this.server.freeze();
	}

	@Override
	public void thaw() {
		this.server.thaw();
	}

	@Override
	public void restart() {
		this.server.restart();
	}

	@Override
	public void close() {
		this.server.close();
	}

}
