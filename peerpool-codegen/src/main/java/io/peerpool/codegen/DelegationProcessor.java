package io.peerpool.codegen;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.ExecutableType;
import javax.lang.model.type.IntersectionType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.TypeVariable;
import javax.lang.model.type.WildcardType;
import javax.lang.model.util.ElementFilter;
import javax.tools.Diagnostic;

import org.jspecify.annotations.Nullable;

/**
 * Writes the delegating base class of each class annotated with {@link GenerateDelegation}. Only
 * {@code javax.lang.model}: no library, nothing at run time. The output is meant to be read (one
 * method after the other, in the interface's order, imports and simple names), like the sources
 * HikariCP generates for its proxies.
 */
@SupportedAnnotationTypes("io.peerpool.codegen.GenerateDelegation")
public final class DelegationProcessor extends AbstractProcessor {

	private static final String ANNOTATION = GenerateDelegation.class.getCanonicalName();

	private static final int LINE_LENGTH = 120;

	@Override
	public SourceVersion getSupportedSourceVersion() {
		return SourceVersion.latestSupported();
	}

	@Override
	public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
		for (TypeElement annotation : annotations) {
			for (Element element : round.getElementsAnnotatedWith(annotation)) {
				AnnotationMirror mirror = mirrorOf(element);
				try {
					generate((TypeElement) element, mirror);
				}
				catch (Failure ex) {
					this.processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, ex.getMessage(), element, mirror);
				}
				catch (IOException ex) {
					this.processingEnv.getMessager()
						.printMessage(Diagnostic.Kind.ERROR, "Cannot write the delegating class: " + ex, element, mirror);
				}
			}
		}
		return true;
	}

	private static AnnotationMirror mirrorOf(Element element) {
		for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
			if (((TypeElement) mirror.getAnnotationType().asElement()).getQualifiedName().contentEquals(ANNOTATION)) {
				return mirror;
			}
		}
		throw new IllegalStateException("No @GenerateDelegation on " + element);
	}

	private void generate(TypeElement annotated, AnnotationMirror mirror) throws IOException {
		Settings settings = new Settings(annotated, mirror);
		TypeElement iface = (TypeElement) settings.iface.asElement();
		if (iface.getKind() != ElementKind.INTERFACE) {
			throw new Failure(iface + " is not an interface");
		}
		String packageName = this.processingEnv.getElementUtils().getPackageOf(annotated).getQualifiedName().toString();
		String name = settings.name.isEmpty() ? "Delegating" + iface.getSimpleName() : settings.name;
		DeclaredType ifaceType = (DeclaredType) iface.asType();

		Map<String, Method> methods = methodsOf(ifaceType);
		Set<String> covered = coveredBy(settings.superclass);
		// what the annotated class implements itself is not generated: the base holds only the pure delegation
		Set<String> own = new LinkedHashSet<>();
		for (ExecutableElement method : ElementFilter.methodsIn(annotated.getEnclosedElements())) {
			own.add(key(method.getSimpleName().toString(), (ExecutableType) method.asType()));
		}
		Set<String> excluded = new LinkedHashSet<>(settings.exclude);
		for (String exclusion : excluded) {
			if (methods.values().stream().noneMatch((method) -> method.name().equals(exclusion))) {
				throw new Failure("exclude names no method of " + iface.getSimpleName() + ": " + exclusion);
			}
		}
		for (String pattern : settings.guarded) {
			if (methods.values().stream().noneMatch((method) -> matches(pattern, method.name()))) {
				throw new Failure("guarded names no method of " + iface.getSimpleName() + ": " + pattern);
			}
		}
		if (!settings.guarded.isEmpty() && settings.guard.isEmpty()) {
			throw new Failure("guarded methods need a guard method");
		}
		Set<String> kinds = checkHooks(settings, iface, methods.values());
		checkPatterns("routed", settings.routed, settings.router, "router", settings, iface, methods.values());
		for (String entry : settings.created) {
			int equals = entry.indexOf('=');
			if (equals <= 0 || equals == entry.length() - 1) {
				throw new Failure("created entry is not name=hook: " + entry);
			}
			checkPatterns("created", List.of(entry.substring(0, equals)), entry.substring(equals + 1), "creator",
					settings, iface, methods.values());
		}
		TypeMirror routedTarget = settings.routed.isEmpty() ? null : routedTarget(settings);
		if (methods.values().stream().anyMatch((method) -> method.name().equals(settings.delegate)
				&& method.element().getParameters().isEmpty())) {
			throw new Failure("delegate " + settings.delegate + "() is a method of " + iface.getSimpleName());
		}

		Imports imports = new Imports(packageName);
		imports.reserve(name);
		StringBuilder body = new StringBuilder();
		String ifaceName = print(ifaceType, imports);
		String throwsDelegate = settings.throwsNothing() ? "" : " throws " + print(settings.delegateThrows, imports);
		if (settings.superclass != null) {
			constructors(name, settings.superclass, imports, body);
		}
		if (!declares(settings.superclass, settings.delegate)) {
			body.append("\t/** What every method below calls. */\n");
			body.append("\tabstract ").append(ifaceName).append(' ').append(settings.delegate).append("()")
				.append(throwsDelegate).append(";\n\n");
		}
		if (!settings.guard.isEmpty() && !declares(settings.superclass, settings.guard)) {
			body.append(comment("Called first by " + settings.guarded.stream()
				.map((pattern) -> "{@code " + pattern + "}")
				.collect(Collectors.joining(", ")) + "."));
			body.append("\tabstract void ").append(settings.guard).append("()").append(throwsDelegate).append(";\n\n");
		}
		TypeElement section = null;
		for (Map.Entry<String, Method> entry : methods.entrySet()) {
			Method method = entry.getValue();
			if (covered.contains(entry.getKey()) || own.contains(entry.getKey()) || excluded.contains(method.name())) {
				continue;
			}
			if (!settings.throwsNothing() && !declares(method.type(), settings.delegateThrows)) {
				throw new Failure(method.owner().getSimpleName() + "." + method.name() + " does not declare "
						+ settings.delegateThrows + ", which " + settings.delegate
						+ "() throws: exclude it and implement it by hand, or change delegateThrows");
			}
			if (method.owner() != section) {
				section = method.owner();
				body.append("\t// ").append(section.getQualifiedName()).append("\n\n");
			}
			boolean guarded = settings.guarded.stream().anyMatch((pattern) -> matches(pattern, method.name()));
			checkHooked(settings, method, methods.values(), kinds);
			String creator = settings.creatorOf(method);
			if (creator != null) {
				if (hookOf(settings, method) != null || settings.routes(method)) {
					throw new Failure("created and observed, recorded or routed both name " + method.name());
				}
				created(method, creator, imports, body);
			}
			else if (settings.routes(method)) {
				if (hookOf(settings, method) != null) {
					throw new Failure("routed and observed or recorded both name " + method.name());
				}
				routed(method, settings, routedTarget, imports, body);
			}
			else {
				method(method, methods.values(), settings, guarded ? settings.guard : null, imports, body);
			}
		}

		StringBuilder source = new StringBuilder();
		if (!packageName.isEmpty()) {
			source.append("package ").append(packageName).append(";\n\n");
		}
		String generated = imports.use("javax.annotation.processing.Generated");
		String superclass = (settings.superclass != null) ? " extends " + print(settings.superclass.asType(), imports)
				: "";
		int group = -1;
		for (String line : imports.lines()) {
			if (group >= 0 && Imports.group(line) != group) {
				source.append('\n');
			}
			group = Imports.group(line);
			source.append("import ").append(line).append(";\n");
		}
		StringBuilder about = new StringBuilder();
		about.append("The methods of {@link ").append(imports.use(iface)).append("} that {@link ")
			.append(annotated.getSimpleName())
			.append("} does not implement itself: each calls the same method of {@link #")
			.append(settings.delegate)
			.append("()}");
		if (!settings.guard.isEmpty()) {
			about.append(", some after {@link #").append(settings.guard).append("()}");
		}
		if (!settings.observed.isEmpty()) {
			about.append(", some passing what it returns through {@code ").append(settings.observer)
				.append("} with their kind in {@link ").append(imports.use(settings.kinds)).append('}');
		}
		if (!settings.recorded.isEmpty()) {
			about.append("; some call {@code ").append(settings.recorder).append("} with their kind in {@link ")
				.append(imports.use(settings.kinds)).append("} instead");
		}
		if (!settings.routed.isEmpty()) {
			about.append("; some give their call to {@code ").append(settings.router).append("} or {@code ")
				.append(settings.counter).append("} as a lambda instead");
		}
		about.append('.');
		if (!excluded.isEmpty()) {
			about.append(" Left to the interface's default: ")
				.append(excluded.stream().map((method) -> "{@code " + method + "}").collect(Collectors.joining(", ")))
				.append('.');
		}
		source.append("\n/**\n").append(lines(about.toString(), " *")).append(" *\n");
		source.append(lines("<p>Generated at build time by {@code " + getClass().getName()
				+ "}: change the class or its {@code @GenerateDelegation}, not this file.", " *"));
		source.append(" */\n");
		source.append('@').append(generated).append("(\"").append(getClass().getName()).append("\")\n");
		source.append("abstract class ").append(name).append(typeParameters(iface, imports)).append(superclass)
			.append(" implements ").append(ifaceName).append(" {\n\n");
		source.append(body);
		// no blank line before the closing brace
		source.setLength(source.length() - 1);
		source.append("}\n");

		String qualified = packageName.isEmpty() ? name : packageName + "." + name;
		try (Writer writer = this.processingEnv.getFiler().createSourceFile(qualified, annotated).openWriter()) {
			writer.write(source.toString());
		}
	}

	/** The interface's methods, its own first and then the inherited ones, each once (the most specific declaration). */
	private Map<String, Method> methodsOf(DeclaredType root) {
		Map<String, Method> methods = new LinkedHashMap<>();
		Set<String> objectMethods = new LinkedHashSet<>();
		TypeElement object = this.processingEnv.getElementUtils().getTypeElement("java.lang.Object");
		for (ExecutableElement method : ElementFilter.methodsIn(object.getEnclosedElements())) {
			objectMethods.add(key(method.getSimpleName().toString(), (ExecutableType) method.asType()));
		}
		collect(root, root, methods, objectMethods);
		return methods;
	}

	private void collect(DeclaredType root, DeclaredType type, Map<String, Method> methods, Set<String> objectMethods) {
		TypeElement element = (TypeElement) type.asElement();
		for (ExecutableElement method : ElementFilter.methodsIn(element.getEnclosedElements())) {
			Set<Modifier> modifiers = method.getModifiers();
			if (modifiers.contains(Modifier.STATIC) || modifiers.contains(Modifier.PRIVATE)) {
				continue;
			}
			ExecutableType member = (ExecutableType) this.processingEnv.getTypeUtils().asMemberOf(root, method);
			String key = key(method.getSimpleName().toString(), member);
			if (!objectMethods.contains(key)) {
				methods.putIfAbsent(key, new Method(element, method, member));
			}
		}
		for (TypeMirror supertype : this.processingEnv.getTypeUtils().directSupertypes(type)) {
			if (supertype.getKind() == TypeKind.DECLARED
					&& ((DeclaredType) supertype).asElement().getKind() == ElementKind.INTERFACE) {
				collect(root, (DeclaredType) supertype, methods, objectMethods);
			}
		}
	}

	private String key(String name, ExecutableType type) {
		return name + type.getParameterTypes()
			.stream()
			.map((parameter) -> this.processingEnv.getTypeUtils().erasure(parameter).toString())
			.collect(Collectors.joining(",", "(", ")"));
	}

	/**
	 * The methods the superclass already implements: those of every interface it or one of its
	 * superclasses declares, or has a delegating class generated for. Read from the declarations, so
	 * that a superclass whose own generated superclass does not exist yet (this round) counts too.
	 */
	private Set<String> coveredBy(@Nullable TypeElement superclass) {
		Set<String> covered = new LinkedHashSet<>();
		TypeElement current = superclass;
		while (current != null) {
			for (TypeMirror iface : current.getInterfaces()) {
				if (iface.getKind() == TypeKind.DECLARED) {
					covered.addAll(methodsOf((DeclaredType) iface).keySet());
				}
			}
			for (AnnotationMirror mirror : current.getAnnotationMirrors()) {
				if (((TypeElement) mirror.getAnnotationType().asElement()).getQualifiedName().contentEquals(ANNOTATION)) {
					covered.addAll(methodsOf(new Settings(current, mirror).iface).keySet());
				}
			}
			TypeMirror next = current.getSuperclass();
			current = (next.getKind() == TypeKind.DECLARED) ? (TypeElement) ((DeclaredType) next).asElement() : null;
		}
		return covered;
	}

	/** Whether {@code type} or a superclass declares a no-argument method {@code name}. */
	private boolean declares(@Nullable TypeElement type, String name) {
		if (type == null) {
			return false;
		}
		return ElementFilter.methodsIn(this.processingEnv.getElementUtils().getAllMembers(type))
			.stream()
			.anyMatch((method) -> method.getSimpleName().contentEquals(name) && method.getParameters().isEmpty());
	}

	private boolean declares(ExecutableType method, DeclaredType exception) {
		return method.getThrownTypes()
			.stream()
			.anyMatch((thrown) -> this.processingEnv.getTypeUtils().isSubtype(exception, thrown));
	}

	/** The observer or the recorder that {@code method} calls, or {@code null} when it only delegates. */
	private static @Nullable String hookOf(Settings settings, Method method) {
		if (settings.observed.stream().anyMatch((pattern) -> matches(pattern, method.name()))) {
			return settings.observer;
		}
		if (settings.recorded.stream().anyMatch((pattern) -> matches(pattern, method.name()))) {
			return settings.recorder;
		}
		return null;
	}

	/**
	 * The observed and recorded patterns name methods, none guarded, and have their hook and kinds.
	 * @return the names of the {@code int} constants of the kinds
	 */
	private Set<String> checkHooks(Settings settings, TypeElement iface, Collection<Method> methods) {
		checkPatterns("observed", settings.observed, settings.observer, "observer", settings, iface, methods);
		checkPatterns("recorded", settings.recorded, settings.recorder, "recorder", settings, iface, methods);
		Set<String> constants = new LinkedHashSet<>();
		if (settings.observed.isEmpty() && settings.recorded.isEmpty()) {
			return constants;
		}
		if (settings.kinds == null) {
			throw new Failure("observed and recorded methods need the kinds class that names their kinds");
		}
		for (VariableElement field : ElementFilter.fieldsIn(settings.kinds.getEnclosedElements())) {
			if (field.getModifiers().contains(Modifier.STATIC) && field.asType().getKind() == TypeKind.INT) {
				constants.add(field.getSimpleName().toString());
			}
		}
		return constants;
	}

	/** A generated method that calls a hook: it returns a value when observed and nothing when recorded, and has its kind. */
	private void checkHooked(Settings settings, Method method, Collection<Method> methods, Set<String> kinds) {
		String hook = hookOf(settings, method);
		if (hook == null || settings.kinds == null) {
			return;
		}
		boolean returnsNothing = method.type().getReturnType().getKind() == TypeKind.VOID;
		if (hook.equals(settings.observer) && returnsNothing) {
			throw new Failure("observed method " + method.name() + " returns nothing to observe");
		}
		if (hook.equals(settings.recorder) && !returnsNothing) {
			throw new Failure("recorded method " + method.name() + " returns a value the recorder cannot give");
		}
		String kind = kind(method, methods);
		if (!kinds.contains(kind)) {
			throw new Failure(settings.kinds.getSimpleName() + " has no int constant " + kind + " for "
					+ method.name() + method.type().getParameterTypes());
		}
	}

	private static void checkPatterns(String what, List<String> patterns, String hook, String hookName,
			Settings settings, TypeElement iface, Collection<Method> methods) {
		if (patterns.isEmpty()) {
			return;
		}
		if (hook.isEmpty()) {
			throw new Failure(what + " methods need " + ((hookName.startsWith("o")) ? "an " : "a ") + hookName
					+ " method");
		}
		for (String pattern : patterns) {
			if (methods.stream().noneMatch((method) -> matches(pattern, method.name()))) {
				throw new Failure(what + " names no method of " + iface.getSimpleName() + ": " + pattern);
			}
			if (settings.guarded.stream().anyMatch((guarded) -> matches(guarded, pattern) || matches(pattern, guarded))) {
				throw new Failure(what + " and guarded both name " + pattern);
			}
		}
	}

	/**
	 * A hooked method's kind: its name, then the types of its parameters after the first that not
	 * every method of that name shares ({@code getBigDecimal(int, int)} is {@code GET_BIG_DECIMAL_INT},
	 * {@code setDate(int, Date, Calendar)} {@code SET_DATE_CALENDAR}).
	 */
	private String kind(Method method, Collection<Method> methods) {
		List<String> types = parameterNames(method);
		int shared = types.size();
		for (Method overload : methods) {
			if (overload.name().equals(method.name())) {
				List<String> other = parameterNames(overload);
				int common = 0;
				while (common < Math.min(shared, other.size()) && types.get(common).equals(other.get(common))) {
					common++;
				}
				shared = common;
			}
		}
		StringBuilder kind = new StringBuilder(upperSnake(method.name()));
		for (String type : types.subList(shared, types.size())) {
			kind.append('_').append(upperSnake(type));
		}
		return kind.toString();
	}

	/** The simple names of the types of a method's parameters after the first. */
	private List<String> parameterNames(Method method) {
		List<String> names = new ArrayList<>();
		List<? extends TypeMirror> parameters = method.type().getParameterTypes();
		for (int i = 1; i < parameters.size(); i++) {
			TypeMirror erased = this.processingEnv.getTypeUtils().erasure(parameters.get(i));
			String simple = (erased.getKind() == TypeKind.DECLARED)
					? ((DeclaredType) erased).asElement().getSimpleName().toString() : erased.toString();
			names.add(simple.replace("[]", "Array"));
		}
		return names;
	}

	/** {@code getNString} as {@code GET_N_STRING}, {@code getURL} as {@code GET_URL}. */
	static String upperSnake(String name) {
		StringBuilder snake = new StringBuilder();
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			if (i > 0 && Character.isUpperCase(c) && (Character.isLowerCase(name.charAt(i - 1))
					|| (i + 1 < name.length() && Character.isLowerCase(name.charAt(i + 1))
							&& Character.isUpperCase(name.charAt(i - 1))))) {
				snake.append('_');
			}
			snake.append(Character.toUpperCase(c));
		}
		return snake.toString();
	}

	private static boolean matches(String pattern, String name) {
		return pattern.endsWith("*") ? name.startsWith(pattern.substring(0, pattern.length() - 1)) : name.equals(pattern);
	}

	private void constructors(String name, TypeElement superclass, Imports imports, StringBuilder body) {
		for (ExecutableElement constructor : ElementFilter.constructorsIn(superclass.getEnclosedElements())) {
			if (constructor.getModifiers().contains(Modifier.PRIVATE)) {
				continue;
			}
			ExecutableType type = (ExecutableType) constructor.asType();
			if (type.getParameterTypes().isEmpty() && type.getThrownTypes().isEmpty() && type.getTypeVariables().isEmpty()) {
				// the default constructor is implicit
				continue;
			}
			String signature = "\t" + typeVariables(type.getTypeVariables(), imports) + name + "("
					+ parameters(constructor, type, imports) + ")" + thrown(type, imports) + " {";
			body.append(wrap(signature)).append('\n');
			body.append("\t\tsuper(").append(arguments(constructor)).append(");\n");
			body.append("\t}\n\n");
		}
	}

	private void method(Method method, Collection<Method> methods, Settings settings, @Nullable String guard,
			Imports imports, StringBuilder body) {
		ExecutableType type = method.type();
		boolean wrapper = method.owner().getQualifiedName().contentEquals("java.sql.Wrapper");
		body.append("\t@Override\n");
		if (wrapper && method.name().equals("unwrap")) {
			body.append("\t@SuppressWarnings(\"unchecked\")\n");
		}
		if (this.processingEnv.getElementUtils().isDeprecated(method.element())) {
			// a call to a deprecated method from a deprecated one is no warning
			body.append("\t@Deprecated\n");
		}
		String returnType = print(type.getReturnType(), imports);
		String signature = "\tpublic " + typeVariables(type.getTypeVariables(), imports) + returnType + " "
				+ method.name() + "(" + parameters(method.element(), type, imports) + ")" + thrown(type, imports) + " {";
		body.append(wrap(signature)).append('\n');
		if (guard != null) {
			body.append("\t\t").append(guard).append("();\n");
		}
		String arguments = arguments(method.element());
		String call = settings.delegate + "()." + method.name() + "(" + arguments + ")";
		String hook = hookOf(settings, method);
		if (wrapper && guard == null && hook == null && method.element().getParameters().size() == 1) {
			// JDBC: a wrapper answers for itself first, then for what it wraps
			String asked = arguments + ".isInstance(this)";
			body.append("\t\treturn ").append(method.name().equals("unwrap")
					? asked + " ? (" + print(type.getReturnType(), imports) + ") this : " + call
					: asked + " || " + call).append(";\n");
		}
		else if (hook != null && hook.equals(settings.recorder)) {
			body.append(wrap("\t\t" + hook + "(" + imports.use(settings.kinds) + "." + kind(method, methods)
					+ packed(method) + ");")).append('\n');
		}
		else if (hook != null && type.getReturnType().getKind().isPrimitive()) {
			// the observer takes a primitive as a long: one overload for every primitive type, nothing boxed
			requireNoParameterNamed(method, "observed", "result");
			body.append("\t\t").append(returnType).append(" result = ").append(call).append(";\n");
			body.append(wrap("\t\t" + hook + "(" + asLong(type.getReturnType().getKind(), "result") + ", "
					+ imports.use(settings.kinds) + "." + kind(method, methods)
					+ (arguments.isEmpty() ? "" : ", " + arguments) + ");")).append('\n');
			body.append("\t\treturn result;\n");
		}
		else if (hook != null) {
			body.append(wrap("\t\treturn " + hook + "(" + call + ", " + imports.use(settings.kinds) + "."
					+ kind(method, methods) + (arguments.isEmpty() ? "" : ", " + arguments) + ");")).append('\n');
		}
		else {
			body.append("\t\t").append((type.getReturnType().getKind() == TypeKind.VOID) ? "" : "return ")
				.append(call).append(";\n");
		}
		body.append("\t}\n\n");
	}

	/** The names the generated body of {@code method} gives a local or a lambda's parameters: none of its own may clash. */
	private static void requireNoParameterNamed(Method method, String what, String... generated) {
		for (VariableElement parameter : method.element().getParameters()) {
			String name = parameter.getSimpleName().toString();
			if (List.of(generated).contains(name)) {
				throw new Failure(what + " method " + method.name() + " has a parameter named as the generated code's: "
						+ name);
			}
		}
	}

	/**
	 * A recorded method's arguments as the recorder takes them (after the kind): its parameter index
	 * (a first {@code int} followed by others) if it has one, then its primitives as one
	 * {@code long} (0 without any; two {@code int}s high and low), then its objects ({@code null}
	 * without any), at most two.
	 */
	private String packed(Method method) {
		List<? extends VariableElement> parameters = method.element().getParameters();
		List<? extends TypeMirror> types = method.type().getParameterTypes();
		StringBuilder packed = new StringBuilder();
		int first = 0;
		if (types.size() > 1 && types.get(0).getKind() == TypeKind.INT) {
			packed.append(", ").append(parameters.get(0).getSimpleName());
			first = 1;
		}
		List<String> numbers = new ArrayList<>();
		List<String> objects = new ArrayList<>();
		boolean onlyInts = true;
		for (int i = first; i < types.size(); i++) {
			String name = parameters.get(i).getSimpleName().toString();
			TypeKind kind = types.get(i).getKind();
			if (kind.isPrimitive()) {
				numbers.add(asLong(kind, name));
				onlyInts &= kind == TypeKind.INT;
			}
			else {
				objects.add(name);
			}
		}
		if (numbers.size() > 2 || (numbers.size() == 2 && !onlyInts) || objects.size() > 2) {
			throw new Failure("recorded method " + method.name() + " has parameters the recorder cannot take: "
					+ types);
		}
		String number = switch (numbers.size()) {
			case 0 -> "0";
			case 1 -> numbers.get(0);
			default -> "((long) " + numbers.get(0) + " << 32) | (" + numbers.get(1) + " & 0xFFFFFFFFL)";
		};
		packed.append(", ").append(number).append(", ").append(objects.isEmpty() ? "null" : objects.get(0));
		if (objects.size() == 2) {
			packed.append(", ").append(objects.get(1));
		}
		return packed.toString();
	}

	/** A primitive as a {@code long}: a boolean as 1 or 0, a float or a double by its bits. */
	private static String asLong(TypeKind kind, String name) {
		return switch (kind) {
			case BOOLEAN -> name + " ? 1 : 0";
			case FLOAT -> "Float.floatToIntBits(" + name + ")";
			case DOUBLE -> "Double.doubleToLongBits(" + name + ")";
			default -> name;
		};
	}

	/**
	 * A routed method: its call on the statement the hook gives, as a lambda that captures nothing
	 * ({@code (statement, text, option, columns) -> ...}), passed to the router (a reference result)
	 * or the counter (a number, or a boolean as 1 or 0: nothing boxed) with the method's arguments by
	 * shape: its {@code String} as the text, its {@code int} as the option, any other as the columns
	 * (cast back in the lambda); {@code null} or 0 where the method has none.
	 */
	private void routed(Method method, Settings settings, @Nullable TypeMirror target, Imports imports,
			StringBuilder body) {
		ExecutableType type = method.type();
		List<? extends VariableElement> names = method.element().getParameters();
		List<? extends TypeMirror> types = type.getParameterTypes();
		String text = "null";
		String option = "0";
		String columns = "null";
		requireNoParameterNamed(method, "routed", "statement", "text", "option", "columns");
		List<String> passed = new ArrayList<>();
		for (int i = 0; i < types.size(); i++) {
			TypeMirror parameter = types.get(i);
			String name = names.get(i).getSimpleName().toString();
			if (parameter.getKind() == TypeKind.INT && option.equals("0")) {
				option = name;
				passed.add("option");
			}
			else if (parameter.toString().equals("java.lang.String") && text.equals("null")) {
				text = name;
				passed.add("text");
			}
			else if ((parameter.getKind() == TypeKind.ARRAY || parameter.getKind() == TypeKind.DECLARED)
					&& columns.equals("null")) {
				columns = name;
				passed.add("(" + print(parameter, imports) + ") columns");
			}
			else {
				throw new Failure("routed method " + method.name() + " has a parameter the router cannot pass: "
						+ parameter);
			}
		}
		TypeMirror owner = this.processingEnv.getTypeUtils().erasure(method.owner().asType());
		String statement = (target == null || this.processingEnv.getTypeUtils().isAssignable(target, owner))
				? "statement" : "((" + print(owner, imports) + ") statement)";
		String call = statement + "." + method.name() + "(" + String.join(", ", passed) + ")";
		String arguments = ", " + text + ", " + option + ", " + columns + ")";
		String lambda = "(statement, text, option, columns) -> ";
		TypeKind result = type.getReturnType().getKind();
		if (result != TypeKind.DECLARED && result != TypeKind.ARRAY && settings.counter.isEmpty()) {
			throw new Failure("routed method " + method.name() + " returns a " + result + ": it needs a counter method");
		}
		String statementLine = switch (result) {
			case DECLARED, ARRAY -> "return " + settings.router + "(" + lambda + call + arguments + ";";
			case INT -> "return (int) " + settings.counter + "(" + lambda + call + arguments + ";";
			case LONG -> "return " + settings.counter + "(" + lambda + call + arguments + ";";
			case BOOLEAN -> "return " + settings.counter + "(" + lambda + call + " ? 1 : 0" + arguments + " != 0;";
			default -> throw new Failure("routed method " + method.name() + " returns a " + result
					+ ", which neither the router nor the counter gives");
		};
		body.append("\t@Override\n");
		String signature = "	public " + typeVariables(type.getTypeVariables(), imports)
				+ print(type.getReturnType(), imports) + " " + method.name() + "("
				+ parameters(method.element(), type, imports) + ")" + thrown(type, imports) + " {";
		body.append(wrap(signature)).append('\n');
		body.append(wrap("\t\t" + statementLine)).append('\n');
		body.append("\t}\n\n");
	}

	/**
	 * A created method: {@code return hook(text, (connection, text) -> connection.method(...));}, its
	 * first {@code String} parameter given to the hook and to the lambda as {@code text}, the others
	 * captured; without a {@code String}, only the lambda.
	 */
	private void created(Method method, String hook, Imports imports, StringBuilder body) {
		ExecutableType type = method.type();
		List<? extends VariableElement> names = method.element().getParameters();
		List<? extends TypeMirror> types = type.getParameterTypes();
		requireNoParameterNamed(method, "created", "connection", "text");
		String text = null;
		List<String> passed = new ArrayList<>();
		for (int i = 0; i < types.size(); i++) {
			String name = names.get(i).getSimpleName().toString();
			if (text == null && types.get(i).toString().equals("java.lang.String")) {
				text = name;
				passed.add("text");
			}
			else {
				passed.add(name);
			}
		}
		String lambda = "(connection, text) -> connection." + method.name() + "(" + String.join(", ", passed) + ")";
		body.append("\t@Override\n");
		String signature = "\tpublic " + typeVariables(type.getTypeVariables(), imports)
				+ print(type.getReturnType(), imports) + " " + method.name() + "("
				+ parameters(method.element(), type, imports) + ")" + thrown(type, imports) + " {";
		body.append(wrap(signature)).append('\n');
		body.append(wrap("\t\treturn " + hook + "(" + ((text != null) ? text + ", " : "") + lambda + ");")).append('\n');
		body.append("\t}\n\n");
	}

	/**
	 * The type of the statement the router gives its lambda: the first parameter of the functional
	 * interface the router takes, found in the superclass or, past a delegating class not generated
	 * yet (this round), in the superclass its annotation names; {@code null} when not found.
	 */
	private @Nullable TypeMirror routedTarget(Settings settings) {
		TypeElement current = settings.superclass;
		while (current != null) {
			for (ExecutableElement method : ElementFilter.methodsIn(current.getEnclosedElements())) {
				if (method.getSimpleName().contentEquals(settings.router) && !method.getParameters().isEmpty()
						&& method.getParameters().get(0).asType().getKind() == TypeKind.DECLARED) {
					TypeElement function = (TypeElement) ((DeclaredType) method.getParameters().get(0).asType())
						.asElement();
					for (ExecutableElement run : ElementFilter.methodsIn(function.getEnclosedElements())) {
						if (run.getModifiers().contains(Modifier.ABSTRACT) && !run.getParameters().isEmpty()) {
							return this.processingEnv.getTypeUtils().erasure(run.getParameters().get(0).asType());
						}
					}
				}
			}
			TypeMirror next = current.getSuperclass();
			current = (next.getKind() == TypeKind.DECLARED) ? (TypeElement) ((DeclaredType) next).asElement()
					: generatedSuperclass(current);
		}
		return null;
	}

	/** The superclass the annotation of {@code type} gives its generated delegating class, or {@code null}. */
	private @Nullable TypeElement generatedSuperclass(TypeElement type) {
		for (AnnotationMirror mirror : type.getAnnotationMirrors()) {
			if (((TypeElement) mirror.getAnnotationType().asElement()).getQualifiedName().contentEquals(ANNOTATION)) {
				return new Settings(type, mirror).superclass;
			}
		}
		return null;
	}

	private String parameters(ExecutableElement element, ExecutableType type, Imports imports) {
		List<String> parameters = new ArrayList<>();
		List<? extends VariableElement> names = element.getParameters();
		List<? extends TypeMirror> types = type.getParameterTypes();
		for (int i = 0; i < types.size(); i++) {
			TypeMirror parameter = types.get(i);
			String printed;
			if (element.isVarArgs() && i == types.size() - 1 && parameter.getKind() == TypeKind.ARRAY) {
				printed = print(((ArrayType) parameter).getComponentType(), imports) + "...";
			}
			else {
				printed = print(parameter, imports);
			}
			parameters.add(printed + " " + names.get(i).getSimpleName());
		}
		return String.join(", ", parameters);
	}

	private static String arguments(ExecutableElement element) {
		return element.getParameters()
			.stream()
			.map((parameter) -> parameter.getSimpleName().toString())
			.collect(Collectors.joining(", "));
	}

	private String thrown(ExecutableType type, Imports imports) {
		if (type.getThrownTypes().isEmpty()) {
			return "";
		}
		return type.getThrownTypes()
			.stream()
			.map((thrown) -> print(thrown, imports))
			.collect(Collectors.joining(", ", " throws ", ""));
	}

	private String typeParameters(TypeElement type, Imports imports) {
		List<TypeVariable> variables = new ArrayList<>();
		type.getTypeParameters().forEach((parameter) -> variables.add((TypeVariable) parameter.asType()));
		String printed = typeVariables(variables, imports);
		return printed.isEmpty() ? "" : printed.substring(0, printed.length() - 1);
	}

	/** {@code <T, R extends Number> }, with the trailing space; empty without type variables. */
	private String typeVariables(List<? extends TypeVariable> variables, Imports imports) {
		if (variables.isEmpty()) {
			return "";
		}
		List<String> printed = new ArrayList<>();
		for (TypeVariable variable : variables) {
			String bound = print(variable.getUpperBound(), imports);
			printed.add(variable.asElement().getSimpleName()
					+ (bound.equals("Object") || bound.equals("java.lang.Object") ? "" : " extends " + bound));
		}
		return "<" + String.join(", ", printed) + "> ";
	}

	/** A type as source, with simple names where an import makes them unambiguous. */
	private String print(TypeMirror type, Imports imports) {
		switch (type.getKind()) {
			case ARRAY:
				return print(((ArrayType) type).getComponentType(), imports) + "[]";
			case DECLARED: {
				DeclaredType declared = (DeclaredType) type;
				String name = imports.use((TypeElement) declared.asElement());
				if (declared.getTypeArguments().isEmpty()) {
					return name;
				}
				return declared.getTypeArguments()
					.stream()
					.map((argument) -> print(argument, imports))
					.collect(Collectors.joining(", ", name + "<", ">"));
			}
			case TYPEVAR:
				return ((TypeVariable) type).asElement().getSimpleName().toString();
			case WILDCARD: {
				WildcardType wildcard = (WildcardType) type;
				if (wildcard.getExtendsBound() != null) {
					return "? extends " + print(wildcard.getExtendsBound(), imports);
				}
				if (wildcard.getSuperBound() != null) {
					return "? super " + print(wildcard.getSuperBound(), imports);
				}
				return "?";
			}
			case INTERSECTION:
				return ((IntersectionType) type).getBounds()
					.stream()
					.map((bound) -> print(bound, imports))
					.collect(Collectors.joining(" & "));
			default:
				// primitives and void; an unresolved type as javac has it
				return type.toString();
		}
	}

	/** A Javadoc comment one tab in, its words wrapped at the line length. */
	private static String comment(String text) {
		if (width("\t/** " + text + " */") <= LINE_LENGTH) {
			return "\t/** " + text + " */\n";
		}
		return "\t/**\n" + lines(text, "\t *") + "\t */\n";
	}

	/** {@code text} in lines that start with {@code prefix}, its words wrapped at the line length. */
	private static String lines(String text, String prefix) {
		StringBuilder lines = new StringBuilder();
		StringBuilder line = new StringBuilder(prefix);
		// an inline tag stays on one line
		for (String word : text.replace("{@code ", "{@code\u00A0").split(" ")) {
			word = word.replace('\u00A0', ' ');
			if (line.length() > prefix.length() && width(line + " " + word) > LINE_LENGTH) {
				lines.append(line).append('\n');
				line = new StringBuilder(prefix);
			}
			line.append(' ').append(word);
		}
		return lines.append(line).append('\n').toString();
	}

	/** Breaks a signature longer than a line after a comma or before {@code throws}, continued two tabs further in. */
	private static String wrap(String line) {
		StringBuilder wrapped = new StringBuilder();
		String rest = line;
		while (width(rest) > LINE_LENGTH) {
			int limit = rest.length() - (width(rest) - LINE_LENGTH);
			int at = Math.max(rest.lastIndexOf(", ", limit - 2) + 1, rest.lastIndexOf(" throws ", limit));
			if (at <= 0) {
				break;
			}
			wrapped.append(rest, 0, at).append('\n');
			rest = "\t\t\t" + rest.substring(at + 1);
		}
		return wrapped.append(rest).toString();
	}

	private static int width(String line) {
		int tabs = 0;
		while (tabs < line.length() && line.charAt(tabs) == '\t') {
			tabs++;
		}
		return line.length() + 3 * tabs;
	}

	/** The values of one {@code @GenerateDelegation}, defaults included. */
	private final class Settings {

		final DeclaredType iface;

		final String delegate;

		final DeclaredType delegateThrows;

		final @Nullable TypeElement superclass;

		final String name;

		final List<String> exclude;

		final String guard;

		final List<String> guarded;

		final String observer;

		final List<String> observed;

		final String recorder;

		final List<String> recorded;

		final @Nullable TypeElement kinds;

		final String router;

		final String counter;

		final List<String> routed;

		final List<String> created;

		Settings(TypeElement annotated, AnnotationMirror mirror) {
			Map<String, Object> values = new TreeMap<>();
			DelegationProcessor.this.processingEnv.getElementUtils()
				.getElementValuesWithDefaults(mirror)
				.forEach((key, value) -> values.put(key.getSimpleName().toString(), value.getValue()));
			Object iface = values.get("value");
			if (!(iface instanceof DeclaredType)) {
				throw new Failure("value is not a resolvable interface: " + iface);
			}
			this.iface = (DeclaredType) iface;
			this.delegate = (String) values.get("delegate");
			this.delegateThrows = (DeclaredType) values.get("delegateThrows");
			TypeElement superclass = (TypeElement) ((DeclaredType) values.get("superclass")).asElement();
			this.superclass = superclass.getQualifiedName().contentEquals("java.lang.Object") ? null : superclass;
			this.name = (String) values.get("name");
			this.exclude = DelegationProcessor.strings(values.get("exclude"));
			this.guard = (String) values.get("guard");
			this.guarded = DelegationProcessor.strings(values.get("guarded"));
			this.observer = (String) values.get("observer");
			this.observed = DelegationProcessor.strings(values.get("observed"));
			this.recorder = (String) values.get("recorder");
			this.recorded = DelegationProcessor.strings(values.get("recorded"));
			TypeElement kinds = (TypeElement) ((DeclaredType) values.get("kinds")).asElement();
			this.kinds = kinds.getQualifiedName().contentEquals("java.lang.Object") ? null : kinds;
			this.router = (String) values.get("router");
			this.counter = (String) values.get("counter");
			this.routed = DelegationProcessor.strings(values.get("routed"));
			this.created = DelegationProcessor.strings(values.get("created"));
		}

		/** The hook of a {@link GenerateDelegation#created()} method, or {@code null}. */
		@Nullable String creatorOf(Method method) {
			for (String entry : this.created) {
				int equals = entry.indexOf('=');
				if (matches(entry.substring(0, equals), method.name())) {
					return entry.substring(equals + 1);
				}
			}
			return null;
		}

		boolean routes(Method method) {
			return this.routed.stream().anyMatch((pattern) -> matches(pattern, method.name()));
		}

		boolean throwsNothing() {
			TypeElement runtime = DelegationProcessor.this.processingEnv.getElementUtils()
				.getTypeElement("java.lang.RuntimeException");
			return DelegationProcessor.this.processingEnv.getTypeUtils().isSubtype(this.delegateThrows, runtime.asType());
		}

	}

	private static List<String> strings(Object value) {
		List<String> strings = new ArrayList<>();
		for (Object item : (List<?>) value) {
			strings.add((String) ((AnnotationValue) item).getValue());
		}
		return strings;
	}

	/** One interface method as a member of the interface the class implements (type variables substituted). */
	private record Method(TypeElement owner, ExecutableElement element, ExecutableType type) {

		String name() {
			return this.element.getSimpleName().toString();
		}

	}

	/** The imports of the generated file: a simple name is imported once; another type of that name stays qualified. */
	private static final class Imports {

		private final String packageName;

		private final Map<String, String> bySimpleName = new TreeMap<>();

		private final Set<String> imported = new LinkedHashSet<>();

		Imports(String packageName) {
			this.packageName = packageName;
		}

		/** A simple name taken by the generated class itself. */
		void reserve(String simpleName) {
			this.bySimpleName.put(simpleName, this.packageName + "." + simpleName);
		}

		String use(TypeElement type) {
			// a nested type is imported through its top-level type: Outer.Inner
			TypeElement top = type;
			StringBuilder nested = new StringBuilder();
			while (top.getEnclosingElement() instanceof TypeElement outer) {
				nested.insert(0, "." + top.getSimpleName());
				top = outer;
			}
			String qualified = top.getQualifiedName().toString();
			String simple = top.getSimpleName().toString();
			PackageElement owner = (PackageElement) top.getEnclosingElement();
			String ownerName = owner.getQualifiedName().toString();
			if (ownerName.equals(this.packageName) || ownerName.equals("java.lang")) {
				String existing = this.bySimpleName.putIfAbsent(simple, qualified);
				if (existing == null || existing.equals(qualified)) {
					return simple + nested;
				}
				return qualified + nested;
			}
			String existing = this.bySimpleName.putIfAbsent(simple, qualified);
			if (existing != null && !existing.equals(qualified)) {
				return qualified + nested;
			}
			this.imported.add(qualified);
			return simple + nested;
		}

		String use(String qualified) {
			int dot = qualified.lastIndexOf('.');
			String simple = qualified.substring(dot + 1);
			String existing = this.bySimpleName.putIfAbsent(simple, qualified);
			if (existing != null && !existing.equals(qualified)) {
				return qualified;
			}
			this.imported.add(qualified);
			return simple;
		}

		/** In the order the project writes them: {@code java.*}, {@code javax.*}, then the others. */
		List<String> lines() {
			List<String> lines = new ArrayList<>(this.imported);
			lines.sort((a, b) -> {
				int order = Integer.compare(group(a), group(b));
				return (order != 0) ? order : a.compareTo(b);
			});
			return lines;
		}

		static int group(String name) {
			return name.startsWith("java.") ? 0 : name.startsWith("javax.") ? 1 : 2;
		}

	}

	/** A mistake in an annotation: reported on it, as a compile error. */
	private static final class Failure extends RuntimeException {

		Failure(String message) {
			super(message);
		}

	}

}
