package io.peerpool.autoconfigure;

import com.zaxxer.hikari.HikariConfig;

import io.peerpool.PeerPoolSettings.PeerConfig;

/** Changes the HikariCP settings of a peer's pool before it starts (for example to add metrics). */
@FunctionalInterface
public interface PeerHikariConfigCustomizer {

	void customize(PeerConfig peer, HikariConfig config);

}
