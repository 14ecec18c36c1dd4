package dev.trustdial.tee.x509;

import dev.trustdial.core.hash.Hashes;
import dev.trustdial.tee.attest.Failure;
import dev.trustdial.tee.attest.VerificationFailedException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Strict parsing of DER and PEM certificates and CRLs from evidence and collateral. */
public final class Certificates {
  /** No attestation chain in the wild is longer than 4; a longer one is refused, not walked. */
  public static final int MAX_CHAIN_LENGTH = 8;

  public static final int MAX_CERTIFICATE_BYTES = 16 * 1024;

  private static final Pattern PEM_BLOCK =
      Pattern.compile("-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\\s]+?)-----END CERTIFICATE-----");

  private Certificates() {}

  public static X509Certificate fromDer(byte[] der, String what)
      throws VerificationFailedException {
    if (der.length == 0 || der.length > MAX_CERTIFICATE_BYTES) {
      throw malformed(what + " is " + der.length + " bytes (1.." + MAX_CERTIFICATE_BYTES + ")");
    }
    try {
      var cert = (X509Certificate) factory().generateCertificate(new ByteArrayInputStream(der));
      // The factory accepts trailing garbage and PEM; insist on exactly one DER certificate.
      if (!java.util.Arrays.equals(cert.getEncoded(), der)) {
        throw malformed(what + " is not exactly one DER certificate");
      }
      return cert;
    } catch (CertificateException e) {
      throw malformed(what + " is not an X.509 certificate: " + e.getMessage());
    }
  }

  /**
   * All PEM certificate blocks in the text, in order; anything but whitespace between is refused.
   */
  public static List<X509Certificate> fromPemChain(String pem, String what)
      throws VerificationFailedException {
    List<X509Certificate> out = new ArrayList<>();
    Matcher m = PEM_BLOCK.matcher(pem);
    int end = 0;
    while (m.find()) {
      if (!pem.substring(end, m.start()).isBlank()) {
        throw malformed(what + " has text outside PEM certificate blocks");
      }
      if (out.size() == MAX_CHAIN_LENGTH) {
        throw malformed(what + " has more than " + MAX_CHAIN_LENGTH + " certificates");
      }
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(m.group(1));
      } catch (IllegalArgumentException e) {
        throw malformed(what + " has a PEM block that is not base64");
      }
      out.add(fromDer(der, what + " certificate " + out.size()));
      end = m.end();
    }
    // Quote certification data is NUL-terminated PEM; allow trailing NULs and whitespace only.
    if (!pem.substring(end).replace("\0", "").isBlank()) {
      throw malformed(what + " has text after the last PEM certificate block");
    }
    if (out.isEmpty()) {
      throw malformed(what + " has no PEM certificate");
    }
    return out;
  }

  public static List<X509Certificate> fromPemChain(byte[] pem, String what)
      throws VerificationFailedException {
    return fromPemChain(new String(pem, StandardCharsets.US_ASCII), what);
  }

  /** A DER certificate or a PEM chain, whichever the bytes are. */
  public static List<X509Certificate> fromDerOrPem(byte[] bytes, String what)
      throws VerificationFailedException {
    if (bytes.length > 0 && bytes[0] == 0x30) {
      return List.of(fromDer(bytes, what));
    }
    return fromPemChain(bytes, what);
  }

  public static X509CRL crlFromDer(byte[] der, String what) throws VerificationFailedException {
    if (der.length == 0 || der.length > 1024 * 1024) {
      throw malformed(what + " is " + der.length + " bytes (1..1048576)");
    }
    try {
      var crl = (X509CRL) factory().generateCRL(new ByteArrayInputStream(der));
      if (!java.util.Arrays.equals(crl.getEncoded(), der)) {
        throw malformed(what + " is not exactly one DER CRL");
      }
      return crl;
    } catch (CRLException e) {
      throw malformed(what + " is not an X.509 CRL: " + e.getMessage());
    }
  }

  public static byte[] sha256Fingerprint(X509Certificate cert) {
    try {
      return Hashes.sha256(cert.getEncoded()).bytes();
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException("a parsed certificate re-encodes", e);
    }
  }

  public static String subject(X509Certificate cert) {
    return cert.getSubjectX500Principal().getName(javax.security.auth.x500.X500Principal.RFC2253);
  }

  private static CertificateFactory factory() {
    try {
      return CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException("every JDK has an X.509 certificate factory", e);
    }
  }

  private static VerificationFailedException malformed(String detail) {
    return new VerificationFailedException(new Failure.Malformed(detail));
  }
}
