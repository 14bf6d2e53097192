package io.peerpool.metrics;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import io.peerpool.PeerPoolDataSource;
import io.peerpool.PeerProbe;

import static org.assertj.core.api.Assertions.assertThat;

/** One {@code peerpool.acquire} observation per physical acquisition, over an in-memory H2 peer. */
class AcquisitionObservationsTests {

	private final MeterRegistry meters = new SimpleMeterRegistry();

	private final ObservationRegistry observations = ObservationRegistry.create();

	{
		this.observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(this.meters));
	}

	@Test
	void eachAcquisitionIsObservedWithPoolPeerIntentAndOutcome() throws Exception {
		try (PeerPoolDataSource pool = PeerPoolDataSource.builder("obs")
			.peer("a", "jdbc:h2:mem:observed", "sa", "")
			.probe(PeerProbe.validity())
			// generous: the first H2 connection of a JVM on a busy 2-core machine can take seconds
			.probeTimeout(Duration.ofSeconds(10))
			.connectTimeout(Duration.ofSeconds(10))
			.build()) {
			pool.setAcquisitionObserver(new AcquisitionObservations(this.observations));
			query(pool);
			query(pool);
			try (Connection unused = pool.getConnection()) {
				// a connection that runs nothing takes no peer: nothing to observe
			}

			assertThat(this.meters.get(AcquisitionObservations.NAME)
				.tags("pool", "obs", "peer", "a", "intent", "write", "outcome", "success")
				.timer()
				.count()).isEqualTo(2);
		}
	}

	@Test
	void aPoolWithoutObserverRecordsNothing() throws Exception {
		try (PeerPoolDataSource pool = PeerPoolDataSource.builder("plain")
			.peer("a", "jdbc:h2:mem:unobserved", "sa", "")
			.probe(PeerProbe.validity())
			// generous: the first H2 connection of a JVM on a busy 2-core machine can take seconds
			.probeTimeout(Duration.ofSeconds(10))
			.connectTimeout(Duration.ofSeconds(10))
			.build()) {
			query(pool);
			assertThat(this.meters.find(AcquisitionObservations.NAME).timers()).isEmpty();
		}
	}

	@Test
	void aNoopRegistryCreatesNoObservation() {
		AcquisitionObservations noop = new AcquisitionObservations(ObservationRegistry.NOOP);
		assertThat(noop.started("pool", true)).isNull();
		noop.finished(null, "a", null);
	}

	private static void query(PeerPoolDataSource pool) throws Exception {
		try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT 1")) {
			assertThat(result.next()).isTrue();
		}
	}

}
