package io.peerpool.metrics;

import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import io.peerpool.PeerPoolDataSource.AcquisitionObserver;

/**
 * A Micrometer {@link Observation} {@code peerpool.acquire} per physical acquisition, with low
 * cardinality keys {@code pool}, {@code peer}, {@code intent} ({@code read} / {@code write}) and
 * {@code outcome} ({@code success} / {@code failure}): traces show which peer served a request,
 * and with a meter registry the {@code peerpool.acquire} timer shows how long callers waited.
 */
public final class AcquisitionObservations implements AcquisitionObserver {

	/** Name of the observation (and of its timer). */
	public static final String NAME = "peerpool.acquire";

	private static final KeyValue READ = KeyValue.of("intent", "read");

	private static final KeyValue WRITE = KeyValue.of("intent", "write");

	private static final KeyValue SUCCESS = KeyValue.of("outcome", "success");

	private static final KeyValue FAILURE = KeyValue.of("outcome", "failure");

	private static final KeyValue NO_PEER = KeyValue.of("peer", "none");

	private final ObservationRegistry registry;

	public AcquisitionObservations(ObservationRegistry registry) {
		this.registry = registry;
	}

	@Override
	public @Nullable Object started(String pool, boolean readIntent) {
		if (this.registry.isNoop()) {
			return null;
		}
		return Observation.createNotStarted(NAME, this.registry)
			.contextualName("peerpool acquire " + pool)
			.lowCardinalityKeyValue("pool", pool)
			.lowCardinalityKeyValue(readIntent ? READ : WRITE)
			.start();
	}

	@Override
	public void finished(@Nullable Object context, @Nullable String peer, @Nullable Throwable failure) {
		if (!(context instanceof Observation observation)) {
			return;
		}
		observation.lowCardinalityKeyValue((peer != null) ? KeyValue.of("peer", peer) : NO_PEER);
		if (failure != null) {
			observation.lowCardinalityKeyValue(FAILURE).error(failure);
		}
		else {
			observation.lowCardinalityKeyValue(SUCCESS);
		}
		observation.stop();
	}

}
