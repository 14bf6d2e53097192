/**
 * Opening physical connections to one peer: bounded connect and handshake whatever the driver,
 * and the sockets of a peer tracked so a hung server's can be closed.
 */
@NullMarked
package io.peerpool.connect;

import org.jspecify.annotations.NullMarked;
