package dev.trustdial.tee.attest;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Builds throwaway certificate chains for tests that need evidence signed by keys we hold. */
public final class TestPki {
  private TestPki() {}

  public record Issued(X509Certificate cert, KeyPair keys) {}

  /** A custom extension: OID and its value (DER-encodable, or raw bytes). */
  public record Ext(String oid, Object value) {}

  public static KeyPair ec(String curve) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec(curve));
      return g.generateKeyPair();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Issued root(String name, KeyPair keys, String sigAlg, Instant from, Instant to) {
    return new Issued(
        cert(name, keys, name, keys.getPrivate(), sigAlg, true, from, to, List.of()), keys);
  }

  public static Issued issue(
      String name,
      KeyPair keys,
      Issued issuer,
      String sigAlg,
      boolean ca,
      Instant from,
      Instant to,
      List<Ext> exts) {
    return new Issued(
        cert(
            name,
            keys,
            issuer.cert().getSubjectX500Principal().getName(),
            issuer.keys().getPrivate(),
            sigAlg,
            ca,
            from,
            to,
            exts),
        keys);
  }

  private static X509Certificate cert(
      String subject,
      KeyPair keys,
      String issuer,
      PrivateKey signer,
      String sigAlg,
      boolean ca,
      Instant from,
      Instant to,
      List<Ext> exts) {
    try {
      var b =
          new JcaX509v3CertificateBuilder(
              new X500Principal(issuer),
              BigInteger.valueOf(System.nanoTime()),
              Date.from(from),
              Date.from(to),
              new X500Principal(subject),
              keys.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      b.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature));
      for (Ext e : exts) {
        if (e.value() instanceof byte[] raw) {
          b.addExtension(
              new org.bouncycastle.asn1.x509.Extension(
                  new ASN1ObjectIdentifier(e.oid()), false, raw));
        } else {
          b.addExtension(new ASN1ObjectIdentifier(e.oid()), false, (ASN1Encodable) e.value());
        }
      }
      return new JcaX509CertificateConverter()
          .getCertificate(b.build(new JcaContentSignerBuilder(sigAlg).build(signer)));
    } catch (Exception e) {
      throw new IllegalStateException("test certificate", e);
    }
  }
}
