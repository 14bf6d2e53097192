/**
 * Whether an error is the peer's fault (connection-class) or the application's own, and why a
 * peer is DOWN.
 */
@NullMarked
package io.peerpool.failure;

import org.jspecify.annotations.NullMarked;
