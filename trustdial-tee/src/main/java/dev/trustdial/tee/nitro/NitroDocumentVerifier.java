package dev.trustdial.tee.nitro;

import dev.trustdial.core.bytes.Bytes;
import dev.trustdial.tee.attest.Failure;
import dev.trustdial.tee.attest.NamedBytes;
import dev.trustdial.tee.attest.Platform;
import dev.trustdial.tee.attest.SignedRegion;
import dev.trustdial.tee.attest.TcbStatus;
import dev.trustdial.tee.attest.Verdict;
import dev.trustdial.tee.attest.VerificationFailedException;
import dev.trustdial.tee.x509.Certificates;
import dev.trustdial.tee.x509.ChainValidator;
import dev.trustdial.tee.x509.RawEcdsa;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Verifies an AWS Nitro Enclaves attestation document: COSE_Sign1 with ES384 over the original
 * protected-header and payload bytes, leaf certificate chained through the cabundle to the pinned
 * AWS Nitro root at the document's own timestamp.
 */
public final class NitroDocumentVerifier {
  static final long COSE_TAG_SIGN1 = 18;
  static final long COSE_HEADER_ALG = 1;
  static final long COSE_ALG_ES384 = -35;
  static final int MAX_PCRS = 32;

  private NitroDocumentVerifier() {}

  public static Verdict verify(byte[] doc, X509Certificate nitroRoot, Instant at)
      throws VerificationFailedException {
    List<String> checks = new ArrayList<>();
    CborValue top = CborReader.decode(doc, "Nitro COSE_Sign1");
    if (top instanceof CborValue.Tagged(long tag, CborValue inner)) {
      if (tag != COSE_TAG_SIGN1) {
        throw malformed("CBOR tag " + tag + " (expected 18 = COSE_Sign1)");
      }
      top = inner;
    }
    if (!(top instanceof CborValue.Array(List<CborValue> parts)) || parts.size() != 4) {
      throw malformed("COSE_Sign1 is not a 4-element array");
    }
    byte[] protectedBytes = bytes(parts.get(0), "protected header");
    if (!(parts.get(1) instanceof CborValue.MapValue)) {
      throw malformed("unprotected header is not a map");
    }
    byte[] payload = bytes(parts.get(2), "payload");
    byte[] signature = bytes(parts.get(3), "signature");
    if (signature.length != 96) {
      throw malformed("ES384 signature is " + signature.length + " bytes, expected 96");
    }
    if (!(CborReader.decode(protectedBytes, "COSE protected header")
            instanceof CborValue.MapValue ph)
        || !(ph.get(COSE_HEADER_ALG).orElse(null) instanceof CborValue.NInt(long alg))
        || alg != COSE_ALG_ES384) {
      throw malformed("protected header does not declare alg ES384 (-35)");
    }
    if (!(CborReader.decode(payload, "attestation document") instanceof CborValue.MapValue body)) {
      throw malformed("payload is not a map");
    }
    checks.add("parsed COSE_Sign1 (ES384) attestation document");

    String moduleId = text(body, "module_id");
    String digest = text(body, "digest");
    if (!digest.equals("SHA384")) {
      throw malformed("digest is '" + digest + "', expected SHA384");
    }
    if (!(body.get("timestamp").orElse(null) instanceof CborValue.UInt(long millis))
        || millis == 0) {
      throw malformed("timestamp is not a positive integer");
    }
    Instant issuedAt = Instant.ofEpochMilli(millis);
    if (issuedAt.isAfter(at)) {
      throw new VerificationFailedException(new Failure.IssuedAfterVerificationTime(issuedAt, at));
    }
    X509Certificate leaf =
        Certificates.fromDer(
            bytes(body.get("certificate").orElse(null), "certificate"), "Nitro leaf certificate");
    if (!(body.get("cabundle").orElse(null) instanceof CborValue.Array(List<CborValue> bundle))
        || bundle.isEmpty()
        || bundle.size() >= Certificates.MAX_CHAIN_LENGTH) {
      throw malformed(
          "cabundle is not an array of 1.."
              + (Certificates.MAX_CHAIN_LENGTH - 1)
              + " certificates");
    }
    // cabundle is root first; the chain for validation is leaf first.
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(leaf);
    for (int i = bundle.size() - 1; i >= 0; i--) {
      chain.add(
          Certificates.fromDer(bytes(bundle.get(i), "cabundle[" + i + "]"), "cabundle[" + i + "]"));
    }
    ChainValidator.validate("Nitro", chain, nitroRoot, issuedAt);
    checks.add(
        "certificate chain valid to the pinned AWS Nitro root at the document time " + issuedAt);

    if (!RawEcdsa.verify(
        "SHA384", leaf.getPublicKey(), sigStructure(protectedBytes, payload), signature)) {
      throw new VerificationFailedException(
          new Failure.SignatureInvalid(
              SignedRegion.NITRO_DOCUMENT, "ES384 by " + Certificates.subject(leaf)));
    }
    checks.add("COSE signature valid (enclave leaf key)");

    if (!(body.get("pcrs").orElse(null) instanceof CborValue.MapValue pcrMap)
        || pcrMap.entries().isEmpty()
        || pcrMap.entries().size() > MAX_PCRS) {
      throw malformed("pcrs is not a map of 1.." + MAX_PCRS + " registers");
    }
    Map<Long, byte[]> pcrs = new TreeMap<>();
    for (var e : pcrMap.entries().entrySet()) {
      if (!(e.getKey() instanceof Long idx) || idx < 0 || idx >= MAX_PCRS) {
        throw malformed("PCR index " + e.getKey() + " is not 0.." + (MAX_PCRS - 1));
      }
      byte[] v = bytes(e.getValue(), "PCR" + idx);
      if (v.length != 48) {
        throw malformed("PCR" + idx + " is " + v.length + " bytes, a SHA-384 register is 48");
      }
      pcrs.put(idx, v);
    }
    if (!pcrs.containsKey(0L)) {
      throw malformed("PCR0 is missing");
    }
    List<NamedBytes> measurements = new ArrayList<>();
    pcrs.forEach((i, v) -> measurements.add(new NamedBytes("PCR" + i, v)));
    boolean debug = measurements.getFirst().isAllZero();

    List<NamedBytes> fields = new ArrayList<>();
    fields.add(new NamedBytes("MODULE_ID", moduleId.getBytes(StandardCharsets.UTF_8)));
    Optional<byte[]> userData = optionalBytes(body, "user_data");
    optionalBytes(body, "nonce").ifPresent(b -> fields.add(new NamedBytes("NONCE", b)));
    optionalBytes(body, "public_key").ifPresent(b -> fields.add(new NamedBytes("PUBLIC_KEY", b)));
    return new Verdict(
        Platform.AWS_NITRO,
        measurements,
        Bytes.of(userData.orElse(new byte[0])),
        fields,
        debug,
        TcbStatus.NOT_EVALUATED,
        List.of(),
        false,
        Optional.of(issuedAt),
        at,
        checks);
  }

  /** RFC 9052 Sig_structure ["Signature1", protected, external_aad = h'', payload]. */
  static byte[] sigStructure(byte[] protectedBytes, byte[] payload) {
    var out = new ByteArrayOutputStream();
    out.write(0x84);
    byte[] context = "Signature1".getBytes(StandardCharsets.US_ASCII);
    head(out, 3, context.length);
    out.writeBytes(context);
    head(out, 2, protectedBytes.length);
    out.writeBytes(protectedBytes);
    head(out, 2, 0);
    head(out, 2, payload.length);
    out.writeBytes(payload);
    return out.toByteArray();
  }

  private static void head(ByteArrayOutputStream out, int major, long n) {
    int m = major << 5;
    if (n < 24) {
      out.write(m | (int) n);
    } else if (n < 0x100) {
      out.write(m | 24);
      out.write((int) n);
    } else if (n < 0x10000) {
      out.write(m | 25);
      out.write((int) (n >> 8));
      out.write((int) n);
    } else {
      out.write(m | 26);
      for (int s = 24; s >= 0; s -= 8) {
        out.write((int) (n >> s));
      }
    }
  }

  private static Optional<byte[]> optionalBytes(CborValue.MapValue m, String key)
      throws VerificationFailedException {
    CborValue v = m.get(key).orElse(null);
    if (v == null || v instanceof CborValue.Simple(int s) && s == 22) {
      return Optional.empty();
    }
    return Optional.of(bytes(v, key));
  }

  private static byte[] bytes(CborValue v, String what) throws VerificationFailedException {
    if (v instanceof CborValue.Bytes(byte[] b)) {
      return b;
    }
    throw malformed(what + " is not a byte string");
  }

  private static String text(CborValue.MapValue m, String key) throws VerificationFailedException {
    if (m.get(key).orElse(null) instanceof CborValue.Text(String s)) {
      return s;
    }
    throw malformed(key + " is missing or not text");
  }

  private static VerificationFailedException malformed(String detail) {
    return new VerificationFailedException(new Failure.Malformed("Nitro document: " + detail));
  }
}
