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
 * transaction manager use it without any peerpool-specific code. A read-write transaction runs on
 * the primary; {@code @Transactional(readOnly = true)} on a replica (or, right after the same
 * client wrote, where that write can be read). Each method also says which server answered, with
 * {@code @@server_id} and {@code @@port} read in the same transaction, so on the same connection.
 */
@Repository
public class NoteRepository {

	private final JdbcClient jdbc;

	NoteRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** Stores a note; returns it with its id and the server that took it. */
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
		return new StoredNote(note, server());
	}

	/** The latest notes, newest first, and the server that answered. */
	@Transactional(readOnly = true)
	public LatestNotes latest(int limit) {
		List<Note> notes = this.jdbc.sql("SELECT id, text, created FROM note ORDER BY id DESC LIMIT :limit")
			.param("limit", limit)
			.query(NoteRepository::note)
			.list();
		return new LatestNotes(notes, server());
	}

	private Server server() {
		return this.jdbc.sql("SELECT @@server_id, @@port")
			.query((rs, row) -> new Server(rs.getInt(1), rs.getInt(2)))
			.single();
	}

	private static Note note(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
		Timestamp created = rs.getTimestamp("created");
		return new Note(rs.getLong("id"), rs.getString("text"), (created != null) ? created.toInstant() : null);
	}

	/**
	 * A database server that answered.
	 *
	 * @param serverId its {@code @@server_id}
	 * @param port its {@code @@port}
	 */
	public record Server(int serverId, int port) {

	}

	/**
	 * A note and where it went.
	 *
	 * @param note the stored note
	 * @param server the database server that stored it
	 */
	public record StoredNote(Note note, Server server) {

	}

	/**
	 * The latest notes and where they were read.
	 *
	 * @param notes newest first
	 * @param server the database server that answered
	 */
	public record LatestNotes(List<Note> notes, Server server) {

	}

}
