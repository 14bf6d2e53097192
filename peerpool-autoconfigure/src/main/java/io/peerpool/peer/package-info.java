/**
 * The engine of one pool's peers: a peer's health as an immutable status changed by
 * compare-and-set, its HikariCP pool, and the background monitor that probes peers and retires
 * failed peers' pools off the application's threads.
 */
@NullMarked
package io.peerpool.peer;

import org.jspecify.annotations.NullMarked;
