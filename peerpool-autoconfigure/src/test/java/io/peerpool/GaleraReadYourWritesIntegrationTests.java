package io.peerpool;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.peerpool.test.EmbeddedGalera;

/** Read-your-writes by position on the kit's Galera nodes, which write no binary log. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class GaleraReadYourWritesIntegrationTests extends AbstractGaleraReadYourWritesIntegrationTests {

	@RegisterExtension
	static final EmbeddedGalera galera = EmbeddedGalera.nodes(3);

	@Override
	EmbeddedGalera galera() {
		return galera;
	}

}
