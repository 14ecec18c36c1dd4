package dev.trustdial.tee.sim;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The signing half of the simulated TEE: a per-install attestation key certified by a per-install
 * self-signed root whose name says it is an insecure simulation. The root's private key is used
 * once, to certify the attestation key, and then dropped.
 */
public final class SimulatedTee {
  public static final String ROOT_NAME =
      "CN=TrustDial INSECURE SIMULATED TEE root (not a TEE),O=TrustDial dev";
  public static final String KEY_NAME =
      "CN=TrustDial INSECURE SIMULATED TEE attestation key,O=TrustDial dev";
  static final Duration VALIDITY = Duration.ofDays(3650);

  private final X509Certificate root;
  private final X509Certificate attestationCert;
  private final PrivateKey attestationKey;

  private SimulatedTee(X509Certificate root, X509Certificate attestationCert, PrivateKey attestationKey) {
    this.root = root;
    this.attestationCert = attestationCert;
    this.attestationKey = attestationKey;
  }

  /** Creates a fresh install: new root and attestation key, valid from {@code now} for ten years. */
  public static SimulatedTee createInstall(SecureRandom random, Instant now) {
    try {
      KeyPair rootKeys = p256(random);
      KeyPair attKeys = p256(random);
      X509Certificate root = certificate(ROOT_NAME, rootKeys, ROOT_NAME, rootKeys.getPrivate(), true, now, random);
      X509Certificate att = certificate(KEY_NAME, attKeys, ROOT_NAME, rootKeys.getPrivate(), false, now, random);
      return new SimulatedTee(root, att, attKeys.getPrivate());
    } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
      throw new IllegalStateException("cannot create the simulated TEE's keys", e);
    }
  }

  /** The root a verifier must be configured with to accept this install's evidence. */
  public X509Certificate root() {
    return root;
  }

  /**
   * Signs evidence for an app launched with {@code events}, binding 64 bytes of app data
   * (e.g. a hash of its ephemeral key and transcript).
   */
  public byte[] attest(List<MeasurementEvent> events, byte[] reportData, Instant at, boolean debug) {
    Rtmrs r = Rtmrs.replay(events);
    try {
      var unsigned = new SimulatedEvidence(debug, at,
          List.of(r.get(0), r.get(1), r.get(2), r.get(3)), reportData, events,
          List.of(attestationCert.getEncoded(), root.getEncoded()), new byte[0]);
      return sign(unsigned).encode();
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException("a generated certificate encodes", e);
    }
  }

  /** Signs any evidence body with this install's key (tests use it to sign inconsistent bodies). */
  SimulatedEvidence sign(SimulatedEvidence unsigned) {
    try {
      Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
      s.initSign(attestationKey);
      s.update(unsigned.signedBytes());
      return unsigned.withSignature(s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign simulated evidence", e);
    }
  }

  private static KeyPair p256(SecureRandom random) throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), random);
    return g.generateKeyPair();
  }

  private static X509Certificate certificate(String subject, KeyPair subjectKeys, String issuer,
      PrivateKey issuerKey, boolean ca, Instant now, SecureRandom random)
      throws OperatorCreationException, CertIOException, GeneralSecurityException {
    var b = new JcaX509v3CertificateBuilder(new X500Principal(issuer), new BigInteger(64, random).add(BigInteger.ONE),
        Date.from(now), Date.from(now.plus(VALIDITY)), new X500Principal(subject), subjectKeys.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    b.addExtension(Extension.keyUsage, true,
        new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature));
    var signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey);
    return new JcaX509CertificateConverter().getCertificate(b.build(signer));
  }
}
