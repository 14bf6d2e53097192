package io.peerpool.web;

import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.peerpool.routing.RouteIntent;
import io.peerpool.web.RouteOverrides.InvalidOverrideException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** {@code web.overrides}: parsing, first match wins, clear errors for keys that can match nothing. */
class RouteOverridesTests {

	private static final ClassLoader LOADER = RouteOverridesTests.class.getClassLoader();

	@Test
	void firstMatchingOverrideWinsInDeclaredOrder() {
		Map<String, RouteIntent> declared = new LinkedHashMap<>();
		declared.put("/admin/reports/**", RouteIntent.REPLICA);
		declared.put("/admin/**", RouteIntent.PRIMARY);
		RouteOverrides overrides = RouteOverrides.of(declared, LOADER);

		assertThat(overrides.match("/admin/reports/monthly", null, null)).isEqualTo(RouteIntent.REPLICA);
		assertThat(overrides.match("/admin/users", null, null)).isEqualTo(RouteIntent.PRIMARY);
		assertThat(overrides.match("/notes", null, null)).isNull();
	}

	@Test
	void aHandlerOverrideMatchesItsMethodAlsoOnASubclassBean() throws NoSuchMethodException {
		RouteOverrides overrides = RouteOverrides
			.of(Map.of(Reports.class.getName() + "#export", RouteIntent.REPLICA), LOADER);
		Method export = Reports.class.getDeclaredMethod("export");
		Method other = Reports.class.getDeclaredMethod("list");

		assertThat(overrides.match("/anything", export, Reports.class)).isEqualTo(RouteIntent.REPLICA);
		assertThat(overrides.match("/anything", export, ProxiedReports.class)).isEqualTo(RouteIntent.REPLICA);
		assertThat(overrides.match("/anything", other, Reports.class)).isNull();
		// a request without a handler (a 404, a static resource) matches no handler override
		assertThat(overrides.match("/anything", null, null)).isNull();
	}

	@Test
	void noOverridesIsEmptyAndMatchesNothing() {
		assertThat(RouteOverrides.none().isEmpty()).isTrue();
		assertThat(RouteOverrides.none().match("/admin", null, null)).isNull();
	}

	@Test
	void aKeyThatIsNeitherPathNorHandlerNamesTheFix() {
		assertThatExceptionOfType(InvalidOverrideException.class)
			.isThrownBy(() -> RouteOverrides.of(Map.of("admin", RouteIntent.PRIMARY), LOADER))
			.satisfies((ex) -> {
				assertThat(ex.getTarget()).isEqualTo("admin");
				assertThat(ex.getAction()).contains("/admin/**").contains("Class#method");
			});
	}

	@Test
	void aMissingClassOrMethodIsRefused() {
		assertThatExceptionOfType(InvalidOverrideException.class)
			.isThrownBy(() -> RouteOverrides.of(Map.of("com.example.Missing#export", RouteIntent.REPLICA), LOADER))
			.satisfies((ex) -> assertThat(ex.getProblem()).contains("does not exist"));
		assertThatExceptionOfType(InvalidOverrideException.class)
			.isThrownBy(() -> RouteOverrides.of(Map.of(Reports.class.getName() + "#missing", RouteIntent.REPLICA),
					LOADER))
			.satisfies((ex) -> assertThat(ex.getProblem()).contains("missing"));
	}

	@Test
	void anInvalidPathPatternIsRefused() {
		assertThatExceptionOfType(InvalidOverrideException.class)
			.isThrownBy(() -> RouteOverrides.of(Map.of("/a/**/b/**", RouteIntent.REPLICA), LOADER))
			.satisfies((ex) -> assertThat(ex.getProblem()).contains("not a valid path pattern"));
	}

	static class Reports {

		void export() {
		}

		void list() {
		}

	}

	static class ProxiedReports extends Reports {

	}

}
