/**
 * Auto-configuration of the peerpool health contributor, and of a db contributor that checks each
 * pool as one DataSource instead of one indicator per peer.
 */
@NullMarked
package io.peerpool.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
