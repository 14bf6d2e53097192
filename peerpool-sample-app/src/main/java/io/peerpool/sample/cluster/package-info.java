/**
 * The sample app's embedded cluster (a MariaDB primary with two replicas), started when no peers
 * are configured, and its fault buttons.
 */
@NullMarked
package io.peerpool.sample.cluster;

import org.jspecify.annotations.NullMarked;
