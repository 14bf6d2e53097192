package io.peerpool;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.peerpool.balance.Balance;

import static org.assertj.core.api.Assertions.assertThat;

/** How long a write keeps its client off replicas that may not have it ({@link PeerPoolSettings#pinHold()}). No server. */
class PeerPoolSettingsTests {

	@ParameterizedTest(name = "pin {0}, max lag {1}, probes every {2}, connect {3}, probe {4}: {5}")
	@CsvSource({
			// the defaults: a replica that serves reads may be 10 s behind at its last probe, the primary's position was
			// seen up to one probe cycle (2 + 1 + 1 s) after the write, and the replica's next lag comes one cycle later
			"5s, 10s, 2s, 1s, 1s, 18s",
			// a pin longer than any lag a replica may have stays as configured
			"30s, 10s, 2s, 1s, 1s, 30s",
			"18s, 10s, 2s, 1s, 1s, 18s",
			// a small lag limit and fast probes: 1 + 2 x 3 s, and a configured pin that covers it stays
			"5s, 1s, 1s, 1s, 1s, 7s",
			"20s, 1s, 1s, 1s, 1s, 20s",
			// UP peers probed only on failure: the lag limit and two probes' own time
			"1s, 10s, 0s, 1s, 1s, 14s" })
	void aPinLastsAtLeastAsLongAsAReplicaThatServesReadsMayBeBehind(String pin, String maxLag, String probeInterval,
			String connectTimeout, String probeTimeout, String expected) {
		PeerPoolSettings settings = new PeerPoolSettings("main", Balance.RANDOM, Duration.ofSeconds(30),
				seconds(probeInterval), seconds(probeTimeout), seconds(connectTimeout), Duration.ofSeconds(5), null, false,
				seconds(maxLag), ReadYourWrites.PIN, seconds(pin));

		assertThat(settings.pinHold()).isEqualTo(seconds(expected));
		assertThat(settings.pinDuration()).as("pin-duration, as configured").isEqualTo(seconds(pin));
	}

	private static Duration seconds(String value) {
		return Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1)));
	}

}
