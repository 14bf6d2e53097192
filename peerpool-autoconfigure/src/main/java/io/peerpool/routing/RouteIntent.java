package io.peerpool.routing;

/** Where the statements of a scope should run. */
public enum RouteIntent {

	/** A writable primary: writes, and reads that must see the latest writes. */
	PRIMARY,

	/** A replica within {@code max-replica-lag}, or a primary when none is available. */
	REPLICA;

}
