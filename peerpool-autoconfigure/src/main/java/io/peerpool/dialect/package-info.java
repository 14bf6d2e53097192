/**
 * What differs by database product and version: probe queries, replica lag and replication
 * positions, server identity, driver timeout settings, vendor error codes (which the failure
 * classifier asks {@link io.peerpool.dialect.Dialect} about). Adding a product or a version that
 * renamed a statement changes this package only.
 */
@NullMarked
package io.peerpool.dialect;

import org.jspecify.annotations.NullMarked;
