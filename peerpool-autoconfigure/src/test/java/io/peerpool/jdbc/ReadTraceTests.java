package io.peerpool.jdbc;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.Calendar;
import java.util.TimeZone;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ReadTrace} over in-memory H2 result sets: a replay is compared on what the application
 * read (the getters, the columns, the values), not on columns it never looked at.
 */
class ReadTraceTests {

	private static final String QUERY = "SELECT id, name, amount, seen_at, note FROM items ORDER BY id";

	private Connection connection;

	@BeforeEach
	void createItems() throws SQLException {
		this.connection = DriverManager.getConnection("jdbc:h2:mem:readtrace" + System.nanoTime());
		try (Statement statement = this.connection.createStatement()) {
			statement.execute("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20), amount DECIMAL(10,2),"
					+ " seen_at TIMESTAMP, note VARCHAR(20))");
			for (int id = 1; id <= 50; id++) {
				statement.execute("INSERT INTO items VALUES (" + id + ", 'item " + id + "', " + id + ".50,"
						+ " TIMESTAMP '2026-12-01 10:00:00', " + ((id % 2 == 0) ? "'even'" : "NULL") + ")");
			}
		}
	}

	@AfterEach
	void close() throws SQLException {
		this.connection.close();
	}

	@Test
	void theSameQueryReadTheSameWayIsTheSame() throws SQLException {
		ReadTrace trace = readAll(10);
		assertThat(compareAgain(trace)).isNull();
	}

	@Test
	void aChangedValueTheApplicationReadDiffers() throws SQLException {
		ReadTrace trace = readAll(10);
		update("UPDATE items SET amount = 99 WHERE id = 7");
		assertThat(compareAgain(trace)).isEqualTo("result set: the values read from the first 10 rows differ");
	}

	@Test
	void aChangedColumnTheApplicationNeverReadIsNotADifference() throws SQLException {
		ReadTrace trace = readAll(10);
		update("UPDATE items SET note = 'changed' WHERE id = 3");
		assertThat(compareAgain(trace)).isNull();
	}

	@Test
	void aChangedValueInARowAfterTheOnesReadIsNotADifference() throws SQLException {
		ReadTrace trace = readAll(10);
		update("UPDATE items SET amount = 99 WHERE id = 11");
		assertThat(compareAgain(trace)).isNull();
	}

	@Test
	void fewerRowsDiffer() throws SQLException {
		ReadTrace trace = readAll(10);
		update("DELETE FROM items WHERE id > 5");
		assertThat(compareAgain(trace)).isEqualTo("result set: 5 rows instead of at least 10");
	}

	@Test
	void moreRowsThanTheApplicationSawToTheEndDiffer() throws SQLException {
		ReadTrace trace = readAll(Integer.MAX_VALUE);
		assertThat(trace.isExhausted()).isTrue();
		update("INSERT INTO items VALUES (51, 'item 51', 1, TIMESTAMP '2026-12-01 10:00:00', NULL)");
		assertThat(compareAgain(trace)).isEqualTo("result set: more than the 50 rows the application saw");
	}

	@Test
	void readsThatDependOnTheRowAreFollowedRowByRow() throws SQLException {
		// the application reads the note only of even rows, and by label
		ReadTrace trace = new ReadTrace();
		try (Statement statement = this.connection.createStatement(); ResultSet rows = statement.executeQuery(QUERY)) {
			for (int row = 0; row < 20 && next(rows, trace); row++) {
				int id = rows.getInt(1);
				trace.read(ReadTrace.at(ReadTrace.GET_INT, 1), null, null, id);
				if (id % 2 == 0) {
					trace.read(ReadTrace.labelled(ReadTrace.GET_STRING), "NOTE", null, ReadTrace.hash(rows.getString("NOTE")));
				}
			}
		}
		assertThat(compareAgain(trace)).isNull();
		update("UPDATE items SET note = 'odd' WHERE id = 9");
		assertThat(compareAgain(trace)).as("a note the application never read").isNull();
		update("UPDATE items SET note = 'other' WHERE id = 8");
		assertThat(compareAgain(trace)).as("a note it read").isNotNull();
	}

	@Test
	void wasNullTellsANullFromZero() throws SQLException {
		ReadTrace trace = new ReadTrace();
		try (Statement statement = this.connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT CASE WHEN note IS NULL THEN NULL ELSE 0 END FROM items ORDER BY id")) {
			next(rows, trace);
			trace.read(ReadTrace.at(ReadTrace.GET_INT, 1), null, null, rows.getInt(1));
			trace.read(ReadTrace.WAS_NULL, null, null, Boolean.hashCode(rows.wasNull()));
		}
		update("UPDATE items SET note = 'now set' WHERE id = 1");
		try (Statement statement = this.connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT CASE WHEN note IS NULL THEN NULL ELSE 0 END FROM items ORDER BY id")) {
			assertThat(trace.compare(rows, "result set")).as("0 instead of NULL").isNotNull();
		}
	}

	@Test
	void aReadWithACalendarIsReadAgainWithThatCalendar() throws SQLException {
		Calendar utc = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
		ReadTrace trace = new ReadTrace();
		try (Statement statement = this.connection.createStatement(); ResultSet rows = statement.executeQuery(QUERY)) {
			next(rows, trace);
			Timestamp seenAt = rows.getTimestamp(4, utc);
			trace.read(ReadTrace.at(ReadTrace.GET_TIMESTAMP_CALENDAR, 4), null, utc, ReadTrace.hash((Object) seenAt));
		}
		assertThat(compareAgain(trace)).isNull();
	}

	@Test
	void rowsReadAlikeAreKeptOnce() throws SQLException {
		ReadTrace few = readAll(2);
		ReadTrace all = readAll(Integer.MAX_VALUE);
		assertThat(all.rows()).isEqualTo(50);
		assertThat(all.bytes()).isEqualTo(few.bytes());
	}

	@Test
	void valuesOfTheUsualTypesHashByValueAndADriversOwnObjectIsUnknown() {
		assertThat(ReadTrace.hash((Object) new BigDecimal("1.50"))).isEqualTo(ReadTrace.hash((Object) new BigDecimal("1.50")));
		assertThat(ReadTrace.hash((Object) new byte[] { 1, 2 })).isEqualTo(ReadTrace.hash((Object) new byte[] { 1, 2 }));
		assertThat(ReadTrace.hash((Object) new Timestamp(5))).isEqualTo(ReadTrace.hash((Object) new Timestamp(5)));
		assertThat(ReadTrace.hash((Object) null)).isNotEqualTo(ReadTrace.hash((Object) "")).isNotEqualTo(ReadTrace.hash((Object) 0));
		assertThat(ReadTrace.hash(new Object())).isEqualTo(ReadTrace.UNKNOWN);
	}

	/** Reads {@code limit} rows (or all) as an application would: id, name, amount, time; never the note. */
	private ReadTrace readAll(int limit) throws SQLException {
		ReadTrace trace = new ReadTrace();
		try (Statement statement = this.connection.createStatement(); ResultSet rows = statement.executeQuery(QUERY)) {
			for (int row = 0; row < limit && next(rows, trace); row++) {
				trace.read(ReadTrace.at(ReadTrace.GET_INT, 1), null, null, rows.getInt(1));
				trace.read(ReadTrace.at(ReadTrace.GET_STRING, 2), null, null, ReadTrace.hash(rows.getString(2)));
				trace.read(ReadTrace.labelled(ReadTrace.GET_BIG_DECIMAL), "AMOUNT", null, ReadTrace.hash(rows.getBigDecimal("AMOUNT")));
				trace.read(ReadTrace.at(ReadTrace.GET_TIMESTAMP, 4), null, null, ReadTrace.hash((Object) rows.getTimestamp(4)));
			}
		}
		return trace;
	}

	private static boolean next(ResultSet rows, ReadTrace trace) throws SQLException {
		boolean more = rows.next();
		trace.advanced(more);
		return more;
	}

	private String compareAgain(ReadTrace trace) throws SQLException {
		try (Statement statement = this.connection.createStatement(); ResultSet rows = statement.executeQuery(QUERY)) {
			return trace.compare(rows, "result set");
		}
	}

	private void update(String sql) throws SQLException {
		try (Statement statement = this.connection.createStatement()) {
			statement.execute(sql);
		}
	}

}
