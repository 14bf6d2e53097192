package io.peerpool.routing;

/**
 * Who set a scope's intent, strongest first. An explicit scope always wins; a write pins the
 * request to a primary above everything but an explicit scope; the HTTP method is the weakest.
 */
public enum RouteOrigin {

	/** {@code @UsePrimary} / {@code @UseReplica} or {@link PeerRouting#primary} / {@link PeerRouting#replica}. */
	EXPLICIT,

	/** The trusted route header ({@code web.state-header}). */
	HEADER,

	/** The signed pin cookie of a client that wrote recently (read-your-writes). */
	PIN,

	/** A {@code web.overrides} entry for the path or handler. */
	OVERRIDE,

	/** The HTTP method: GET/HEAD/OPTIONS/TRACE read, other methods write. */
	HTTP_METHOD;

	/** Whether this origin is the application's own explicit choice (write guard applies). */
	public boolean isExplicit() {
		return this == EXPLICIT;
	}

}
