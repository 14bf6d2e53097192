package io.peerpool.jdbc;

import org.jspecify.annotations.Nullable;

/**
 * What a value read from a {@link RecordedResultSet} means for the replay: while the transaction
 * is recorded, the value goes into the result set's {@link ReadTrace}, with the getter's kind and
 * its column, label and argument. The value getters of {@link DelegatingResultSet} (generated at
 * build time) pass what the driver returns through {@code seen}; these overloads are the shapes
 * they come in, so that nothing is boxed or allocated on the path of every value.
 */
abstract class TracedReads {

	final TransactionLog log;

	final ReadTrace trace = new ReadTrace();

	TracedReads(TransactionLog log) {
		this.log = log;
		log.grow(this.trace.bytes());
	}

	/** A call the replay cannot follow: the transaction is not replayed. */
	abstract void unrepeatable();

	private void read(int code, @Nullable String label, @Nullable Object argument, int valueHash) {
		if (this.log.isLive()) {
			this.trace.read(code, label, argument, valueHash);
		}
	}

	private <T> T read(T value, int code, @Nullable String label, @Nullable Object argument) {
		if (this.log.isLive()) {
			int hash = ReadTrace.hash((Object) value);
			if (hash == ReadTrace.UNKNOWN && value != null) {
				// a driver's own object whose hash may be that of the instance: no replay can compare it
				unrepeatable();
			}
			else {
				this.trace.read(code, label, argument, hash);
			}
		}
		return value;
	}

	// a primitive comes as a long (a boolean as 1 or 0, a float or a double by its bits), as the replay reads it

	final void seen(long value, int kind, int column) {
		read(ReadTrace.at(kind, column), null, null, ReadTrace.hash(value));
	}

	final void seen(long value, int kind, String label) {
		read(ReadTrace.labelled(kind), label, null, ReadTrace.hash(value));
	}

	/** {@code wasNull()}, about the read before it. */
	final void seen(long value, int kind) {
		read(kind, null, null, ReadTrace.hash(value));
	}

	final <T> T seen(T value, int kind, int column) {
		return read(value, ReadTrace.at(kind, column), null, null);
	}

	final <T> T seen(T value, int kind, String label) {
		return read(value, ReadTrace.labelled(kind), label, null);
	}

	/** A getter with an argument: a scale, a {@code Calendar}, a type map or a type. */
	final <T> T seen(T value, int kind, int column, @Nullable Object argument) {
		return read(value, ReadTrace.at(kind, column), null, argument);
	}

	final <T> T seen(T value, int kind, String label, @Nullable Object argument) {
		return read(value, ReadTrace.labelled(kind), label, argument);
	}

}
