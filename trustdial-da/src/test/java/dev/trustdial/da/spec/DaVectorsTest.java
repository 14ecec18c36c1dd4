package dev.trustdial.da.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.da.cert.BlobHeader;
import dev.trustdial.da.cert.CertificateCheck;
import dev.trustdial.da.cert.CertificateVerifier;
import dev.trustdial.da.cert.DaCertificate;
import dev.trustdial.da.cert.SecurityParams;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The committed spec vectors (docs/spec/da-vectors.json) are what the code computes. */
class DaVectorsTest {
  private static final Path VECTORS = Path.of("../docs/spec/da-vectors.json");

  @Test
  void committedVectorsMatchTheImplementation() throws Exception {
    ObjectMapper json = new ObjectMapper();
    JsonNode committed = json.readTree(VECTORS.toFile());
    // Through text, so that int/long node types do not matter.
    JsonNode computed = json.readTree(json.writeValueAsString(DaVectors.compute()));
    assertThat(computed).isEqualTo(committed);
  }

  /** The Solidity BlobRegistry tests verify these same vectors; keep the two copies identical. */
  @Test
  void solidityTestsCarryTheSameVectors() throws Exception {
    JsonNode v = new ObjectMapper().readTree(VECTORS.toFile());
    String sol = java.nio.file.Files.readString(Path.of("../contracts/test/BlobRegistry.t.sol"));
    assertThat(sol).contains("hex\"" + v.path("header").path("encoding").asText().substring(2) + "\"");
    assertThat(sol).contains(v.path("header").path("blobKey").asText());
    assertThat(sol).contains(v.path("attestation").path("digest").asText());
    DaCertificate cert = DaCertificate.decode(Hex.decode(v.path("certificate").path("encoding").asText()));
    StringBuilder sigs = new StringBuilder();
    cert.signatures().forEach(s -> sigs.append(s.signature().toHex().substring(2)));
    assertThat(sol).contains("hex\"" + sigs + "\"");
  }

  @Test
  void committedHeaderAndCertificateDecodeAndVerify() throws Exception {
    JsonNode v = new ObjectMapper().readTree(VECTORS.toFile());
    BlobHeader h = BlobHeader.decode(Hex.decode(v.path("header").path("encoding").asText()));
    assertThat(h.blobKey()).isEqualTo(Bytes32.fromHex(v.path("header").path("blobKey").asText()));
    assertThat(h.size()).isEqualTo(5);
    DaCertificate cert = DaCertificate.decode(Hex.decode(v.path("certificate").path("encoding").asText()));
    assertThat(cert.header()).isEqualTo(h);
    CertificateCheck check = new CertificateVerifier(SecurityParams.DEFAULT)
        .check(cert, DaVectors.operatorSet(), DaVectors.EXPIRY - 1);
    assertThat(check).isInstanceOf(CertificateCheck.Valid.class);
  }
}
