/**
 * Where a connection should go: routing scopes (@UsePrimary, @UseReplica, PeerRouting), the
 * intent of SQL, read-your-writes pins and write positions, and the read-only transaction flag.
 */
@NullMarked
package io.peerpool.routing;

import org.jspecify.annotations.NullMarked;
