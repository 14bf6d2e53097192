package io.peerpool.codegen;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.sql.SQLException;

/**
 * Generates, at build time, the abstract class the annotated class extends: it implements the
 * interface {@link #value()} with every method (inherited and default ones included) that the
 * annotated class does not implement itself calling the same method of {@link #delegate()}, so that
 * the hand-written class holds only the methods that do something and the generated one only pure
 * delegation (as HikariCP generates its proxies). The generated class is named {@code Delegating}
 * and the interface's simple name unless {@link #name()} says otherwise, lives in the annotated
 * class's package, and is written as readable source to {@code target/generated-sources/annotations}.
 * The methods of {@code java.sql.Wrapper} answer for the wrapper first, as JDBC means them:
 * {@code unwrap} gives the wrapper itself when it is an instance of the interface asked for, else
 * what the delegate unwraps.
 *
 * <p>Two kinds of one-line methods that do a little more are generated too, so that they are not
 * written by hand either: {@link #observed()} methods pass what the delegate returned through a
 * hook ({@link #observer()}), {@link #recorded()} methods call a hook instead of the delegate
 * ({@link #recorder()}); both with a kind, an {@code int} constant of {@link #kinds()} named for
 * the method, and the method's arguments. The hooks are overloads of the {@link #superclass()}.
 * {@link #routed()} methods give their call of the delegate's method to a hook ({@link #router()},
 * {@link #counter()}) as a lambda, which runs it on the statement the hook chooses;
 * {@link #created()} methods give a hook a lambda that makes the object on any connection.
 *
 * <p>Source retention: nothing of this module is needed at run time.
 */
@Documented
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface GenerateDelegation {

	/** The interface the generated class implements. */
	Class<?> value();

	/**
	 * The no-argument method every generated method calls on: declared abstract in the generated
	 * class, returning {@link #value()} and throwing {@link #delegateThrows()}; the annotated class
	 * implements it.
	 */
	String delegate() default "delegate";

	/**
	 * What {@link #delegate()} may throw: every generated method must declare it (or a supertype).
	 * {@link RuntimeException} declares nothing.
	 */
	Class<? extends Exception> delegateThrows() default SQLException.class;

	/**
	 * The class the generated class extends, with its constructors passed on; methods of the
	 * interfaces it implements (or has generated) are not generated again.
	 */
	Class<?> superclass() default Object.class;

	/** Simple name of the generated class; by default {@code Delegating} and the interface's simple name. */
	String name() default "";

	/**
	 * Names of methods not generated although the annotated class does not implement them: left to
	 * the interface's default. Each must name a method of the interface.
	 */
	String[] exclude() default {};

	/**
	 * A no-argument method called before the methods {@link #guarded()} delegate: declared abstract in
	 * the generated class (returning nothing, throwing what {@link #delegate()} throws) unless the
	 * {@link #superclass()} declares it; the annotated class implements it.
	 */
	String guard() default "";

	/** Names of the methods that call {@link #guard()} first; a trailing {@code *} matches every name with that prefix. */
	String[] guarded() default {};

	/**
	 * A method the {@link #observed()} methods pass their result through, with the method's kind and
	 * its arguments: {@code getDate(int columnIndex, Calendar cal)} is generated as
	 * {@code return observer(delegate().getDate(columnIndex, cal), Kinds.GET_DATE_CALENDAR, columnIndex, cal);}.
	 * A primitive result is given to the observer as a {@code long} (a boolean as 1 or 0, a float or
	 * a double by its bits: {@code Float.floatToIntBits}), and returned as the delegate gave it, so
	 * that one overload takes every primitive type and nothing is boxed. Not declared in the
	 * generated class: the {@link #superclass()} provides it, overloaded as the observed methods need.
	 */
	String observer() default "";

	/**
	 * Names of the methods generated through {@link #observer()}; a trailing {@code *} matches every
	 * name with that prefix. Each must return a value, and none be {@link #guarded()}.
	 */
	String[] observed() default {};

	/**
	 * A method the {@link #recorded()} methods call instead of the delegate's, with the method's kind
	 * and its arguments packed in a few shapes: a first {@code int} followed by other parameters (a
	 * parameter index), then the primitives as one {@code long} (as {@link #observer()} takes them; 0
	 * without any, two {@code int}s as the high and the low half), then the objects ({@code null}
	 * without any; a second one last). {@code setInt(int parameterIndex, int x)} is generated as
	 * {@code recorder(Kinds.SET_INT, parameterIndex, x, null);}, {@code setFetchSize(int rows)} as
	 * {@code recorder(Kinds.SET_FETCH_SIZE, rows, null);}, {@code setDate(int i, Date x, Calendar cal)}
	 * as {@code recorder(Kinds.SET_DATE_CALENDAR, i, 0, x, cal);}. Not declared in the generated
	 * class: the {@link #superclass()} provides it, overloaded for these shapes.
	 */
	String recorder() default "";

	/**
	 * Names of the methods generated as a call of {@link #recorder()}; a trailing {@code *} matches
	 * every name with that prefix. Each must return nothing, and none be {@link #guarded()} or
	 * {@link #observed()}.
	 */
	String[] recorded() default {};

	/**
	 * The class whose {@code int} constants name the kind of each {@link #observed()} and
	 * {@link #recorded()} method: the method's name in upper snake case, then that of the simple
	 * type of each parameter after the first that not every method of that name has
	 * ({@code getBigDecimal(int, int)}: {@code GET_BIG_DECIMAL_INT}; {@code setDate(int, Date, Calendar)}:
	 * {@code SET_DATE_CALENDAR}; {@code setDate(int, Date)}: {@code SET_DATE}).
	 */
	Class<?> kinds() default Object.class;

	/**
	 * A method the {@link #routed()} methods that return a reference give their call to, as a lambda
	 * that captures nothing, with the method's arguments by shape (its {@code String}, its {@code int},
	 * any other, or {@code null} / 0): {@code executeBatch()} is generated as
	 * {@code return router((statement, text, option, columns) -> statement.executeBatch(), null, 0, null);}
	 * and {@code executeUpdate(String sql, int[] columnIndexes)} as
	 * {@code return (int) counter((statement, text, option, columns) -> statement.executeUpdate(text, (int[]) columns), sql, 0, columnIndexes);}.
	 * The lambda's statement is cast to the method's interface where the router's functional interface
	 * gives a supertype. Not declared in the generated class: the {@link #superclass()} provides it.
	 */
	String router() default "";

	/**
	 * The method the {@link #routed()} methods that return a number or a boolean call as they call
	 * {@link #router()}: with a lambda returning a {@code long} (a boolean as 1 or 0), so that nothing is boxed.
	 */
	String counter() default "";

	/**
	 * Names of the methods generated as a call of {@link #router()} or {@link #counter()}; a trailing
	 * {@code *} matches every name with that prefix. Each takes at most one {@code String}, one
	 * {@code int} and one other parameter, and none is {@link #guarded()}, {@link #observed()} or
	 * {@link #recorded()}.
	 */
	String[] routed() default {};

	/**
	 * Methods generated as a call of a hook that makes the object on the delegate's kind of object
	 * itself, given as a lambda: each entry is a name (a trailing {@code *} matches every name with
	 * that prefix), {@code =} and the hook. The method's first {@code String} parameter, if any, is
	 * the hook's first argument and the lambda's {@code text}; the other parameters are captured:
	 * with {@code "prepareStatement*=prepare"}, {@code prepareStatement(String sql, int keys)} is
	 * generated as {@code return prepare(sql, (connection, text) -> connection.prepareStatement(text, keys));}.
	 * The hook, in the {@link #superclass()}, makes the object now and can make it again (on another
	 * connection, with the same SQL). None is {@link #guarded()}, {@link #observed()},
	 * {@link #recorded()} or {@link #routed()}.
	 */
	String[] created() default {};

}
