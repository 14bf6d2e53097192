package io.peerpool.test;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class GtidPositionTests {

	@Test
	void binaryLogAheadOfTheSlavePositionInOneDomainIsAhead() {
		assertThat(GtidPosition.isAhead("0-1-37", "0-1-36")).isTrue();
		assertThat(GtidPosition.isAhead("0-1-37", "")).isTrue();
		assertThat(GtidPosition.isAhead("0-2-40,1-1-5", "0-1-39,1-1-5")).isTrue();
	}

	@Test
	void equalOrBehindOrMixedIsNotAhead() {
		assertThat(GtidPosition.isAhead("0-1-37", "0-1-37")).isFalse();
		assertThat(GtidPosition.isAhead("0-1-36", "0-1-37")).isFalse();
		assertThat(GtidPosition.isAhead("0-1-40", "0-1-39,1-1-5")).isFalse();
		assertThat(GtidPosition.isAhead("", "")).isFalse();
		assertThat(GtidPosition.isAhead(null, null)).isFalse();
	}

	@Test
	void aPositionCoversEveryDomainAtOrBelowItsOwnSequence() {
		assertThat(GtidPosition.covers("0-1-37", "0-1-37")).isTrue();
		assertThat(GtidPosition.covers("0-2-40,1-1-5", "0-1-39,1-1-5")).as("server ids do not matter").isTrue();
		assertThat(GtidPosition.covers("0-1-37", "")).isTrue();
		assertThat(GtidPosition.covers("0-1-36", "0-1-37")).isFalse();
		assertThat(GtidPosition.covers("0-1-40", "0-1-39,1-1-5")).as("a domain it lacks").isFalse();
	}

	@Test
	void somethingElseIsRejectedWithTheText() {
		assertThatIllegalArgumentException().isThrownBy(() -> GtidPosition.isAhead("mysql-bin.000001", ""))
			.withMessageContaining("mysql-bin.000001");
	}

}
