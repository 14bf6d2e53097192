/**
 * Auto-configuration of the routing annotations (@UsePrimary, @UseReplica) and of the read-only
 * transaction hook.
 */
@NullMarked
package io.peerpool.autoconfigure.routing;

import org.jspecify.annotations.NullMarked;
