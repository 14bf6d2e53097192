package io.peerpool.routing;

/**
 * Tells from the text of a statement whether it must run on a primary: anything but a plain
 * query, and queries that lock ({@code FOR UPDATE}, {@code FOR SHARE}, {@code LOCK IN SHARE MODE}).
 * Allocation-free: it only looks at the first keyword and, for queries, scans for the locking
 * clauses.
 */
public final class SqlIntent {

	private SqlIntent() {
	}

	/** Whether {@code sql} writes or locks, so that it needs a primary. */
	public static boolean needsPrimary(String sql) {
		if (sql == null) {
			return false;
		}
		int start = skipSpaceAndComments(sql, 0);
		if (startsWithWord(sql, start, "SELECT") || startsWithWord(sql, start, "WITH")
				|| startsWithWord(sql, start, "VALUES") || startsWithWord(sql, start, "TABLE")) {
			return locks(sql) || containsWord(sql, "INSERT") || containsWord(sql, "UPDATE")
					|| containsWord(sql, "DELETE");
		}
		return !(startsWithWord(sql, start, "SHOW") || startsWithWord(sql, start, "EXPLAIN")
				|| startsWithWord(sql, start, "DESCRIBE") || startsWithWord(sql, start, "DESC")
				|| startsWithWord(sql, start, "SET") || startsWithWord(sql, start, "USE"));
	}

	private static boolean locks(String sql) {
		return containsWord(sql, "FOR UPDATE") || containsWord(sql, "FOR SHARE")
				|| containsWord(sql, "FOR NO KEY UPDATE") || containsWord(sql, "LOCK IN SHARE MODE");
	}

	private static int skipSpaceAndComments(String sql, int from) {
		int i = from;
		int length = sql.length();
		while (i < length) {
			char c = sql.charAt(i);
			if (Character.isWhitespace(c) || c == '(') {
				i++;
			}
			else if (c == '-' && i + 1 < length && sql.charAt(i + 1) == '-') {
				int end = sql.indexOf('\n', i);
				i = (end < 0) ? length : end + 1;
			}
			else if (c == '/' && i + 1 < length && sql.charAt(i + 1) == '*') {
				int end = sql.indexOf("*/", i + 2);
				i = (end < 0) ? length : end + 2;
			}
			else {
				break;
			}
		}
		return i;
	}

	private static boolean startsWithWord(String sql, int at, String word) {
		int end = at + word.length();
		return sql.regionMatches(true, at, word, 0, word.length())
				&& (end == sql.length() || !Character.isLetterOrDigit(sql.charAt(end)));
	}

	/** Case-insensitive search for a word (or words separated by single spaces) on word boundaries. */
	private static boolean containsWord(String sql, String word) {
		int length = word.length();
		for (int i = 0; i + length <= sql.length(); i++) {
			if (sql.regionMatches(true, i, word, 0, length)
					&& (i == 0 || !Character.isLetterOrDigit(sql.charAt(i - 1)) && sql.charAt(i - 1) != '_')
					&& (i + length == sql.length() || !Character.isLetterOrDigit(sql.charAt(i + length))
							&& sql.charAt(i + length) != '_')) {
				return true;
			}
		}
		return false;
	}

}
