package io.peerpool.connect;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The sockets a peer tracks: in the set while open, out of it once closed or never connected. */
class PeerSocketFactoryTests {

	private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

	private final PeerSocketFactory factory = new PeerSocketFactory();

	@AfterEach
	void forgetPeer() {
		PeerSocketFactory.connected();
	}

	@Test
	void aSocketWhoseConnectFailsLeavesTheSet() throws IOException {
		int closedPort = closedPort();
		PeerSocketFactory.connecting(this.sockets);
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> this.factory.createSocket("127.0.0.1", closedPort));
		// the way mariadb-java-client connects: an unconnected socket, then connect with a timeout
		Socket socket = this.factory.createSocket();
		assertThat(this.sockets).containsExactly(socket);
		assertThatExceptionOfType(IOException.class)
			.isThrownBy(() -> socket.connect(new InetSocketAddress("127.0.0.1", closedPort), 1000));
		assertThat(this.sockets).as("tracked sockets").isEmpty();
	}

	@Test
	void anOpenSocketIsTrackedUntilClosed() throws IOException {
		try (ServerSocket server = new ServerSocket(0)) {
			PeerSocketFactory.connecting(this.sockets);
			Socket socket = this.factory.createSocket("127.0.0.1", server.getLocalPort());
			assertThat(this.sockets).containsExactly(socket);
			socket.close();
			assertThat(this.sockets).isEmpty();
		}
	}

	private static int closedPort() throws IOException {
		try (ServerSocket server = new ServerSocket(0)) {
			return server.getLocalPort();
		}
	}

}
