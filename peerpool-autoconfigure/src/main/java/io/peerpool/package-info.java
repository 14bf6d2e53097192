/**
 * The public API of peerpool: the data source facade (PeerPoolDataSource), a pool's peers and
 * their state (PeerPool, PeerInfo, PeerState, PeerRole), the probe hook (PeerProbe, ProbeResult),
 * the server identity and its change event, read-your-writes modes and the all-peers-down error,
 * the typed listener of a pool's events and probes, the builder, and the resolved settings of a pool
 * (PeerPoolSettings) and of each peer (PeerConfig, also what a HikariCP customizer is given). The
 * facade delegates to the engine ({@code io.peerpool.peer.PeerPoolEngine}) and neither hands out
 * nor takes an engine type.
 */
@NullMarked
package io.peerpool;

import org.jspecify.annotations.NullMarked;
