package io.peerpool.peer;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/** A peer's slots: as many as its pool holds, each taken slot a counted borrow, handed out in the order callers came. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PeerSlotsTests {

	@Test
	void aSlotIsTakenUntilAllAreTakenAndEachTakenSlotCountsABorrow() {
		PeerSlots slots = new PeerSlots(2);
		assertThat(slots.tryTake()).isTrue();
		assertThat(slots.tryTake()).isTrue();
		assertThat(slots.tryTake()).isFalse();
		assertThat(slots.taken()).isEqualTo(2);
		slots.give();
		assertThat(slots.taken()).isEqualTo(1);
		assertThat(slots.borrows()).as("a given-back slot stays counted").isEqualTo(2);
		assertThat(slots.tryTake()).isTrue();
		assertThat(slots.borrows()).isEqualTo(3);
	}

	@Test
	void aSlotGivenBackUncountedTakesBackItsBorrow() {
		PeerSlots slots = new PeerSlots(3);
		slots.tryTake();
		slots.tryTake();
		slots.giveUncounted();
		assertThat(slots.taken()).isEqualTo(1);
		assertThat(slots.borrows()).isEqualTo(1);
	}

	@Test
	void theBorrowCountDoesNotSpillIntoTheTakenSlots() {
		PeerSlots slots = new PeerSlots(PeerSlots.MAX_SLOTS);
		for (int i = 0; i < 70_000; i++) {
			assertThat(slots.tryTake()).isTrue();
			slots.give();
		}
		assertThat(slots.taken()).isZero();
		assertThat(slots.borrows()).isEqualTo(70_000);
	}

	@Test
	void aCallerThatWaitsGetsTheNextSlotBeforeOneThatDoesNot() throws Exception {
		PeerSlots slots = new PeerSlots(1);
		assertThat(slots.tryTake()).isTrue();
		CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
			try {
				return slots.take(20_000);
			}
			catch (InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
		});
		await().atMost(Duration.ofSeconds(10)).until(slots::hasQueuedThreads);
		slots.give();
		// the slot given back is the waiter's, not a newcomer's that only tries
		assertThat(slots.tryTake()).isFalse();
		assertThat(waiter.get(10, TimeUnit.SECONDS)).isTrue();
		assertThat(slots.taken()).isEqualTo(1);
	}

	@Test
	void aWaitEndsWithoutASlotWhenNoneIsGivenBack() throws InterruptedException {
		PeerSlots slots = new PeerSlots(1);
		slots.tryTake();
		assertThat(slots.take(50)).isFalse();
		assertThat(slots.borrows()).isEqualTo(1);
	}

	@Test
	void aPoolSizeTheSlotsCannotHoldIsRefusedNamingTheSetting() {
		assertThatIllegalArgumentException().isThrownBy(() -> new PeerSlots(PeerSlots.MAX_SLOTS + 1))
			.withMessageContaining("hikari.maximum-pool-size");
	}

}
