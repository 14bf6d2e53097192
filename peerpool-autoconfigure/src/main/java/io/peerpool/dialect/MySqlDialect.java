package io.peerpool.dialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import io.peerpool.ProbeResult;
import io.peerpool.PeerServerChangedEvent.ServerIdentity;

/**
 * MySQL, by version: 8.0.22 introduced {@code SHOW REPLICA STATUS} with
 * {@code Seconds_Behind_Source} and {@code Replica_*_Running}, and 8.4 removed
 * {@code SHOW SLAVE STATUS}, {@code SHOW MASTER STATUS} and {@code Seconds_Behind_Master}: from
 * 8.0.22 on only the new forms are sent.
 * <ul>
 * <li>Position: {@code @@global.gtid_executed}, a GTID set (no privilege needed); a replica has
 * reached a primary's position when its set contains the primary's.</li>
 * <li>The server's own lag and whether the server replicates need {@code REPLICATION CLIENT}.</li>
 * <li>Identity: {@code @@server_uuid}.</li>
 * </ul>
 */
final class MySqlDialect extends Dialect {

	private static final int REPLICA_STATEMENTS_SINCE = 8_000_022;

	/** MySQL / MariaDB error codes that mean the connection or the server is gone. */
	private static final Set<Integer> CONNECTION_CODES = Set.of(
			1053, // ER_SERVER_SHUTDOWN
			1077, // ER_NORMAL_SHUTDOWN
			1152, // ER_ABORTING_CONNECTION
			MariaDbDialect.CONNECTION_KILLED, // ER_CONNECTION_KILLED (MariaDB)
			2002, // CR_CONNECTION_ERROR
			2003, // CR_CONN_HOST_ERROR
			2006, // CR_SERVER_GONE_ERROR
			2013, // CR_SERVER_LOST
			2055); // CR_SERVER_LOST_EXTENDED

	/** MySQL / MariaDB: ER_SERVER_SHUTDOWN, ER_NORMAL_SHUTDOWN. */
	private static final Set<Integer> SHUTDOWN_CODES = Set.of(1053, 1077);

	/** MySQL / MariaDB authentication failures (with a SQLState of class 28). */
	private static final Set<Integer> AUTH_CODES = Set.of(1044, 1045, 1698);

	/**
	 * ER_OPTION_PREVENTS_STATEMENT ("running with the --read-only option") and ER_READ_ONLY_MODE
	 * ("running in read-only mode").
	 */
	private static final Set<Integer> READ_ONLY_CODES = Set.of(1290, 1836);

	/**
	 * ER_CON_COUNT_ERROR ("Too many connections": {@code max_connections}) and
	 * ER_TOO_MANY_USER_CONNECTIONS (the global {@code max_user_connections}).
	 */
	private static final Set<Integer> CONNECTION_LIMIT_CODES = Set.of(1040, 1203);

	/** ER_USER_LIMIT_REACHED: an account's own limit, of connections among others. */
	private static final int USER_LIMIT_REACHED = 1226;

	/**
	 * ER_LOCK_DEADLOCK: InnoDB rolled the whole transaction back as a deadlock's victim, or Galera did
	 * (a certification failure at the commit, or a local transaction aborted for a replicated one).
	 */
	private static final int DEADLOCK = 1213;

	static final String LAG_GRANT_NEW = "SHOW REPLICA STATUS needs REPLICATION CLIENT (GRANT REPLICATION CLIENT ON *.* TO <user>)";

	static final String LAG_GRANT_OLD = "SHOW SLAVE STATUS needs REPLICATION CLIENT (GRANT REPLICATION CLIENT ON *.* TO <user>)";

	private final boolean replicaStatements;

	MySqlDialect(String version) {
		super("MySQL", version);
		this.replicaStatements = versionNumber(version) >= REPLICA_STATEMENTS_SINCE;
	}

	/** The statement that shows this version's replication status. */
	String replicaStatusStatement() {
		return this.replicaStatements ? "SHOW REPLICA STATUS" : "SHOW SLAVE STATUS";
	}

	private String secondsBehindColumn() {
		return this.replicaStatements ? "Seconds_Behind_Source" : "Seconds_Behind_Master";
	}

	private String threadColumn(String thread) {
		return (this.replicaStatements ? "Replica_" : "Slave_") + thread + "_Running";
	}

	@Override
	public ServerIdentity identity(Connection connection) throws SQLException {
		return identityOf(connection, "SELECT @@version, @@server_uuid", "server_uuid");
	}

	@Override
	public ProbeResult probe(Connection connection, boolean recovering, boolean serverLag) throws SQLException {
		boolean readOnly;
		String executed;
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT @@global.read_only, @@global.gtid_executed")) {
			result.next();
			readOnly = result.getBoolean(1);
			executed = result.getString(2);
		}
		Duration lag = null;
		Boolean replicating = null;
		String unavailable = this.replicaStatements ? LAG_GRANT_NEW : LAG_GRANT_OLD;
		if (serverLag) {
			try (Statement statement = connection.createStatement();
					ResultSet result = statement.executeQuery(replicaStatusStatement())) {
				unavailable = null;
				if (!result.next()) {
					lag = Duration.ZERO;
					replicating = false;
				}
				else {
					replicating = "Yes".equalsIgnoreCase(result.getString(threadColumn("IO")))
							&& "Yes".equalsIgnoreCase(result.getString(threadColumn("SQL")));
					long seconds = result.getLong(secondsBehindColumn());
					lag = result.wasNull() ? null : Duration.ofSeconds(seconds);
				}
			}
			catch (SQLException ex) {
				if (ex.getErrorCode() != MariaDbDialect.ACCESS_DENIED) {
					throw ex;
				}
			}
		}
		String position = (executed != null) ? executed.replace("\n", "").replace(" ", "") : null;
		return ProbeResult.ok(readOnly, lag,
				new ProbeResult.Replication(product(), position, replicating, false, 0, null, unavailable));
	}

	@Override
	public String positionAfterWrite(Connection primary) throws SQLException {
		return queryPosition(primary, "SELECT @@global.gtid_executed");
	}

	@Override
	public boolean hasApplied(Connection replica, String position, Duration timeout) throws SQLException {
		return waitFunction(replica, "SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?)", position, timeout);
	}

	/** Runs a wait function that answers 0 once {@code position} is applied. */
	static boolean waitFunction(Connection replica, String sql, String position, Duration timeout)
			throws SQLException {
		try (PreparedStatement wait = replica.prepareStatement(sql)) {
			wait.setString(1, position);
			wait.setDouble(2, timeout.toMillis() / 1000.0);
			try (ResultSet result = wait.executeQuery()) {
				return result.next() && result.getInt(1) == 0 && !result.wasNull();
			}
		}
	}

	@Override
	boolean hasReached(String position, String primaryPosition) {
		Map<String, List<long[]>> reached = gtidSet(position);
		for (Map.Entry<String, List<long[]>> source : gtidSet(primaryPosition).entrySet()) {
			List<long[]> have = reached.getOrDefault(source.getKey(), List.of());
			for (long[] interval : source.getValue()) {
				if (!covered(have, interval)) {
					return false;
				}
			}
		}
		return true;
	}

	private static boolean covered(List<long[]> have, long[] interval) {
		long next = interval[0];
		// intervals of one source are sorted and merged by the server; sort anyway, they are few
		List<long[]> sorted = new ArrayList<>(have);
		sorted.sort((a, b) -> Long.compare(a[0], b[0]));
		for (long[] range : sorted) {
			if (range[0] <= next && range[1] >= next) {
				next = range[1] + 1;
			}
			if (next > interval[1]) {
				return true;
			}
		}
		return next > interval[1];
	}

	/**
	 * A GTID set ({@code uuid:1-5:7,uuid2:1-3}, MySQL 8.4's tagged form {@code uuid:tag:1-5}) as
	 * source (uuid, with its tag) to intervals.
	 */
	static Map<String, List<long[]>> gtidSet(String set) {
		Map<String, List<long[]>> sources = new HashMap<>();
		if (set == null) {
			return sources;
		}
		for (String member : set.replace("\n", "").split(",")) {
			String[] parts = member.trim().split(":");
			if (parts.length < 2) {
				continue;
			}
			String source = parts[0].toLowerCase(Locale.ROOT);
			for (int i = 1; i < parts.length; i++) {
				String part = parts[i].trim();
				if (part.isEmpty()) {
					continue;
				}
				if (!Character.isDigit(part.charAt(0))) {
					// a tag: the intervals that follow belong to uuid:tag
					source = parts[0].toLowerCase(Locale.ROOT) + ":" + part.toLowerCase(Locale.ROOT);
					continue;
				}
				int dash = part.indexOf('-');
				long start = Long.parseLong((dash < 0) ? part : part.substring(0, dash));
				long end = (dash < 0) ? start : Long.parseLong(part.substring(dash + 1));
				sources.computeIfAbsent(source, (key) -> new ArrayList<>()).add(new long[] { start, end });
			}
		}
		return sources;
	}

	static boolean isAccessDenied(SQLException sql) {
		String state = sql.getSQLState();
		return AUTH_CODES.contains(sql.getErrorCode()) && state != null && state.startsWith("28");
	}

	static @Nullable VendorFailure failureOfCode(SQLException sql) {
		int code = sql.getErrorCode();
		if (SHUTDOWN_CODES.contains(code)) {
			return VendorFailure.SHUTDOWN;
		}
		String state = sql.getSQLState();
		// class 42 is a syntax or access error that happens to share a number with another product's code
		if (CONNECTION_CODES.contains(code) && (state == null || !state.startsWith("42"))) {
			return VendorFailure.CONNECTION_LOST;
		}
		return null;
	}

	/**
	 * A new connection refused because the server, or the account, has as many as it allows: the
	 * server answered. An account's limit of queries or updates per hour (also 1226) is not one.
	 */
	static boolean isConnectionLimitCode(SQLException sql) {
		int code = sql.getErrorCode();
		return CONNECTION_LIMIT_CODES.contains(code) || (code == USER_LIMIT_REACHED && sql.getMessage() != null
				&& sql.getMessage().toLowerCase(Locale.ROOT).contains("connections"));
	}

	static boolean isDeadlock(SQLException sql) {
		return sql.getErrorCode() == DEADLOCK;
	}

	static boolean isReadOnlyRefusal(SQLException sql) {
		return READ_ONLY_CODES.contains(sql.getErrorCode()) && sql.getMessage() != null
				&& sql.getMessage().toLowerCase(Locale.ROOT).contains("read");
	}

}
