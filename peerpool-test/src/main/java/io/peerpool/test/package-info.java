/**
 * The peerpool test kit: real MariaDB, PostgreSQL and Galera servers on 127.0.0.1 started from
 * Maven artifacts, a TCP fault proxy, fault injection (kill, freeze, thaw, restart, lag, promote)
 * and JUnit 5 extensions that stop every process they started.
 */
@NullMarked
package io.peerpool.test;

import org.jspecify.annotations.NullMarked;
