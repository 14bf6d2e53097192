package io.peerpool.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * One client connection through a {@link FaultProxy}: a thread that connects upstream and copies
 * client to server, and one that copies server to client.
 */
final class RelayedConnection {

	private static final int CONNECT_TIMEOUT_MILLIS = 5000;

	private final FaultProxy proxy;

	private final Socket client;

	private final InetSocketAddress upstreamAddress;

	private volatile Socket upstream;

	private volatile boolean closed;

	RelayedConnection(FaultProxy proxy, Socket client, InetSocketAddress upstreamAddress) {
		this.proxy = proxy;
		this.client = client;
		this.upstreamAddress = upstreamAddress;
	}

	void start() {
		daemon(this::clientToUpstream, "client").start();
	}

	/** Hard close of both sides (SO_LINGER 0): the peers see a TCP RST, not a FIN. */
	void reset() {
		this.closed = true;
		resetQuietly(this.client);
		resetQuietly(this.upstream);
		this.proxy.forget(this);
	}

	/** Orderly close of both sides. */
	void close() {
		this.closed = true;
		closeQuietly(this.client);
		closeQuietly(this.upstream);
		this.proxy.forget(this);
	}

	private void clientToUpstream() {
		try {
			// in blackhole mode the client is accepted but nothing, not even the upstream connect, happens
			this.proxy.awaitForwarding();
			if (this.closed) {
				return;
			}
			Socket socket = new Socket();
			this.upstream = socket;
			socket.setTcpNoDelay(true);
			socket.connect(new InetSocketAddress(this.upstreamAddress.getHostString(), this.upstreamAddress.getPort()),
					CONNECT_TIMEOUT_MILLIS);
			if (this.closed) {
				closeQuietly(socket);
				return;
			}
			daemon(() -> pump(socket, this.client), "upstream").start();
			pump(this.client, socket);
		}
		catch (IOException ex) {
			// upstream refused or went away: the client sees a reset, as it would without the proxy
			reset();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			close();
		}
	}

	private void pump(Socket from, Socket to) {
		byte[] buffer = new byte[16384];
		try {
			InputStream in = from.getInputStream();
			OutputStream out = to.getOutputStream();
			int read;
			while ((read = in.read(buffer)) != -1) {
				this.proxy.awaitForwarding();
				this.proxy.delay();
				if (this.closed) {
					return;
				}
				out.write(buffer, 0, read);
				out.flush();
			}
			close();
		}
		catch (IOException ex) {
			if (!this.closed) {
				reset();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			close();
		}
	}

	private Thread daemon(Runnable task, String direction) {
		Thread thread = new Thread(task, "fault-proxy-" + this.proxy.port() + "-" + direction + "-"
				+ this.client.getPort());
		thread.setDaemon(true);
		return thread;
	}

	private static void resetQuietly(Socket socket) {
		if (socket == null) {
			return;
		}
		try {
			socket.setSoLinger(true, 0);
		}
		catch (IOException ex) {
			// already closed
		}
		closeQuietly(socket);
	}

	private static void closeQuietly(Socket socket) {
		if (socket == null) {
			return;
		}
		try {
			socket.close();
		}
		catch (IOException ex) {
			// nothing left to do
		}
	}

}
