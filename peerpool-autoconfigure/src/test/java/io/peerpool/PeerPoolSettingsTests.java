package io.peerpool;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.peerpool.balance.Balance;

import static org.assertj.core.api.Assertions.assertThat;

/** How long a write keeps its client off replicas that may not have it ({@link PeerPoolSettings#pinHold()}). No server. */
class PeerPoolSettingsTests {

	@ParameterizedTest(name = "pin {0}, max lag {1}, probes every {2} within {3}: {4}")
	@CsvSource({
			// the defaults: a replica that serves reads may be 10 s behind at its last probe, and 3 s more by the next answer
			"5s, 10s, 2s, 1s, 13s",
			// a pin longer than any lag a replica may have stays as configured
			"30s, 10s, 2s, 1s, 30s",
			"13s, 10s, 2s, 1s, 13s",
			// a small lag limit: the configured pin suffices
			"5s, 1s, 2s, 1s, 5s",
			// UP peers probed only on failure: the lag limit and one probe's time
			"1s, 10s, 0s, 1s, 11s" })
	void aPinLastsAtLeastAsLongAsAReplicaThatServesReadsMayBeBehind(String pin, String maxLag, String probeInterval,
			String probeTimeout, String expected) {
		PeerPoolSettings settings = new PeerPoolSettings("main", Balance.RANDOM, Duration.ofSeconds(30), seconds(probeInterval),
				seconds(probeTimeout), Duration.ofSeconds(1), Duration.ofSeconds(5), null, false, seconds(maxLag),
				ReadYourWrites.PIN, seconds(pin));

		assertThat(settings.pinHold()).isEqualTo(seconds(expected));
		assertThat(settings.pinDuration()).as("pin-duration, as configured").isEqualTo(seconds(pin));
	}

	private static Duration seconds(String value) {
		return Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1)));
	}

}
