package io.peerpool.jdbc;

import java.sql.Connection;
import java.sql.DatabaseMetaData;

import io.peerpool.codegen.GenerateDelegation;

/**
 * The driver's metadata as {@link PeerConnection#getMetaData()} hands it out: every call delegates,
 * through {@link DelegatingDatabaseMetaData} (generated at build time), but for
 * {@link #getConnection()}, which is the application's {@link PeerConnection}. The driver's answer
 * would be the pool's connection behind it: an application or framework that closes or configures
 * "the metadata's connection" would give the physical connection back to its pool while peerpool
 * still uses it. Not on the path of a borrow: one object per {@code getMetaData()}.
 */
@GenerateDelegation(value = DatabaseMetaData.class, delegateThrows = RuntimeException.class)
final class PeerDatabaseMetaData extends DelegatingDatabaseMetaData {

	private final Connection connection;

	private final DatabaseMetaData delegate;

	PeerDatabaseMetaData(Connection connection, DatabaseMetaData delegate) {
		this.connection = connection;
		this.delegate = delegate;
	}

	@Override
	DatabaseMetaData delegate() {
		return this.delegate;
	}

	@Override
	public Connection getConnection() {
		return this.connection;
	}

	@Override
	public String toString() {
		return "Peer[" + this.delegate + "]";
	}

}
