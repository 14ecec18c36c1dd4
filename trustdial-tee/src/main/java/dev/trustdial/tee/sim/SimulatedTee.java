package dev.trustdial.tee.sim;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes;
import dev.trustdial.tee.attest.VerificationFailedException;
import dev.trustdial.tee.x509.Certificates;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
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

  private SimulatedTee(
      X509Certificate root, X509Certificate attestationCert, PrivateKey attestationKey) {
    this.root = root;
    this.attestationCert = attestationCert;
    this.attestationKey = attestationKey;
  }

  /**
   * Creates a fresh install: new root and attestation key, valid from {@code now} for ten years.
   */
  public static SimulatedTee createInstall(SecureRandom random, Instant now) {
    try {
      KeyPair rootKeys = p256(random);
      KeyPair attKeys = p256(random);
      X509Certificate root =
          certificate(ROOT_NAME, rootKeys, ROOT_NAME, rootKeys.getPrivate(), true, now, random);
      X509Certificate att =
          certificate(KEY_NAME, attKeys, ROOT_NAME, rootKeys.getPrivate(), false, now, random);
      return new SimulatedTee(root, att, attKeys.getPrivate());
    } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
      throw new IllegalStateException("cannot create the simulated TEE's keys", e);
    }
  }

  public static final String ROOT_FILE = "sim-root.pem";
  static final String CERT_FILE = "attestation-cert.pem";
  static final String KEY_FILE = "attestation-key.pem";

  /**
   * Writes the install to {@code dir} (created if missing): the root and attestation certificates
   * and the attestation key (PKCS#8 PEM, owner-only where the file system supports it). Refuses to
   * overwrite an existing install, whose evidence verifiers may already trust.
   */
  public void save(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (String f : List.of(ROOT_FILE, CERT_FILE, KEY_FILE)) {
      if (Files.exists(dir.resolve(f))) {
        throw new InvalidInputException(
            "a simulated TEE install already exists in " + dir + " (" + f + ")");
      }
    }
    Files.writeString(dir.resolve(ROOT_FILE), pem("CERTIFICATE", encoded(root)));
    Files.writeString(dir.resolve(CERT_FILE), pem("CERTIFICATE", encoded(attestationCert)));
    Path key = dir.resolve(KEY_FILE);
    dev.trustdial.tee.crypto.SecretFiles.writeNew(
        key, pem("PRIVATE KEY", attestationKey.getEncoded()));
  }

  /** Loads an install written by {@link #save}; checks the key matches the certificate chain. */
  public static SimulatedTee load(Path dir) throws IOException {
    try {
      X509Certificate root = single(dir.resolve(ROOT_FILE));
      X509Certificate cert = single(dir.resolve(CERT_FILE));
      String keyPem = Files.readString(dir.resolve(KEY_FILE));
      String b64 =
          keyPem
              .replace("-----BEGIN PRIVATE KEY-----", "")
              .replace("-----END PRIVATE KEY-----", "");
      PrivateKey key =
          KeyFactory.getInstance("EC")
              .generatePrivate(new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(b64)));
      cert.verify(root.getPublicKey());
      if (!root.getSubjectX500Principal()
          .getName()
          .equals(new X500Principal(ROOT_NAME).getName())) {
        throw new InvalidInputException(dir + " does not hold a TrustDial simulation root");
      }
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initSign(key);
      s.update(new byte[] {1});
      byte[] sig = s.sign();
      s.initVerify(cert.getPublicKey());
      s.update(new byte[] {1});
      if (!s.verify(sig)) {
        throw new InvalidInputException(
            dir + ": the attestation key does not match its certificate");
      }
      return new SimulatedTee(root, cert, key);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new InvalidInputException(
          "no simulated TEE install in " + dir + " (missing " + e.getFile() + ")");
    } catch (GeneralSecurityException | IllegalArgumentException | VerificationFailedException e) {
      throw new InvalidInputException(
          "the simulated TEE install in " + dir + " is damaged: " + e.getMessage());
    }
  }

  private static X509Certificate single(Path p) throws IOException, VerificationFailedException {
    List<X509Certificate> certs = Certificates.fromPemChain(Files.readString(p), p.toString());
    if (certs.size() != 1) {
      throw new InvalidInputException(p + " must hold one certificate");
    }
    return certs.getFirst();
  }

  private static byte[] encoded(X509Certificate c) {
    try {
      return c.getEncoded();
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException("a generated certificate encodes", e);
    }
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  /** The root a verifier must be configured with to accept this install's evidence. */
  public X509Certificate root() {
    return root;
  }

  /**
   * Signs evidence for an app launched with {@code events}, binding 64 bytes of app data (e.g. a
   * hash of its ephemeral key and transcript).
   */
  public byte[] attest(
      List<MeasurementEvent> events, byte[] reportData, Instant at, boolean debug) {
    Rtmrs r = Rtmrs.replay(events);
    try {
      var unsigned =
          new SimulatedEvidence(
              debug,
              at,
              List.of(
                  Bytes.of(r.get(0)), Bytes.of(r.get(1)), Bytes.of(r.get(2)), Bytes.of(r.get(3))),
              Bytes.of(reportData),
              events,
              List.of(Bytes.of(attestationCert.getEncoded()), Bytes.of(root.getEncoded())),
              Bytes.EMPTY);
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

  private static X509Certificate certificate(
      String subject,
      KeyPair subjectKeys,
      String issuer,
      PrivateKey issuerKey,
      boolean ca,
      Instant now,
      SecureRandom random)
      throws OperatorCreationException, CertIOException, GeneralSecurityException {
    var b =
        new JcaX509v3CertificateBuilder(
            new X500Principal(issuer),
            new BigInteger(64, random).add(BigInteger.ONE),
            Date.from(now),
            Date.from(now.plus(VALIDITY)),
            new X500Principal(subject),
            subjectKeys.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    b.addExtension(
        Extension.keyUsage,
        true,
        new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature));
    var signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey);
    return new JcaX509CertificateConverter().getCertificate(b.build(signer));
  }
}
