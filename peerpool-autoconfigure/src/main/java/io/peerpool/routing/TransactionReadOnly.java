package io.peerpool.routing;

import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.ClassUtils;

/**
 * Whether the current Spring transaction is read-only ({@code @Transactional(readOnly = true)}),
 * when spring-tx is on the classpath. Covers transaction managers that mark the transaction but
 * do not call {@code Connection.setReadOnly} before the first statement.
 */
public final class TransactionReadOnly {

	private static final boolean SPRING_TX_PRESENT = ClassUtils.isPresent(
			"org.springframework.transaction.support.TransactionSynchronizationManager",
			TransactionReadOnly.class.getClassLoader());

	private TransactionReadOnly() {
	}

	public static boolean isCurrentTransactionReadOnly() {
		return SPRING_TX_PRESENT && TransactionSynchronizationManager.isCurrentTransactionReadOnly();
	}

}
