package io.peerpool.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

class OnPeersConfiguredCondition extends SpringBootCondition {

	private static final ConfigurationPropertyName PEERS = ConfigurationPropertyName
		.of(PeerPoolConfigurations.PREFIX + ".peers");

	private static final ConfigurationPropertyName POOLS = ConfigurationPropertyName
		.of(PeerPoolConfigurations.PREFIX + ".pools");

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(context.getEnvironment())) {
			if (source.containsDescendantOf(PEERS) == ConfigurationPropertyState.PRESENT
					|| source.containsDescendantOf(POOLS) == ConfigurationPropertyState.PRESENT) {
				return ConditionOutcome.match("peerpool peers are configured");
			}
		}
		return ConditionOutcome.noMatch("no " + PEERS + " or " + POOLS + " configured");
	}

}
