/**
 * Auto-configuration of the peerpool actuator endpoint.
 */
@NullMarked
package io.peerpool.autoconfigure.endpoint;

import org.jspecify.annotations.NullMarked;
