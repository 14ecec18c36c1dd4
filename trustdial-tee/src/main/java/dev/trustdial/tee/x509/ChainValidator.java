package dev.trustdial.tee.x509;

import dev.trustdial.core.bytes.Hex;
import dev.trustdial.tee.attest.Failure;
import dev.trustdial.tee.attest.VerificationFailedException;
import java.security.InvalidAlgorithmParameterException;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * Validates a certificate chain to one pinned anchor at a given time with the JDK's PKIX validator
 * (names, signatures, CA constraints, key usage, validity), revocation off: CRLs are checked
 * explicitly by {@link #checkCrl} because PKIX would otherwise go to the network for them.
 */
public final class ChainValidator {
  private ChainValidator() {}

  /**
   * @param chainLeafFirst leaf first; may end with the anchor itself (it is then dropped), but a
   *     different self-signed root at the end is refused
   */
  public static void validate(
      String what, List<X509Certificate> chainLeafFirst, X509Certificate anchor, Instant at)
      throws VerificationFailedException {
    if (chainLeafFirst.isEmpty() || chainLeafFirst.size() > Certificates.MAX_CHAIN_LENGTH) {
      throw new VerificationFailedException(
          new Failure.Malformed(what + " chain has " + chainLeafFirst.size() + " certificates"));
    }
    List<X509Certificate> path = new ArrayList<>(chainLeafFirst);
    X509Certificate last = path.getLast();
    if (isSelfIssued(last)) {
      if (!Arrays.equals(
          Certificates.sha256Fingerprint(last), Certificates.sha256Fingerprint(anchor))) {
        throw new VerificationFailedException(
            new Failure.UntrustedRoot(
                what,
                "root '"
                    + Certificates.subject(last)
                    + "' with SHA-256 "
                    + Hex.encodeBare(Certificates.sha256Fingerprint(last))
                    + " is not the pinned "
                    + Hex.encodeBare(Certificates.sha256Fingerprint(anchor))));
      }
      path.removeLast();
    }
    checkValidAt(anchor, at);
    for (X509Certificate c : path) {
      checkValidAt(c, at);
    }
    if (path.isEmpty()) {
      return;
    }
    try {
      var params = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
      params.setRevocationEnabled(false);
      params.setDate(Date.from(at));
      var certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
      CertPathValidator.getInstance("PKIX").validate(certPath, params);
    } catch (CertPathValidatorException e) {
      String where =
          e.getIndex() >= 0 && e.getIndex() < path.size()
              ? " at '" + Certificates.subject(path.get(e.getIndex())) + "'"
              : "";
      if (e.getReason() == java.security.cert.PKIXReason.NO_TRUST_ANCHOR) {
        throw new VerificationFailedException(
            new Failure.UntrustedRoot(what, "no path to the pinned root" + where));
      }
      throw new VerificationFailedException(
          new Failure.ChainInvalid(what, e.getReason() + where + ": " + e.getMessage()));
    } catch (CertificateException
        | InvalidAlgorithmParameterException
        | NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK's PKIX validator is unavailable", e);
    }
  }

  /**
   * Checks a CRL: signed by {@code issuer}, issued by its subject, inside its
   * thisUpdate..nextUpdate window at {@code at}, and not listing any of {@code subjects}.
   */
  public static void checkCrl(
      String what, X509CRL crl, X509Certificate issuer, Instant at, List<X509Certificate> subjects)
      throws VerificationFailedException {
    if (!crl.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
      throw new VerificationFailedException(
          new Failure.CollateralMismatch(
              what
                  + " is issued by '"
                  + crl.getIssuerX500Principal()
                  + "', expected '"
                  + Certificates.subject(issuer)
                  + "'"));
    }
    try {
      crl.verify(issuer.getPublicKey());
    } catch (java.security.GeneralSecurityException e) {
      throw new VerificationFailedException(
          new Failure.SignatureInvalid(
              dev.trustdial.tee.attest.SignedRegion.TDX_CRL, what + ": " + e.getMessage()));
    }
    Instant thisUpdate = crl.getThisUpdate().toInstant();
    if (crl.getNextUpdate() == null) {
      throw new VerificationFailedException(new Failure.Malformed(what + " has no nextUpdate"));
    }
    Instant nextUpdate = crl.getNextUpdate().toInstant();
    if (at.isBefore(thisUpdate) || !at.isBefore(nextUpdate)) {
      throw new VerificationFailedException(
          new Failure.CollateralExpired(what, thisUpdate, nextUpdate, at));
    }
    for (X509Certificate c : subjects) {
      if (c.getIssuerX500Principal().equals(crl.getIssuerX500Principal()) && crl.isRevoked(c)) {
        throw new VerificationFailedException(
            new Failure.Revoked(Certificates.subject(c), c.getSerialNumber().toString(16), what));
      }
    }
  }

  public static void checkValidAt(X509Certificate c, Instant at)
      throws VerificationFailedException {
    Instant nb = c.getNotBefore().toInstant();
    Instant na = c.getNotAfter().toInstant();
    if (at.isBefore(nb) || at.isAfter(na)) {
      throw new VerificationFailedException(
          new Failure.CertificateNotValid(Certificates.subject(c), nb, na, at));
    }
  }

  private static boolean isSelfIssued(X509Certificate c) {
    return c.getSubjectX500Principal().equals(c.getIssuerX500Principal());
  }
}
