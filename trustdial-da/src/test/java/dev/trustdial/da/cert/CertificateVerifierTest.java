package dev.trustdial.da.cert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.InvalidInputException;
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
    Secp256k1Key k = keys.stream().filter(x -> x.address().equals(set.get(operatorIndex).signer())).findFirst()
        .orElseThrow();
    return new OperatorSignature(operatorIndex, Attestation.sign(k, header.blobKey()));
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
    CertificateCheck c = new CertificateVerifier(SecurityParams.DEFAULT)
        .check(new DaCertificate(header, sigsExcept()), set, NOW);
    assertThat(c).isEqualTo(new CertificateCheck.Valid(BigInteger.valueOf(100), BigInteger.valueOf(100), 125));
    // floor shares: 12 + 12 + 12 + 89; the 3 leftover chunks are not counted
    CertificateCheck withoutLight = new CertificateVerifier(SecurityParams.DEFAULT)
        .check(new DaCertificate(header, sigsExcept((heavy() + 1) % 4)), set, NOW);
    assertThat(withoutLight.isValid()).isTrue();
  }

  @Test
  void refusesStakeBelowThreshold() {
    CertificateCheck c = new CertificateVerifier(SecurityParams.DEFAULT)
        .check(new DaCertificate(header, sigsExcept(heavy())), set, NOW);
    assertThat(c).isInstanceOf(CertificateCheck.Invalid.class);
    assertThat(((CertificateCheck.Invalid) c).reason()).contains("below the 6667 bps");
  }

  @Test
  void refusesSignersWhoseChunksCannotReconstruct() {
    // With a low stake threshold, three 10% operators (30%, ~38 chunks) pass the stake test only.
    CertificateCheck c = new CertificateVerifier(new SecurityParams(2500))
        .check(new DaCertificate(header, sigsExcept(heavy())), set, NOW);
    assertThat(((CertificateCheck.Invalid) c).reason()).contains("fewer than the 64 needed");
  }

  @Test
  void refusesSignaturesByTheWrongKeyOrIndex() {
    List<OperatorSignature> sigs = sigsExcept();
    // operator 0's slot carries operator 1's signature
    sigs.set(0, new OperatorSignature(0, sigs.get(1).signature()));
    CertificateCheck c = new CertificateVerifier(SecurityParams.DEFAULT).check(new DaCertificate(header, sigs), set, NOW);
    assertThat(((CertificateCheck.Invalid) c).reason()).contains("recovers to");

    List<OperatorSignature> outOfSet = new ArrayList<>(sigsExcept());
    outOfSet.add(new OperatorSignature(4, outOfSet.get(0).signature()));
    CertificateCheck d = new CertificateVerifier(SecurityParams.DEFAULT)
        .check(new DaCertificate(header, outOfSet), set, NOW);
    assertThat(((CertificateCheck.Invalid) d).reason()).contains("outside");

    // a signature over another blob key
    BlobHeader other = new BlobHeader(11, 9, NOW + 100, header.commitments());
    CertificateCheck e = new CertificateVerifier(SecurityParams.DEFAULT)
        .check(new DaCertificate(other, sigsExcept()), set, NOW);
    assertThat(e.isValid()).isFalse();
  }

  @Test
  void refusesExpiredAndWrongBlockAndDuplicates() {
    CertificateVerifier v = new CertificateVerifier(SecurityParams.DEFAULT);
    assertThat(((CertificateCheck.Invalid) v.check(new DaCertificate(header, sigsExcept()), set, NOW + 100)).reason())
        .contains("expired");
    OperatorSet otherBlock = new OperatorSet(10, set.operators());
    assertThat(v.check(new DaCertificate(header, sigsExcept()), otherBlock, NOW).isValid()).isFalse();
    assertThatThrownBy(() -> new DaCertificate(header, List.of(sig(1), sig(1))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("strictly increasing");
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
    assertThatThrownBy(() -> BlobHeader.decode(truncated)).isInstanceOf(InvalidInputException.class);
    byte[] wrongCount = h.clone();
    // size 0x00021000 = 135168 bytes needs two sub-blobs, but the header carries one commitment
    wrongCount[2] = 0x02;
    wrongCount[3] = 0x10;
    wrongCount[4] = 0;
    assertThatThrownBy(() -> BlobHeader.decode(wrongCount)).hasMessageContaining("sub-blob commitments");
    byte[] c = cert.encode();
    assertThatThrownBy(() -> DaCertificate.decode(java.util.Arrays.copyOf(c, c.length - 3)))
        .isInstanceOf(InvalidInputException.class);
  }
}
