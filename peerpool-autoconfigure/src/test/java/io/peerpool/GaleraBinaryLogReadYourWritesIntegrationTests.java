package io.peerpool;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.peerpool.test.EmbeddedGalera;

/**
 * Read-your-writes by position on Galera nodes that write a binary log with
 * {@code wsrep_gtid_mode}: a node applies the writer's transactions without advancing
 * {@code gtid_slave_pos}, so {@code MASTER_GTID_WAIT} there waits for nothing that comes.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class GaleraBinaryLogReadYourWritesIntegrationTests extends AbstractGaleraReadYourWritesIntegrationTests {

	@RegisterExtension
	static final EmbeddedGalera galera = EmbeddedGalera.nodes(3).withBinaryLog();

	@Override
	EmbeddedGalera galera() {
		return galera;
	}

}
