package io.peerpool.sample;

import javax.sql.DataSource;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Audit events in the second pool, {@code audit}: a peerpool {@code DataSource} injected by its
 * pool name with {@code @Qualifier}, next to the {@code @Primary} pool {@code main}.
 */
@Component
public class AuditLog {

	private final JdbcClient jdbc;

	private final TransactionTemplate transaction;

	AuditLog(@Qualifier("audit") DataSource audit) {
		this.jdbc = JdbcClient.create(audit);
		// Boot's transaction manager serves the @Primary pool only: the audit pool gets its own
		this.transaction = new TransactionTemplate(new DataSourceTransactionManager(audit));
	}

	/**
	 * Records an event on whichever audit peer is up. In a transaction on purpose: when the
	 * pooled connection's peer has just died, peerpool can run a transaction's first statement
	 * on another peer (the server rolled it back), but never an auto-commit write, whose outcome
	 * is unknown.
	 */
	public void record(String event) {
		this.transaction.executeWithoutResult((status) -> this.jdbc.sql("INSERT INTO audit_event (event) VALUES (:event)")
			.param("event", event)
			.update());
	}

	/** How many events the audit peer that answers has recorded. */
	public long count() {
		return this.jdbc.sql("SELECT COUNT(*) FROM audit_event").query(Long.class).single();
	}

}
