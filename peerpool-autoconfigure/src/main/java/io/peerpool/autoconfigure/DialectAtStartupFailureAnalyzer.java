package io.peerpool.autoconfigure;

import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.env.Environment;

import io.peerpool.NoAvailablePeerException;
import io.peerpool.PeerPoolSettings.PeerConfig;
import io.peerpool.dialect.Dialect;

/**
 * An application that started while no peer could serve, and whose data access asks the database
 * for its dialect at startup:
 * <ul>
 * <li>Hibernate gets no connection within {@code acquire-timeout} (no peer was up, or none took
 * writes and the dialect reads the version in a read-write transaction, as PostgreSQL's does),
 * and without a configured dialect stops the application ("Unable to determine Dialect without
 * JDBC metadata");</li>
 * <li>Spring Data JDBC's {@code jdbcDialect} bean gets no connection (Boot's
 * {@code spring.data.jdbc.dialect} {@code maria} and {@code mysql} still read the server's
 * metadata).</li>
 * </ul>
 * peerpool itself starts with its peers down; this names what lets such an application start
 * too, with the dialect of the pool's peer URLs.
 */
class DialectAtStartupFailureAnalyzer implements FailureAnalyzer {

	/** Hibernate's message (6.x and 7.x) when it found neither metadata nor a configured dialect. */
	static final String HIBERNATE_NO_DIALECT = "Unable to determine Dialect without JDBC metadata";

	/** Spring Data JDBC's dialect bean (Boot's {@code DataJdbcRepositoriesAutoConfiguration}). */
	static final String DATA_JDBC_DIALECT_BEAN = "jdbcDialect";

	private final Environment environment;

	DialectAtStartupFailureAnalyzer(Environment environment) {
		this.environment = environment;
	}

	@Override
	public @Nullable FailureAnalysis analyze(Throwable failure) {
		Throwable noDialect = find(failure);
		Throwable noDataJdbcDialect = (noDialect == null) ? findDataJdbc(failure) : null;
		if (noDialect == null && noDataJdbcDialect == null) {
			return null;
		}
		ResolvedPool pool = dataAccessPool();
		if (pool == null) {
			return null;
		}
		if (noDataJdbcDialect != null) {
			String description = "Spring Data JDBC could not choose its dialect. Boot asks the database at startup, and "
					+ "no peer of peerpool pool '" + pool.name() + "' could give it a connection within acquire-timeout "
					+ "(see the NoAvailablePeerException below). peerpool starts with its peers down; Spring Data JDBC "
					+ "does only with a dialect that needs no connection.";
			return new FailureAnalysis(description, dataJdbcAction(pool.peers()), noDataJdbcDialect);
		}
		String description = "Hibernate could not choose its SQL dialect. It asks the database at startup, and no peer of "
				+ "peerpool pool '" + pool.name() + "' could give it a connection within acquire-timeout (every peer was "
				+ "down or refused the connection, or no peer took writes: some dialects, PostgreSQL's among them, read "
				+ "the server's version in a read-write transaction; see the NoAvailablePeerException logged just "
				+ "before). peerpool starts with its peers down; Hibernate does only with a configured dialect.";
		return new FailureAnalysis(description, action(pool.peers()), noDialect);
	}

	static String action(List<PeerConfig> peers) {
		String dialect = firstOf(peers, Dialect::hibernateDialect);
		String setting = "spring.jpa.database-platform=" + ((dialect != null) ? dialect : "<the Hibernate dialect class>");
		return "So that the application starts while its peers are down, set " + setting
				+ ("org.hibernate.dialect.MySQLDialect".equals(dialect)
						? " (org.hibernate.dialect.MariaDBDialect if the servers are MariaDB)" : "")
				+ ". Hibernate then starts once acquire-timeout has passed, and still reads the server's version "
				+ "whenever a peer answers at startup. Or start a peer before the application.";
	}

	static String dataJdbcAction(List<PeerConfig> peers) {
		String dialect = firstOf(peers, Dialect::dataJdbcDialect);
		String later = " Or start a peer before the application.";
		if ("maria".equals(dialect) || "mysql".equals(dialect)) {
			String type = "maria".equals(dialect) ? "JdbcMariaDbDialect" : "JdbcMySqlDialect";
			return "So that the application starts while its peers are down, declare the dialect as a bean: Boot's "
					+ "spring.data.jdbc.dialect=" + dialect + " still asks the server (for its identifier quoting and "
					+ "case). For example @Bean JdbcDialect jdbcDialect() { return new " + type
					+ "(IdentifierProcessing.create(new Quoting(\"`\"), LetterCasing.AS_IS)); } for a server that keeps "
					+ "the case of names (lower_case_table_names=0), LetterCasing.LOWER_CASE for one that folds them."
					+ later;
		}
		return "So that the application starts while its peers are down, set spring.data.jdbc.dialect="
				+ ((dialect != null) ? dialect : "<the dialect of your database>") + "." + later;
	}

	/** The dialect {@code of} a peer's URL and driver class gives, for the first peer it knows, or {@code null}. */
	private static @Nullable String firstOf(List<PeerConfig> peers,
			BiFunction<String, @Nullable String, @Nullable String> of) {
		return peers.stream()
			.map((peer) -> of.apply(peer.url(), peer.driverClassName()))
			.filter(Objects::nonNull)
			.findFirst()
			.orElse(null);
	}

	/** The failure of Spring Data JDBC's dialect bean for want of a peer, or {@code null}. */
	private static @Nullable Throwable findDataJdbc(Throwable failure) {
		BeanCreationException dialectBean = null;
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof BeanCreationException creation && DATA_JDBC_DIALECT_BEAN.equals(creation.getBeanName())) {
				dialectBean = creation;
			}
			if (dialectBean != null && cause instanceof NoAvailablePeerException) {
				return dialectBean;
			}
		}
		return null;
	}

	private static @Nullable Throwable find(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			String message = cause.getMessage();
			if (message != null && message.contains(HIBERNATE_NO_DIALECT)) {
				return cause;
			}
		}
		return null;
	}

	/** The pool Boot's data access uses (the primary one), or {@code null} when peerpool is not what failed to serve. */
	private @Nullable ResolvedPool dataAccessPool() {
		if (!this.environment.getProperty(PeerPoolConfigurations.PREFIX + ".enabled", Boolean.class, true)) {
			return null;
		}
		List<ResolvedPool> pools;
		try {
			pools = PeerPoolConfigurations.resolve(this.environment);
		}
		catch (RuntimeException ex) {
			// no peers, or misconfigured: not a failure this analysis explains
			return null;
		}
		return pools.stream().filter(ResolvedPool::primary).findFirst().orElse((pools.size() == 1) ? pools.get(0) : null);
	}

}
