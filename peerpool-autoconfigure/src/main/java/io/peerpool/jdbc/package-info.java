/**
 * The JDBC layer: the connection a pool hands out, which takes its physical connection at first
 * use from the peer its intent needs, and the statements that can be run again on another peer
 * when the first one dies.
 */
@NullMarked
package io.peerpool.jdbc;

import org.jspecify.annotations.NullMarked;
