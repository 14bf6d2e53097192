package io.peerpool.test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The kit's ports: never one a client socket can hold, never the same twice. */
class FreePortsTests {

	@Test
	void portsAreOutsideTheRangeClientSocketsTakeTheirLocalPortFrom() throws Exception {
		int[] range = FreePorts.range();
		try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			// control: a client socket's local port comes from the ephemeral range, where bind(0) ports come from
			try (Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
				assertThat(client.getLocalPort() >= range[0] && client.getLocalPort() <= range[1]).isFalse();
			}
			assertThat(server.getLocalPort() >= range[0] && server.getLocalPort() <= range[1]).isFalse();
		}
		for (int i = 0; i < 20; i++) {
			assertThat(FreePorts.next()).isBetween(range[0], range[1]);
		}
	}

	@Test
	void aPortIsHandedOutOnceAndCanBeListenedOn() throws Exception {
		Set<Integer> ports = new HashSet<>();
		for (int i = 0; i < 200; i++) {
			assertThat(ports.add(FreePorts.next())).isTrue();
		}
		int port = FreePorts.next();
		try (ServerSocket server = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
			assertThat(server.getLocalPort()).isEqualTo(port);
		}
	}

}
