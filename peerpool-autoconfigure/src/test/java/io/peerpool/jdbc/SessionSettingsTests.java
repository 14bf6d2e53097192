package io.peerpool.jdbc;

import java.sql.Connection;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * The settings a connection carries to each physical connection it takes, on a mocked one: only
 * what was set is made (a physical connection keeps the pool's defaults otherwise), auto-commit
 * only when it differs from the pool's, without asking the driver.
 */
class SessionSettingsTests {

	@Test
	void nothingSetMakesNothingButAutoCommitWhenItDiffers() throws Exception {
		Connection target = mock(Connection.class);
		SessionSettings.apply(target, true, true, -1, -1, -1, null);
		verify(target, never()).setAutoCommit(anyBoolean());
		verify(target, never()).setReadOnly(anyBoolean());
		verify(target, never()).setTransactionIsolation(anyInt());
		verify(target, never()).setHoldability(anyInt());
		SessionSettings.apply(target, true, false, -1, -1, -1, new SessionSettings());
		verify(target).setAutoCommit(false);
		verify(target, never()).getAutoCommit();
		verify(target, never()).setCatalog(anyString());
		verify(target, never()).setSchema(anyString());
		verify(target, never()).setClientInfo(any(Properties.class));
		verify(target, never()).setNetworkTimeout(any(), anyInt());
		verify(target, never()).setTypeMap(any());
	}

	@Test
	void everySettingMadeIsMadeOnTheNextPhysicalConnection() throws Exception {
		Connection target = mock(Connection.class);
		Executor executor = Runnable::run;
		Map<String, Class<?>> types = Map.of("point", Object.class);
		SessionSettings settings = new SessionSettings();
		settings.catalog = "app";
		settings.schema = "reports";
		settings.clientInfo("ApplicationName", "billing");
		settings.networkExecutor = executor;
		settings.networkTimeout = 5_000;
		settings.typeMap = types;
		SessionSettings.apply(target, true, true, 1, Connection.TRANSACTION_SERIALIZABLE,
				java.sql.ResultSet.CLOSE_CURSORS_AT_COMMIT, settings);
		verify(target).setReadOnly(true);
		verify(target).setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
		verify(target).setHoldability(java.sql.ResultSet.CLOSE_CURSORS_AT_COMMIT);
		verify(target).setCatalog("app");
		verify(target).setSchema("reports");
		Properties expected = new Properties();
		expected.setProperty("ApplicationName", "billing");
		verify(target).setClientInfo(expected);
		verify(target).setNetworkTimeout(executor, 5_000);
		verify(target).setTypeMap(types);
	}

	@Test
	void clientInfoIsACopyAndANullValueRemovesAProperty() {
		SessionSettings settings = new SessionSettings();
		Properties given = new Properties();
		given.setProperty("ApplicationName", "billing");
		given.setProperty("ClientUser", "ada");
		settings.clientInfo(given);
		given.setProperty("ApplicationName", "changed afterwards");
		settings.clientInfo("ClientUser", null);
		assertThat(settings.clientInfo).containsExactly(Map.entry("ApplicationName", "billing"));
	}

}
