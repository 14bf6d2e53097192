package io.peerpool.jdbc;

import java.sql.CallableStatement;
import java.sql.Connection;

import io.peerpool.codegen.GenerateDelegation;

/**
 * A driver's callable statement as the application gets it: every call delegates, through
 * {@link DelegatingCallableStatement} (generated at build time), but for {@code getConnection()},
 * which is the application's {@link PeerConnection} (see {@link PeerPreparedStatement}). A call is
 * never replayed: what a procedure did and its OUT parameters cannot be compared.
 */
@GenerateDelegation(value = CallableStatement.class, delegate = "call", superclass = PeerPreparedStatement.class)
final class PeerCallableStatement extends DelegatingCallableStatement {

	PeerCallableStatement(Connection connection, CallableStatement delegate) {
		super(connection, delegate);
	}

	@Override
	CallableStatement call() {
		return (CallableStatement) delegate();
	}

}
