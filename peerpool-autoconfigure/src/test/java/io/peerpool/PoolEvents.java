package io.peerpool;

import java.time.Duration;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/** What tests watch of a pool, through its API listener: DOWN transitions, probes, server changes. */
final class PoolEvents {

	private PoolEvents() {
	}

	/** Calls {@code down} for every transition of a peer to DOWN. */
	static void onDown(PeerPool pool, Consumer<PeerPoolEvent> down) {
		pool.addListener(new PeerPoolListener() {

			@Override
			public void onEvent(PeerPoolEvent event) {
				if (event.type() == PeerPoolEvent.Type.DOWN) {
					down.accept(event);
				}
			}

		});
	}

	/** {@code <peer>: <reason> <last error>} of a DOWN event, as tests list them. */
	static String describeDown(PeerPoolEvent event) {
		return event.peer() + ": " + event.reason() + " " + event.detail();
	}

	/** Calls {@code probed} after every background probe. */
	static void onProbe(PeerPool pool, Runnable probed) {
		onProbe(pool, (peer) -> probed.run());
	}

	/** Calls {@code probed} with the peer's name after every background probe. */
	static void onProbe(PeerPool pool, Consumer<String> probed) {
		pool.addListener(new PeerPoolListener() {

			@Override
			public void probed(PeerInfo peer, Duration elapsed, ProbeOutcome outcome) {
				probed.accept(peer.name());
			}

		});
	}

	/** Calls {@code changed} with the server versions before and after every server change. */
	static void onServerChange(PeerPool pool, BiConsumer<String, String> changed) {
		pool.addListener(new PeerPoolListener() {

			@Override
			public void onEvent(PeerPoolEvent event) {
				if (event.type() == PeerPoolEvent.Type.SERVER_CHANGE) {
					changed.accept(version(event.from()), version(event.to()));
				}
			}

		});
	}

	/** The version of a server identity shown as {@code PostgreSQL 14.12 (system_identifier=...)}. */
	private static String version(String identity) {
		String version = identity.substring(identity.indexOf(' ') + 1);
		int detail = version.indexOf(" (");
		return (detail >= 0) ? version.substring(0, detail) : version;
	}

}
