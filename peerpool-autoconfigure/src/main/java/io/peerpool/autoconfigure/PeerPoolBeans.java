package io.peerpool.autoconfigure;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.springframework.beans.factory.ObjectProvider;

import io.peerpool.PeerPoolDataSource;

/**
 * Finds the pools among an application's {@code DataSource} beans, also when a bean is a proxy
 * around a pool (for example Boot's {@code LazyConnectionDataSourceProxy}): the integrations
 * (health, metrics, endpoint) must see every pool exactly once.
 */
public final class PeerPoolBeans {

	private PeerPoolBeans() {
	}

	/** The pools behind {@code dataSources}, in bean order, each once. */
	public static List<PeerPoolDataSource> find(ObjectProvider<DataSource> dataSources) {
		Map<PeerPoolDataSource, Boolean> seen = new IdentityHashMap<>();
		List<PeerPoolDataSource> pools = new ArrayList<>();
		dataSources.orderedStream().forEach((dataSource) -> {
			PeerPoolDataSource pool = unwrap(dataSource);
			if (pool != null && seen.put(pool, Boolean.TRUE) == null) {
				pools.add(pool);
			}
		});
		return pools;
	}

	/** The pool behind {@code dataSource}, or {@code null} when it is not one. */
	public static PeerPoolDataSource unwrap(DataSource dataSource) {
		if (dataSource instanceof PeerPoolDataSource pool) {
			return pool;
		}
		try {
			return dataSource.isWrapperFor(PeerPoolDataSource.class) ? dataSource.unwrap(PeerPoolDataSource.class)
					: null;
		}
		catch (SQLException | RuntimeException ex) {
			// some routing data sources cannot even answer isWrapperFor without a target
			return null;
		}
	}

}
