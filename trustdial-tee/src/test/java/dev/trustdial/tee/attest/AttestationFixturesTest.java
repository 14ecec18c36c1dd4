package dev.trustdial.tee.attest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.bytes.Hex;
import dev.trustdial.core.hash.Hashes;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class AttestationFixturesTest {
  @Test
  void everyFixtureMatchesTheSha256InItsReadme() {
    String readme = new String(Fixtures.read("README.md"), StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("([0-9a-f]{64})  ([\\w./-]+)").matcher(readme);
    int n = 0;
    while (m.find()) {
      assertThat(Hashes.sha256(Fixtures.read(m.group(2))).toHex())
          .as(m.group(2))
          .isEqualTo("0x" + m.group(1));
      n++;
    }
    assertThat(n).isEqualTo(11);
  }

  @Test
  void pinnedAnchorsLoadAndAMismatchedPinRefusesToStart() {
    TrustAnchors a = TrustAnchors.pinned();
    assertThat(a.simulationRoots()).isEmpty();
    assertThat(
            Hex.encodeBare(dev.trustdial.tee.x509.Certificates.sha256Fingerprint(a.intelSgxRoot())))
        .isEqualTo(Hashes.sha256(Fixtures.read("tdx/intel_root.der")).toHex().substring(2));
    assertThatThrownBy(
            () -> TrustAnchors.load("aws-nitro-root-g1.der", TrustAnchors.INTEL_SGX_ROOT_SHA256))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("pinned");
  }
}
