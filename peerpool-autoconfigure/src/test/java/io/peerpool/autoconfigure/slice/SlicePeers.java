package io.peerpool.autoconfigure.slice;

import org.springframework.test.context.DynamicPropertyRegistry;

import io.peerpool.test.EmbeddedMariaDb;
import io.peerpool.test.JdbcDriver;
import io.peerpool.test.MariaDbServer;

/** The peers a slice test's application configures: the kit's primary and its first replica, with their roles. */
final class SlicePeers {

	private static final String P = "spring.datasource.peerpool";

	private SlicePeers() {
	}

	static void primaryAndReplica(DynamicPropertyRegistry registry, EmbeddedMariaDb db) {
		MariaDbServer primary = db.primary();
		MariaDbServer replica = db.replicas().get(0);
		registry.add(P + ".username", primary::username);
		registry.add(P + ".password", primary::password);
		registry.add(P + ".peers.primary.url", () -> primary.jdbcUrl(JdbcDriver.MARIADB));
		registry.add(P + ".peers.primary.role", () -> "primary");
		registry.add(P + ".peers.replica.url", () -> replica.jdbcUrl(JdbcDriver.MARIADB));
		registry.add(P + ".peers.replica.role", () -> "replica");
	}

}
