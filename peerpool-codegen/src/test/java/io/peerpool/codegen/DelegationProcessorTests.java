package io.peerpool.codegen;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The processor run by javac on small sources: what it writes compiles, reads like hand-written
 * Java (generics, varargs, throws clauses, overloads, deprecation), and sends every call of the
 * interface to the delegate once, with the same arguments.
 */
class DelegationProcessorTests {

	private static final String BOX = """
			package sample;

			import java.io.IOException;
			import java.util.List;
			import java.util.function.Function;
			import java.util.function.Supplier;

			public interface Box<T extends Comparable<T>> extends Supplier<T>, AutoCloseable {

				<R> R map(Function<? super T, ? extends R> mapper) throws IOException;

				@SuppressWarnings("unchecked")
				void add(T... items) throws IOException;

				void add(List<? extends T> items) throws IOException;

				int size();

				default String describe() {
					return "box";
				}

				@Deprecated
				void old(java.util.Date date, java.sql.Date sqlDate);

				@Override
				void close() throws IOException;

				static Box<String> none() {
					return null;
				}

				@Override
				boolean equals(Object other);

			}
			""";

	@TempDir
	Path directory;

	@Test
	void everyMethodOfTheInterfaceReachesTheDelegateOnceWithItsArguments() throws Exception {
		Compiled compiled = compile(Map.of("sample/Box.java", BOX, "sample/StringBox.java", """
				package sample;

				import io.peerpool.codegen.GenerateDelegation;

				@GenerateDelegation(value = Box.class, delegate = "target", delegateThrows = RuntimeException.class,
						guard = "touched", guarded = "ad*")
				public class StringBox extends DelegatingBox<String> {

					private final Box<String> target;

					public int touches;

					public StringBox(Box<String> target) {
						this.target = target;
					}

					@Override
					Box<String> target() {
						return this.target;
					}

					@Override
					void touched() {
						this.touches++;
					}

				}
				"""));
		assertThat(compiled.errors()).isEmpty();
		Class<?> box = compiled.load("sample.Box");
		List<String> calls = new ArrayList<>();
		Object delegate = Proxy.newProxyInstance(compiled.loader(), new Class<?>[] { box }, (proxy, method, arguments) -> {
			calls.add(method.getName() + Arrays.deepToString(arguments));
			return (method.getReturnType() == int.class) ? 7 : null;
		});
		Class<?> stringBox = compiled.load("sample.StringBox");
		Object wrapper = stringBox.getConstructor(box).newInstance(delegate);
		List<String> expected = new ArrayList<>();
		for (Method method : box.getMethods()) {
			if (Modifier.isStatic(method.getModifiers()) || isObjectMethod(method)) {
				continue;
			}
			Object[] arguments = Arrays.stream(method.getParameterTypes()).map(DelegationProcessorTests::sample).toArray();
			calls.clear();
			invoke(method, wrapper, arguments);
			String call = method.getName() + Arrays.deepToString((arguments.length > 0) ? arguments : null);
			assertThat(calls).as(method.toString()).containsExactly(call);
			expected.add(method.getName());
		}
		// Supplier.get, AutoCloseable.close, a default method and both overloads, not equals nor the static method
		assertThat(expected).containsExactlyInAnyOrder("map", "add", "add", "size", "describe", "old", "close", "get");
		assertThat(stringBox.getField("touches").getInt(wrapper)).isEqualTo(2);
	}

	@Test
	void theGeneratedSourceReadsLikeJava() throws Exception {
		Compiled compiled = compile(Map.of("sample/Box.java", BOX, "sample/StringBox.java", """
				package sample;

				@io.peerpool.codegen.GenerateDelegation(value = Box.class, delegateThrows = RuntimeException.class,
						guard = "touched", guarded = "add")
				abstract class StringBox extends DelegatingBox<String> {
				}
				"""));
		assertThat(compiled.errors()).isEmpty();
		String source = compiled.generated("sample/DelegatingBox.java");
		assertThat(source).contains("import java.util.function.Function;\n")
			.contains("\nimport javax.annotation.processing.Generated;\n")
			.contains("abstract class DelegatingBox<T extends Comparable<T>> implements Box<T> {")
			.contains("\tabstract Box<T> delegate();\n")
			.contains("\tpublic <R> R map(Function<? super T, ? extends R> mapper) throws IOException {\n"
					+ "\t\treturn delegate().map(mapper);\n\t}")
			.contains("\tpublic void add(T... items) throws IOException {\n\t\ttouched();\n\t\tdelegate().add(items);\n")
			.contains("\tpublic void add(List<? extends T> items) throws IOException {\n\t\ttouched();\n")
			.contains("\t@Override\n\t@Deprecated\n\tpublic void old(Date date, java.sql.Date sqlDate) {\n")
			.contains("\tpublic void close() throws IOException {\n")
			.contains("\t// java.util.function.Supplier\n\n\t@Override\n\tpublic T get() {\n")
			.doesNotContain("none()")
			.doesNotContain("equals")
			.doesNotContain("throws Exception");
	}

	@Test
	void theSuperclassKeepsItsConstructorsAndTheMethodsItImplements() throws Exception {
		Compiled compiled = compile(Map.of("sample/Named.java", """
				package sample;

				public interface Named extends Runnable {

					String name() throws java.io.IOException;

				}
				""", "sample/Base.java", """
				package sample;

				public abstract class Base implements Runnable {

					protected Base(String name, int... more) throws java.io.IOException {
					}

					private Base() {
					}

					@Override
					public void run() {
					}

				}
				""", "sample/Child.java", """
				package sample;

				@io.peerpool.codegen.GenerateDelegation(value = Named.class, superclass = Base.class,
						delegateThrows = java.io.IOException.class)
				abstract class Child extends DelegatingNamed {

					Child() throws java.io.IOException {
						super("child", 1, 2);
					}

				}
				"""));
		assertThat(compiled.errors()).isEmpty();
		String source = compiled.generated("sample/DelegatingNamed.java");
		assertThat(source).contains("abstract class DelegatingNamed extends Base implements Named {")
			.contains("\tDelegatingNamed(String name, int... more) throws IOException {\n\t\tsuper(name, more);\n\t}")
			.contains("\tabstract Named delegate() throws IOException;")
			.contains("public String name() throws IOException")
			.doesNotContain("run()")
			.doesNotContain("DelegatingNamed() {");
	}

	@Test
	void aMethodThatCannotThrowWhatTheDelegateThrowsIsAnError() throws Exception {
		Compiled compiled = compile(Map.of("sample/Box.java", BOX, "sample/StringBox.java", """
				package sample;

				@io.peerpool.codegen.GenerateDelegation(value = Box.class, delegateThrows = java.io.IOException.class)
				abstract class StringBox extends DelegatingBox<String> {
				}
				"""));
		assertThat(compiled.errors()).anySatisfy((error) -> assertThat(error)
			.contains("Box.size does not declare java.io.IOException, which delegate() throws"));
	}

	/** The base holds only pure delegation: what the class implements itself is not generated, nor what is excluded. */
	@Test
	void methodsOfTheClassAndExcludedOnesAreNotGenerated() throws Exception {
		Compiled compiled = compile(Map.of("sample/Box.java", BOX, "sample/StringBox.java", """
				package sample;

				@io.peerpool.codegen.GenerateDelegation(value = Box.class, delegateThrows = java.io.IOException.class,
						exclude = { "describe", "old" })
				abstract class StringBox extends DelegatingBox<String> {

					@Override
					public String get() {
						return "own";
					}

					@Override
					public int size() {
						return 0;
					}

				}
				"""));
		assertThat(compiled.errors()).isEmpty();
		String source = compiled.generated("sample/DelegatingBox.java");
		assertThat(source).contains("abstract Box<T> delegate() throws IOException;")
			.contains("public void close() throws IOException")
			.doesNotContain("get()")
			.doesNotContain("size()")
			.doesNotContain("describe()")
			.doesNotContain(" old(");
	}

	@Test
	void namesThatMatchNoMethodAreErrors() throws Exception {
		Compiled compiled = compile(Map.of("sample/Box.java", BOX, "sample/StringBox.java", """
				package sample;

				@io.peerpool.codegen.GenerateDelegation(value = Box.class, delegateThrows = RuntimeException.class,
						exclude = "gets")
				abstract class StringBox extends DelegatingBox<String> {
				}
				""", "sample/OtherBox.java", """
				package sample;

				@io.peerpool.codegen.GenerateDelegation(value = Box.class, delegateThrows = RuntimeException.class,
						name = "Other", guard = "check", guarded = "remove*")
				abstract class OtherBox extends Other<String> {
				}
				"""));
		assertThat(compiled.errors()).anySatisfy((error) -> assertThat(error).contains("exclude names no method of Box: gets"))
			.anySatisfy((error) -> assertThat(error).contains("guarded names no method of Box: remove*"));
	}

	/** An observed method passes what the delegate returned through the observer, with its kind and arguments. */
	@Test
	void observedMethodsPassTheirResultThroughTheObserverWithTheirKind() throws Exception {
		Compiled compiled = compile(Map.of("sample/Reader.java", """
				package sample;

				public interface Reader {

					short readShort(int column);

					String readText(int column, java.util.Locale locale);

					String readText(String label);

					void skip();

					void write(int index, String text);

					void write(int index, String text, int length);

				}
				""", "sample/Kinds.java", """
				package sample;

				final class Kinds {

					static final int READ_SHORT = 1;

					static final int READ_TEXT_LOCALE = 2;

					static final int READ_TEXT = 3;

					static final int WRITE = 4;

					static final int WRITE_INT = 5;

				}
				""", "sample/Notes.java", """
				package sample;

				public abstract class Notes {

					public final java.util.List<String> seen = new java.util.ArrayList<>();

					void note(long value, int kind, int column) {
						this.seen.add(kind + ":" + column + "=" + value);
					}

					<T> T note(T value, int kind, Object... arguments) {
						this.seen.add(kind + ":" + java.util.Arrays.toString(arguments) + "=" + value);
						return value;
					}

					void record(int kind, Object... arguments) {
						this.seen.add(kind + ":" + java.util.Arrays.toString(arguments));
					}

				}
				""", "sample/NotedReader.java", """
				package sample;

				@io.peerpool.codegen.GenerateDelegation(value = Reader.class, delegateThrows = RuntimeException.class,
						superclass = Notes.class, observer = "note", kinds = Kinds.class, observed = "read*",
						recorder = "record", recorded = "write")
				public class NotedReader extends DelegatingReader {

					private final Reader target;

					public NotedReader(Reader target) {
						this.target = target;
					}

					@Override
					Reader delegate() {
						return this.target;
					}

				}
				"""));
		assertThat(compiled.errors()).isEmpty();
		assertThat(compiled.generated("sample/DelegatingReader.java"))
			.contains("\t\tshort result = delegate().readShort(column);\n\t\tnote(result, Kinds.READ_SHORT, column);\n"
					+ "\t\treturn result;\n")
			.contains("\t\treturn note(delegate().readText(column, locale), Kinds.READ_TEXT_LOCALE, column, locale);\n")
			.contains("\t\tdelegate().skip();\n")
			.contains("\t\trecord(Kinds.WRITE_INT, index, length, text);\n");
		Class<?> reader = compiled.load("sample.Reader");
		Object delegate = Proxy.newProxyInstance(compiled.loader(), new Class<?>[] { reader },
				(proxy, method, arguments) -> {
					assertThat(method.getName()).isNotEqualTo("write");
					return (method.getReturnType() == short.class) ? (short) 7 : "text";
				});
		Object noted = compiled.load("sample.NotedReader").getConstructor(reader).newInstance(delegate);
		assertThat(reader.getMethod("readShort", int.class).invoke(noted, 2)).isEqualTo((short) 7);
		assertThat(reader.getMethod("readText", String.class).invoke(noted, "a")).isEqualTo("text");
		reader.getMethod("write", int.class, String.class).invoke(noted, 1, "b");
		// a recorded method does not reach the delegate: the recorder makes the call
		assertThat(noted.getClass().getField("seen").get(noted)).asList()
			.containsExactly("1:2=7", "3:[a]=text", "4:[1, 0, b]");
	}

	/**
	 * A recorded method's arguments reach the recorder packed: the parameter index, the primitives as
	 * one long, then the objects; a shape that does not pack is an error that names the method.
	 */
	@Test
	void recordedMethodsPackTheirArgumentsIntoIndexNumberAndObjects() throws Exception {
		Map<String, String> sources = Map.of("sample/Settings.java", """
				package sample;

				public interface Settings {

					void setLimit(int rows);

					void setFlag(boolean on);

					void setWeight(int index, double weight);

					void setRange(int index, Object value, int type, int scale);

					void setStamp(int index, Object value, Object calendar);

					void reset();

				}
				""", "sample/Kinds.java", """
				package sample;

				final class Kinds {

					static final int SET_LIMIT = 1;

					static final int SET_FLAG = 2;

					static final int SET_WEIGHT = 3;

					static final int SET_RANGE = 4;

					static final int SET_STAMP = 5;

					static final int RESET = 6;

				}
				""", "sample/Calls.java", """
				package sample;

				public abstract class Calls {

					public final java.util.List<String> calls = new java.util.ArrayList<>();

					void record(int kind, long number, Object value) {
						this.calls.add(kind + ":" + number + "," + value);
					}

					void record(int kind, int index, long number, Object value) {
						this.calls.add(kind + ":" + index + "," + number + "," + value);
					}

					void record(int kind, int index, long number, Object value, Object second) {
						this.calls.add(kind + ":" + index + "," + number + "," + value + "," + second);
					}

				}
				""", "sample/RecordedSettings.java", """
				package sample;

				@io.peerpool.codegen.GenerateDelegation(value = Settings.class, delegateThrows = RuntimeException.class,
						superclass = Calls.class, recorder = "record", recorded = { "set*", "reset" }, kinds = Kinds.class)
				public class RecordedSettings extends DelegatingSettings {

					@Override
					Settings delegate() {
						throw new AssertionError("a recorded method does not reach the delegate");
					}

				}
				""");
		Compiled compiled = compile(sources);
		assertThat(compiled.errors()).isEmpty();
		assertThat(compiled.generated("sample/DelegatingSettings.java"))
			.contains("\t\trecord(Kinds.SET_LIMIT, rows, null);\n")
			.contains("\t\trecord(Kinds.SET_FLAG, on ? 1 : 0, null);\n")
			.contains("\t\trecord(Kinds.SET_WEIGHT, index, Double.doubleToLongBits(weight), null);\n")
			.contains("\t\trecord(Kinds.SET_RANGE, index, ((long) type << 32) | (scale & 0xFFFFFFFFL), value);\n")
			.contains("\t\trecord(Kinds.SET_STAMP, index, 0, value, calendar);\n")
			.contains("\t\trecord(Kinds.RESET, 0, null);\n");
		Class<?> settings = compiled.load("sample.Settings");
		Object recorded = compiled.load("sample.RecordedSettings").getConstructor().newInstance();
		settings.getMethod("setLimit", int.class).invoke(recorded, 5);
		settings.getMethod("setFlag", boolean.class).invoke(recorded, true);
		settings.getMethod("setWeight", int.class, double.class).invoke(recorded, 2, 1.5);
		settings.getMethod("setRange", int.class, Object.class, int.class, int.class).invoke(recorded, 3, "x", 7, -1);
		settings.getMethod("setStamp", int.class, Object.class, Object.class).invoke(recorded, 4, "y", "z");
		settings.getMethod("reset").invoke(recorded);
		assertThat(recorded.getClass().getField("calls").get(recorded)).asList()
			.containsExactly("1:5,null", "2:1,null", "3:2," + Double.doubleToLongBits(1.5) + ",null",
					"4:3," + (((long) 7 << 32) | 0xFFFFFFFFL) + ",x", "5:4,0,y,z", "6:0,null");

		Map<String, String> unpackable = new java.util.HashMap<>(sources);
		unpackable.put("sample/Settings.java", """
				package sample;

				public interface Settings {

					void setLimit(int index, long rows, long more);

				}
				""");
		unpackable.put("sample/Kinds.java", """
				package sample;

				final class Kinds {

					static final int SET_LIMIT = 1;

				}
				""");
		unpackable.put("sample/RecordedSettings.java", sources.get("sample/RecordedSettings.java")
			.replace("{ \"set*\", \"reset\" }", "\"set*\""));
		assertThat(compile(unpackable).errors()).anySatisfy((error) -> assertThat(error)
			.contains("recorded method setLimit has parameters the recorder cannot take"));
	}

	/**
	 * A created method gives the hook its SQL and a lambda that makes the object on any connection
	 * with the other arguments captured; a bad entry is an error.
	 */
	@Test
	void createdMethodsGiveTheirHookTheirTextAndALambdaThatMakesTheObjectAgain() throws Exception {
		Map<String, String> sources = Map.of("sample/Maker.java", """
				package sample;

				public interface Maker {

					String make(String sql, int times);

					String blank(int width);

				}
				""", "sample/Made.java", """
				package sample;

				public abstract class Made {

					public interface Creator {

						String create(Maker connection, String text);

					}

					String made(String text, Creator creator) {
						Maker twice = new Maker() {

							public String make(String text, int times) {
								return text.repeat(times);
							}

							public String blank(int width) {
								return "_".repeat(width);
							}

						};
						return creator.create(twice, text) + "|" + creator.create(twice, text.toUpperCase());
					}

					String made(Creator creator) {
						return made("", creator);
					}

				}
				""", "sample/MadeMaker.java", """
				package sample;

				@io.peerpool.codegen.GenerateDelegation(value = Maker.class, delegateThrows = RuntimeException.class,
						superclass = Made.class, created = { "make=made", "blank=made" })
				public class MadeMaker extends DelegatingMaker {

					@Override
					Maker delegate() {
						throw new AssertionError("a created method does not reach the delegate");
					}

				}
				""");
		Compiled compiled = compile(sources);
		assertThat(compiled.errors()).isEmpty();
		assertThat(compiled.generated("sample/DelegatingMaker.java"))
			.contains("\t\treturn made(sql, (connection, text) -> connection.make(text, times));\n")
			.contains("\t\treturn made((connection, text) -> connection.blank(width));\n");
		Class<?> maker = compiled.load("sample.Maker");
		Object made = compiled.load("sample.MadeMaker").getConstructor().newInstance();
		assertThat(maker.getMethod("make", String.class, int.class).invoke(made, "ab", 2)).isEqualTo("abab|ABAB");
		assertThat(maker.getMethod("blank", int.class).invoke(made, 3)).isEqualTo("___|___");

		Map<String, String> unnamed = new java.util.HashMap<>(sources);
		unnamed.put("sample/MadeMaker.java", sources.get("sample/MadeMaker.java").replace("\"blank=made\"", "\"blank\""));
		assertThat(compile(unnamed).errors())
			.anySatisfy((error) -> assertThat(error).contains("created entry is not name=hook: blank"));
	}

	/** JDBC's {@code Wrapper} methods answer for the wrapper first, then ask the delegate. */
	@Test
	void wrapperMethodsAnswerForTheWrapperFirst() throws Exception {
		Compiled compiled = compile(Map.of("sample/Handle.java", """
				package sample;

				public interface Handle extends java.sql.Wrapper {

					int id() throws java.sql.SQLException;

				}
				""", "sample/PeerHandle.java", """
				package sample;

				@io.peerpool.codegen.GenerateDelegation(value = Handle.class)
				public class PeerHandle extends DelegatingHandle {

					private final Handle target;

					public PeerHandle(Handle target) {
						this.target = target;
					}

					@Override
					Handle delegate() {
						return this.target;
					}

				}
				"""));
		assertThat(compiled.errors()).isEmpty();
		assertThat(compiled.generated("sample/DelegatingHandle.java"))
			// the parameter's name is the JDK's (arg0 where its class files keep none)
			.containsPattern("\t@SuppressWarnings\\(\"unchecked\"\\)\n\tpublic <T> T unwrap\\(Class<T> (\\w+)\\) throws "
					+ "SQLException \\{\n\t\treturn \\1.isInstance\\(this\\) \\? \\(T\\) this : delegate\\(\\).unwrap\\(\\1\\);\n")
			.containsPattern("\t\treturn (\\w+).isInstance\\(this\\) \\|\\| delegate\\(\\).isWrapperFor\\(\\1\\);\n");
	}

	/** A routed method gives its call to the router or the counter as a lambda, with its arguments by shape. */
	@Test
	void routedMethodsGiveTheirCallToTheRouterOrTheCounterAsALambda() throws Exception {
		Compiled compiled = compile(Map.of("sample/Runner.java", """
				package sample;

				public interface Runner {

					int run(String sql, int flags);

					boolean run(String sql, String[] names);

					long[] runAll();

				}
				""", "sample/SubRunner.java", """
				package sample;

				public interface SubRunner extends Runner {

					long runHere();

				}
				""", "sample/Routing.java", """
				package sample;

				public abstract class Routing {

					interface Call<R> {

						R run(Runner on, String text, int option, Object columns);

					}

					interface Count {

						long run(Runner on, String text, int option, Object columns);

					}

					public final java.util.List<String> seen = new java.util.ArrayList<>();

					abstract Runner target();

					<R> R route(Call<R> call, String text, int option, Object columns) {
						this.seen.add("route " + text + " " + option + " " + java.util.Arrays.toString((Object[]) columns));
						return call.run(target(), text, option, columns);
					}

					long tally(Count call, String text, int option, Object columns) {
						this.seen.add("tally " + text + " " + option
								+ ((columns != null) ? " " + java.util.Arrays.toString((Object[]) columns) : ""));
						return call.run(target(), text, option, columns);
					}

				}
				""", "sample/RoutedRunner.java", """
				package sample;

				@io.peerpool.codegen.GenerateDelegation(value = SubRunner.class, delegate = "target",
						delegateThrows = RuntimeException.class, superclass = Routing.class, router = "route",
						counter = "tally", routed = "run*")
				public class RoutedRunner extends DelegatingSubRunner {

					private final SubRunner runner;

					public RoutedRunner(SubRunner runner) {
						this.runner = runner;
					}

					@Override
					SubRunner target() {
						return this.runner;
					}

				}
				"""));
		assertThat(compiled.errors()).isEmpty();
		assertThat(compiled.generated("sample/DelegatingSubRunner.java"))
			.contains("\t\treturn tally((statement, text, option, columns) -> ((SubRunner) statement).runHere(), null, 0,")
			.contains("\t\treturn (int) tally((statement, text, option, columns) -> statement.run(text, option), sql,")
			.contains("? 1 : 0")
			.contains("\t\treturn route((statement, text, option, columns) -> statement.runAll(), null, 0, null);\n");
		Class<?> sub = compiled.load("sample.SubRunner");
		Class<?> runner = compiled.load("sample.Runner");
		Object delegate = Proxy.newProxyInstance(compiled.loader(), new Class<?>[] { sub },
				(proxy, method, arguments) -> switch (method.getName()) {
					case "runAll" -> new long[] { 4 };
					case "runHere" -> 5L;
					default -> (method.getReturnType() == boolean.class) ? (Object) true : (Object) 6;
				});
		Object routed = compiled.load("sample.RoutedRunner").getConstructor(sub).newInstance(delegate);
		assertThat(runner.getMethod("run", String.class, int.class).invoke(routed, "a", 2)).isEqualTo(6);
		assertThat(runner.getMethod("run", String.class, String[].class).invoke(routed, "b", new String[] { "n" }))
			.isEqualTo(true);
		assertThat(runner.getMethod("runAll").invoke(routed)).isEqualTo(new long[] { 4 });
		assertThat(sub.getMethod("runHere").invoke(routed)).isEqualTo(5L);
		assertThat(routed.getClass().getField("seen").get(routed)).asList()
			.containsExactly("tally a 2", "tally b 0 [n]", "route null 0 null", "tally null 0");
	}

	@Test
	void anObservedMethodWithoutItsKindIsAnError() throws Exception {
		Compiled compiled = compile(Map.of("sample/Box.java", BOX, "sample/Kinds.java", """
				package sample;

				final class Kinds {

					static final int SIZE = 1;

				}
				""", "sample/StringBox.java", """
				package sample;

				@io.peerpool.codegen.GenerateDelegation(value = Box.class, delegateThrows = java.io.IOException.class,
						observer = "note", kinds = Kinds.class, observed = { "size", "map" })
				abstract class StringBox extends DelegatingBox<String> {
				}
				"""));
		assertThat(compiled.errors()).anySatisfy((error) -> assertThat(error).contains("Kinds has no int constant MAP"));
	}

	private static boolean isObjectMethod(Method method) {
		try {
			Object.class.getMethod(method.getName(), method.getParameterTypes());
			return true;
		}
		catch (NoSuchMethodException ex) {
			return false;
		}
	}

	private static void invoke(Method method, Object target, Object[] arguments) throws Exception {
		try {
			method.invoke(target, arguments);
		}
		catch (InvocationTargetException ex) {
			throw (Exception) ex.getCause();
		}
	}

	private static Object sample(Class<?> type) {
		if (type == int.class) {
			return 3;
		}
		if (type.isArray()) {
			return java.lang.reflect.Array.newInstance(type.getComponentType(), 2);
		}
		if (type == java.util.Date.class) {
			return new java.util.Date(0);
		}
		if (type == java.sql.Date.class) {
			return new java.sql.Date(86_400_000L);
		}
		if (type == List.class) {
			return List.of("a");
		}
		if (type.isInterface()) {
			return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, (proxy, method, arguments) -> null);
		}
		return "x";
	}

	private Compiled compile(Map<String, String> sources) throws IOException {
		Path sourceDirectory = Files.createDirectories(this.directory.resolve("src"));
		Path generated = Files.createDirectories(this.directory.resolve("generated"));
		Path classes = Files.createDirectories(this.directory.resolve("classes"));
		List<Path> files = new ArrayList<>();
		for (Map.Entry<String, String> source : sources.entrySet()) {
			Path file = sourceDirectory.resolve(source.getKey());
			Files.createDirectories(file.getParent());
			Files.writeString(file, source.getValue());
			files.add(file);
		}
		JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
		DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
		try (StandardJavaFileManager fileManager = compiler.getStandardFileManager(diagnostics, Locale.ROOT,
				StandardCharsets.UTF_8)) {
			List<String> options = List.of("--release", "17", "-Xlint:none", "-d",
					classes.toString(), "-s", generated.toString(), "-classpath", System.getProperty("java.class.path"));
			JavaCompiler.CompilationTask task = compiler.getTask(null, fileManager, diagnostics, options, null,
					fileManager.getJavaFileObjectsFromPaths(files));
			task.setProcessors(List.of(new DelegationProcessor()));
			task.call();
		}
		List<String> errors = diagnostics.getDiagnostics()
			.stream()
			.filter((diagnostic) -> diagnostic.getKind() == Diagnostic.Kind.ERROR)
			.map((diagnostic) -> diagnostic.getMessage(Locale.ROOT))
			.collect(Collectors.toList());
		URLClassLoader loader = new URLClassLoader(new URL[] { classes.toUri().toURL() }, getClass().getClassLoader());
		return new Compiled(errors, generated, loader);
	}

	private record Compiled(List<String> errors, Path generatedDirectory, URLClassLoader loader) {

		String generated(String path) throws IOException {
			return Files.readString(this.generatedDirectory.resolve(path));
		}

		Class<?> load(String name) throws ClassNotFoundException {
			return Class.forName(name, true, this.loader);
		}

	}

}
