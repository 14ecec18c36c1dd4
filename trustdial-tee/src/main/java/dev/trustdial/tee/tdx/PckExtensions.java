package dev.trustdial.tee.tdx;

import dev.trustdial.tee.attest.Failure;
import dev.trustdial.tee.attest.VerificationFailedException;
import java.io.IOException;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;

/**
 * The Intel SGX extension of a PCK certificate (OID 1.2.840.113741.1.13.1): the platform's TCB (16
 * SGX component SVNs, PCESVN, CPUSVN), PCE id and FMSPC, which select the TCB level.
 */
record PckExtensions(
    int[] sgxTcbComponents, int pceSvn, byte[] cpuSvn, byte[] pceId, byte[] fmspc) {
  static final String SGX_EXTENSIONS_OID = "1.2.840.113741.1.13.1";

  static PckExtensions of(X509Certificate pck) throws VerificationFailedException {
    byte[] ext = pck.getExtensionValue(SGX_EXTENSIONS_OID);
    if (ext == null) {
      throw malformed("PCK certificate has no SGX extension " + SGX_EXTENSIONS_OID);
    }
    try {
      ASN1Sequence seq =
          ASN1Sequence.getInstance(
              ASN1Primitive.fromByteArray(ASN1OctetString.getInstance(ext).getOctets()));
      int[] comps = null;
      Integer pceSvn = null;
      byte[] cpuSvn = null;
      byte[] pceId = null;
      byte[] fmspc = null;
      for (ASN1Encodable e : seq) {
        ASN1Sequence kv = ASN1Sequence.getInstance(e);
        String oid = ASN1ObjectIdentifier.getInstance(kv.getObjectAt(0)).getId();
        ASN1Encodable value = kv.getObjectAt(1);
        if (!oid.startsWith(SGX_EXTENSIONS_OID + ".")) {
          throw malformed("unexpected OID " + oid + " in the PCK SGX extension");
        }
        switch (oid.substring(SGX_EXTENSIONS_OID.length())) {
          case ".2" -> {
            comps = new int[16];
            boolean[] seen = new boolean[18];
            for (ASN1Encodable t : ASN1Sequence.getInstance(value)) {
              ASN1Sequence tkv = ASN1Sequence.getInstance(t);
              String toid = ASN1ObjectIdentifier.getInstance(tkv.getObjectAt(0)).getId();
              String prefix = SGX_EXTENSIONS_OID + ".2.";
              if (!toid.startsWith(prefix)) {
                throw malformed("unexpected TCB OID " + toid);
              }
              int idx = Integer.parseInt(toid.substring(prefix.length()));
              if (idx >= 1 && idx <= 16) {
                comps[idx - 1] = svn(tkv.getObjectAt(1), 255);
                seen[idx - 1] = true;
              } else if (idx == 17) {
                pceSvn = svn(tkv.getObjectAt(1), 65535);
                seen[16] = true;
              } else if (idx == 18) {
                cpuSvn = ASN1OctetString.getInstance(tkv.getObjectAt(1)).getOctets();
                seen[17] = true;
              }
            }
            for (int i = 0; i < 18; i++) {
              if (!seen[i]) {
                throw malformed("PCK TCB extension lacks component " + (i + 1));
              }
            }
          }
          case ".3" -> pceId = ASN1OctetString.getInstance(value).getOctets();
          case ".4" -> fmspc = ASN1OctetString.getInstance(value).getOctets();
          default -> {}
        }
      }
      if (comps == null || pceId == null || fmspc == null) {
        throw malformed("PCK SGX extension lacks TCB, PCE-ID or FMSPC");
      }
      if (fmspc.length != 6 || pceId.length != 2 || cpuSvn.length != 16) {
        throw malformed("PCK FMSPC/PCE-ID/CPUSVN have wrong sizes");
      }
      return new PckExtensions(comps, pceSvn, cpuSvn, pceId, fmspc);
    } catch (IOException | IllegalArgumentException | ClassCastException e) {
      throw malformed("PCK SGX extension does not parse: " + e.getMessage());
    }
  }

  private static int svn(ASN1Encodable v, int max) throws VerificationFailedException {
    BigInteger b = ASN1Integer.getInstance(v).getValue();
    if (b.signum() < 0 || b.compareTo(BigInteger.valueOf(max)) > 0) {
      throw malformed("PCK TCB SVN " + b + " out of range 0.." + max);
    }
    return b.intValueExact();
  }

  private static VerificationFailedException malformed(String detail) {
    return new VerificationFailedException(new Failure.Malformed(detail));
  }
}
