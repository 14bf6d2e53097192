package io.peerpool.routing;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import static io.peerpool.routing.SqlIntent.SESSION;
import static io.peerpool.routing.SqlIntent.TRANSACTION;
import static io.peerpool.routing.SqlIntent.WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * What the classification shared by routing, the write guard and replay says of each kind of
 * statement: {@code 0} a plain read, {@code WRITE} needs a primary and never runs twice,
 * {@code SESSION} keeps the connection on its peer, {@code TRANSACTION} sets one transaction's
 * characteristics.
 */
class SqlIntentTests {

	static Stream<Arguments> statements() {
		return Stream.of(
				// plain reads, whatever the case, spacing, comments and literals
				arguments("SELECT 1", 0),
				arguments("select * from items", 0),
				arguments("   \n\t SELECT 1", 0),
				arguments("(SELECT 1) UNION (SELECT 2)", 0),
				arguments("-- a comment\nSELECT 1", 0),
				arguments("# a MySQL comment\nSELECT 1", 0),
				arguments("/* update */ SELECT 1", 0),
				arguments("/* multi\nline */ -- and more\n  select 1", 0),
				arguments("SELECT 'UPDATE' FROM items", 0),
				arguments("SELECT * FROM items WHERE name = 'DELETE FROM x' AND note = \"INSERT\"", 0),
				arguments("SELECT `update` FROM items", 0),
				arguments("SELECT 'it''s FOR UPDATE' FROM items", 0),
				arguments("SELECT $$ FOR UPDATE $$", 0),
				arguments("SELECT REPLACE(name, 'a', 'b'), INSERT(name, 1, 1, 'x') FROM items", 0),
				arguments("SELECT @@server_id", 0),
				arguments("SELECT updated_at, deleted, insert_count FROM items", 0),
				arguments("WITH recent AS (SELECT * FROM items) SELECT count(*) FROM recent", 0),
				arguments("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5) SELECT * FROM n", 0),
				arguments("VALUES (1), (2)", 0),
				arguments("SHOW VARIABLES LIKE 'read_only'", 0),
				arguments("DESCRIBE items", 0),
				arguments("EXPLAIN SELECT * FROM items", 0),
				arguments("EXPLAIN DELETE FROM items", 0),
				arguments("SELECT currval('s'), lastval()", 0),
				arguments("COMMIT", 0),
				arguments("ROLLBACK", 0),
				arguments("SELECT /* FOR UPDATE */ 1", 0),
				// writes
				arguments("INSERT INTO items (name) VALUES ('x')", WRITE),
				arguments("insert into items values (1)", WRITE),
				arguments("  /* hint */ UPDATE items SET name = 'y'", WRITE),
				arguments("# comment\nDELETE FROM items", WRITE),
				arguments("REPLACE INTO items VALUES (1)", WRITE),
				arguments("MERGE INTO items USING other ON true WHEN MATCHED THEN DELETE", WRITE),
				arguments("INSERT INTO items (name) VALUES ('x') RETURNING id", WRITE),
				arguments("UPDATE items SET name = 'y' RETURNING id", WRITE),
				arguments("DELETE FROM items RETURNING *", WRITE),
				arguments("CALL p()", WRITE),
				arguments("{call p(?)}", WRITE),
				arguments("{? = call f(?)}", WRITE),
				arguments("DO GET_LOCK('x', 1)", WRITE),
				arguments("DO $$ BEGIN PERFORM 1; END $$", WRITE),
				arguments("CREATE TABLE t (id INT)", WRITE),
				arguments("TRUNCATE items", WRITE),
				arguments("SELECT nextval('items_id_seq')", WRITE),
				arguments("select NEXTVAL ('items_id_seq')", WRITE),
				arguments("SELECT setval('s', 10)", WRITE),
				arguments("SELECT * INTO backup FROM items", WRITE),
				arguments("SELECT * FROM items INTO OUTFILE '/tmp/x'", WRITE),
				arguments("WITH moved AS (DELETE FROM items RETURNING *) SELECT count(*) FROM moved", WRITE),
				arguments("WITH n AS (SELECT 1 AS id) INSERT INTO items (id) SELECT id FROM n", WRITE),
				arguments("WITH n AS (SELECT 1 AS id) UPDATE items SET name = 'z' WHERE id IN (SELECT id FROM n)", WRITE),
				arguments("WITH n AS (SELECT 1 AS id) MERGE INTO items USING n ON items.id = n.id WHEN MATCHED THEN DELETE", WRITE),
				arguments("EXPLAIN ANALYZE DELETE FROM items", WRITE),
				arguments("explain (analyze, buffers) update items set name = 'x'", WRITE),
				arguments("ANALYZE TABLE items", WRITE),
				arguments("ANALYZE items", WRITE),
				// locking reads, in any spacing
				arguments("SELECT * FROM items FOR UPDATE", WRITE),
				arguments("SELECT * FROM items FOR\nUPDATE", WRITE),
				arguments("SELECT * FROM items FOR  UPDATE", WRITE),
				arguments("select * from items for update nowait", WRITE),
				arguments("SELECT * FROM items FOR SHARE", WRITE),
				arguments("SELECT * FROM items FOR KEY SHARE", WRITE),
				arguments("SELECT * FROM items FOR NO KEY UPDATE", WRITE),
				arguments("SELECT * FROM items FOR UPDATE OF items SKIP LOCKED", WRITE),
				arguments("SELECT * FROM items LOCK IN SHARE MODE", WRITE),
				arguments("EXPLAIN ANALYZE SELECT * FROM items FOR UPDATE", WRITE),
				// MySQL executable comments are SQL
				arguments("/*!40101 UPDATE items SET name = 'x' */", WRITE),
				arguments("SELECT * FROM items /*! FOR UPDATE */", WRITE),
				arguments("/*M!100100 DELETE FROM items */", WRITE),
				arguments("/*!40101 SET NAMES utf8 */", SESSION),
				// locks held by the session: written and pinned
				arguments("SELECT GET_LOCK('job', 10)", WRITE | SESSION),
				arguments("SELECT RELEASE_LOCK('job')", WRITE | SESSION),
				arguments("SELECT pg_advisory_lock(42)", WRITE | SESSION),
				arguments("SELECT pg_try_advisory_lock(42)", WRITE | SESSION),
				arguments("LOCK TABLES items WRITE", WRITE | SESSION),
				arguments("LOCK TABLE items IN ACCESS EXCLUSIVE MODE", WRITE | SESSION),
				arguments("CREATE TEMPORARY TABLE scratch (id INT)", WRITE | SESSION),
				arguments("CREATE TEMP TABLE scratch (id INT)", WRITE | SESSION),
				arguments("CREATE GLOBAL TEMPORARY TABLE scratch (id INT)", WRITE | SESSION),
				// session state
				arguments("SET @tenant = 'acme'", SESSION),
				arguments("set search_path to tenant_a", SESSION),
				arguments("SET SESSION sql_mode = 'ANSI'", SESSION),
				arguments("SET NAMES utf8mb4", SESSION),
				arguments("USE other", SESSION),
				arguments("SELECT 1 INTO @v", SESSION),
				arguments("SELECT name INTO @n FROM items LIMIT 1", SESSION),
				arguments("SELECT @n := name FROM items", SESSION),
				arguments("SELECT set_config('app.tenant', 'acme', false)", SESSION),
				arguments("RESET ALL", SESSION),
				arguments("DISCARD ALL", SESSION),
				arguments("PREPARE q FROM 'SELECT 1'", SESSION),
				arguments("UNLOCK TABLES", SESSION),
				arguments("BEGIN", SESSION),
				arguments("START TRANSACTION", SESSION),
				arguments("SET SESSION TRANSACTION READ ONLY", SESSION),
				arguments("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY", SESSION),
				arguments("SET GLOBAL TRANSACTION ISOLATION LEVEL READ COMMITTED", SESSION),
				arguments("SET LOCAL statement_timeout = 1000", SESSION),
				// one transaction's characteristics (Spring's enforceReadOnly)
				arguments("SET TRANSACTION READ ONLY", TRANSACTION),
				arguments("set transaction isolation level serializable", TRANSACTION),
				arguments("/* tx */ SET  TRANSACTION READ WRITE", TRANSACTION),
				arguments("SET transaction_isolation = 'SERIALIZABLE'", SESSION),
				// nothing
				arguments("", 0),
				arguments("   ", 0),
				arguments("/* only a comment */", 0));
	}

	@ParameterizedTest(name = "{0} -> {1}")
	@MethodSource("statements")
	void classifies(String sql, int expected) {
		assertThat(SqlIntent.classify(sql)).isEqualTo(expected);
		assertThat(SqlIntent.needsPrimary(sql)).isEqualTo((expected & WRITE) != 0);
		assertThat(SqlIntent.changesSession(sql)).isEqualTo((expected & SESSION) != 0);
	}

	/** One statement (a refused one may run again elsewhere) or several, erring on several. */
	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource(delimiter = '|', value = {
			"INSERT INTO t VALUES (1)|true",
			"INSERT INTO t VALUES (1);|true",
			"'INSERT INTO t VALUES (1) ; ; '|true",
			"INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)|false",
			"INSERT INTO t VALUES ('a;b')|false",
			"INSERT INTO t VALUES (1); -- done|false" })
	void tellsOneStatementFromSeveral(String sql, boolean one) {
		assertThat(SqlIntent.isOneStatement(sql)).isEqualTo(one);
	}

	@Test
	void noTextIsNotOneStatement() {
		assertThat(SqlIntent.isOneStatement(null)).isFalse();
	}

	@ParameterizedTest
	@MethodSource("statements")
	void unterminatedTextDoesNotFail(String sql, int expected) {
		SqlIntent.classify(sql + " '");
		SqlIntent.classify(sql + " /*");
		SqlIntent.classify(sql + " $tag$");
	}

	@Test
	void aTextIsClassifiedAsItselfNotAsAnotherTextOfTheSameCacheSlot() {
		// far more texts than the cache has slots, reads and writes interleaved, each asked twice:
		// an answer remembered for another text of the same slot would show here
		for (int round = 0; round < 2; round++) {
			for (int i = 0; i < 5_000; i++) {
				assertThat(SqlIntent.classify("SELECT " + i)).as("SELECT %d", i).isEqualTo(0);
				assertThat(SqlIntent.classify("UPDATE t SET c = " + i)).as("UPDATE %d", i).isEqualTo(WRITE);
			}
		}
	}

	@Test
	void anEqualTextBuiltAtRunTimeGetsTheSameAnswerAndALongTextIsClassifiedToo() {
		assertThat(SqlIntent.classify("DELETE FROM t")).isEqualTo(WRITE);
		assertThat(SqlIntent.classify(new StringBuilder("DELETE ").append("FROM t").toString())).isEqualTo(WRITE);
		String longRead = "SELECT " + "c, ".repeat(1_000) + "c FROM t";
		String longWrite = "INSERT INTO t VALUES " + "(1), ".repeat(1_000) + "(1)";
		assertThat(SqlIntent.classify(longRead)).isEqualTo(0);
		assertThat(SqlIntent.classify(longWrite)).isEqualTo(WRITE);
	}

	@Test
	void aTextIsRememberedTheSecondTimeAndTextsBuiltWithLiteralsDoNotPushItOut() {
		String repeated = "SELECT c FROM cache_admission WHERE id = ?";
		assertThat(SqlIntent.classify(repeated)).isEqualTo(0);
		assertThat(SqlIntent.isCached(repeated)).as("remembered after the first time").isFalse();
		assertThat(SqlIntent.classify(repeated)).isEqualTo(0);
		assertThat(SqlIntent.isCached(repeated)).as("remembered after the second time").isTrue();
		for (int i = 0; i < 100_000; i++) {
			assertThat(SqlIntent.classify("UPDATE cache_admission SET c = " + i)).isEqualTo(WRITE);
		}
		assertThat(SqlIntent.isCached(repeated)).as("still remembered after 100,000 texts seen once").isTrue();
		assertThat(SqlIntent.classify(repeated)).isEqualTo(0);
	}

}
