/**
 * Spring Boot auto-configuration of peerpool: binds spring.datasource.peerpool.*, registers one
 * PeerPoolDataSource bean per pool and explains wrong configuration with a FailureAnalyzer.
 * Creates beans only; the behaviour lives in the library packages.
 */
@NullMarked
package io.peerpool.autoconfigure;

import org.jspecify.annotations.NullMarked;
