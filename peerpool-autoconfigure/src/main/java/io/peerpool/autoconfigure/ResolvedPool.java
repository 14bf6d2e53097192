package io.peerpool.autoconfigure;

import java.util.List;

import io.peerpool.PeerPoolSettings;
import io.peerpool.PeerPoolSettings.PeerConfig;

/**
 * One pool after validation and inheritance of settings.
 *
 * @param name pool name
 * @param beanName name of its DataSource bean ({@code dataSource} for the single-pool shorthand)
 * @param primary whether it is the {@code @Primary} DataSource
 * @param settings its resolved settings
 * @param peers its peers, in declared order
 */
record ResolvedPool(String name, String beanName, boolean primary, PeerPoolSettings settings, List<PeerConfig> peers) {
}
