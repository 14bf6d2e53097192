/**
 * The peerpool actuator endpoint: lists pools and peers, drains and resumes a peer. A library
 * class; io.peerpool.autoconfigure.endpoint only creates the bean.
 */
@NullMarked
package io.peerpool.actuate;

import org.jspecify.annotations.NullMarked;
