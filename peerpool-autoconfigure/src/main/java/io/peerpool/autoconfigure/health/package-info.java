/**
 * Health of peerpool pools: the {@code peerpool} contributor (in-memory state, one component per
 * pool) and a {@code db} contributor that checks each pool as one {@code DataSource}.
 */
package io.peerpool.autoconfigure.health;
