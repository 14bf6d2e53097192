package io.peerpool.web;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** The signed value of the pin cookie: what it accepts and what it ignores. */
class PinCookieTests {

	private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

	private final PinCookie cookie = cookie("secret", null);

	private static PinCookie cookie(String secret, Boolean secure) {
		return new PinCookie("peerpool-pin", secret.getBytes(StandardCharsets.UTF_8), true, "Lax", secure,
				Clock.fixed(NOW, ZoneOffset.UTC));
	}

	@Test
	void roundTripsExpiryAndToken() {
		String value = this.cookie.encode(NOW.plusSeconds(5), "0-1-42");
		PinCookie.Pin pin = this.cookie.decode(value);
		assertThat(pin).isNotNull();
		assertThat(pin.expiry()).isEqualTo(NOW.plusSeconds(5));
		assertThat(pin.token()).isEqualTo("0-1-42");
		assertThat(this.cookie.decode(this.cookie.encode(NOW.plusSeconds(5), null)).token()).isNull();
	}

	@Test
	void ignoresExpiredForgedAndTamperedValues() {
		assertThat(this.cookie.decode(this.cookie.encode(NOW, null))).as("expires now").isNull();
		assertThat(this.cookie.decode(cookie("other", null).encode(NOW.plusSeconds(5), null))).as("other key").isNull();
		String valid = this.cookie.encode(NOW.plusSeconds(5), "token");
		String extended = NOW.plusSeconds(3600).toEpochMilli() + valid.substring(valid.indexOf('.'));
		assertThat(this.cookie.decode(extended)).as("expiry changed").isNull();
		String otherToken = valid.substring(0, valid.indexOf('.') + 1) + "b3RoZXI" + valid.substring(valid.lastIndexOf('.'));
		assertThat(this.cookie.decode(otherToken)).as("token changed").isNull();
		for (String garbage : new String[] { "", ".", "..", "x.y.z", "1..", "abc", "1.2.3.4", "%%.%%.%%" }) {
			assertThat(this.cookie.decode(garbage)).as(garbage).isNull();
		}
	}

	@Test
	void writesHttpOnlyLaxCookieSecureWhenTheRequestIs() {
		MockHttpServletRequest request = new MockHttpServletRequest();
		MockHttpServletResponse response = new MockHttpServletResponse();
		assertThat(this.cookie.write(request, response, Duration.ofMillis(1500), null)).isTrue();
		String header = response.getHeader("Set-Cookie");
		assertThat(header).startsWith("peerpool-pin=")
			.contains("Path=/")
			.contains("Max-Age=2")
			.contains("HttpOnly")
			.contains("SameSite=Lax")
			.doesNotContain("Secure");
		MockHttpServletRequest secure = new MockHttpServletRequest();
		secure.setSecure(true);
		MockHttpServletResponse secureResponse = new MockHttpServletResponse();
		this.cookie.write(secure, secureResponse, Duration.ofSeconds(5), null);
		assertThat(secureResponse.getHeader("Set-Cookie")).contains("Secure");
		MockHttpServletResponse forced = new MockHttpServletResponse();
		cookie("secret", false).write(secure, forced, Duration.ofSeconds(5), null);
		assertThat(forced.getHeader("Set-Cookie")).as("secure=false configured").doesNotContain("Secure");
	}

	@Test
	void readsTheValidCookieOfARequest() {
		MockHttpServletRequest request = new MockHttpServletRequest();
		request.setCookies(new jakarta.servlet.http.Cookie("peerpool-pin", "forged.x.y"),
				new jakarta.servlet.http.Cookie("peerpool-pin", this.cookie.encode(NOW.plusSeconds(1), null)));
		assertThat(this.cookie.read(request)).isNotNull();
		assertThat(this.cookie.read(new MockHttpServletRequest())).isNull();
	}

	@Test
	void doesNotWriteOnACommittedResponse() {
		MockHttpServletResponse response = new MockHttpServletResponse();
		response.setCommitted(true);
		assertThat(this.cookie.write(new MockHttpServletRequest(), response, Duration.ofSeconds(5), null)).isFalse();
		assertThat(response.getHeader("Set-Cookie")).isNull();
	}

}
