package io.peerpool.web;

import java.util.Map;

import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** A handler named by a {@code web.overrides} entry ({@code io.peerpool.web.ReportController#export}). */
@RestController
public class ReportController {

	private final JdbcClient jdbc;

	ReportController(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@GetMapping("/report/export")
	public ResponseEntity<Map<String, Object>> export() {
		return RoutingTestApp.answer(this.jdbc.sql("SELECT @@server_id").query(Integer.class).single());
	}

	@GetMapping("/report/summary")
	public ResponseEntity<Map<String, Object>> summary() {
		return RoutingTestApp.answer(this.jdbc.sql("SELECT @@server_id").query(Integer.class).single());
	}

}
