package io.peerpool.sample;

import java.sql.Timestamp;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Notes in the pool {@code main}, the {@code @Primary} DataSource: Boot's {@link JdbcClient} and
 * transaction manager use it without any peerpool-specific code.
 */
@Repository
public class NoteRepository {

	private final JdbcClient jdbc;

	NoteRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** Stores a note; returns it with its id and the port of the server that took it. */
	@Transactional
	public StoredNote add(String text) {
		KeyHolder keys = new GeneratedKeyHolder();
		this.jdbc.sql("INSERT INTO note (text) VALUES (:text)").param("text", text).update(keys);
		long id = keys.getKey().longValue();
		// same transaction, so the same connection and server as the insert
		Note note = this.jdbc.sql("SELECT id, text, created FROM note WHERE id = :id")
			.param("id", id)
			.query(NoteRepository::note)
			.single();
		int port = this.jdbc.sql("SELECT @@port").query(Integer.class).single();
		return new StoredNote(note, port);
	}

	/** The latest notes, newest first. */
	@Transactional(readOnly = true)
	public List<Note> latest(int limit) {
		return this.jdbc.sql("SELECT id, text, created FROM note ORDER BY id DESC LIMIT :limit")
			.param("limit", limit)
			.query(NoteRepository::note)
			.list();
	}

	private static Note note(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
		Timestamp created = rs.getTimestamp("created");
		return new Note(rs.getLong("id"), rs.getString("text"), (created != null) ? created.toInstant() : null);
	}

	/**
	 * A note and where it went.
	 *
	 * @param note the stored note
	 * @param port port of the database server that stored it
	 */
	public record StoredNote(Note note, int port) {

	}

}
