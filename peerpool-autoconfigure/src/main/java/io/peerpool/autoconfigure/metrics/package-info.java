/**
 * Auto-configuration of peerpool's Micrometer meters and of HikariCP's meters for every peer's
 * pool.
 */
@NullMarked
package io.peerpool.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
