package io.peerpool.test;

import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.opentest4j.TestAbortedException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where mariadb-server / galera-4 / rsync are missing, Galera tests skip with an install hint, but fail under CI=true. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class EmbeddedGaleraPrerequisiteTests {

	private final EmbeddedGalera withoutBinaries = new EmbeddedGalera(3, Optional::empty);

	@Test
	void beforeAllSkipsWithInstallHintOrFailsUnderCi() {
		Class<? extends Throwable> expected = KitEnvironment.isCi() ? IllegalStateException.class
				: TestAbortedException.class;
		assertThatThrownBy(() -> this.withoutBinaries.beforeAll(null)).isInstanceOf(expected)
			.hasMessageContaining("mariadb-server galera-4 rsync")
			.hasMessageContaining("sudo .ci/install-prerequisites");
		assertThat(this.withoutBinaries.nodes()).isEmpty();
	}

	@Test
	void startWithoutBinariesFailsWithInstallHint() {
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(this.withoutBinaries::start)
			.withMessageContaining("run sudo .ci/install-prerequisites");
	}

	@Test
	void isAvailableMatchesTheInstalledPackages() {
		boolean installed = java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/sbin/mariadbd"))
				&& (java.nio.file.Files.exists(java.nio.file.Path.of("/usr/lib/galera/libgalera_smm.so"))
						|| java.nio.file.Files.exists(java.nio.file.Path.of("/usr/lib/libgalera_smm.so")))
				&& java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/rsync"));
		// on a Debian machine with the packages the cluster must be usable; without them it must say so
		if (installed) {
			assertThat(EmbeddedGalera.isAvailable()).isTrue();
		}
		else {
			assertThat(EmbeddedGalera.isAvailable()).isFalse();
		}
	}

}
