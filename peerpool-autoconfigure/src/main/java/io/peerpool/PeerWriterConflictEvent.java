package io.peerpool;

import org.springframework.context.ApplicationEvent;

/**
 * A second peer of a pool of asynchronous replication reports itself writable while the pool's
 * writer is up and writable (a replica restarted without {@code read_only} in its configuration,
 * an old primary back after a failover). peerpool sends it no writes, so the data does not
 * diverge; it serves reads only if it replicates and is within {@code max-replica-lag}. Published
 * once when the conflict starts.
 */
public class PeerWriterConflictEvent extends ApplicationEvent {

	private final String pool;

	private final String peer;

	private final String writer;

	/**
	 * An event of the pool {@code source}.
	 * @param source the pool's data source
	 * @param pool name of the pool
	 * @param peer the peer that reports itself writable
	 * @param writer the pool's writer
	 */
	public PeerWriterConflictEvent(Object source, String pool, String peer, String writer) {
		super(source);
		this.pool = pool;
		this.peer = peer;
		this.writer = writer;
	}

	/** Name of the pool. */
	public String getPool() {
		return this.pool;
	}

	/** The peer that reports itself writable and gets no writes. */
	public String getPeer() {
		return this.peer;
	}

	/** The pool's writer, which keeps the writes. */
	public String getWriter() {
		return this.writer;
	}

	@Override
	public String toString() {
		return "PeerWriterConflictEvent[" + this.pool + "." + this.peer + " is writable, the writer is " + this.writer
				+ "]";
	}

}
