package io.peerpool.web;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * A browser-like HTTP client for the routing tests: keeps cookies (unless made without) and
 * follows redirects; every response says which server answered ({@code X-Server-Id}).
 */
final class WebClient {

	private final int port;

	private final HttpClient http;

	private final CookieManager cookies;

	private WebClient(int port, boolean cookies) {
		this.port = port;
		HttpClient.Builder builder = HttpClient.newBuilder()
			.connectTimeout(Duration.ofSeconds(5))
			.followRedirects(HttpClient.Redirect.NORMAL);
		this.cookies = cookies ? new CookieManager() : null;
		if (cookies) {
			builder.cookieHandler(this.cookies);
		}
		this.http = builder.build();
	}

	/** Whether this client still holds a cookie named {@code name}: one past its {@code Max-Age} is gone. */
	boolean hasCookie(String name) {
		return this.cookies != null
				&& this.cookies.getCookieStore().getCookies().stream().anyMatch((cookie) -> cookie.getName().equals(name)
						&& !cookie.hasExpired());
	}

	/** A client that keeps cookies, like a browser. */
	static WebClient browser(int port) {
		return new WebClient(port, true);
	}

	/** A client that never sends cookies unless a request carries one explicitly. */
	static WebClient withoutCookies(int port) {
		return new WebClient(port, false);
	}

	Answer get(String path, String... headers) {
		return send(request(path, headers).GET());
	}

	Answer head(String path) {
		return send(request(path).method("HEAD", HttpRequest.BodyPublishers.noBody()));
	}

	Answer options(String path) {
		return send(request(path).method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
	}

	Answer post(String path, String... headers) {
		return send(request(path, headers).POST(HttpRequest.BodyPublishers.noBody()));
	}

	Answer send(String method, String path) {
		return send(request(path).method(method, HttpRequest.BodyPublishers.noBody()));
	}

	Answer postJson(String path, String json) {
		return send(request(path, "Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
	}

	Answer postForm(String path, String form) {
		return send(request(path, "Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(form)));
	}

	private HttpRequest.Builder request(String path, String... headers) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(20));
		if (headers.length > 0) {
			builder.headers(headers);
		}
		return builder;
	}

	private Answer send(HttpRequest.Builder request) {
		try {
			HttpResponse<String> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
			return new Answer(response.statusCode(), response.body(), response.headers().firstValue(RoutingTestApp.SERVER_ID)
				.map(Integer::valueOf), response.headers().firstValue("Set-Cookie"), response.uri().getPath(),
					response.headers().firstValue(RoutingTestApp.THREAD).orElse(null));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** One response: status, body, the server that answered, the cookie set, the final path, the thread. */
	record Answer(int status, String body, Optional<Integer> server, Optional<String> setCookie, String path,
			String thread) {

		int serverId() {
			return this.server.orElseThrow(() -> new AssertionError("No " + RoutingTestApp.SERVER_ID + " in " + this));
		}

		/** The {@code found} count of an item answer. */
		int found() {
			int at = this.body.indexOf("\"found\":");
			if (at < 0) {
				throw new AssertionError("No found in " + this.body);
			}
			return Character.getNumericValue(this.body.charAt(at + "\"found\":".length()));
		}

		/** The value of the pin cookie set by this response (name=value only). */
		String pinCookie() {
			String header = this.setCookie.orElseThrow(() -> new AssertionError("No Set-Cookie in " + this));
			return header.substring(0, header.indexOf(';'));
		}

	}

}
