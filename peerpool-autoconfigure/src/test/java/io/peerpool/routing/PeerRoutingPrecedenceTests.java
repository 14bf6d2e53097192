package io.peerpool.routing;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.peerpool.PeerRole;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The routing precedence of the README, one row per rule, without servers: where a new physical
 * connection goes for the scopes open on the thread (outermost first), whether the request wrote,
 * whether the connection or its transaction is read-only, and the read-your-writes mode.
 */
class PeerRoutingPrecedenceTests {

	private final Deque<RouteScope> opened = new ArrayDeque<>();

	@AfterEach
	void closeScopes() {
		while (!this.opened.isEmpty()) {
			this.opened.pop().close();
		}
		PeerRouting.clear();
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			# rule                                               | scopes, outermost first                             | wrote | readOnly | mode | expected
			no scope: a primary                                  |                                                     | false | false    | pin  | primary
			no scope, read-only transaction: a replica           |                                                     | false | true     | pin  | replica
			GET: a replica                                       | HTTP_METHOD:REPLICA                                 | false | false    | pin  | replica
			POST: a primary                                      | HTTP_METHOD:PRIMARY                                 | false | false    | pin  | primary
			POST, read-only transaction: a replica               | HTTP_METHOD:PRIMARY                                 | false | true     | pin  | replica
			override beats the method (primary)                  | HTTP_METHOD:REPLICA > OVERRIDE:PRIMARY              | false | false    | pin  | primary
			override beats the method (replica)                  | HTTP_METHOD:PRIMARY > OVERRIDE:REPLICA              | false | false    | pin  | replica
			pin cookie beats a read-only transaction             | PIN:PRIMARY                                         | false | true     | pin  | primary
			a write in the request pins it (pin)                 | HTTP_METHOD:REPLICA                                 | true  | false    | pin  | primary
			a write pins a later read-only transaction too       | HTTP_METHOD:REPLICA                                 | true  | true     | pin  | primary
			gtid: a write leaves a position, not a pin           | HTTP_METHOD:REPLICA                                 | true  | false    | gtid | replica
			trusted header forces a replica                      | HEADER:REPLICA                                      | false | false    | pin  | replica
			trusted header forces a primary over read-only       | HEADER:PRIMARY                                      | false | true     | pin  | primary
			explicit replica beats a pin                         | PIN:PRIMARY > EXPLICIT:REPLICA                      | false | false    | pin  | replica
			explicit replica beats a write in the request        | HTTP_METHOD:REPLICA > EXPLICIT:REPLICA              | true  | false    | pin  | replica
			explicit primary beats a read-only transaction       | HTTP_METHOD:REPLICA > EXPLICIT:PRIMARY              | false | true     | pin  | primary
			innermost explicit scope wins                        | EXPLICIT:PRIMARY > EXPLICIT:REPLICA                 | false | false    | pin  | replica
			innermost explicit scope wins, the other way         | EXPLICIT:REPLICA > EXPLICIT:PRIMARY                 | false | true     | pin  | primary
			""")
	void newConnectionGoesWhereThePrecedenceSays(String rule, String scopes, boolean wrote, boolean readOnly,
			String mode, String expected) {
		if (scopes != null) {
			for (String scope : scopes.split(">")) {
				String[] parts = scope.strip().split(":");
				this.opened.push(PeerRouting.open(RouteIntent.valueOf(parts[1]), RouteOrigin.valueOf(parts[0])));
			}
		}
		if (wrote) {
			PeerRouting.recordWrite();
		}
		boolean replica = PeerRouting.wantsReplica(readOnly, mode.equals("pin"));
		assertThat(replica ? "replica" : "primary").as(rule).isEqualTo(expected);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			# rule                                                 | scopes, outermost first             | readOnly | autoCommit | wrote | request wrote | mode | token | expected
			auto-commit read, no scope: a primary                  |                                     | false    | true       | false | false         | pin  |       | primary
			auto-commit read in a GET: a replica                   | HTTP_METHOD:REPLICA                 | false    | true       | false | false         | pin  |       | replica
			read-write transaction in a GET: its reads too primary | HTTP_METHOD:REPLICA                 | false    | false      | false | false         | pin  |       | primary
			read-only transaction in a GET: a replica              | HTTP_METHOD:REPLICA                 | true     | false      | false | false         | pin  |       | replica
			read-only transaction, no scope: a replica             |                                     | true     | false      | false | false         | pin  |       | replica
			read-write transaction in an explicit replica scope    | EXPLICIT:REPLICA                    | false    | false      | false | false         | pin  |       | replica
			a connection that wrote needs a primary again          | HTTP_METHOD:REPLICA                 | false    | true       | true  | true          | gtid | 0-1-9 | primary
			a connection that wrote, explicit replica scope        | HTTP_METHOD:REPLICA > EXPLICIT:REPLICA | false | true       | true  | true          | pin  |       | replica
			gtid: after the request's write, with its position     | HTTP_METHOD:REPLICA                 | false    | true       | false | true          | gtid | 0-1-9 | replica
			gtid: after the request's write, position unknown      | HTTP_METHOD:REPLICA                 | false    | true       | false | true          | gtid |       | primary
			pin: after the request's write                         | HTTP_METHOD:REPLICA                 | false    | true       | false | true          | pin  |       | primary
			gtid, a pin cookie with this pool's position           | HTTP_METHOD:REPLICA:cookie          | false    | true       | false | false         | gtid | 0-1-9 | replica
			gtid, a pin cookie with other pools' positions only    | HTTP_METHOD:REPLICA:cookie          | false    | true       | false | false         | gtid |       | primary
			pin, a pin cookie with other pools' positions          | HTTP_METHOD:REPLICA:cookie          | false    | true       | false | false         | pin  |       | primary
			""")
	void aConnectionReadsFromAReplicaWhereItsStateAndThePrecedenceSay(String rule, String scopes, boolean readOnly,
			boolean autoCommit, boolean wrote, boolean requestWrote, String mode, String token, String expected) {
		if (scopes != null) {
			for (String scope : scopes.split(">")) {
				String[] parts = scope.strip().split(":");
				RouteScope opened = PeerRouting.open(RouteIntent.valueOf(parts[1]), RouteOrigin.valueOf(parts[0]));
				if (parts.length > 2 && parts[2].equals("cookie")) {
					// what the web filter makes of a pin cookie that carries positions
					opened.clientWroteBefore();
				}
				this.opened.push(opened);
			}
		}
		if (requestWrote) {
			PeerRouting.recordWrite();
		}
		if (token != null) {
			PeerRouting.recordWriteToken("pool", token);
		}
		boolean replica = PeerRouting.connectionWantsReplica("pool", readOnly, autoCommit, wrote,
				io.peerpool.ReadYourWrites.valueOf(mode.toUpperCase(java.util.Locale.ROOT)));
		assertThat(replica ? "replica" : "primary").as(rule).isEqualTo(expected);
	}

	@Test
	void aWriteInAnExplicitReplicaScopeIsRefusedNamingThePoolTheStatementAndTheFixAndElsePinsTheRequest() throws Exception {
		this.opened.push(PeerRouting.open(RouteIntent.REPLICA, RouteOrigin.HTTP_METHOD));
		this.opened.push(PeerRouting.open(RouteIntent.REPLICA, RouteOrigin.EXPLICIT));
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> PeerRouting.beforeWrite("main", "UPDATE  t\n SET a = 1 WHERE id IN (" + "1, ".repeat(40) + "2)"))
			.satisfies((refused) -> assertThat(refused.getSQLState()).isEqualTo("25006"))
			.withMessageContaining("pool 'main': UPDATE t SET a = 1 WHERE id IN (1, ")
			.withMessageContaining("...")
			.withMessageContaining("@UsePrimary");
		this.opened.pop().close();
		assertThat(PeerRouting.wantsReplica(false)).as("the refused write pinned nothing").isTrue();
		PeerRouting.beforeWrite("main", "UPDATE t SET a = 1");
		assertThat(PeerRouting.wantsReplica(false)).as("the write pins the GET to primaries").isFalse();
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			# case                                  | scopes, outermost first                 | guarded
			no scope                                |                                         | false
			GET only (incidental writes allowed)    | HTTP_METHOD:REPLICA                     | false
			explicit replica scope                  | HTTP_METHOD:PRIMARY > EXPLICIT:REPLICA  | true
			explicit primary inside a replica scope | EXPLICIT:REPLICA > EXPLICIT:PRIMARY     | false
			override to replica is not explicit     | HTTP_METHOD:PRIMARY > OVERRIDE:REPLICA  | false
			""")
	void theWriteGuardHoldsOnlyInAnExplicitReplicaScope(String rule, String scopes, boolean guarded) {
		if (scopes != null) {
			for (String scope : scopes.split(">")) {
				String[] parts = scope.strip().split(":");
				this.opened.push(PeerRouting.open(RouteIntent.valueOf(parts[1]), RouteOrigin.valueOf(parts[0])));
			}
		}
		assertThat(PeerRouting.inExplicitReplicaScope()).as(rule).isEqualTo(guarded);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			# rule                                              | role    | wantsReplica | keeps
			a read taken on a replica stays                     | REPLICA | true         | true
			a read taken on a primary moves to a replica        | PRIMARY | true         | false
			a write taken on a replica moves to a primary       | REPLICA | false        | false
			a write taken on a primary stays                    | PRIMARY | false        | true
			a peer not probed yet serves a read                 | AUTO    | true         | true
			a peer not probed yet serves a write                | AUTO    | false        | true
			""")
	void aConnectionTakenBeforeItsIntentWasKnownKeepsItsPeerOnlyWhereItsRoleFits(String rule, PeerRole role,
			boolean wantsReplica, boolean keeps) {
		assertThat(PeerRouting.fitsIntent(role, wantsReplica)).as(rule).isEqualTo(keeps);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			# rule                                              | role    | autoCommit | readOnly | pinned | moves
			an incidental auto-commit write on a replica moves  | REPLICA | true       | false    | false  | true
			a write on a primary has nowhere to move            | PRIMARY | true       | false    | false  | false
			a write in a transaction stays with the transaction | REPLICA | false      | false    | false  | false
			a write in a read-only connection or transaction    | REPLICA | true       | true     | false  | false
			a write on a connection pinned by session SQL       | REPLICA | true       | false    | true   | false
			""")
	void anAutoCommitWriteOnAReplicaMovesToAPrimaryOnlyWhereNothingHoldsItThere(String rule, PeerRole role,
			boolean autoCommit, boolean readOnly, boolean pinned, boolean moves) {
		assertThat(PeerRouting.writeMovesToPrimary(role, autoCommit, readOnly, pinned)).as(rule).isEqualTo(moves);
	}

	@Test
	void aWriteOutsideAnyScopeKeepsItsPositionForTheThreadUntilItsTimeIsUpOrTheThreadIsCleared() {
		assertThat(PeerRouting.recordWriteToken("pool", "1-1-7")).as("no scope takes it").isFalse();
		PeerRouting.recordThreadWriteToken("pool", "1-1-7", Duration.ofHours(1));
		assertThat(PeerRouting.threadWriteToken("pool")).isEqualTo("1-1-7");
		assertThat(PeerRouting.threadWriteToken("other")).isNull();
		assertThat(PeerRouting.writeToken("pool")).as("a request's tokens are its scope's").isNull();

		PeerRouting.clear();
		assertThat(PeerRouting.threadWriteToken("pool")).as("after clear()").isNull();

		PeerRouting.recordThreadWriteToken("pool", "1-1-8", Duration.ofMillis(1));
		await().atMost(Duration.ofSeconds(5)).until(() -> PeerRouting.threadWriteToken("pool") == null);
	}

	@Test
	void aWriteInAScopeKeepsItsPositionOnTheRequest() {
		this.opened.push(PeerRouting.open(RouteIntent.PRIMARY, RouteOrigin.HTTP_METHOD));
		assertThat(PeerRouting.recordWriteToken("pool", "1-1-9")).isTrue();
		assertThat(PeerRouting.writeToken("pool")).isEqualTo("1-1-9");
		assertThat(PeerRouting.threadWriteToken("pool")).isNull();
	}

	@Test
	void outsideAnyScopeAThreadsOwnRecentWriteSendsItsReadOnlyWorkWhereGtidModeSays() throws Exception {
		io.peerpool.ReadYourWrites gtid = io.peerpool.ReadYourWrites.GTID;
		io.peerpool.ReadYourWrites pin = io.peerpool.ReadYourWrites.PIN;
		assertThat(PeerRouting.connectionWantsReplica("pool", true, false, false, gtid)).as("before any write").isTrue();

		PeerRouting.beforeWrite("pool", "INSERT INTO t VALUES (1)", Duration.ofHours(1));
		assertThat(PeerRouting.connectionWantsReplica("pool", true, false, false, gtid))
			.as("gtid, the write's position unknown: a primary").isFalse();
		assertThat(PeerRouting.connectionWantsReplica("other", true, false, false, gtid)).as("another pool").isTrue();
		assertThat(PeerRouting.connectionWantsReplica("pool", true, false, false, pin))
			.as("pin: a thread outside any request is not pinned").isTrue();

		PeerRouting.recordThreadWriteToken("pool", "0-1-9", Duration.ofHours(1));
		assertThat(PeerRouting.connectionWantsReplica("pool", true, false, false, gtid))
			.as("gtid, with the write's position: a replica that applied it").isTrue();

		PeerRouting.clear();
		PeerRouting.beforeWrite("pool", "INSERT INTO t VALUES (2)", Duration.ofMillis(1));
		await().atMost(Duration.ofSeconds(5))
			.until(() -> PeerRouting.connectionWantsReplica("pool", true, false, false, gtid));
	}

}
