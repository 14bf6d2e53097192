package io.peerpool.sample;

import javax.sql.DataSource;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Audit events in the second pool, {@code audit}: a peerpool {@code DataSource} injected by its
 * pool name with {@code @Qualifier}, next to the {@code @Primary} pool {@code main}.
 */
@Component
public class AuditLog {

	private final JdbcClient jdbc;

	AuditLog(@Qualifier("audit") DataSource audit) {
		this.jdbc = JdbcClient.create(audit);
	}

	/** Records an event (auto-commit, on whichever audit peer is up). */
	public void record(String event) {
		this.jdbc.sql("INSERT INTO audit_event (event) VALUES (:event)").param("event", event).update();
	}

	/** How many events the audit peer that answers has recorded. */
	public long count() {
		return this.jdbc.sql("SELECT COUNT(*) FROM audit_event").query(Long.class).single();
	}

}
