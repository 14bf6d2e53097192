package io.peerpool.web;

import java.net.URI;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.peerpool.routing.PeerRouting;
import io.peerpool.routing.RouteIntent;
import io.peerpool.routing.RouteOrigin;
import io.peerpool.routing.UsePrimary;
import io.peerpool.routing.UseReplica;

/**
 * A small web application whose endpoints answer with the {@code @@server_id} of the server that
 * ran their SQL (in the {@code X-Server-Id} header, so HEAD shows it too). Tables: {@code items}
 * (name primary key) and {@code visits}.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({ RoutingTestApp.RoutingController.class, RoutingTestApp.TransactionalReads.class, ReportController.class })
public class RoutingTestApp {

	static final String SERVER_ID = "X-Server-Id";

	static final String THREAD = "X-Thread";

	/** Every request is allowed: security is on the classpath of this module's tests. */
	@Bean
	SecurityFilterChain openFilterChain(HttpSecurity http) throws Exception {
		return http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
			.csrf((csrf) -> csrf.disable())
			.build();
	}

	@Bean
	InMemoryUserDetailsManager noUsers() {
		return new InMemoryUserDetailsManager();
	}

	static ResponseEntity<Map<String, Object>> answer(int serverId, Object... more) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("server", serverId);
		for (int i = 0; i + 1 < more.length; i += 2) {
			body.put((String) more[i], more[i + 1]);
		}
		return ResponseEntity.ok()
			.header(SERVER_ID, Integer.toString(serverId))
			.header(THREAD, Thread.currentThread().getName())
			.body(body);
	}

	@RestController
	static class RoutingController {

		private final JdbcClient jdbc;

		private final TransactionalReads transactional;

		RoutingController(JdbcClient jdbc, TransactionalReads transactional) {
			this.jdbc = jdbc;
			this.transactional = transactional;
		}

		private int serverId() {
			return this.jdbc.sql("SELECT @@server_id").query(Integer.class).single();
		}

		@RequestMapping(path = { "/server", "/admin/server", "/admin/public/server", "/search" },
				method = { RequestMethod.GET, RequestMethod.HEAD, RequestMethod.POST, RequestMethod.PUT,
						RequestMethod.DELETE, RequestMethod.OPTIONS })
		ResponseEntity<Map<String, Object>> server() {
			return answer(serverId());
		}

		/** JSON flow: the client posts, then reads with a GET. */
		@PostMapping(path = "/items", consumes = MediaType.APPLICATION_JSON_VALUE)
		ResponseEntity<Map<String, Object>> create(@RequestBody Map<String, String> item) {
			this.jdbc.sql("INSERT INTO items (name) VALUES (?)").param(item.get("name")).update();
			return answer(serverId());
		}

		/**
		 * The JSON flow with a handler that returns a {@link Callable}: Spring MVC runs it on its task
		 * executor, after the request's thread has left the handler (and the filters).
		 */
		@PostMapping(path = "/async/items", consumes = MediaType.APPLICATION_JSON_VALUE)
		Callable<ResponseEntity<Map<String, Object>>> createLater(@RequestBody Map<String, String> item) {
			return () -> create(item);
		}

		/** A read by a handler that returns a {@link Callable}. */
		@GetMapping("/async/items/{name}")
		Callable<ResponseEntity<Map<String, Object>>> itemLater(@PathVariable String name) {
			return () -> item(name);
		}

		/** A write answered with a client error: it pins all the same. */
		@PostMapping("/items/rejected")
		ResponseEntity<Void> createAndReject(@RequestParam String name) {
			this.jdbc.sql("INSERT INTO items (name) VALUES (?)").param(name).update();
			return ResponseEntity.unprocessableEntity().build();
		}

		/** Form flow: post, then redirect (303) to the item. */
		@PostMapping(path = "/items/form", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
		ResponseEntity<Void> createFromForm(@RequestParam String name) {
			this.jdbc.sql("INSERT INTO items (name) VALUES (?)").param(name).update();
			return ResponseEntity.status(HttpStatus.SEE_OTHER).location(URI.create("/items/" + name)).build();
		}

		/** Form flow through a transaction that reads before it writes with a plain statement. */
		@PostMapping(path = "/items/form/transactional", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
		ResponseEntity<Void> createFromFormInTransaction(@RequestParam String name) {
			this.transactional.countThenInsert(name);
			return ResponseEntity.status(HttpStatus.SEE_OTHER).location(URI.create("/items/" + name)).build();
		}

		/** A read-write transaction with an isolation level, called in a GET. */
		@GetMapping("/tx/read-committed-insert")
		ResponseEntity<Map<String, Object>> readCommittedInsert(@RequestParam String name) {
			return answer(this.transactional.readCommittedInsert(name));
		}

		/** One statement, so the answer and the server are the same connection's. */
		@GetMapping("/items/{name}")
		ResponseEntity<Map<String, Object>> item(@PathVariable String name) {
			Map<String, Object> row = this.jdbc
				.sql("SELECT @@server_id AS server, (SELECT COUNT(*) FROM items WHERE name = ?) AS found")
				.param(name)
				.query()
				.singleRow();
			return answer(((Number) row.get("server")).intValue(), "found", ((Number) row.get("found")).intValue());
		}

		/** A read that records the visit: an incidental auto-commit write under the GET's read intent. */
		@GetMapping("/visit")
		ResponseEntity<Map<String, Object>> visit(@RequestParam String who) {
			int before = serverId();
			this.jdbc.sql("INSERT INTO visits (who) VALUES (?)").param(who).update();
			return answer(serverId(), "readFirstOn", before);
		}

		/** The write guard: a write in an explicit replica scope. */
		@UseReplica
		@PostMapping("/guarded")
		ResponseEntity<Map<String, Object>> guarded() {
			this.jdbc.sql("INSERT INTO visits (who) VALUES ('guarded')").update();
			return answer(serverId());
		}

		@UsePrimary
		@GetMapping("/annotated/primary")
		ResponseEntity<Map<String, Object>> annotatedPrimary() {
			return answer(serverId());
		}

		@UseReplica
		@PostMapping("/annotated/replica")
		ResponseEntity<Map<String, Object>> annotatedReplica() {
			return answer(serverId());
		}

		/** Leaves a scope open on purpose: the next request on this thread must not inherit it. */
		@PostMapping("/leak")
		ResponseEntity<Map<String, Object>> leak() {
			PeerRouting.open(RouteIntent.PRIMARY, RouteOrigin.EXPLICIT);
			return answer(serverId());
		}

		@GetMapping("/tx/read-write")
		ResponseEntity<Map<String, Object>> readWriteTransaction() {
			return answer(this.transactional.readWrite());
		}

		@PostMapping("/tx/read-only/jdbc-template")
		ResponseEntity<Map<String, Object>> readOnlyTemplate() {
			return answer(this.transactional.readOnlyWithJdbcTemplate());
		}

		@PostMapping("/tx/read-only/jdbc-client")
		ResponseEntity<Map<String, Object>> readOnlyClient() {
			return answer(this.transactional.readOnlyWithJdbcClient());
		}

		@ExceptionHandler(DataAccessException.class)
		ResponseEntity<Map<String, Object>> failed(DataAccessException ex) {
			Map<String, Object> body = new LinkedHashMap<>();
			Throwable cause = ex.getMostSpecificCause();
			body.put("message", cause.getMessage());
			body.put("sqlState", (cause instanceof SQLException sql) ? sql.getSQLState() : null);
			return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR).body(body);
		}

	}

	@Service
	static class TransactionalReads {

		private final JdbcTemplate template;

		private final JdbcClient client;

		TransactionalReads(JdbcTemplate template, JdbcClient client) {
			this.template = template;
			this.client = client;
		}

		/** A read-write transaction: its reads run on the primary too. */
		@Transactional
		public int readWrite() {
			return this.template.queryForObject("SELECT @@server_id", Integer.class);
		}

		/** Reads first, then writes with {@code JdbcTemplate.update(String)} (a plain statement). */
		@Transactional
		public void countThenInsert(String name) {
			this.template.queryForObject("SELECT count(*) FROM items", Integer.class);
			this.template.update("INSERT INTO items (name) VALUES ('" + name.replace("'", "''") + "')");
		}

		/** Spring reads the isolation level before it sets {@code autoCommit=false}. */
		@Transactional(isolation = org.springframework.transaction.annotation.Isolation.READ_COMMITTED)
		public int readCommittedInsert(String name) {
			this.template.update("INSERT INTO items (name) VALUES (?)", name);
			return this.template.queryForObject("SELECT @@server_id", Integer.class);
		}

		@Transactional(readOnly = true)
		public int readOnlyWithJdbcTemplate() {
			return this.template.queryForObject("SELECT @@server_id", Integer.class);
		}

		@Transactional(readOnly = true)
		public int readOnlyWithJdbcClient() {
			return this.client.sql("SELECT @@server_id").query(Integer.class).single();
		}

	}

}
