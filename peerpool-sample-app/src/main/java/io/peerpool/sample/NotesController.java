package io.peerpool.sample;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

import io.peerpool.PeerInfo;
import io.peerpool.PeerPool;

/** Notes (pool {@code main}) with an audit trail (pool {@code audit}), and the load switch. */
@RestController
@RequestMapping("/api")
class NotesController {

	private final NoteRepository notes;

	private final AuditLog audit;

	private final PeerPool main;

	private final LoadGenerator load;

	NotesController(NoteRepository notes, AuditLog audit, @Qualifier("main") PeerPool main, LoadGenerator load) {
		this.notes = notes;
		this.audit = audit;
		this.main = main;
		this.load = load;
	}

	/** A GET: read from a replica (peerpool's web routing), unless this client has just written. */
	@GetMapping("/notes")
	Map<String, Object> notes() {
		NoteRepository.LatestNotes latest = this.notes.latest(10);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("notes", latest.notes());
		body.put("servedBy", servedBy(latest.server()));
		return body;
	}

	@PostMapping("/notes")
	@ResponseStatus(HttpStatus.CREATED)
	Map<String, Object> add(@RequestBody NewNote request) {
		String text = (request.text() != null) ? request.text().strip() : "";
		if (text.isEmpty() || text.length() > 500) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "A note needs 1 to 500 characters");
		}
		NoteRepository.StoredNote stored = this.notes.add(text);
		Map<String, Object> servedBy = servedBy(stored.server());
		this.audit.record("note " + stored.note().id() + " created on " + servedBy.get("peer"));
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("note", stored.note());
		body.put("peer", servedBy.get("peer"));
		body.put("servedBy", servedBy);
		return body;
	}

	@PostMapping("/load/{action}")
	Map<String, Object> load(@org.springframework.web.bind.annotation.PathVariable String action) {
		switch (action) {
			case "start" -> this.load.start();
			case "stop" -> this.load.stop();
			case "reset" -> this.load.reset();
			default -> throw new ResponseStatusException(HttpStatus.NOT_FOUND, "Use start, stop or reset");
		}
		return this.load.stats();
	}

	/** The peer of {@code main} and the server that answered. */
	private Map<String, Object> servedBy(NoteRepository.Server server) {
		Map<String, Object> servedBy = new LinkedHashMap<>();
		servedBy.put("peer", peerOnPort(server.port()));
		servedBy.put("serverId", server.serverId());
		return servedBy;
	}

	/** Which peer of {@code main} has a server on this port (the URLs name host and port). */
	private String peerOnPort(int port) {
		return this.main.getPeers()
			.stream()
			.filter((peer) -> peer.url().contains(":" + port + "/"))
			.map(PeerInfo::name)
			.findFirst()
			.orElse("port " + port);
	}

	record NewNote(String text) {
	}

}
