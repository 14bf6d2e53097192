package io.peerpool.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;

import io.peerpool.codegen.GenerateDelegation;

/**
 * A driver's prepared statement as the application gets it once a connection's first statement
 * ran (its SQL was looked at when it was prepared): every call delegates, through
 * {@link DelegatingDriverPreparedStatement} (generated at build time), but for
 * {@link #getConnection()}, which is the application's {@link PeerConnection}. The driver's answer
 * would be the pool's connection behind it: closing that gives the physical connection back to its
 * pool while peerpool still uses it.
 */
@GenerateDelegation(value = PreparedStatement.class, name = "DelegatingDriverPreparedStatement")
class PeerPreparedStatement extends DelegatingDriverPreparedStatement {

	private final Connection connection;

	private final PreparedStatement delegate;

	PeerPreparedStatement(Connection connection, PreparedStatement delegate) {
		this.connection = connection;
		this.delegate = delegate;
	}

	@Override
	final PreparedStatement delegate() {
		return this.delegate;
	}

	@Override
	public final Connection getConnection() {
		return this.connection;
	}

	@Override
	public String toString() {
		return "Peer[" + this.delegate + "]";
	}

}
