package dev.trustdial.da.cert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.da.assignment.Operator;
import dev.trustdial.da.assignment.OperatorSet;
import dev.trustdial.da.kzg.KzgCommitment;
import java.math.BigInteger;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CertificateVerifierTest {
  private static final long NOW = 1_700_000_000L;
  private static final Address REGISTRY = Address.parse("0x" + "b1".repeat(20));
  private static final AttestationDomain DOMAIN = new AttestationDomain(31337, REGISTRY);
  private final List<Secp256k1Key> keys = new ArrayList<>();
  private final OperatorSet set;
  private final BlobHeader header;

  CertificateVerifierTest() {
    List<Operator> ops = new ArrayList<>();
    long[] stakes = {10, 10, 10, 70};
    for (int i = 0; i < 4; i++) {
      Secp256k1Key k = Secp256k1Key.fromPrivateKeyHex("0x" + String.format("%064x", i + 1));
      keys.add(k);
      ops.add(new Operator(k.address(), BigInteger.valueOf(stakes[i]), URI.create("http://n" + i)));
    }
    set = new OperatorSet(9, ops);
    byte[] c = new byte[48];
    c[0] = (byte) 0xc0;
    header = new BlobHeader(10, 9, NOW + 100, List.of(new KzgCommitment(c)));
  }

  private OperatorSignature sig(int operatorIndex) {
    return sig(operatorIndex, DOMAIN);
  }

  private OperatorSignature sig(int operatorIndex, AttestationDomain domain) {
    Secp256k1Key k =
        keys.stream()
            .filter(x -> x.address().equals(set.get(operatorIndex).signer()))
            .findFirst()
            .orElseThrow();
    return new OperatorSignature(operatorIndex, Attestation.sign(k, domain, header.blobKey()));
  }

  private int heavy() {
    for (int i = 0; i < 4; i++) {
      if (set.get(i).stake().intValue() == 70) {
        return i;
      }
    }
    throw new AssertionError();
  }

  private List<OperatorSignature> sigsExcept(int... excluded) {
    List<OperatorSignature> out = new ArrayList<>();
    outer:
    for (int i = 0; i < 4; i++) {
      for (int e : excluded) {
        if (e == i) {
          continue outer;
        }
      }
      out.add(sig(i));
    }
    return out;
  }

  @Test
  void acceptsEnoughStakeAndChunks() {
    CertificateCheck c =
        new CertificateVerifier(SecurityParams.DEFAULT, DOMAIN)
            .check(new DaCertificate(header, sigsExcept()), set, NOW);
    assertThat(c)
        .isEqualTo(
            new CertificateCheck.Valid(BigInteger.valueOf(100), BigInteger.valueOf(100), 125));
    // floor shares: 12 + 12 + 12 + 89; the 3 leftover chunks are not counted
    CertificateCheck withoutLight =
        new CertificateVerifier(SecurityParams.DEFAULT, DOMAIN)
            .check(new DaCertificate(header, sigsExcept((heavy() + 1) % 4)), set, NOW);
    assertThat(withoutLight.isValid()).isTrue();
  }

  @Test
  void refusesStakeBelowThreshold() {
    CertificateCheck c =
        new CertificateVerifier(SecurityParams.DEFAULT, DOMAIN)
            .check(new DaCertificate(header, sigsExcept(heavy())), set, NOW);
    assertThat(c).isInstanceOf(CertificateCheck.Invalid.class);
    assertThat(((CertificateCheck.Invalid) c).reason()).contains("below the 6667 bps");
  }

  @Test
  void refusesSignersWhoseChunksCannotReconstruct() {
    // With a low stake threshold, three 10% operators (30%, ~38 chunks) pass the stake test only.
    CertificateCheck c =
        new CertificateVerifier(new SecurityParams(2500), DOMAIN)
            .check(new DaCertificate(header, sigsExcept(heavy())), set, NOW);
    assertThat(((CertificateCheck.Invalid) c).reason()).contains("fewer than the 64 needed");
  }

  @Test
  void refusesSignaturesByTheWrongKeyOrIndex() {
    List<OperatorSignature> sigs = sigsExcept();
    // operator 0's slot carries operator 1's signature
    sigs.set(0, new OperatorSignature(0, sigs.get(1).signature()));
    CertificateCheck c =
        new CertificateVerifier(SecurityParams.DEFAULT, DOMAIN)
            .check(new DaCertificate(header, sigs), set, NOW);
    assertThat(((CertificateCheck.Invalid) c).reason()).contains("recovers to");

    List<OperatorSignature> outOfSet = new ArrayList<>(sigsExcept());
    outOfSet.add(new OperatorSignature(4, outOfSet.get(0).signature()));
    CertificateCheck d =
        new CertificateVerifier(SecurityParams.DEFAULT, DOMAIN)
            .check(new DaCertificate(header, outOfSet), set, NOW);
    assertThat(((CertificateCheck.Invalid) d).reason()).contains("outside");

    // a signature over another blob key
    BlobHeader other = new BlobHeader(11, 9, NOW + 100, header.commitments());
    CertificateCheck e =
        new CertificateVerifier(SecurityParams.DEFAULT, DOMAIN)
            .check(new DaCertificate(other, sigsExcept()), set, NOW);
    assertThat(e.isValid()).isFalse();
  }

  @Test
  void refusesAttestationsSignedForAnotherChainOrRegistryOrTheLocalDomain() {
    CertificateVerifier v = new CertificateVerifier(SecurityParams.DEFAULT, DOMAIN);
    AttestationDomain otherChain = new AttestationDomain(1, REGISTRY);
    AttestationDomain otherRegistry =
        new AttestationDomain(31337, Address.parse("0x" + "b2".repeat(20)));
    for (AttestationDomain foreign : List.of(otherChain, otherRegistry, AttestationDomain.LOCAL)) {
      List<OperatorSignature> sigs = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        sigs.add(sig(i, foreign));
      }
      CertificateCheck c = v.check(new DaCertificate(header, sigs), set, NOW);
      assertThat(c).as("signed for %s", foreign).isInstanceOf(CertificateCheck.Invalid.class);
      assertThat(((CertificateCheck.Invalid) c).reason())
          .contains("recovers to")
          .contains("chain 31337");
      // the same signatures pass where they were made for
      assertThat(
              new CertificateVerifier(SecurityParams.DEFAULT, foreign)
                  .check(new DaCertificate(header, sigs), set, NOW)
                  .isValid())
          .isTrue();
    }
    // one foreign signature among valid ones spoils the certificate too
    List<OperatorSignature> mixed = new ArrayList<>(sigsExcept());
    mixed.set(heavy(), sig(heavy(), otherRegistry));
    assertThat(v.check(new DaCertificate(header, mixed), set, NOW).isValid()).isFalse();
    assertThat(Attestation.digest(DOMAIN, header.blobKey()))
        .isNotEqualTo(Attestation.digest(otherChain, header.blobKey()))
        .isNotEqualTo(Attestation.digest(otherRegistry, header.blobKey()));
  }

  @Test
  void domainsAreLocalOrFullyOnchain() {
    assertThat(AttestationDomain.LOCAL.isLocal()).isTrue();
    assertThat(DOMAIN.isLocal()).isFalse();
    assertThatThrownBy(() -> new AttestationDomain(0, REGISTRY))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("local DA domain");
    assertThatThrownBy(() -> new AttestationDomain(31337, Address.ZERO))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> new AttestationDomain(-1, REGISTRY))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void measuresSignersAgainstTheRegistrysTotalWeight() {
    // 20 more DA weight that holds no chunks (an operator below the DA minimum): W = 120, not 100
    OperatorSet withOutsider =
        new OperatorSet(set.referenceBlock(), set.operators(), BigInteger.valueOf(120));
    CertificateVerifier v = new CertificateVerifier(SecurityParams.DEFAULT, DOMAIN);
    // heavy + one light: 80 of 100 passes, 80 of 120 = 66.66 % does not reach 6667 bps
    List<OperatorSignature> two =
        List.of(
            sig(Math.min(heavy(), (heavy() + 1) % 4)), sig(Math.max(heavy(), (heavy() + 1) % 4)));
    assertThat(v.check(new DaCertificate(header, two), set, NOW).isValid()).isTrue();
    CertificateCheck c = v.check(new DaCertificate(header, two), withOutsider, NOW);
    assertThat(((CertificateCheck.Invalid) c).reason()).contains("80 of 120");
    // all four: 100 of 120 passes; floor shares over 120 are 10 + 10 + 10 + 74 = 104 chunks
    assertThat(v.check(new DaCertificate(header, sigsExcept()), withOutsider, NOW))
        .isEqualTo(
            new CertificateCheck.Valid(BigInteger.valueOf(100), BigInteger.valueOf(120), 104));
    assertThatThrownBy(() -> new OperatorSet(1, set.operators(), BigInteger.valueOf(99)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("below");
  }

  @Test
  void refusesExpiredAndWrongBlockAndDuplicates() {
    CertificateVerifier v = new CertificateVerifier(SecurityParams.DEFAULT, DOMAIN);
    assertThat(
            ((CertificateCheck.Invalid)
                    v.check(new DaCertificate(header, sigsExcept()), set, NOW + 100))
                .reason())
        .contains("expired");
    OperatorSet otherBlock = new OperatorSet(10, set.operators());
    assertThat(v.check(new DaCertificate(header, sigsExcept()), otherBlock, NOW).isValid())
        .isFalse();
    assertThatThrownBy(() -> new DaCertificate(header, List.of(sig(1), sig(1))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("strictly increasing");
  }

  @Test
  void encodingsRoundTripAndRejectGarbage() {
    DaCertificate cert = new DaCertificate(header, sigsExcept());
    assertThat(DaCertificate.decode(cert.encode())).isEqualTo(cert);
    assertThat(BlobHeader.decode(header.encode())).isEqualTo(header);
    byte[] h = header.encode();
    assertThat(h).hasSize(23 + 48);

    byte[] badVersion = h.clone();
    badVersion[0] = 2;
    assertThatThrownBy(() -> BlobHeader.decode(badVersion)).hasMessageContaining("version");
    byte[] truncated = java.util.Arrays.copyOf(h, h.length - 1);
    assertThatThrownBy(() -> BlobHeader.decode(truncated))
        .isInstanceOf(InvalidInputException.class);
    byte[] wrongCount = h.clone();
    // size 0x00021000 = 135168 bytes needs two sub-blobs, but the header carries one commitment
    wrongCount[2] = 0x02;
    wrongCount[3] = 0x10;
    wrongCount[4] = 0;
    assertThatThrownBy(() -> BlobHeader.decode(wrongCount))
        .hasMessageContaining("sub-blob commitments");
    byte[] c = cert.encode();
    assertThatThrownBy(() -> DaCertificate.decode(java.util.Arrays.copyOf(c, c.length - 3)))
        .isInstanceOf(InvalidInputException.class);
  }
}
