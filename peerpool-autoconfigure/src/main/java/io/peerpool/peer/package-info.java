/**
 * The engine of one pool: {@link io.peerpool.peer.PeerPoolEngine}, its one entry, which the data
 * source facade creates and delegates to (routing table, acquisition loop, hold, the judgement of
 * errors); a peer's status (its health, what the last probe found, the drain, the writer
 * election's facts) as one immutable snapshot changed by compare-and-set, from which its state,
 * role and routability are derived; its HikariCP pool, and the background monitor that probes
 * peers and retires failed peers' pools off the application's threads. Everything else here is
 * package-private, but {@code Peer} (the JDBC layer's handle on the peer that serves a
 * connection), {@code PeerHikariConfigs} (what the wiring and the builder resolve from a
 * {@link io.peerpool.PeerPoolSettings.PeerConfig}) and {@code SafeUrls}.
 */
@NullMarked
package io.peerpool.peer;

import org.jspecify.annotations.NullMarked;

