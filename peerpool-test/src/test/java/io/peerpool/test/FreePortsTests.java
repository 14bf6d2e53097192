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
	void theRangeIsBelowTheKernelsEphemeralRangeWhereThatLeavesRoom() throws Exception {
		java.nio.file.Path file = java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range");
		org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isReadable(file), "not Linux");
		String[] bounds;
		try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
			bounds = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim().split("\\s+");
		}
		int low = Integer.parseInt(bounds[0]);
		int[] range = FreePorts.range();
		if (low >= 12_000) {
			assertThat(range).containsExactly(10_000, low - 1);
		}
		else {
			assertThat(range[0]).isGreaterThan(Integer.parseInt(bounds[1]));
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
