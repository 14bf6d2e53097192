/**
 * The public API of peerpool: the data source facade (PeerPoolDataSource, with its Builder and
 * its AcquisitionObserver), a pool's peers and their state (PeerPool, PeerInfo, PeerState,
 * PeerRole), the probe hook (PeerProbe, ProbeResult), the server change event (with the
 * ServerIdentity it compares) and the writer conflict event, read-your-writes modes and the
 * all-peers-down error, the typed listener of a pool's events and probes (PeerPoolListener,
 * PeerPoolEvent), and the resolved settings of a pool (PeerPoolSettings, with UnknownLag,
 * TransactionReplay and each peer's PeerConfig, also what a HikariCP customizer is given). Types
 * that belong to another are nested in it. The facade delegates to the engine
 * ({@code io.peerpool.peer.PeerPoolEngine}) and neither hands out nor takes an engine type.
 */
@NullMarked
package io.peerpool;

import org.jspecify.annotations.NullMarked;
