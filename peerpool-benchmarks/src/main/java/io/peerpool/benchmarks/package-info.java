/**
 * JMH and failover benchmarks of peerpool against plain HikariCP, naive routing and the drivers'
 * own load balancing.
 */
@NullMarked
package io.peerpool.benchmarks;

import org.jspecify.annotations.NullMarked;
