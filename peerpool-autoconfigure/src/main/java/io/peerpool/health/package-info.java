/**
 * The peerpool health indicator: one component per pool, built from in-memory state only (no I/O).
 */
@NullMarked
package io.peerpool.health;

import org.jspecify.annotations.NullMarked;
