package io.peerpool.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Reports a {@link PeerPoolConfigurationException} with the property at fault and the fix. */
class PeerPoolFailureAnalyzer extends AbstractFailureAnalyzer<PeerPoolConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, PeerPoolConfigurationException cause) {
		String description = "peerpool is misconfigured.\n\n    Property: " + cause.getProperty() + "\n    Problem:  "
				+ cause.getMessage().substring(cause.getProperty().length() + 2);
		return new FailureAnalysis(description, cause.getAction(), cause);
	}

}
