package io.peerpool.routing;

/**
 * Tells from the text of a statement what it does to the server, for routing, the write guard
 * and replay alike: whether it {@link #WRITE writes} (it needs a primary, counts as a write, is
 * refused in a replica scope and is never run twice in auto-commit mode) and whether it changes
 * the {@link #SESSION session} (the connection must then stay on its peer for the rest of the
 * borrow).
 *
 * <p>One pass over the text with one small scanner that does not escape (nothing else is
 * allocated but for a PostgreSQL dollar-quote tag): string literals, quoted identifiers and comments
 * are skipped (so {@code 'UPDATE'} or a leading {@code /* update *&#47;} is not a write), except
 * MySQL's executable comments ({@code /*! ... *&#47;}, {@code /*M! ... *&#47;}), whose content is
 * SQL. Only words are compared, on word boundaries, whatever the spacing between them.
 */
public final class SqlIntent {

	/** The statement writes or locks: it needs a primary and must not run twice. */
	public static final int WRITE = 1;

	/** The statement changes the session (variables, schema, temporary tables, session locks). */
	public static final int SESSION = 2;

	private SqlIntent() {
	}

	/** Whether {@code sql} writes or locks, so that it needs a primary. */
	public static boolean needsPrimary(String sql) {
		return (classify(sql) & WRITE) != 0;
	}

	/** Whether {@code sql} changes the state of the session it runs in. */
	public static boolean changesSession(String sql) {
		return (classify(sql) & SESSION) != 0;
	}

	/** {@link #WRITE} and {@link #SESSION} bits of {@code sql}; 0 for a plain read (or {@code null}). */
	public static int classify(String sql) {
		if (sql == null) {
			return 0;
		}
		Scanner scanner = new Scanner(sql);
		if (!scanner.next()) {
			return 0;
		}
		if (scanner.is("{")) {
			// JDBC escape: {call p(?)} or {? = call p(?)}
			return WRITE;
		}
		if (scanner.is("SELECT") || scanner.is("VALUES") || scanner.is("TABLE") || scanner.is("WITH")) {
			return query(scanner);
		}
		if (scanner.is("SHOW") || scanner.is("DESCRIBE") || scanner.is("DESC") || scanner.is("HELP")
				|| scanner.is("COMMIT") || scanner.is("ROLLBACK") || scanner.is("SAVEPOINT")
				|| scanner.is("RELEASE") || scanner.is("END") || scanner.is("FETCH") || scanner.is("CLOSE")
				|| scanner.is("MOVE")) {
			return 0;
		}
		if (scanner.is("EXPLAIN") || scanner.is("ANALYZE")) {
			return explain(scanner);
		}
		if (scanner.is("SET") || scanner.is("USE") || scanner.is("RESET") || scanner.is("DISCARD")
				|| scanner.is("PREPARE") || scanner.is("DEALLOCATE") || scanner.is("DECLARE") || scanner.is("LISTEN")
				|| scanner.is("UNLISTEN") || scanner.is("UNLOCK") || scanner.is("BEGIN") || scanner.is("START")) {
			// a transaction begun by SQL is session state too: the connection must not move under it
			return SESSION;
		}
		if (scanner.is("LOCK")) {
			return WRITE | SESSION;
		}
		if (scanner.is("CREATE")) {
			while (scanner.next()) {
				if (scanner.is("TEMPORARY") || scanner.is("TEMP")) {
					return WRITE | SESSION;
				}
				if (!(scanner.is("GLOBAL") || scanner.is("LOCAL") || scanner.is("OR") || scanner.is("REPLACE"))) {
					break;
				}
			}
			return WRITE;
		}
		// INSERT, UPDATE, DELETE, MERGE, REPLACE, CALL, DO, DDL and anything unknown
		return WRITE;
	}

	/** A query: a read unless it writes (data-modifying CTE, {@code INTO}, locks, functions that write). */
	private static int query(Scanner scanner) {
		int intent = 0;
		boolean previousFor = false;
		boolean previousInto = false;
		while (scanner.next()) {
			if (previousInto) {
				previousInto = false;
				// SELECT ... INTO @v sets a session variable; PostgreSQL's SELECT ... INTO t creates a table
				intent |= scanner.startsWith('@') ? SESSION : WRITE;
			}
			if (scanner.is("INSERT") || scanner.is("UPDATE") || scanner.is("DELETE") || scanner.is("MERGE")) {
				// MySQL's INSERT(str, pos, len, new) is a function; FOR [NO KEY] UPDATE locks
				if (!scanner.followedBy('(') || previousFor) {
					intent |= WRITE;
				}
			}
			else if (scanner.is("SHARE") && previousFor) {
				intent |= WRITE;
			}
			else if (scanner.is("LOCK") && scanner.followedBy('I')) {
				// LOCK IN SHARE MODE
				intent |= WRITE;
			}
			else if (scanner.is("INTO")) {
				previousInto = true;
			}
			else if (scanner.followedBy('(')) {
				intent |= function(scanner);
			}
			else if (scanner.is(":=")) {
				intent |= SESSION;
			}
			if (scanner.is("FOR")) {
				previousFor = true;
			}
			else if (!(scanner.is("NO") || scanner.is("KEY"))) {
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
	private static int function(Scanner scanner) {
		if (scanner.is("NEXTVAL") || scanner.is("SETVAL")) {
			return WRITE;
		}
		if (scanner.is("GET_LOCK") || scanner.is("RELEASE_LOCK") || scanner.is("RELEASE_ALL_LOCKS")
				|| scanner.startsWithWord("PG_ADVISORY") || scanner.startsWithWord("PG_TRY_ADVISORY")) {
			return WRITE | SESSION;
		}
		return scanner.is("SET_CONFIG") ? SESSION : 0;
	}

	/** {@code EXPLAIN} only plans, unless it analyzes: then it runs the statement it explains. */
	private static int explain(Scanner scanner) {
		boolean analyzes = scanner.is("ANALYZE");
		boolean first = true;
		while (scanner.next()) {
			if (first && analyzes && (scanner.is("TABLE") || scanner.is("TABLES"))) {
				// MySQL's ANALYZE TABLE updates statistics
				return WRITE;
			}
			first = false;
			if (scanner.is("ANALYZE")) {
				analyzes = true;
			}
			else if (scanner.is("SELECT") || scanner.is("WITH") || scanner.is("VALUES") || scanner.is("TABLE")) {
				return analyzes ? query(scanner) : 0;
			}
			else if (scanner.is("INSERT") || scanner.is("UPDATE") || scanner.is("DELETE") || scanner.is("MERGE")
					|| scanner.is("REPLACE") || scanner.is("CREATE") || scanner.is("EXECUTE")) {
				return analyzes ? WRITE : 0;
			}
		}
		return analyzes ? WRITE : 0;
	}

	/** Walks the tokens of a statement: words, and single punctuation characters. */
	private static final class Scanner {

		private final String sql;

		private final int length;

		private int position;

		private int start;

		private int end;

		Scanner(String sql) {
			this.sql = sql;
			this.length = sql.length();
		}

		/** Moves to the next token; false at the end of the text. */
		boolean next() {
			int i = this.position;
			while (i < this.length) {
				char c = this.sql.charAt(i);
				if (Character.isWhitespace(c) || c == '(' || c == ')' || c == ',' || c == ';') {
					i++;
				}
				else if (c == '-' && i + 1 < this.length && this.sql.charAt(i + 1) == '-' || c == '#') {
					int lineEnd = this.sql.indexOf('\n', i);
					i = (lineEnd < 0) ? this.length : lineEnd + 1;
				}
				else if (c == '/' && i + 1 < this.length && this.sql.charAt(i + 1) == '*') {
					if (i + 2 < this.length && (this.sql.charAt(i + 2) == '!'
							|| this.sql.charAt(i + 2) == 'M' && i + 3 < this.length && this.sql.charAt(i + 3) == '!')) {
						// executable comment: its content is SQL, after an optional version number
						i += (this.sql.charAt(i + 2) == '!') ? 3 : 4;
						while (i < this.length && Character.isDigit(this.sql.charAt(i))) {
							i++;
						}
					}
					else {
						int commentEnd = this.sql.indexOf("*/", i + 2);
						i = (commentEnd < 0) ? this.length : commentEnd + 2;
					}
				}
				else if (c == '*' && i + 1 < this.length && this.sql.charAt(i + 1) == '/') {
					// the end of an executable comment
					i += 2;
				}
				else if (c == '\'' || c == '"' || c == '`') {
					i = skipQuoted(i, c);
				}
				else if (c == '$' && dollarQuoteEnd(i) > i) {
					int tagEnd = dollarQuoteEnd(i);
					String tag = this.sql.substring(i, tagEnd + 1);
					int close = this.sql.indexOf(tag, tagEnd + 1);
					i = (close < 0) ? this.length : close + tag.length();
				}
				else {
					break;
				}
			}
			if (i >= this.length) {
				this.position = this.length;
				return false;
			}
			this.start = i;
			char c = this.sql.charAt(i);
			if (isWordPart(c)) {
				while (i < this.length && isWordPart(this.sql.charAt(i))) {
					i++;
				}
			}
			else if (c == ':' && i + 1 < this.length && this.sql.charAt(i + 1) == '=') {
				i += 2;
			}
			else {
				i++;
			}
			this.end = i;
			this.position = i;
			return true;
		}

		private int skipQuoted(int from, char quote) {
			int i = from + 1;
			while (i < this.length) {
				char c = this.sql.charAt(i);
				if (c == '\\' && quote != '`') {
					i += 2;
				}
				else if (c == quote) {
					if (i + 1 < this.length && this.sql.charAt(i + 1) == quote) {
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
			return this.length;
		}

		/** The index of the closing {@code $} of a PostgreSQL dollar-quote tag at {@code from}, or -1. */
		private int dollarQuoteEnd(int from) {
			if (from > 0 && isWordPart(this.sql.charAt(from - 1))) {
				return -1;
			}
			int i = from + 1;
			while (i < this.length && (Character.isLetter(this.sql.charAt(i)) || this.sql.charAt(i) == '_')) {
				i++;
			}
			return (i < this.length && this.sql.charAt(i) == '$') ? i : -1;
		}

		private static boolean isWordPart(char c) {
			return Character.isLetterOrDigit(c) || c == '_' || c == '@' || c == '$';
		}

		/** Whether the current token is {@code word}, ignoring case. */
		boolean is(String word) {
			return this.end - this.start == word.length() && this.sql.regionMatches(true, this.start, word, 0, word.length());
		}

		/** Whether the current token begins with {@code prefix}, ignoring case. */
		boolean startsWithWord(String prefix) {
			return this.end - this.start >= prefix.length()
					&& this.sql.regionMatches(true, this.start, prefix, 0, prefix.length());
		}

		boolean startsWith(char c) {
			return this.sql.charAt(this.start) == c;
		}

		/** Whether the next non-space character after the current token is {@code c} (ignoring case). */
		boolean followedBy(char c) {
			int i = this.end;
			while (i < this.length && Character.isWhitespace(this.sql.charAt(i))) {
				i++;
			}
			return i < this.length && Character.toUpperCase(this.sql.charAt(i)) == c;
		}

	}

}
