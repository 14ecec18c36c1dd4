package dev.trustdial.tee.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.tee.attest.AttestationVerifier;
import dev.trustdial.tee.attest.Collateral;
import dev.trustdial.tee.attest.TrustAnchors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulatedTeeInstallTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void savedInstallLoadsAndKeepsItsRoot(@TempDir Path dir) throws Exception {
    SimulatedTee tee = SimulatedTee.createInstall(new SecureRandom(), T0);
    tee.save(dir);
    SimulatedTee loaded = SimulatedTee.load(dir);
    assertThat(loaded.root()).isEqualTo(tee.root());
    assertThat(loaded.root().getSubjectX500Principal().getName())
        .contains("INSECURE SIMULATED TEE");
    byte[] ev = loaded.attest(List.of(), new byte[64], T0, false);
    var verifier =
        new AttestationVerifier(TrustAnchors.pinned().withSimulationRoots(List.of(tee.root())));
    assertThat(verifier.verify(ev, new Collateral.None(), T0).isValid()).isTrue();
    assertThatThrownBy(() -> SimulatedTee.createInstall(new SecureRandom(), T0).save(dir))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("already exists");
  }

  @Test
  void mismatchedOrMissingFilesAreRefused(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> SimulatedTee.load(dir))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("no simulated TEE install");
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    SimulatedTee.createInstall(new SecureRandom(), T0).save(a);
    SimulatedTee.createInstall(new SecureRandom(), T0).save(b);
    Files.copy(
        b.resolve(SimulatedTee.KEY_FILE),
        a.resolve(SimulatedTee.KEY_FILE),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThatThrownBy(() -> SimulatedTee.load(a))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("does not match");
  }
}
