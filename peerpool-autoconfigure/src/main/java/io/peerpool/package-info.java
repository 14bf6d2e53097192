/**
 * The public API of peerpool: the data source facade (PeerPoolDataSource), a pool's peers and
 * their state (PeerPool, PeerInfo, PeerState, PeerRole), the probe hook (PeerProbe, ProbeResult),
 * the server identity and its change event, read-your-writes modes and the all-peers-down error,
 * the typed listener of a pool's events and probes. The facade delegates to the engine
 * ({@code io.peerpool.peer.PeerPoolEngine}) and hands out no engine type; only its constructor for
 * the wiring takes the resolved settings of each peer ({@code io.peerpool.peer.PeerConfig}).
 */
@NullMarked
package io.peerpool;

import org.jspecify.annotations.NullMarked;
