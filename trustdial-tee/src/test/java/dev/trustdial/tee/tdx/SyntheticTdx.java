package dev.trustdial.tee.tdx;

import dev.trustdial.core.bytes.Bytes;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.tee.attest.Collateral;
import dev.trustdial.tee.attest.TestPki;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Builds TDX quotes and PCS collateral under a test Intel-like PKI, so that TCB level selection,
 * status convergence, revocation and debug can be tested beyond the two real quotes.
 */
final class SyntheticTdx {
  static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
  static final String OID = PckExtensions.SGX_EXTENSIONS_OID;
  static final byte[] FMSPC = Hex.decode("00906ed50000");
  static final byte[] QE_MRSIGNER =
      Hashes.sha256("test QE signer".getBytes(StandardCharsets.US_ASCII)).bytes();

  final TestPki.Issued root =
      TestPki.root(
          "CN=Test SGX Root CA",
          TestPki.ec("secp256r1"),
          "SHA256withECDSA",
          T.minusSeconds(86400 * 30),
          T.plusSeconds(86400 * 365));
  final TestPki.Issued pckCa =
      TestPki.issue(
          "CN=Test SGX PCK Platform CA",
          TestPki.ec("secp256r1"),
          root,
          "SHA256withECDSA",
          true,
          T.minusSeconds(86400 * 30),
          T.plusSeconds(86400 * 365),
          List.of());
  final TestPki.Issued tcbSigner =
      TestPki.issue(
          "CN=Test SGX TCB Signing",
          TestPki.ec("secp256r1"),
          root,
          "SHA256withECDSA",
          false,
          T.minusSeconds(86400 * 30),
          T.plusSeconds(86400 * 365),
          List.of());
  final KeyPair attestationKey = TestPki.ec("secp256r1");

  /** The platform's PCK certificate for the given SGX TCB components and PCESVN. */
  TestPki.Issued pck(int[] sgx, int pceSvn) {
    List<ASN1Encodable> tcb = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      tcb.add(kv(OID + ".2." + (i + 1), new ASN1Integer(sgx[i])));
    }
    tcb.add(kv(OID + ".2.17", new ASN1Integer(pceSvn)));
    byte[] cpuSvn = new byte[16];
    for (int i = 0; i < 16; i++) {
      cpuSvn[i] = (byte) sgx[i];
    }
    tcb.add(kv(OID + ".2.18", new DEROctetString(cpuSvn)));
    var ext =
        new DERSequence(
            new ASN1Encodable[] {
              kv(OID + ".1", new DEROctetString(new byte[16])),
              kv(OID + ".2", new DERSequence(tcb.toArray(ASN1Encodable[]::new))),
              kv(OID + ".3", new DEROctetString(new byte[2])),
              kv(OID + ".4", new DEROctetString(FMSPC))
            });
    return TestPki.issue(
        "CN=Test SGX PCK Certificate",
        TestPki.ec("secp256r1"),
        pckCa,
        "SHA256withECDSA",
        false,
        T.minusSeconds(86400),
        T.plusSeconds(86400 * 365),
        List.of(new TestPki.Ext(OID, ext)));
  }

  /**
   * A v4 quote: TD report with the given TEE_TCB_SVN and TDATTRIBUTES byte 0, QE with the given
   * ISVSVN.
   */
  byte[] quote(TestPki.Issued pck, byte[] teeTcbSvn, int tdAttributes0, int qeIsvSvn)
      throws Exception {
    var q = ByteBuffer.allocate(16384).order(ByteOrder.LITTLE_ENDIAN);
    q.putShort((short) 4)
        .putShort((short) 2)
        .putInt(0x81)
        .putInt(0)
        .put(TdxQuote.INTEL_QE_VENDOR_ID)
        .put(new byte[20]);
    byte[] body = new byte[TdReport.SIZE_V10];
    System.arraycopy(teeTcbSvn, 0, body, 0, 16);
    body[120] = (byte) tdAttributes0;
    for (int i = 136; i < 184; i++) {
      body[i] = (byte) i; // MRTD
    }
    q.put(body);
    int signedEnd = q.position();
    byte[] att = raw(attestationKey);
    byte[] authData = new byte[32];
    byte[] qe = new byte[EnclaveReport.SIZE];
    qe[48] = 0x11; // ATTRIBUTES, as the QE identity expects
    System.arraycopy(QE_MRSIGNER, 0, qe, 128, 32);
    qe[256] = 2; // ISVPRODID
    qe[258] = (byte) qeIsvSvn;
    System.arraycopy(Hashes.sha256(att, authData).bytes(), 0, qe, 320, 32);
    byte[] pem =
        (pem(pck.cert()) + pem(pckCa.cert()) + pem(root.cert()))
            .getBytes(StandardCharsets.US_ASCII);
    byte[] quoteSig =
        sign(attestationKey.getPrivate(), java.util.Arrays.copyOf(q.array(), signedEnd));
    int certSize = EnclaveReport.SIZE + 64 + 2 + authData.length + 6 + pem.length;
    q.putInt(64 + 64 + 6 + certSize).put(quoteSig).put(att);
    q.putShort((short) 6).putInt(certSize).put(qe).put(sign(pck.keys().getPrivate(), qe));
    q.putShort((short) authData.length).put(authData);
    q.putShort((short) 5).putInt(pem.length).put(pem);
    return java.util.Arrays.copyOf(q.array(), q.position());
  }

  /** A TCB level JSON object. */
  static String level(
      int[] sgx, int pceSvn, int[] tdx, String date, String status, String... advisories) {
    StringBuilder b = new StringBuilder("{\"tcb\":{\"sgxtcbcomponents\":[");
    for (int i = 0; i < 16; i++) {
      b.append(i > 0 ? "," : "").append("{\"svn\":").append(sgx[i]).append('}');
    }
    b.append("],\"pcesvn\":").append(pceSvn).append(",\"tdxtcbcomponents\":[");
    for (int i = 0; i < 16; i++) {
      b.append(i > 0 ? "," : "").append("{\"svn\":").append(tdx[i]).append('}');
    }
    b.append("]},\"tcbDate\":\"")
        .append(date)
        .append("\",\"tcbStatus\":\"")
        .append(status)
        .append('"');
    if (advisories.length > 0) {
      b.append(",\"advisoryIDs\":[\"").append(String.join("\",\"", advisories)).append("\"]");
    }
    return b.append('}').toString();
  }

  static String tcbInfo(List<String> levels, String moduleIdentities) {
    String zero48 = "00".repeat(48);
    return "{\"id\":\"TDX\",\"version\":3,\"issueDate\":\"2025-12-25T00:00:00Z\",\"nextUpdate\":\"2026-01-24T00:00:00Z\","
        + "\"fmspc\":\""
        + Hex.encodeBare(FMSPC).toUpperCase()
        + "\",\"pceId\":\"0000\",\"tcbType\":0,"
        + "\"tcbEvaluationDataNumber\":99,\"tdxModule\":{\"mrsigner\":\""
        + zero48
        + "\",\"attributes\":\"0000000000000000\",\"attributesMask\":\"FFFFFFFFFFFFFFFF\"},"
        + "\"tdxModuleIdentities\":["
        + moduleIdentities
        + "],\"tcbLevels\":["
        + String.join(",", levels)
        + "]}";
  }

  static String moduleIdentity(String id, String levels) {
    return "{\"id\":\""
        + id
        + "\",\"mrsigner\":\""
        + "00".repeat(48)
        + "\",\"attributes\":\"0000000000000000\",\"attributesMask\":\"FFFFFFFFFFFFFFFF\",\"tcbLevels\":["
        + levels
        + "]}";
  }

  static String isvLevel(int isvSvn, String status) {
    return "{\"tcb\":{\"isvsvn\":"
        + isvSvn
        + "},\"tcbDate\":\"2025-01-01T00:00:00Z\",\"tcbStatus\":\""
        + status
        + "\"}";
  }

  static String qeIdentity() {
    return "{\"id\":\"TD_QE\",\"version\":2,\"issueDate\":\"2025-12-25T00:00:00Z\",\"nextUpdate\":\"2026-01-24T00:00:00Z\","
        + "\"tcbEvaluationDataNumber\":99,\"miscselect\":\"00000000\",\"miscselectMask\":\"FFFFFFFF\","
        + "\"attributes\":\"11000000000000000000000000000000\",\"attributesMask\":\"FBFFFFFFFFFFFFFF0000000000000000\","
        + "\"mrsigner\":\""
        + Hex.encodeBare(QE_MRSIGNER).toUpperCase()
        + "\",\"isvprodid\":2,\"tcbLevels\":["
        + isvLevel(4, "UpToDate")
        + ","
        + isvLevel(2, "OutOfDate")
        + "]}";
  }

  Collateral.Tdx collateral(String tcbInfoJson, List<X509Certificate> revokedByPckCa)
      throws Exception {
    String qeId = qeIdentity();
    return new Collateral.Tdx(
        List.of(pckCa.cert(), root.cert()),
        crl(root, List.of()),
        crl(pckCa, revokedByPckCa),
        List.of(tcbSigner.cert(), root.cert()),
        tcbInfoJson,
        Bytes.of(sign(tcbSigner.keys().getPrivate(), tcbInfoJson.getBytes(StandardCharsets.UTF_8))),
        List.of(tcbSigner.cert(), root.cert()),
        qeId,
        Bytes.of(sign(tcbSigner.keys().getPrivate(), qeId.getBytes(StandardCharsets.UTF_8))));
  }

  static X509CRL crl(TestPki.Issued issuer, List<X509Certificate> revoked) throws Exception {
    var b =
        new X509v2CRLBuilder(
            new JcaX509CertificateHolder(issuer.cert()).getSubject(),
            Date.from(T.minusSeconds(3600)));
    b.setNextUpdate(Date.from(T.plusSeconds(86400)));
    for (X509Certificate c : revoked) {
      b.addCRLEntry(c.getSerialNumber(), Date.from(T.minusSeconds(3600)), CRLReason.keyCompromise);
    }
    return new JcaX509CRLConverter()
        .getCRL(
            b.build(
                new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.keys().getPrivate())));
  }

  static int[] svns(int... first) {
    int[] out = new int[16];
    System.arraycopy(first, 0, out, 0, first.length);
    return out;
  }

  static byte[] teeTcbSvn(int... first) {
    byte[] out = new byte[16];
    for (int i = 0; i < first.length; i++) {
      out[i] = (byte) first[i];
    }
    return out;
  }

  private static ASN1Encodable kv(String oid, ASN1Encodable v) {
    return new DERSequence(new ASN1Encodable[] {new ASN1ObjectIdentifier(oid), v});
  }

  private static byte[] raw(KeyPair kp) {
    var p = ((ECPublicKey) kp.getPublic()).getW();
    var out = new ByteArrayOutputStream();
    out.writeBytes(fixed(p.getAffineX().toByteArray()));
    out.writeBytes(fixed(p.getAffineY().toByteArray()));
    return out.toByteArray();
  }

  private static byte[] fixed(byte[] be) {
    byte[] out = new byte[32];
    int n = Math.min(32, be.length);
    System.arraycopy(be, be.length - n, out, 32 - n, n);
    return out;
  }

  static byte[] sign(PrivateKey key, byte[] data) throws Exception {
    Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
    s.initSign(key);
    s.update(data);
    return s.sign();
  }

  private static String pem(X509Certificate c) throws Exception {
    return "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(c.getEncoded())
        + "\n-----END CERTIFICATE-----\n";
  }
}
