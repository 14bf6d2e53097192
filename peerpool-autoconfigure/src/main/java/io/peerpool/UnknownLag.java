package io.peerpool;

/** What to do with a replica whose lag cannot be measured at all ({@code unknown-lag}). */
public enum UnknownLag {

	/** No reads go to it (the default): it may be arbitrarily far behind. */
	EXCLUDE,

	/** It serves reads as if it were within {@code max-replica-lag}. */
	INCLUDE;

}
