/**
 * The {@code peerpool} actuator endpoint: pools, peers, drain and resume.
 */
package io.peerpool.autoconfigure.endpoint;
