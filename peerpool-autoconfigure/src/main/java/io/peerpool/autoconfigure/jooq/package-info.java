/**
 * Auto-configuration for jOOQ over a peerpool DataSource: its dialect when no peer answered at
 * startup.
 */
@NullMarked
package io.peerpool.autoconfigure.jooq;

import org.jspecify.annotations.NullMarked;
