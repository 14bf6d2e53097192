package io.peerpool.autoconfigure;

/**
 * A peerpool configuration that cannot work, found at startup. {@link PeerPoolFailureAnalyzer}
 * turns it into Boot's startup report naming the property and the fix.
 */
public class PeerPoolConfigurationException extends IllegalStateException {

	private final String property;

	private final String action;

	public PeerPoolConfigurationException(String property, String problem, String action) {
		super(property + ": " + problem);
		this.property = property;
		this.action = action;
	}

	/** The property at fault, for example {@code spring.datasource.peerpool.pools.main.peers.a.url}. */
	public String getProperty() {
		return this.property;
	}

	/** How to fix it. */
	public String getAction() {
		return this.action;
	}

}
