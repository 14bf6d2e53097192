package io.peerpool;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Wraps the first statement of a {@link PeerConnection} so that it can be run again on another
 * peer: it records how the statement was created and every setting and parameter given to it, and
 * when its first execution fails because the peer died, it re-creates the statement on the
 * connection's next peer, replays the recording and executes again.
 *
 * <p>Recording stops after the first successful execution; from then on the wrapper only
 * delegates. Statements created after that are not wrapped at all.
 */
final class StatementReplay implements InvocationHandler {

	/** How a statement is created on a connection. */
	@FunctionalInterface
	interface Creator<S extends Statement> {

		S create(Connection connection) throws SQLException;

	}

	private final PeerConnection connection;

	private final Creator<? extends Statement> creator;

	/** The driver's statement, or {@code null} until the connection has taken its peer. */
	private Statement delegate;

	private boolean closed;

	/** Whether the statement has not run yet: until then its settings and parameters are recorded. */
	private boolean recording = true;

	/** Calls to replay; created on the first call worth recording (a plain query records none). */
	private List<Recorded> recorded;

	private StatementReplay(PeerConnection connection, Statement delegate, Creator<? extends Statement> creator) {
		this.connection = connection;
		this.delegate = delegate;
		this.creator = creator;
	}

	static <S extends Statement> S wrap(PeerConnection connection, S statement, Class<S> type, Creator<S> creator) {
		StatementReplay handler = new StatementReplay(connection, statement, creator);
		return type.cast(Proxy.newProxyInstance(StatementReplay.class.getClassLoader(), new Class<?>[] { type }, handler));
	}

	@Override
	public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
		String name = method.getName();
		if (method.getDeclaringClass() == Object.class) {
			return switch (name) {
				case "equals" -> proxy == args[0];
				case "hashCode" -> System.identityHashCode(proxy);
				default -> "Replayable[" + this.delegate + "]";
			};
		}
		if ("getConnection".equals(name)) {
			return this.connection;
		}
		if (name.startsWith("execute") && this.recording) {
			return executeFirst(method, args);
		}
		if (this.delegate == null) {
			// created before the connection took its peer: record what can wait, take the peer for the rest
			if ("close".equals(name)) {
				this.closed = true;
				return null;
			}
			if ("isClosed".equals(name)) {
				return this.closed;
			}
			if (isReplayable(name) && method.getReturnType() == void.class) {
				record(method, args);
				return null;
			}
			materialize();
		}
		Object result = call(this.delegate, method, args);
		if (this.recording && isReplayable(name)) {
			record(method, args);
		}
		return result;
	}

	/** Creates the statement on the connection's current physical connection and replays the recording. */
	private void materialize() throws Throwable {
		if (this.closed) {
			throw new SQLException("Statement is closed", "HY010");
		}
		this.delegate = this.creator.create(this.connection.physicalConnection());
		replay();
	}

	private Object executeFirst(Method method, Object[] args) throws Throwable {
		if (args != null && args.length > 0 && args[0] instanceof String sql) {
			// a plain statement's SQL is known only now: it may need a primary, or be refused
			this.connection.beforeStatement(sql);
		}
		if (this.delegate != null && !this.connection.isAttached()) {
			// the connection moved to a primary for this write: the statement moves with it
			closeQuietly(this.delegate);
			this.delegate = null;
		}
		if (this.delegate == null) {
			materialize();
		}
		while (true) {
			try {
				Object result = method.invoke(this.delegate, args);
				stopRecording();
				this.connection.statementSucceeded();
				return result;
			}
			catch (InvocationTargetException ex) {
				Throwable failure = ex.getTargetException();
				if (!(failure instanceof SQLException sqlFailure)) {
					throw failure;
				}
				Connection next;
				try {
					next = this.connection.failover(sqlFailure, "executeQuery".equals(method.getName()));
				}
				catch (SQLException noOtherPeer) {
					// every peer is down: that, with each peer's state, is what the caller needs to know
					noOtherPeer.addSuppressed(sqlFailure);
					stopRecording();
					throw noOtherPeer;
				}
				if (next == null) {
					stopRecording();
					throw sqlFailure;
				}
				closeQuietly(this.delegate);
				this.delegate = this.creator.create(next);
				replay();
			}
		}
	}

	private void record(Method method, Object[] args) {
		if (this.recorded == null) {
			this.recorded = new ArrayList<>(4);
		}
		this.recorded.add(new Recorded(method, args));
	}

	private void replay() throws Throwable {
		if (this.recorded != null) {
			for (Recorded call : this.recorded) {
				call(this.delegate, call.method(), call.args());
			}
		}
	}

	private void stopRecording() {
		this.recording = false;
		this.recorded = null;
	}

	/** Settings and parameters: what must be given again to a re-created statement. */
	private static boolean isReplayable(String name) {
		return name.startsWith("set") || name.startsWith("clear") || "addBatch".equals(name)
				|| "registerOutParameter".equals(name) || "closeOnCompletion".equals(name);
	}

	private static Object call(Object target, Method method, Object[] args) throws Throwable {
		try {
			return method.invoke(target, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getTargetException();
		}
	}

	private static void closeQuietly(Statement statement) {
		try {
			statement.close();
		}
		catch (SQLException | RuntimeException ex) {
			// the statement's connection is already broken
		}
	}

	private record Recorded(Method method, Object[] args) {
	}

}
