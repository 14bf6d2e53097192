package io.peerpool.web;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;

/**
 * The signed cookie that carries read-your-writes across requests: after a write, the client's
 * requests read from a primary until the cookie's expiry.
 *
 * <p>Value: {@code <expiry epoch millis>.<token>.<signature>}, where the optional token (a GTID or
 * LSN, base64url) lets another application instance wait for the write, and the signature is an
 * HMAC-SHA256 over expiry and token. The expiry is inside the signed value, not only in the
 * cookie's {@code Max-Age}: a client cannot extend it, and a forged, tampered or expired value
 * is ignored.
 */
public final class PinCookie {

	private static final String ALGORITHM = "HmacSHA256";

	private static final Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();

	private static final Base64.Decoder decoder = Base64.getUrlDecoder();

	private final String name;

	private final SecretKeySpec key;

	private final boolean httpOnly;

	private final String sameSite;

	private final Boolean secure;

	private final Clock clock;

	/**
	 * @param name cookie name
	 * @param secret HMAC key
	 * @param httpOnly whether scripts cannot read the cookie
	 * @param sameSite SameSite attribute, or {@code null} for none
	 * @param secure whether the cookie is HTTPS-only; {@code null}: when the request is secure
	 * @param clock the time source for expiry
	 */
	public PinCookie(String name, byte[] secret, boolean httpOnly, String sameSite, Boolean secure, Clock clock) {
		this.name = Objects.requireNonNull(name, "name");
		if (secret == null || secret.length == 0) {
			throw new IllegalArgumentException("secret must not be empty");
		}
		this.key = new SecretKeySpec(secret.clone(), ALGORITHM);
		this.httpOnly = httpOnly;
		this.sameSite = sameSite;
		this.secure = secure;
		this.clock = Objects.requireNonNull(clock, "clock");
	}

	public String name() {
		return this.name;
	}

	/** A valid pin: until when it holds, and the token of the write ({@code null} without). */
	public record Pin(Instant expiry, String token) {
	}

	/** The cookie's value for a pin until {@code expiry}, with an optional {@code token}. */
	public String encode(Instant expiry, String token) {
		String payload = expiry.toEpochMilli() + "."
				+ ((token != null) ? encoder.encodeToString(token.getBytes(StandardCharsets.UTF_8)) : "");
		return payload + "." + encoder.encodeToString(sign(payload));
	}

	/** The pin in {@code value}, or {@code null} when it is malformed, forged, tampered with or expired. */
	public Pin decode(String value) {
		if (value == null || value.length() > 4096) {
			return null;
		}
		int signatureAt = value.lastIndexOf('.');
		int tokenAt = (signatureAt > 0) ? value.lastIndexOf('.', signatureAt - 1) : -1;
		if (tokenAt <= 0) {
			return null;
		}
		String payload = value.substring(0, signatureAt);
		try {
			byte[] signature = decoder.decode(value.substring(signatureAt + 1));
			// constant time: a timing side channel must not reveal the signature byte by byte
			if (!MessageDigest.isEqual(signature, sign(payload))) {
				return null;
			}
			Instant expiry = Instant.ofEpochMilli(Long.parseLong(value.substring(0, tokenAt)));
			if (!expiry.isAfter(this.clock.instant())) {
				return null;
			}
			String token = value.substring(tokenAt + 1, signatureAt);
			return new Pin(expiry,
					token.isEmpty() ? null : new String(decoder.decode(token), StandardCharsets.UTF_8));
		}
		catch (IllegalArgumentException ex) {
			// not base64 or not a number: not a cookie we signed
			return null;
		}
	}

	/** The valid pin the request carries, or {@code null}. */
	public Pin read(HttpServletRequest request) {
		Cookie[] cookies = request.getCookies();
		if (cookies == null) {
			return null;
		}
		for (Cookie cookie : cookies) {
			if (this.name.equals(cookie.getName())) {
				Pin pin = decode(cookie.getValue());
				if (pin != null) {
					return pin;
				}
			}
		}
		return null;
	}

	/**
	 * Adds the cookie for a pin of {@code duration} from now to {@code response}. Does nothing
	 * when the response is already committed (the headers were sent).
	 * @return whether the cookie was added
	 */
	public boolean write(HttpServletRequest request, HttpServletResponse response, Duration duration, String token) {
		if (response.isCommitted()) {
			return false;
		}
		Instant expiry = this.clock.instant().plus(duration);
		ResponseCookie cookie = ResponseCookie.from(this.name, encode(expiry, token))
			.path(cookiePath(request))
			.maxAge(Duration.ofSeconds((duration.toMillis() + 999) / 1000))
			.httpOnly(this.httpOnly)
			.secure((this.secure != null) ? this.secure : request.isSecure())
			.sameSite(this.sameSite)
			.build();
		response.addHeader(HttpHeaders.SET_COOKIE, cookie.toString());
		return true;
	}

	private static String cookiePath(HttpServletRequest request) {
		String contextPath = request.getContextPath();
		return (contextPath == null || contextPath.isEmpty()) ? "/" : contextPath;
	}

	private byte[] sign(String payload) {
		try {
			// Mac is not thread-safe; creating one is cheap next to a database round trip
			Mac mac = Mac.getInstance(ALGORITHM);
			mac.init(this.key);
			mac.update("peerpool-pin-v1|".getBytes(StandardCharsets.US_ASCII));
			return mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is not available", ex);
		}
	}

}
