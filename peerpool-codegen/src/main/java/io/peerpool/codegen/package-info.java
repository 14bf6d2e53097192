/**
 * The build-time generator of peerpool's delegating JDBC base classes: an annotation processor
 * ({@link io.peerpool.codegen.DelegationProcessor}) that writes, for a class annotated with
 * {@link io.peerpool.codegen.GenerateDelegation}, the abstract class it extends, holding the pure
 * delegation to a JDBC interface, as readable source. Nothing of it is needed at run time.
 */
@NullMarked
package io.peerpool.codegen;

import org.jspecify.annotations.NullMarked;
