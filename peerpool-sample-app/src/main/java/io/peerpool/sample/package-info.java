/**
 * The sample app: notes with reads on replicas, read-your-writes, a status page and a load
 * generator.
 */
@NullMarked
package io.peerpool.sample;

import org.jspecify.annotations.NullMarked;
