/**
 * The public API of peerpool: the data source facade (PeerPoolDataSource), a pool's peers and
 * their state (PeerPool, PeerInfo, PeerState, PeerRole), the probe hook (PeerProbe, ProbeResult),
 * the server identity and its change event, read-your-writes modes and the all-peers-down error.
 * Everything else is engine.
 */
@NullMarked
package io.peerpool;

import org.jspecify.annotations.NullMarked;
