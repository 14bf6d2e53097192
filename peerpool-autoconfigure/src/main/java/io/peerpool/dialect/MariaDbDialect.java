package io.peerpool.dialect;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.peerpool.ProbeResult;
import io.peerpool.PeerServerChangedEvent.ServerIdentity;

/**
 * MariaDB (and Galera nodes, which are MariaDB servers with {@code wsrep_on}).
 * <ul>
 * <li>Role: {@code @@read_only}; replicating: the status variables {@code Slave_running} (both
 * threads running) and {@code Slaves_running} (SQL threads), which any user may read; the replicas
 * that replicate from it: {@code Slaves_connected}.</li>
 * <li>Position: a writable server's {@code @@gtid_binlog_pos}; a replica's {@code @@gtid_slave_pos}
 * and {@code @@gtid_current_pos} (whichever is further per domain), compared per replication
 * domain. Global variables need no privilege.</li>
 * <li>The server's own lag, {@code Seconds_Behind_Master} of {@code SHOW SLAVE STATUS}, needs
 * {@code SLAVE MONITOR} (MariaDB keeps both the SLAVE and the REPLICA forms of the statement).</li>
 * <li>Identity: {@code @@server_id} (MariaDB has no {@code server_uuid}).</li>
 * </ul>
 */
final class MariaDbDialect extends Dialect {

	/** ER_SPECIFIC_ACCESS_DENIED_ERROR: the statement needs a privilege the user lacks. */
	static final int ACCESS_DENIED = 1227;

	/** ER_CONNECTION_KILLED: "Connection was killed" (a {@code KILL} of that connection). */
	static final int CONNECTION_KILLED = 1927;

	static final String LAG_GRANT = "SHOW SLAVE STATUS needs SLAVE MONITOR (GRANT SLAVE MONITOR ON *.* TO <user>)";

	MariaDbDialect(String version) {
		super("MariaDB", version);
	}

	@Override
	public ServerIdentity identity(Connection connection) throws SQLException {
		return identityOf(connection, "SELECT @@version, @@server_id", "server_id");
	}

	@Override
	public ProbeResult probe(Connection connection, boolean recovering, boolean serverLag) throws SQLException {
		boolean readOnly;
		boolean galera;
		String binlog;
		String slave;
		String current;
		boolean replicating;
		int replicas;
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(
						"SELECT @@read_only, @@wsrep_on, @@gtid_binlog_pos, @@gtid_slave_pos, @@gtid_current_pos,"
								+ " (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS"
								+ " WHERE VARIABLE_NAME = 'SLAVE_RUNNING'),"
								+ " (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS"
								+ " WHERE VARIABLE_NAME = 'SLAVES_RUNNING'),"
								+ " (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS"
								+ " WHERE VARIABLE_NAME = 'SLAVES_CONNECTED')")) {
			// one round trip: global variables and status need no privilege
			result.next();
			readOnly = result.getBoolean(1);
			galera = result.getBoolean(2);
			binlog = result.getString(3);
			slave = result.getString(4);
			current = result.getString(5);
			// a replica whose source is gone still has its SQL thread (Slaves_running) while the I/O thread
			// reconnects: it is still set up to replicate, not a server that could take writes
			replicating = "ON".equalsIgnoreCase(result.getString(6)) || isPositive(result.getString(7));
			replicas = count(result.getString(8));
		}
		if (galera) {
			String desynced = GaleraChecks.requireReady(connection, recovering);
			ProbeResult.Replication synchronous = new ProbeResult.Replication(product(), null, false, true, 0, null, null);
			return (desynced != null) ? ProbeResult.desynced(readOnly, synchronous, desynced)
					: ProbeResult.ok(readOnly, Duration.ZERO, synchronous);
		}
		Duration lag = null;
		String unavailable = LAG_GRANT;
		if (serverLag) {
			try {
				lag = serverLag(connection);
				unavailable = null;
			}
			catch (SQLException ex) {
				if (ex.getErrorCode() != ACCESS_DENIED) {
					throw ex;
				}
			}
		}
		String position = (!readOnly && !replicating) ? binlog : furthest(slave, current);
		return ProbeResult.ok(readOnly, lag,
				new ProbeResult.Replication(product(), position, replicating, false, 0, null, unavailable, replicas));
	}

	/** A status counter, -1 when the server does not show it. */
	private static int count(String number) {
		try {
			return (number != null) ? Integer.parseInt(number.strip()) : -1;
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	private static boolean isPositive(String number) {
		try {
			return number != null && Long.parseLong(number.strip()) > 0;
		}
		catch (NumberFormatException ex) {
			return false;
		}
	}

	/** Zero when the server replicates from no one; {@code null} when replication is stopped. */
	private static Duration serverLag(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SHOW SLAVE STATUS")) {
			if (!result.next()) {
				return Duration.ZERO;
			}
			long seconds = result.getLong("Seconds_Behind_Master");
			return result.wasNull() ? null : Duration.ofSeconds(seconds);
		}
	}

	@Override
	public String positionAfterWrite(Connection primary) throws SQLException {
		return queryPosition(primary, "SELECT @@last_gtid");
	}

	@Override
	public boolean hasApplied(Connection replica, String position, Duration timeout) throws SQLException {
		return MySqlDialect.waitFunction(replica, "SELECT MASTER_GTID_WAIT(?, ?)", position, timeout);
	}

	@Override
	public String clusterPositionAfterWrite(Connection node) throws SQLException {
		return GaleraChecks.lastWrittenGtid(node);
	}

	@Override
	public boolean clusterHasApplied(Connection node, String position, Duration timeout) throws SQLException {
		return GaleraChecks.hasCommitted(node, position, timeout);
	}

	@Override
	boolean hasReached(String position, String primaryPosition) {
		Map<Long, Long> reached = sequences(position);
		for (Map.Entry<Long, Long> domain : sequences(primaryPosition).entrySet()) {
			if (reached.getOrDefault(domain.getKey(), -1L) < domain.getValue()) {
				return false;
			}
		}
		return true;
	}

	/** Per domain, the further of two GTID positions. */
	static String furthest(String first, String second) {
		Map<Long, String> gtids = new java.util.TreeMap<>();
		Map<Long, Long> sequences = new HashMap<>();
		for (String position : new String[] { first, second }) {
			if (position == null) {
				continue;
			}
			for (String gtid : position.split(",")) {
				String[] parts = gtid.trim().split("-");
				if (parts.length != 3) {
					continue;
				}
				long domain = Long.parseLong(parts[0]);
				long sequence = Long.parseLong(parts[2]);
				if (sequence > sequences.getOrDefault(domain, -1L)) {
					sequences.put(domain, sequence);
					gtids.put(domain, gtid.trim());
				}
			}
		}
		return String.join(",", gtids.values());
	}

	/** Domain to sequence number of a GTID position such as {@code 0-1-42,1-2-7}. */
	static Map<Long, Long> sequences(String position) {
		Map<Long, Long> sequences = new HashMap<>();
		if (position == null) {
			return sequences;
		}
		for (String gtid : position.split(",")) {
			String[] parts = gtid.trim().split("-");
			if (parts.length == 3) {
				sequences.merge(Long.parseLong(parts[0]), Long.parseLong(parts[2]), Math::max);
			}
		}
		return sequences;
	}

	static boolean isConnectionKilled(SQLException sql) {
		return sql.getErrorCode() == CONNECTION_KILLED;
	}

}
