package io.peerpool.routing;

import java.util.ArrayDeque;
import java.util.Deque;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

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

}
