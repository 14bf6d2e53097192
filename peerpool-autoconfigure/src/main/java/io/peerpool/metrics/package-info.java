/**
 * Micrometer meters of peerpool pools (peer state, routed connections, failures, probes, lag,
 * server changes) and HikariCP's own meters per peer pool.
 */
@NullMarked
package io.peerpool.metrics;

import org.jspecify.annotations.NullMarked;
