package dev.trustdial.tee.x509;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trustdial.tee.attest.Failure;
import dev.trustdial.tee.attest.SignedRegion;
import dev.trustdial.tee.attest.TestPki;
import dev.trustdial.tee.attest.VerificationFailedException;
import java.security.cert.X509CRL;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

class ChainValidatorTest {
  static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
  static final TestPki.Issued ROOT =
      TestPki.root(
          "CN=root",
          TestPki.ec("secp256r1"),
          "SHA256withECDSA",
          T.minusSeconds(86400),
          T.plusSeconds(86400));
  static final TestPki.Issued CA =
      TestPki.issue(
          "CN=ca",
          TestPki.ec("secp256r1"),
          ROOT,
          "SHA256withECDSA",
          true,
          T.minusSeconds(86400),
          T.plusSeconds(86400),
          List.of());
  static final TestPki.Issued LEAF =
      TestPki.issue(
          "CN=leaf",
          TestPki.ec("secp256r1"),
          CA,
          "SHA256withECDSA",
          false,
          T.minusSeconds(3600),
          T.plusSeconds(3600),
          List.of());
  static final TestPki.Issued OTHER_ROOT =
      TestPki.root(
          "CN=root",
          TestPki.ec("secp256r1"),
          "SHA256withECDSA",
          T.minusSeconds(86400),
          T.plusSeconds(86400));

  @Test
  void chainValidatesToItsAnchorOnly() throws Exception {
    ChainValidator.validate("test", List.of(LEAF.cert(), CA.cert(), ROOT.cert()), ROOT.cert(), T);
    ChainValidator.validate("test", List.of(LEAF.cert(), CA.cert()), ROOT.cert(), T);
    assertThat(
            failure(() ->
                ChainValidator.validate(
                    "test", List.of(LEAF.cert(), CA.cert(), ROOT.cert()), OTHER_ROOT.cert(), T)))
        .isInstanceOf(Failure.UntrustedRoot.class);
    // Same name, other key: PKIX must refuse the path.
    assertThat(
            failure(() ->
                ChainValidator.validate(
                    "test", List.of(LEAF.cert(), CA.cert()), OTHER_ROOT.cert(), T)))
        .isInstanceOfAny(Failure.ChainInvalid.class, Failure.UntrustedRoot.class);
    // A leaf cannot act as a CA.
    TestPki.Issued underLeaf =
        TestPki.issue(
            "CN=under leaf",
            TestPki.ec("secp256r1"),
            LEAF,
            "SHA256withECDSA",
            false,
            T.minusSeconds(60),
            T.plusSeconds(60),
            List.of());
    assertThat(
            failure(() ->
                ChainValidator.validate(
                    "test", List.of(underLeaf.cert(), LEAF.cert(), CA.cert()), ROOT.cert(), T)))
        .isInstanceOf(Failure.ChainInvalid.class);
    assertThat(
            failure(() ->
                ChainValidator.validate(
                    "test", List.of(LEAF.cert(), CA.cert()), ROOT.cert(), T.plusSeconds(7200))))
        .isInstanceOf(Failure.CertificateNotValid.class);
  }

  @Test
  void crlChecks() throws Exception {
    X509CRL revoking = crl(CA, T.minusSeconds(60), T.plusSeconds(3600), true);
    X509CRL clean = crl(CA, T.minusSeconds(60), T.plusSeconds(3600), false);
    ChainValidator.checkCrl("CRL", clean, CA.cert(), T, List.of(LEAF.cert()));
    assertThat(
            failure(
                () -> ChainValidator.checkCrl("CRL", revoking, CA.cert(), T, List.of(LEAF.cert()))))
        .isInstanceOf(Failure.Revoked.class);
    assertThat(
            failure(() ->
                ChainValidator.checkCrl(
                    "CRL", clean, CA.cert(), T.plusSeconds(3600), List.of(LEAF.cert()))))
        .isInstanceOf(Failure.CollateralExpired.class);
    assertThat(
            failure(
                () -> ChainValidator.checkCrl("CRL", clean, ROOT.cert(), T, List.of(LEAF.cert()))))
        .isInstanceOf(Failure.CollateralMismatch.class);
    // Same issuer name, signed by another key.
    TestPki.Issued impostor =
        TestPki.root(
            "CN=ca",
            TestPki.ec("secp256r1"),
            "SHA256withECDSA",
            T.minusSeconds(86400),
            T.plusSeconds(86400));
    X509CRL forged = crl(impostor, T.minusSeconds(60), T.plusSeconds(3600), false);
    assertThat(
            failure(
                () -> ChainValidator.checkCrl("CRL", forged, CA.cert(), T, List.of(LEAF.cert()))))
        .isEqualTo(
            new Failure.SignatureInvalid(
                SignedRegion.TDX_CRL,
                ((Failure.SignatureInvalid)
                        failure(() ->
                            ChainValidator.checkCrl(
                                "CRL", forged, CA.cert(), T, List.of(LEAF.cert()))))
                    .detail()));
  }

  static X509CRL crl(
      TestPki.Issued issuer, Instant thisUpdate, Instant nextUpdate, boolean revokeLeaf)
      throws Exception {
    var b =
        new X509v2CRLBuilder(
            new JcaX509CertificateHolder(issuer.cert()).getSubject(), Date.from(thisUpdate));
    b.setNextUpdate(Date.from(nextUpdate));
    if (revokeLeaf) {
      b.addCRLEntry(LEAF.cert().getSerialNumber(), Date.from(thisUpdate), CRLReason.keyCompromise);
    }
    return new JcaX509CRLConverter()
        .getCRL(
            b.build(
                new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.keys().getPrivate())));
  }

  interface Check {
    void run() throws VerificationFailedException;
  }

  static Failure failure(Check c) {
    try {
      c.run();
    } catch (VerificationFailedException e) {
      return e.failure();
    }
    throw new AssertionError("expected a failure");
  }
}
