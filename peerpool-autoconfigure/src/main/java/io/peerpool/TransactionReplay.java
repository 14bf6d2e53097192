package io.peerpool;

/**
 * Which transactions run again on another peer when their connection dies before the commit
 * ({@code transaction-replay}). A replayed transaction goes on only when every result it gave the
 * application (update counts, generated keys, the rows read so far) comes out the same there;
 * otherwise, and for a commit whose outcome is unknown, the application gets the error.
 */
public enum TransactionReplay {

	/** No transaction is recorded; a failure inside a transaction reaches the application. */
	NONE,

	/** Read-only transactions ({@code Connection.setReadOnly(true)}, {@code @Transactional(readOnly = true)}); the default. */
	READ_ONLY,

	/** Every transaction, writes included: verified by comparing results, never a blind re-run. */
	ALL;

}
