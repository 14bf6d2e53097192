package io.peerpool.peer;

import java.util.regex.Pattern;

/** Removes credentials from JDBC URLs and error messages before they are shown or logged. */
public final class SafeUrls {

	/** {@code //user:secret@host} and {@code //user@host}. */
	private static final Pattern USER_INFO = Pattern.compile("//[^/@?;]*@");

	/** {@code password=...}, {@code pwd=...} and friends, in query strings and key=value lists. */
	private static final Pattern PASSWORD_PARAMETER = Pattern
		.compile("(?i)((?:password|passwd|pwd|sslpassword|trustCertificateKeyStorePassword|clientCertificateKeyStorePassword)=)[^&;,)\\s]*");

	private SafeUrls() {
	}

	/** The URL without user info or password parameters; {@code null} stays {@code null}. */
	public static String redact(String url) {
		if (url == null) {
			return null;
		}
		String withoutUserInfo = USER_INFO.matcher(url).replaceAll("//");
		return PASSWORD_PARAMETER.matcher(withoutUserInfo).replaceAll("$1****");
	}

	/** A message with {@code password} (where it stands as a token of its own) and password parameters masked. */
	public static String redact(String message, String password) {
		if (message == null) {
			return null;
		}
		String redacted = redact(message);
		if (password != null && password.length() > 0) {
			// only where it stands as a token of its own: a short password such as "app" must not turn
			// "application" into "****lication" (which would also tell what the password is)
			redacted = redacted.replaceAll("(?<![A-Za-z0-9])" + java.util.regex.Pattern.quote(password) + "(?![A-Za-z0-9])",
					"****");
		}
		return redacted;
	}


}
