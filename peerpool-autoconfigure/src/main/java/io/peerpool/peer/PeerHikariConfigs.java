package io.peerpool.peer;

import java.util.LinkedHashMap;
import java.util.Map;

import com.zaxxer.hikari.HikariConfig;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import io.peerpool.PeerPoolSettings.PeerConfig;


/**
 * Builds the {@link HikariConfig} of one peer's pool from the merged {@code hikari.*} settings,
 * with Boot's relaxed binding (the same as {@code spring.datasource.hikari.*}).
 */
public final class PeerHikariConfigs {

	/** HikariCP's smallest connection and validation timeout. */
	private static final long HIKARI_MIN_TIMEOUT_MS = 250;

	private PeerHikariConfigs() {
	}

	public static HikariConfig create(PeerConfig peer) {
		HikariConfig config = new HikariConfig();
		// peerpool's bounds first, so that a user's explicit hikari setting wins:
		// without them a hung peer would hold a borrower for HikariCP's 30 s default
		long connectMillis = Math.max(HIKARI_MIN_TIMEOUT_MS, peer.connectTimeout().toMillis());
		config.setConnectionTimeout(connectMillis);
		config.setValidationTimeout(connectMillis);
		Map<String, Object> source = new LinkedHashMap<>();
		peer.hikari().forEach((key, value) -> {
			if (!key.startsWith("data-source-properties") && !key.startsWith("dataSourceProperties")) {
				source.put("hikari." + key, value);
			}
		});
		new Binder(new MapConfigurationPropertySource(source)).bind("hikari", Bindable.ofInstance(config));
		return config;
	}

}
