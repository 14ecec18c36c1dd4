package dev.trustdial.tee.snp;

import dev.trustdial.core.bytes.Bytes;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.tee.attest.Collateral;
import dev.trustdial.tee.attest.Failure;
import dev.trustdial.tee.attest.NamedBytes;
import dev.trustdial.tee.attest.Platform;
import dev.trustdial.tee.attest.SignedRegion;
import dev.trustdial.tee.attest.TcbStatus;
import dev.trustdial.tee.attest.TrustAnchors;
import dev.trustdial.tee.attest.Verdict;
import dev.trustdial.tee.attest.VerificationFailedException;
import dev.trustdial.tee.x509.Certificates;
import dev.trustdial.tee.x509.ChainValidator;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.DERSequence;

/**
 * Verifies an AMD SEV-SNP report: VCEK -> ASK -> pinned ARK (RSASSA-PSS SHA-384), the report's
 * ECDSA P-384 signature, and that the reported TCB and chip id are the ones the VCEK certifies.
 */
public final class SnpReportVerifier {
  static final String OID_PRODUCT = "1.3.6.1.4.1.3704.1.2";
  static final String OID_BL_SPL = "1.3.6.1.4.1.3704.1.3.1";
  static final String OID_TEE_SPL = "1.3.6.1.4.1.3704.1.3.2";
  static final String OID_SNP_SPL = "1.3.6.1.4.1.3704.1.3.3";
  static final String OID_UCODE_SPL = "1.3.6.1.4.1.3704.1.3.8";
  static final String OID_HWID = "1.3.6.1.4.1.3704.1.4";

  private SnpReportVerifier() {}

  public static Verdict verify(
      byte[] reportBytes, Collateral.Snp col, TrustAnchors anchors, Instant at)
      throws VerificationFailedException {
    List<String> checks = new ArrayList<>();
    SnpReport r = SnpReport.parse(reportBytes);
    checks.add("parsed SEV-SNP report v" + r.version());
    if (r.signingKey() != 0) {
      throw new VerificationFailedException(
          new Failure.Malformed(
              "SEV-SNP report signed by key kind " + r.signingKey() + " (supported: 0 = VCEK)"));
    }
    X509Certificate vcek = col.vcek();
    String product = text(vcek, OID_PRODUCT);
    if (!product.startsWith("Milan")) {
      throw new VerificationFailedException(
          new Failure.UntrustedRoot(
              "VCEK", "no pinned ARK for product '" + product + "' (pinned: Milan)"));
    }
    X509Certificate ask = col.ask().orElse(anchors.amdAskMilan());
    ChainValidator.validate("VCEK", List.of(vcek, ask), anchors.amdArkMilan(), at);
    checks.add("VCEK chain valid: VCEK -> ASK -> pinned ARK-Milan (" + product + ")");

    if (!verifyP384(vcek, r.signedBytes(), r.signatureR(), r.signatureS())) {
      throw new VerificationFailedException(
          new Failure.SignatureInvalid(SignedRegion.SNP_REPORT, "ECDSA P-384 by the VCEK"));
    }
    checks.add("report signature valid (VCEK)");

    // TCB_VERSION bytes (Milan): 0 boot loader, 1 TEE, 6 SNP firmware, 7 microcode.
    byte[] tcb = r.reportedTcb();
    int[][] expected = {
      {0, integer(vcek, OID_BL_SPL)}, {1, integer(vcek, OID_TEE_SPL)},
      {6, integer(vcek, OID_SNP_SPL)}, {7, integer(vcek, OID_UCODE_SPL)}
    };
    String[] names = {"boot loader", "TEE", "SNP", "microcode"};
    for (int i = 0; i < expected.length; i++) {
      int actual = tcb[expected[i][0]] & 0xFF;
      if (actual != expected[i][1]) {
        throw new VerificationFailedException(
            new Failure.TcbMismatch(
                "reported "
                    + names[i]
                    + " SPL "
                    + actual
                    + " but the VCEK certifies "
                    + expected[i][1]));
      }
    }
    for (int i : new int[] {2, 3, 4, 5}) {
      if (tcb[i] != 0) {
        throw new VerificationFailedException(
            new Failure.TcbMismatch("reserved REPORTED_TCB byte " + i + " is set"));
      }
    }
    byte[] hwid = hwid(vcek);
    boolean masked = allZero(r.chipId());
    if (!masked && !Arrays.equals(hwid, r.chipId())) {
      throw new VerificationFailedException(
          new Failure.TcbMismatch(
              "CHIP_ID "
                  + Hex.encodeBare(r.chipId()).substring(0, 16)
                  + "... is not the VCEK's hwID "
                  + Hex.encodeBare(hwid).substring(0, 16)
                  + "..."));
    }
    checks.add(
        "REPORTED_TCB "
            + Hex.encodeBare(tcb)
            + " matches the VCEK; "
            + (masked
                ? "CHIP_ID masked by the host (not compared)"
                : "CHIP_ID matches the VCEK hwID"));

    List<NamedBytes> measurements =
        List.of(
            new NamedBytes("MEASUREMENT", r.measurement()),
            new NamedBytes("HOST_DATA", r.hostData()),
            new NamedBytes("ID_KEY_DIGEST", r.idKeyDigest()),
            new NamedBytes("AUTHOR_KEY_DIGEST", r.authorKeyDigest()),
            new NamedBytes("FAMILY_ID", r.familyId()),
            new NamedBytes("IMAGE_ID", r.imageId()));
    List<NamedBytes> fields =
        List.of(
            new NamedBytes("POLICY", le(r.policy(), 8)),
            new NamedBytes("GUEST_SVN", le(r.guestSvn(), 4)),
            new NamedBytes("VMPL", le(r.vmpl(), 4)),
            new NamedBytes("PLATFORM_INFO", le(r.platformInfo(), 8)),
            new NamedBytes("REPORTED_TCB", tcb),
            new NamedBytes("CHIP_ID", r.chipId()),
            new NamedBytes("REPORT_ID", r.reportId()));
    return new Verdict(
        Platform.AMD_SEV_SNP,
        measurements,
        Bytes.of(r.reportData()),
        fields,
        r.debug(),
        TcbStatus.NOT_EVALUATED,
        List.of(),
        false,
        Optional.empty(),
        at,
        checks);
  }

  private static boolean verifyP384(X509Certificate vcek, byte[] data, byte[] r, byte[] s) {
    try {
      byte[] der =
          new DERSequence(
                  new org.bouncycastle.asn1.ASN1Encodable[] {
                    new ASN1Integer(new BigInteger(1, r)), new ASN1Integer(new BigInteger(1, s))
                  })
              .getEncoded();
      Signature sig = Signature.getInstance("SHA384withECDSA");
      sig.initVerify(vcek.getPublicKey());
      sig.update(data);
      return sig.verify(der);
    } catch (java.security.SignatureException | java.security.InvalidKeyException e) {
      return false;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("the JDK supports P-384 ECDSA", e);
    }
  }

  private static ASN1Primitive ext(X509Certificate c, String oid)
      throws VerificationFailedException {
    byte[] v = c.getExtensionValue(oid);
    if (v == null) {
      throw new VerificationFailedException(new Failure.Malformed("VCEK lacks extension " + oid));
    }
    try {
      return ASN1Primitive.fromByteArray(ASN1OctetString.getInstance(v).getOctets());
    } catch (IOException | IllegalArgumentException e) {
      throw new VerificationFailedException(
          new Failure.Malformed("VCEK extension " + oid + " does not parse"));
    }
  }

  private static int integer(X509Certificate c, String oid) throws VerificationFailedException {
    try {
      BigInteger v = ASN1Integer.getInstance(ext(c, oid)).getValue();
      if (v.signum() < 0 || v.bitLength() > 8) {
        throw new VerificationFailedException(
            new Failure.Malformed("VCEK SPL " + oid + " is " + v + ", not a byte"));
      }
      return v.intValue();
    } catch (IllegalArgumentException e) {
      throw new VerificationFailedException(
          new Failure.Malformed("VCEK extension " + oid + " is not an INTEGER"));
    }
  }

  /** hwID is the raw 64 chip-id bytes as the extension value (AMD does not DER-wrap it). */
  private static byte[] hwid(X509Certificate c) throws VerificationFailedException {
    byte[] v = c.getExtensionValue(OID_HWID);
    if (v == null) {
      throw new VerificationFailedException(
          new Failure.Malformed("VCEK lacks the hwID extension " + OID_HWID));
    }
    byte[] b;
    try {
      b = ASN1OctetString.getInstance(v).getOctets();
    } catch (IllegalArgumentException e) {
      throw new VerificationFailedException(
          new Failure.Malformed("VCEK hwID extension does not parse"));
    }
    if (b.length != 64) {
      throw new VerificationFailedException(
          new Failure.Malformed("VCEK hwID is " + b.length + " bytes, expected 64"));
    }
    return b;
  }

  private static String text(X509Certificate c, String oid) throws VerificationFailedException {
    if (ext(c, oid) instanceof ASN1String s) {
      return s.getString();
    }
    throw new VerificationFailedException(
        new Failure.Malformed("VCEK extension " + oid + " is not a string"));
  }

  private static byte[] le(long v, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (v >>> (8 * i));
    }
    return b;
  }

  private static boolean allZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  static String describe(X509Certificate c) {
    return Certificates.subject(c);
  }
}
