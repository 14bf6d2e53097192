package io.peerpool.test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Free TCP ports on 127.0.0.1 for the kit's servers, taken from outside the kernel's ephemeral
 * range.
 * <p>
 * A port the kernel hands out for {@code bind(0)} comes from the same range as the local port of
 * every outgoing connection. Between the moment the kit learns such a port and the moment a server
 * listens on it (a Galera node's IST port is only opened during its state transfer, a killed server
 * is restarted on its old port), any client socket of the test JVM can take it, and the server
 * fails with "Address already in use". Ports below (or above) the ephemeral range are never given to
 * client sockets, so only another listener can take them; each one is checked by binding it, and a
 * JVM never hands out the same port twice.
 */
public final class FreePorts {

	private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

	/** Lowest port the kit uses: above the well-known and most registered service ports. */
	private static final int LOWEST = 10_000;

	/** Ports outside the ephemeral range, as {@code [first, last]}. */
	private static final int[] RANGE = range();

	/** Next candidate, as an offset into {@link #RANGE}; a random start keeps parallel JVMs apart. */
	private static final AtomicInteger next = new AtomicInteger(
			ThreadLocalRandom.current().nextInt(RANGE[1] - RANGE[0] + 1));

	private FreePorts() {
	}

	/** A port outside the ephemeral range that nothing listens on, not handed out before by this JVM. */
	public static int next() {
		int size = RANGE[1] - RANGE[0] + 1;
		for (int attempt = 0; attempt < size; attempt++) {
			int port = RANGE[0] + Math.floorMod(next.getAndIncrement(), size);
			if (bindable(port)) {
				return port;
			}
		}
		throw new IllegalStateException(
				"No free port on 127.0.0.1 in " + RANGE[0] + "-" + RANGE[1] + " (outside the ephemeral range)");
	}

	private static boolean bindable(int port) {
		try (ServerSocket socket = new ServerSocket()) {
			// no SO_REUSEADDR: a port with a socket in TIME_WAIT or a connected socket is refused too
			socket.setReuseAddress(false);
			socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** Below the ephemeral range when that leaves room, otherwise above it. */
	static int[] range() {
		int low = 32_768;
		int high = 60_999;
		try {
			// by lines: a /proc file reports size 0, and Files.readString returned its first byte only
			String[] bounds = Files.readAllLines(EPHEMERAL_RANGE).get(0).trim().split("\\s+");
			int first = Integer.parseInt(bounds[0]);
			int last = Integer.parseInt(bounds[1]);
			low = first;
			high = last;
		}
		catch (IOException | RuntimeException ex) {
			// not Linux, or not readable: the Linux default above
		}
		if (low - LOWEST >= 2_000) {
			return new int[] { LOWEST, low - 1 };
		}
		if (65_535 - high >= 2_000) {
			return new int[] { high + 1, 65_535 };
		}
		return new int[] { 1_024, 65_535 };
	}

}
