package dev.trustdial.da.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.crypto.Signature;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.da.cert.Attestation;
import dev.trustdial.da.cert.AttestationDomain;
import dev.trustdial.da.cert.BlobHeader;
import dev.trustdial.da.cert.CertificateCheck;
import dev.trustdial.da.cert.CertificateVerifier;
import dev.trustdial.da.cert.DaCertificate;
import dev.trustdial.da.cert.SecurityParams;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
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

  /**
   * The Solidity BlobRegistry tests verify these same vectors (a registry placed at the vector's
   * verifier address, on chain 31337); keep the two copies identical.
   */
  @Test
  void solidityTestsCarryTheSameVectors() throws Exception {
    JsonNode v = new ObjectMapper().readTree(VECTORS.toFile());
    Path forgeTest = Path.of("../contracts/test/BlobRegistry.t.sol");
    assertThat(forgeTest)
        .as("the forge test that checks these vectors against BlobRegistry")
        .exists();
    String sol = java.nio.file.Files.readString(forgeTest);
    assertThat(sol)
        .contains("hex\"" + v.path("header").path("encoding").asText().substring(2) + "\"");
    assertThat(sol).contains(v.path("header").path("blobKey").asText());
    assertThat(sol).contains(v.path("attestation").path("verifier").asText());
    assertThat(sol).contains(v.path("attestation").path("digest").asText());
    DaCertificate cert =
        DaCertificate.decode(Hex.decode(v.path("certificate").path("encoding").asText()));
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
    DaCertificate cert =
        DaCertificate.decode(Hex.decode(v.path("certificate").path("encoding").asText()));
    assertThat(cert.header()).isEqualTo(h);
    AttestationDomain domain =
        new AttestationDomain(
            v.path("certificate").path("chainId").asLong(),
            Address.parse(v.path("certificate").path("verifier").asText()));
    assertThat(domain).isEqualTo(DaVectors.DOMAIN);
    CertificateCheck check =
        new CertificateVerifier(SecurityParams.DEFAULT, domain)
            .check(cert, DaVectors.operatorSet(), DaVectors.EXPIRY - 1);
    assertThat(check).isInstanceOf(CertificateCheck.Valid.class);
    // signed for the vector chain's registry: it counts nowhere else
    for (AttestationDomain other :
        List.of(
            AttestationDomain.LOCAL,
            new AttestationDomain(1, domain.verifier()),
            new AttestationDomain(domain.chainId(), Address.parse("0x" + "b2".repeat(20))))) {
      assertThat(
              new CertificateVerifier(SecurityParams.DEFAULT, other)
                  .check(cert, DaVectors.operatorSet(), DaVectors.EXPIRY - 1)
                  .isValid())
          .as("in %s", other)
          .isFalse();
    }
  }

  /**
   * The digest is the 111 bytes the spec lists, hashed: tag (27) || u256 chain id || registry (20)
   * || blob key.
   */
  @Test
  void attestationDigestsAreTheSpecsByteLayout() throws Exception {
    JsonNode v = new ObjectMapper().readTree(VECTORS.toFile());
    for (String name : List.of("attestation", "attestationLocal")) {
      JsonNode a = v.path(name);
      byte[] preimage =
          ByteBuffer.allocate(111)
              .put("trustdial-da-attestation-v2".getBytes(StandardCharsets.US_ASCII))
              .put(new byte[24])
              .putLong(a.path("chainId").asLong())
              .put(Address.parse(a.path("verifier").asText()).bytes())
              .put(Bytes32.fromHex(a.path("blobKey").asText()).bytes())
              .array();
      assertThat(Hashes.keccak256(preimage).toHex()).as(name).isEqualTo(a.path("digest").asText());
      AttestationDomain domain =
          new AttestationDomain(
              a.path("chainId").asLong(), Address.parse(a.path("verifier").asText()));
      assertThat(
              Attestation.signer(
                  domain,
                  Bytes32.fromHex(a.path("blobKey").asText()),
                  new Signature(Hex.decode(a.path("signature").asText()))))
          .isEqualTo(Address.parse(a.path("signer").asText()));
    }
    assertThat(v.path("attestationLocal").path("chainId").asLong()).isZero();
    assertThat(Address.parse(v.path("attestationLocal").path("verifier").asText()).isZero())
        .isTrue();
  }
}
