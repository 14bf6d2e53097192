package io.peerpool.connect;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Set;

import javax.net.SocketFactory;

import org.jspecify.annotations.Nullable;

/**
 * The socket factory peerpool gives mariadb-java-client (its {@code socketFactory} option): every
 * socket of a peer is remembered, so that when the peer is marked DOWN its sockets can be closed
 * directly.
 *
 * <p>Why: on a frozen server, mariadb-java-client's {@code Connection.abort} first tries to
 * {@code KILL} the query over a new connection, then reads from the socket to close it gracefully;
 * that read waits for the lock held by the application thread that is blocked reading the same
 * socket, so neither ever returns. Closing the socket itself wakes the blocked reader at once with
 * an error, which is what abort is meant to do.
 */
public class PeerSocketFactory extends SocketFactory {

	/** The sockets of the peer whose connection is being opened on this thread. */
	private static final ThreadLocal<Set<Socket>> connecting = new ThreadLocal<>();

	static void connecting(Set<Socket> sockets) {
		connecting.set(sockets);
	}

	static void connected() {
		connecting.remove();
	}

	@Override
	public Socket createSocket() {
		return new TrackedSocket(connecting.get());
	}

	@Override
	public Socket createSocket(String host, int port) throws IOException {
		return open(null, new InetSocketAddress(host, port));
	}

	@Override
	public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
		return open(new InetSocketAddress(localHost, localPort), new InetSocketAddress(host, port));
	}

	@Override
	public Socket createSocket(InetAddress host, int port) throws IOException {
		return open(null, new InetSocketAddress(host, port));
	}

	@Override
	public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
			throws IOException {
		return open(new InetSocketAddress(localAddress, localPort), new InetSocketAddress(address, port));
	}

	/** A tracked socket bound to {@code local} (when given) and connected to {@code remote}. */
	private Socket open(@Nullable InetSocketAddress local, InetSocketAddress remote) throws IOException {
		Socket socket = createSocket();
		if (local != null) {
			socket.bind(local);
		}
		socket.connect(remote);
		return socket;
	}

	/** A socket that is in its peer's set from creation until it is closed. */
	private static final class TrackedSocket extends Socket {

		private final Set<Socket> owner;

		TrackedSocket(Set<Socket> owner) {
			this.owner = owner;
			if (owner != null) {
				owner.add(this);
			}
		}

		/** A socket that never connected is closed at once, so that it leaves its peer's set. */
		@Override
		public void connect(java.net.SocketAddress endpoint, int timeout) throws IOException {
			try {
				super.connect(endpoint, timeout);
			}
			catch (IOException | RuntimeException ex) {
				try {
					close();
				}
				catch (IOException closing) {
					ex.addSuppressed(closing);
				}
				throw ex;
			}
		}

		@Override
		public synchronized void close() throws IOException {
			try {
				super.close();
			}
			finally {
				if (this.owner != null) {
					this.owner.remove(this);
				}
			}
		}

	}

}
