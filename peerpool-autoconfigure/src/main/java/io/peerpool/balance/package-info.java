/**
 * How a pool spreads connections over the eligible peers: random, round-robin, least-connections,
 * sequential and weighted. Lock-free and allocation-free: each strategy picks an index from an
 * array.
 */
@NullMarked
package io.peerpool.balance;

import org.jspecify.annotations.NullMarked;
