/**
 * What differs by database product and version: probe queries, replica lag and replication
 * positions, server identity, driver timeout settings. Adding a product or a version that renamed
 * a statement changes this package only.
 */
@NullMarked
package io.peerpool.dialect;

import org.jspecify.annotations.NullMarked;
