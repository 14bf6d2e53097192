/**
 * Micrometer meters of peerpool pools and HikariCP meters of every peer's pool.
 */
package io.peerpool.autoconfigure.metrics;
