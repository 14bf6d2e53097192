package io.peerpool.test;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The process behaviour every server of the kit shares, over a plain {@code sleep} process (no
 * database): frozen is what the kernel says, freeze of a stopped server fails, thaw of one does
 * nothing.
 */
class ServerProcessTests {

	private Process sleeper;

	private final ServerProcess server = new ServerProcess() {

		@Override
		@Nullable ProcessHandle processHandle() {
			return (ServerProcessTests.this.sleeper != null) ? ServerProcessTests.this.sleeper.toHandle() : null;
		}

		@Override
		public String name() {
			return "sleeper";
		}

		@Override
		public int port() {
			return 0;
		}

		@Override
		public String database() {
			return "none";
		}

		@Override
		public String username() {
			return "none";
		}

		@Override
		public String password() {
			return "none";
		}

		@Override
		public String jdbcUrl(JdbcDriver driver) {
			throw new UnsupportedOperationException();
		}

		@Override
		public java.sql.Connection connect() {
			throw new UnsupportedOperationException();
		}

		@Override
		public java.sql.Connection connectAsAdmin() {
			throw new UnsupportedOperationException();
		}

		@Override
		public void kill() {
			if (ServerProcessTests.this.sleeper != null) {
				Processes.killTree(ServerProcessTests.this.sleeper.toHandle());
			}
		}

		@Override
		public void restart() {
			throw new UnsupportedOperationException();
		}

		@Override
		public void close() {
			kill();
		}

	};

	@AfterEach
	void stop() {
		this.server.close();
	}

	@Test
	void frozenIsWhatTheKernelSays() throws IOException {
		this.sleeper = new ProcessBuilder("sleep", "60").start();
		assertThat(this.server.isRunning()).isTrue();
		assertThat(this.server.isFrozen()).isFalse();

		this.server.freeze();
		assertThat(this.server.isFrozen()).isTrue();
		assertThat(ServerProcess.isStopped(this.sleeper.pid())).isTrue();

		this.server.thaw();
		assertThat(this.server.isFrozen()).isFalse();
		assertThat(this.server.pid()).isEqualTo(this.sleeper.pid());
	}

	@Test
	void aKilledServerIsNeitherRunningNorFrozen() throws Exception {
		this.sleeper = new ProcessBuilder("sleep", "60").start();
		this.server.freeze();
		this.server.kill();
		this.sleeper.waitFor(5, TimeUnit.SECONDS);

		assertThat(this.server.isRunning()).isFalse();
		assertThat(this.server.isFrozen()).isFalse();
		assertThat(this.server.pid()).isEqualTo(-1);
	}

	@Test
	void freezingAServerThatIsNotRunningFailsAndThawingItDoesNothing() {
		assertThatIllegalStateException().isThrownBy(this.server::freeze).withMessageContaining("not running");
		this.server.thaw();
		assertThat(this.server.isFrozen()).isFalse();
	}

}
