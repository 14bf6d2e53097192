package io.peerpool.routing;

import org.jspecify.annotations.Nullable;

/**
 * Tells from the text of a statement what it does to the server, for routing, the write guard
 * and replay alike: whether it {@link #WRITE writes} (it needs a primary, counts as a write, is
 * refused in a replica scope and is never run twice in auto-commit mode) and whether it changes
 * the {@link #SESSION session} (the connection must then stay on its peer for the rest of the
 * borrow).
 *
 * <p>One pass over the text, allocation-free (a token is a {@code long}: its start and end).
 * String literals, quoted identifiers and comments are skipped (so {@code 'UPDATE'} or a leading
 * {@code /* update *&#47;} is not a write), except MySQL's executable comments ({@code /*! ... *&#47;}, {@code /*M! ... *&#47;}), whose content is
 * SQL. Only words are compared, on word boundaries, whatever the spacing between them.
 */
public final class SqlIntent {

	/** The statement writes or locks: it needs a primary and must not run twice. */
	public static final int WRITE = 1;

	/** The statement changes the session (variables, schema, temporary tables, session locks). */
	public static final int SESSION = 2;

	/**
	 * The statement sets the characteristics of one transaction ({@code SET TRANSACTION READ ONLY},
	 * {@code SET TRANSACTION ISOLATION LEVEL ...}, as Spring's {@code enforceReadOnly} sends them):
	 * PostgreSQL's current transaction, MySQL's and MariaDB's next one. Inside a transaction it is
	 * part of that transaction (and runs again with it on a replay); outside one, MariaDB keeps it
	 * for the session's next transaction, so the caller treats it as {@link #SESSION} there.
	 */
	public static final int TRANSACTION = 4;

	/**
	 * Slots of the cache of {@link #classify}: direct-mapped by hash code, a text missed twice replaces the
	 * one in its slot (no lock, no eviction policy; a miss costs what classifying did without it).
	 */
	private static final int CACHE_SLOTS = 512;

	/**
	 * Texts longer than this are classified each time (generated multi-row statements, scripts), so the
	 * cache holds at most 512 texts of at most 2,048 characters (about 1 MB).
	 */
	private static final int CACHED_LENGTH = 2048;

	private static final Classified[] CACHE = new Classified[CACHE_SLOTS];

	/**
	 * Per slot, the hash of the last text that missed it: a text is cached the second time it
	 * misses, so that SQL built with literals (a new text every time) neither allocates an entry per
	 * statement nor pushes out the texts an application runs again and again.
	 */
	private static final int[] MISSED = new int[CACHE_SLOTS];

	private record Classified(String sql, int intent) {
	}

	private SqlIntent() {
	}

	/** Whether {@code sql} writes or locks, so that it needs a primary. */
	public static boolean needsPrimary(String sql) {
		return (classify(sql) & WRITE) != 0;
	}

	/**
	 * Whether {@code sql} is one statement: no semicolon but at its end. One inside a literal or a
	 * comment counts too, so the answer errs on "several" (a statement refused by a read-only
	 * server runs again elsewhere only when it is one: of several, some may have run).
	 */
	public static boolean isOneStatement(@Nullable String sql) {
		if (sql == null) {
			return false;
		}
		int end = sql.length();
		while (end > 0 && (sql.charAt(end - 1) == ';' || Character.isWhitespace(sql.charAt(end - 1)))) {
			end--;
		}
		return sql.lastIndexOf(';', end - 1) < 0;
	}

	/** Whether {@code sql} changes the state of the session it runs in. */
	public static boolean changesSession(String sql) {
		return (classify(sql) & SESSION) != 0;
	}

	/**
	 * {@link #WRITE}, {@link #SESSION} and {@link #TRANSACTION} bits of {@code sql}; 0 for a plain read (or {@code null}).
	 * Applications run the same few hundred statement texts again and again (string constants,
	 * the SQL of prepared statements, an ORM's generated statements), so the answer for a text is
	 * remembered from the second time it is asked: a text seen before costs its (cached) hash code
	 * and one comparison instead of a pass over it.
	 */
	public static int classify(String sql) {
		if (sql == null) {
			return 0;
		}
		if (sql.length() > CACHED_LENGTH) {
			return scan(sql);
		}
		int hash = sql.hashCode();
		int slot = hash & (CACHE_SLOTS - 1);
		Classified known = CACHE[slot];
		if (known != null && (known.sql == sql || known.sql.equals(sql))) {
			return known.intent;
		}
		int intent = scan(sql);
		if (MISSED[slot] != hash) {
			// first miss (as far as the slot knows): remembered by its hash only
			MISSED[slot] = hash;
		}
		else {
			// racy writes: a reader sees an immutable entry whole or the entry before it; a lost hash costs one more miss
			CACHE[slot] = new Classified(sql, intent);
		}
		return intent;
	}

	/** Whether the answer for {@code sql} is remembered (for tests of the cache's admission). */
	static boolean isCached(String sql) {
		Classified known = CACHE[sql.hashCode() & (CACHE_SLOTS - 1)];
		return known != null && known.sql.equals(sql);
	}

	private static int scan(String sql) {
		long token = next(sql, 0);
		if (token < 0) {
			return 0;
		}
		if (is(sql, token, "{")) {
			// JDBC escape: {call p(?)} or {? = call p(?)}
			return WRITE;
		}
		if (is(sql, token, "SELECT") || is(sql, token, "VALUES") || is(sql, token, "TABLE") || is(sql, token, "WITH")) {
			return query(sql, token);
		}
		if (is(sql, token, "SHOW") || is(sql, token, "DESCRIBE") || is(sql, token, "DESC") || is(sql, token, "HELP")
				|| is(sql, token, "COMMIT") || is(sql, token, "ROLLBACK") || is(sql, token, "SAVEPOINT")
				|| is(sql, token, "RELEASE") || is(sql, token, "END") || is(sql, token, "FETCH") || is(sql, token, "CLOSE")
				|| is(sql, token, "MOVE")) {
			return 0;
		}
		if (is(sql, token, "EXPLAIN") || is(sql, token, "ANALYZE")) {
			return explain(sql, token);
		}
		if (is(sql, token, "SET")) {
			long scope = next(sql, token);
			// SET TRANSACTION without SESSION or GLOBAL: one transaction's characteristics, not the session's
			return (scope >= 0 && is(sql, scope, "TRANSACTION")) ? TRANSACTION : SESSION;
		}
		if (is(sql, token, "USE") || is(sql, token, "RESET") || is(sql, token, "DISCARD")
				|| is(sql, token, "PREPARE") || is(sql, token, "DEALLOCATE") || is(sql, token, "DECLARE") || is(sql, token, "LISTEN")
				|| is(sql, token, "UNLISTEN") || is(sql, token, "UNLOCK") || is(sql, token, "BEGIN") || is(sql, token, "START")) {
			// a transaction begun by SQL is session state too: the connection must not move under it
			return SESSION;
		}
		if (is(sql, token, "LOCK")) {
			return WRITE | SESSION;
		}
		if (is(sql, token, "CREATE")) {
			while ((token = next(sql, token)) >= 0) {
				if (is(sql, token, "TEMPORARY") || is(sql, token, "TEMP")) {
					return WRITE | SESSION;
				}
				if (!(is(sql, token, "GLOBAL") || is(sql, token, "LOCAL") || is(sql, token, "OR") || is(sql, token, "REPLACE"))) {
					break;
				}
			}
			return WRITE;
		}
		// INSERT, UPDATE, DELETE, MERGE, REPLACE, CALL, DO, DDL and anything unknown
		return WRITE;
	}

	/** A query: a read unless it writes (data-modifying CTE, {@code INTO}, locks, functions that write). */
	private static int query(String sql, long from) {
		long token = from;
		int intent = 0;
		boolean previousFor = false;
		boolean previousInto = false;
		while ((token = next(sql, token)) >= 0) {
			if (previousInto) {
				previousInto = false;
				// SELECT ... INTO @v sets a session variable; PostgreSQL's SELECT ... INTO t creates a table
				intent |= startsWith(sql, token, '@') ? SESSION : WRITE;
			}
			if (is(sql, token, "INSERT") || is(sql, token, "UPDATE") || is(sql, token, "DELETE") || is(sql, token, "MERGE")) {
				// MySQL's INSERT(str, pos, len, new) is a function; FOR [NO KEY] UPDATE locks
				if (!followedBy(sql, token, '(') || previousFor) {
					intent |= WRITE;
				}
			}
			else if (is(sql, token, "SHARE") && previousFor) {
				intent |= WRITE;
			}
			else if (is(sql, token, "LOCK") && followedBy(sql, token, 'I')) {
				// LOCK IN SHARE MODE
				intent |= WRITE;
			}
			else if (is(sql, token, "INTO")) {
				previousInto = true;
			}
			else if (followedBy(sql, token, '(')) {
				intent |= function(sql, token);
			}
			else if (is(sql, token, ":=")) {
				intent |= SESSION;
			}
			if (is(sql, token, "FOR")) {
				previousFor = true;
			}
			else if (!(is(sql, token, "NO") || is(sql, token, "KEY"))) {
				previousFor = false;
			}
		}
		return intent;
	}

	/**
	 * What a function called in a query does: sequences write; user locks and advisory locks write
	 * (a second run would take the lock again) and are held by the session; {@code set_config}
	 * changes the session.
	 */
	private static int function(String sql, long token) {
		if (is(sql, token, "NEXTVAL") || is(sql, token, "SETVAL")) {
			return WRITE;
		}
		if (is(sql, token, "GET_LOCK") || is(sql, token, "RELEASE_LOCK") || is(sql, token, "RELEASE_ALL_LOCKS")
				|| startsWithWord(sql, token, "PG_ADVISORY") || startsWithWord(sql, token, "PG_TRY_ADVISORY")) {
			return WRITE | SESSION;
		}
		return is(sql, token, "SET_CONFIG") ? SESSION : 0;
	}

	/** {@code EXPLAIN} only plans, unless it analyzes: then it runs the statement it explains. */
	private static int explain(String sql, long from) {
		long token = from;
		boolean analyzes = is(sql, token, "ANALYZE");
		boolean first = true;
		while ((token = next(sql, token)) >= 0) {
			if (first && analyzes && (is(sql, token, "TABLE") || is(sql, token, "TABLES"))) {
				// MySQL's ANALYZE TABLE updates statistics
				return WRITE;
			}
			first = false;
			if (is(sql, token, "ANALYZE")) {
				analyzes = true;
			}
			else if (is(sql, token, "SELECT") || is(sql, token, "WITH") || is(sql, token, "VALUES") || is(sql, token, "TABLE")) {
				return analyzes ? query(sql, token) : 0;
			}
			else if (is(sql, token, "INSERT") || is(sql, token, "UPDATE") || is(sql, token, "DELETE") || is(sql, token, "MERGE")
					|| is(sql, token, "REPLACE") || is(sql, token, "CREATE") || is(sql, token, "EXECUTE")) {
				return analyzes ? WRITE : 0;
			}
		}
		return analyzes ? WRITE : 0;
	}

	// tokens: words, and single punctuation characters; a token is (start << 32) | end, -1 at the end

	/** The token after the one ending at {@code (int) previous} (0 for the first), or -1 at the end of the text. */
	private static long next(String sql, long previous) {
		int length = sql.length();
		int i = (int) previous;
		while (i < length) {
			char c = sql.charAt(i);
			if (Character.isWhitespace(c) || c == '(' || c == ')' || c == ',' || c == ';') {
				i++;
			}
			else if (c == '-' && i + 1 < length && sql.charAt(i + 1) == '-' || c == '#') {
				int lineEnd = sql.indexOf('\n', i);
				i = (lineEnd < 0) ? length : lineEnd + 1;
			}
			else if (c == '/' && i + 1 < length && sql.charAt(i + 1) == '*') {
				if (i + 2 < length && (sql.charAt(i + 2) == '!'
						|| sql.charAt(i + 2) == 'M' && i + 3 < length && sql.charAt(i + 3) == '!')) {
					// executable comment: its content is SQL, after an optional version number
					i += (sql.charAt(i + 2) == '!') ? 3 : 4;
					while (i < length && Character.isDigit(sql.charAt(i))) {
						i++;
					}
				}
				else {
					int commentEnd = sql.indexOf("*/", i + 2);
					i = (commentEnd < 0) ? length : commentEnd + 2;
				}
			}
			else if (c == '*' && i + 1 < length && sql.charAt(i + 1) == '/') {
				// the end of an executable comment
				i += 2;
			}
			else if (c == '\'' || c == '"' || c == '`') {
				i = skipQuoted(sql, i, c);
			}
			else if (c == '$' && dollarQuoteEnd(sql, i) > i) {
				i = skipDollarQuoted(sql, i, dollarQuoteEnd(sql, i));
			}
			else {
				break;
			}
		}
		if (i >= length) {
			return -1;
		}
		int start = i;
		char c = sql.charAt(i);
		if (isWordPart(c)) {
			while (i < length && isWordPart(sql.charAt(i))) {
				i++;
			}
		}
		else if (c == ':' && i + 1 < length && sql.charAt(i + 1) == '=') {
			i += 2;
		}
		else {
			i++;
		}
		return ((long) start << 32) | i;
	}

	private static int skipQuoted(String sql, int from, char quote) {
		int length = sql.length();
		int i = from + 1;
		while (i < length) {
			char c = sql.charAt(i);
			if (c == '\\' && quote != '`') {
				i += 2;
			}
			else if (c == quote) {
				if (i + 1 < length && sql.charAt(i + 1) == quote) {
					i += 2;
				}
				else {
					return i + 1;
				}
			}
			else {
				i++;
			}
		}
		return length;
	}

	/** The index of the closing {@code $} of a PostgreSQL dollar-quote tag at {@code from}, or -1. */
	private static int dollarQuoteEnd(String sql, int from) {
		if (from > 0 && isWordPart(sql.charAt(from - 1))) {
			return -1;
		}
		int i = from + 1;
		while (i < sql.length() && (Character.isLetter(sql.charAt(i)) || sql.charAt(i) == '_')) {
			i++;
		}
		return (i < sql.length() && sql.charAt(i) == '$') ? i : -1;
	}

	/** After the text quoted by the tag {@code sql[tagStart..tagEnd]} (for example {@code $body$}). */
	private static int skipDollarQuoted(String sql, int tagStart, int tagEnd) {
		int tagLength = tagEnd - tagStart + 1;
		for (int i = tagEnd + 1; i + tagLength <= sql.length(); i++) {
			if (sql.charAt(i) == '$' && sql.regionMatches(i, sql, tagStart, tagLength)) {
				return i + tagLength;
			}
		}
		return sql.length();
	}

	private static boolean isWordPart(char c) {
		return Character.isLetterOrDigit(c) || c == '_' || c == '@' || c == '$';
	}

	/** Whether {@code token} is {@code word}, ignoring case. */
	private static boolean is(String sql, long token, String word) {
		int start = (int) (token >>> 32);
		return (int) token - start == word.length() && sql.regionMatches(true, start, word, 0, word.length());
	}

	/** Whether {@code token} begins with {@code prefix}, ignoring case. */
	private static boolean startsWithWord(String sql, long token, String prefix) {
		int start = (int) (token >>> 32);
		return (int) token - start >= prefix.length() && sql.regionMatches(true, start, prefix, 0, prefix.length());
	}

	private static boolean startsWith(String sql, long token, char c) {
		return sql.charAt((int) (token >>> 32)) == c;
	}

	/** Whether the next non-space character after {@code token} is {@code c} (ignoring case). */
	private static boolean followedBy(String sql, long token, char c) {
		int i = (int) token;
		while (i < sql.length() && Character.isWhitespace(sql.charAt(i))) {
			i++;
		}
		return i < sql.length() && Character.toUpperCase(sql.charAt(i)) == c;
	}

}
