package dev.trustdial.tee.attest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.core.bytes.Bytes;
import dev.trustdial.core.json.Json;
import dev.trustdial.tee.tdx.TdxCollateralJson;
import dev.trustdial.tee.x509.Certificates;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CRLException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads collateral from the files people hold: TrustDial's assembled TDX collateral JSON or Intel
 * PCS's raw responses (TCB info, QE identity, CRLs in DER/PEM/hex, issuer-chain headers), and for
 * SEV-SNP the VCEK with the ASK (and ARK) as DER, concatenated DER or PEM. Spec:
 * docs/spec/attestation.md, "Collateral files".
 */
public final class CollateralFiles {
  private static final com.fasterxml.jackson.databind.ObjectMapper NODES = Json.mapper();

  public static final int MAX_FILES = 16;

  /** Each file is at most {@link EvidenceEnvelope#MAX_COLLATERAL}; all together at most this. */
  public static final long MAX_TOTAL_BYTES = 4L * 1024 * 1024;

  private static final JsonFactory JSON =
      JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).build())
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  private CollateralFiles() {}

  /** One collateral file: a name for messages (its path) and its bytes. */
  public record Input(String name, byte[] bytes) {
    public Input {
      bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
      return bytes.clone();
    }
  }

  /**
   * @param collateral what the verifier takes
   * @param envelopeForm the same collateral as the one file an {@link EvidenceEnvelope} carries
   * @param notes how the files were read, for a verdict's checks (empty when nothing was converted)
   */
  public record Read(Collateral collateral, Optional<Bytes> envelopeForm, List<String> notes) {
    public Read {
      notes = List.copyOf(notes);
    }
  }

  /** Reads the collateral that {@code evidence} (raw evidence bytes) needs from the given files. */
  public static Read read(byte[] evidence, List<Input> files) throws VerificationFailedException {
    if (files.size() > MAX_FILES) {
      throw malformed(files.size() + " collateral files, at most " + MAX_FILES);
    }
    long total = 0;
    for (Input f : files) {
      if (f.bytes.length == 0 || f.bytes.length > EvidenceEnvelope.MAX_COLLATERAL) {
        throw malformed(
            "collateral file "
                + f.name()
                + " is "
                + f.bytes.length
                + " bytes (1.."
                + EvidenceEnvelope.MAX_COLLATERAL
                + ")");
      }
      total += f.bytes.length;
    }
    if (total > MAX_TOTAL_BYTES) {
      throw malformed(
          "collateral files are " + total + " bytes together, at most " + MAX_TOTAL_BYTES);
    }
    return switch (Evidence.detect(evidence)) {
      case Evidence.TdxQuote q -> tdx(q.bytes().toArray(), files);
      case Evidence.SnpReport r -> snp(files);
      case Evidence.NitroDocument d -> none(files, "Nitro documents carry their certificates");
      case Evidence.Simulated s -> none(files, "simulated evidence carries its certificates");
    };
  }

  // ---- TDX ----

  private enum Role {
    TCB_INFO("TCB info (PCS GET /tdx/certification/v4/tcb?fmspc=...)"),
    QE_IDENTITY("QE identity (PCS GET /tdx/certification/v4/qe/identity)"),
    PCK_CRL("PCK CRL (PCS GET /sgx/certification/v4/pckcrl?ca=platform)"),
    ROOT_CA_CRL("root CA CRL (https://certificates.trustedservices.intel.com/IntelSGXRootCA.der)"),
    TCB_SIGNING_CHAIN("TCB signing chain (the TCB-Info-Issuer-Chain response header)"),
    PCK_CRL_ISSUER_CHAIN("PCK CRL issuer chain (the SGX-PCK-CRL-Issuer-Chain response header)");

    final String description;

    Role(String description) {
      this.description = description;
    }
  }

  /** A signed Intel JSON object as the exact text that was signed, and its r||s signature. */
  private record SignedJson(String text, byte[] signature) {}

  private record Piece(Role role, Object value, byte[] identity, String file) {}

  private static Read tdx(byte[] quote, List<Input> files) throws VerificationFailedException {
    if (files.isEmpty()) {
      throw malformed(
          "a TDX quote needs collateral: TrustDial's collateral JSON, or Intel PCS's raw"
              + " responses ("
              + String.join("; ", Arrays.stream(Role.values()).map(r -> r.description).toList())
              + ")");
    }
    if (files.size() == 1 && isAssembledJson(files.getFirst().bytes)) {
      return new Read(
          TdxCollateralJson.parse(files.getFirst().bytes),
          Optional.of(Bytes.of(files.getFirst().bytes)),
          List.of());
    }
    Map<Role, Piece> pieces = new LinkedHashMap<>();
    for (Input f : files) {
      if (isAssembledJson(f.bytes)) {
        throw malformed(
            "collateral file "
                + f.name()
                + " is TrustDial's assembled TDX collateral JSON;"
                + " give it alone, not with other collateral files");
      }
      for (Piece p : classify(f)) {
        Piece old = pieces.putIfAbsent(p.role(), p);
        if (old != null && !Arrays.equals(old.identity(), p.identity())) {
          throw malformed(
              "two different " + p.role().description + ": " + old.file() + " and " + p.file());
        }
      }
    }
    List<String> notes = new ArrayList<>();
    if (!pieces.containsKey(Role.PCK_CRL_ISSUER_CHAIN)) {
      // The quote carries leaf, PCK CA, root: the CRL issuer chain is its tail (the verifier
      // checks it against the quote's PCK CA and the pinned root all the same).
      List<X509Certificate> quoteChain = quotePckChain(quote);
      if (quoteChain.size() >= 2) {
        pieces.put(
            Role.PCK_CRL_ISSUER_CHAIN,
            new Piece(
                Role.PCK_CRL_ISSUER_CHAIN,
                List.copyOf(quoteChain.subList(1, quoteChain.size())),
                new byte[0],
                "the quote"));
        notes.add("PCK CRL issuer chain taken from the quote's PCK certificate chain");
      }
    }
    List<String> missing =
        Arrays.stream(Role.values())
            .filter(r -> !pieces.containsKey(r))
            .map(r -> r.description)
            .toList();
    if (!missing.isEmpty()) {
      throw malformed(
          "TDX collateral from Intel PCS responses lacks: "
              + String.join("; ", missing)
              + " (read: "
              + String.join(", ", files.stream().map(Input::name).toList())
              + ")");
    }
    SignedJson tcb = (SignedJson) pieces.get(Role.TCB_INFO).value();
    SignedJson qe = (SignedJson) pieces.get(Role.QE_IDENTITY).value();
    @SuppressWarnings("unchecked")
    List<X509Certificate> signing =
        (List<X509Certificate>) pieces.get(Role.TCB_SIGNING_CHAIN).value();
    @SuppressWarnings("unchecked")
    List<X509Certificate> pckIssuer =
        (List<X509Certificate>) pieces.get(Role.PCK_CRL_ISSUER_CHAIN).value();
    X509CRL rootCrl = (X509CRL) pieces.get(Role.ROOT_CA_CRL).value();
    X509CRL pckCrl = (X509CRL) pieces.get(Role.PCK_CRL).value();
    var col =
        new Collateral.Tdx(
            pckIssuer,
            rootCrl,
            pckCrl,
            signing,
            tcb.text(),
            Bytes.of(tcb.signature()),
            signing,
            qe.text(),
            Bytes.of(qe.signature()));
    notes.addFirst(
        "assembled TDX collateral from Intel PCS responses: "
            + String.join(
                ", ",
                Arrays.stream(Role.values())
                    .map(r -> shortName(r) + " (" + fileName(pieces.get(r).file()) + ")")
                    .toList()));
    return new Read(col, Optional.of(Bytes.of(assembledJson(col))), notes);
  }

  private static String fileName(String path) {
    return path.substring(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  }

  private static String shortName(Role r) {
    return r.description.substring(0, r.description.indexOf(" ("));
  }

  private static List<Piece> classify(Input f) throws VerificationFailedException {
    byte[] b = f.bytes;
    String name = f.name();
    if ((b[0] & 0xFF) == 0x30) {
      return List.of(crlPiece(Certificates.crlFromDer(b, "CRL file " + name), name));
    }
    String text = new String(b, StandardCharsets.UTF_8).strip();
    if (text.startsWith("{")) {
      Optional<SignedJson> tcb = signedMember(text, "tcbInfo", name);
      if (tcb.isPresent()) {
        return List.of(new Piece(Role.TCB_INFO, tcb.get(), utf8(tcb.get().text()), name));
      }
      // PCS v3+ calls it enclaveIdentity; v2 called it qeIdentity.
      Optional<SignedJson> qe = signedMember(text, "enclaveIdentity", name);
      if (qe.isEmpty()) {
        qe = signedMember(text, "qeIdentity", name);
      }
      if (qe.isPresent()) {
        return List.of(new Piece(Role.QE_IDENTITY, qe.get(), utf8(qe.get().text()), name));
      }
      throw malformed(
          "collateral file "
              + name
              + " is JSON but neither Intel's TCB info response"
              + " ({\"tcbInfo\": ..., \"signature\": ...}), QE identity response ({\"enclaveIdentity\": ...,"
              + " \"signature\": ...}) nor TrustDial's assembled collateral ({\"tcb_info\": ...})");
    }
    if (text.contains("-----BEGIN X509 CRL-----")) {
      return List.of(
          crlPiece(Certificates.crlFromDer(pemCrl(text, name), "CRL file " + name), name));
    }
    if (text.contains("-----BEGIN%20CERTIFICATE-----")) {
      text = percentDecode(text, name); // a response header's value, saved as sent
    }
    if (text.contains("-----BEGIN CERTIFICATE-----")) {
      return List.of(
          chainPiece(Certificates.fromPemChain(text, "certificate chain file " + name), name));
    }
    if (!text.isEmpty()
        && text.chars().allMatch(c -> Character.digit(c, 16) >= 0)
        && text.length() % 2 == 0) {
      // PCCS hands the root CA CRL out as hex of the DER.
      return List.of(
          crlPiece(
              Certificates.crlFromDer(HexFormat.of().parseHex(text), "CRL file " + name), name));
    }
    throw malformed(
        "collateral file "
            + name
            + " is none of: TrustDial's TDX collateral JSON, Intel's TCB"
            + " info or QE identity JSON response, a CRL (DER, PEM or hex), a PEM certificate chain");
  }

  private static Piece crlPiece(X509CRL crl, String file) throws VerificationFailedException {
    String issuer = commonName(crl.getIssuerX500Principal());
    byte[] id;
    try {
      id = crl.getEncoded();
    } catch (CRLException e) {
      throw new IllegalStateException("a parsed CRL re-encodes", e);
    }
    if (issuer.equals("Intel SGX Root CA")) {
      return new Piece(Role.ROOT_CA_CRL, crl, id, file);
    }
    if (issuer.startsWith("Intel SGX PCK ")) {
      return new Piece(Role.PCK_CRL, crl, id, file);
    }
    throw malformed(
        "CRL file "
            + file
            + " is issued by '"
            + issuer
            + "', neither the Intel SGX Root CA"
            + " nor an Intel SGX PCK CA");
  }

  private static Piece chainPiece(List<X509Certificate> chain, String file)
      throws VerificationFailedException {
    String leaf = commonName(chain.getFirst().getSubjectX500Principal());
    byte[] id = concatenatedDer(chain);
    if (leaf.equals("Intel SGX TCB Signing")) {
      return new Piece(Role.TCB_SIGNING_CHAIN, List.copyOf(chain), id, file);
    }
    if (leaf.startsWith("Intel SGX PCK ") && leaf.endsWith(" CA")) {
      return new Piece(Role.PCK_CRL_ISSUER_CHAIN, List.copyOf(chain), id, file);
    }
    throw malformed(
        "certificate chain file "
            + file
            + " starts with '"
            + leaf
            + "', neither the Intel SGX"
            + " TCB Signing certificate nor an Intel SGX PCK CA");
  }

  /** The raw text of a top-level object member (exactly the bytes Intel signed) and "signature". */
  private static Optional<SignedJson> signedMember(String text, String member, String file)
      throws VerificationFailedException {
    String body = null;
    String signature = null;
    try (JsonParser p = JSON.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw malformed("collateral file " + file + " is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        if (name.equals(member) && t == JsonToken.START_OBJECT) {
          long from = p.currentTokenLocation().getCharOffset();
          p.skipChildren();
          long to = p.currentTokenLocation().getCharOffset() + 1;
          body = text.substring((int) from, (int) to);
        } else if (name.equals("signature") && t == JsonToken.VALUE_STRING) {
          signature = p.getText();
        } else {
          p.skipChildren();
        }
      }
      if (p.nextToken() != null) {
        throw malformed("collateral file " + file + " has data after the JSON object");
      }
    } catch (IOException e) {
      throw malformed("collateral file " + file + " is not valid JSON: " + e.getMessage());
    }
    if (body == null) {
      return Optional.empty();
    }
    if (signature == null
        || signature.length() != 128
        || !signature.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      throw malformed(
          "collateral file "
              + file
              + " has \""
              + member
              + "\" but no \"signature\" of 64 bytes hex");
    }
    return Optional.of(new SignedJson(body, HexFormat.of().parseHex(signature)));
  }

  private static boolean isAssembledJson(byte[] b) {
    String text = new String(b, StandardCharsets.UTF_8).strip();
    if (!text.startsWith("{")) {
      return false;
    }
    try (JsonParser p = JSON.createParser(text)) {
      p.nextToken();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        if (p.currentName().equals("tcb_info")) {
          return true;
        }
        p.nextToken();
        p.skipChildren();
      }
    } catch (IOException e) {
      return false; // reported by the reader that claims the file
    }
    return false;
  }

  private static byte[] pemCrl(String text, String file) throws VerificationFailedException {
    int from = text.indexOf("-----BEGIN X509 CRL-----") + "-----BEGIN X509 CRL-----".length();
    int to = text.indexOf("-----END X509 CRL-----", from);
    if (to < 0
        || !text.substring(to + "-----END X509 CRL-----".length()).isBlank()
        || !text.substring(0, from - "-----BEGIN X509 CRL-----".length()).isBlank()) {
      throw malformed("CRL file " + file + " is not exactly one PEM CRL block");
    }
    try {
      return Base64.getMimeDecoder().decode(text.substring(from, to));
    } catch (IllegalArgumentException e) {
      throw malformed("CRL file " + file + " has a PEM block that is not base64");
    }
  }

  /** %XX decoding only: a '+' is base64, not a space. */
  private static String percentDecode(String s, String file) throws VerificationFailedException {
    var out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()
            || Character.digit(s.charAt(i + 1), 16) < 0
            || Character.digit(s.charAt(i + 2), 16) < 0) {
          throw malformed("certificate chain file " + file + " has a bad %-escape at " + i);
        }
        out.write(Integer.parseInt(s, i + 1, i + 3, 16));
        i += 2;
      } else {
        out.write(c);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static List<X509Certificate> quotePckChain(byte[] quote) {
    String s = new String(quote, StandardCharsets.ISO_8859_1);
    int from = s.indexOf("-----BEGIN CERTIFICATE-----");
    int to = s.lastIndexOf("-----END CERTIFICATE-----");
    if (from < 0 || to < from) {
      return List.of();
    }
    try {
      return Certificates.fromPemChain(
          s.substring(from, to + "-----END CERTIFICATE-----".length()), "PCK chain");
    } catch (VerificationFailedException e) {
      return List.of(); // the verifier reports the quote's broken chain itself
    }
  }

  /** The collateral as TrustDial's collateral JSON (docs/spec/attestation.md 2.1). */
  static byte[] assembledJson(Collateral.Tdx c) {
    ObjectNode n = NODES.createObjectNode();
    try {
      n.put("pck_crl_issuer_chain", pem(c.pckCrlIssuerChain()));
      n.put("root_ca_crl", HexFormat.of().formatHex(c.rootCaCrl().getEncoded()));
      n.put("pck_crl", HexFormat.of().formatHex(c.pckCrl().getEncoded()));
    } catch (CRLException e) {
      throw new IllegalStateException("a parsed CRL re-encodes", e);
    }
    n.put("tcb_info_issuer_chain", pem(c.tcbInfoIssuerChain()));
    n.put("tcb_info", c.tcbInfoJson());
    n.put("tcb_info_signature", c.tcbInfoSignature().toBareHex());
    n.put("qe_identity_issuer_chain", pem(c.qeIdentityIssuerChain()));
    n.put("qe_identity", c.qeIdentityJson());
    n.put("qe_identity_signature", c.qeIdentitySignature().toBareHex());
    return n.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String pem(List<X509Certificate> chain) {
    var enc = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
    StringBuilder sb = new StringBuilder();
    for (X509Certificate c : chain) {
      sb.append("-----BEGIN CERTIFICATE-----\n")
          .append(enc.encodeToString(der(c)))
          .append("\n-----END CERTIFICATE-----\n");
    }
    return sb.toString();
  }

  // ---- SEV-SNP ----

  private static Read snp(List<Input> files) throws VerificationFailedException {
    if (files.isEmpty()) {
      throw malformed(
          "an SEV-SNP report needs collateral: the VCEK (DER or PEM), optionally with the ASK");
    }
    List<X509Certificate> certs = new ArrayList<>();
    boolean concatenated = false;
    for (Input f : files) {
      byte[] b = f.bytes;
      if ((b[0] & 0xFF) == 0x30) {
        List<byte[]> ders = splitDer(b, "SEV-SNP collateral " + f.name());
        concatenated |= ders.size() > 1;
        for (byte[] d : ders) {
          certs.add(
              Certificates.fromDer(
                  d, "SEV-SNP collateral " + f.name() + " certificate " + certs.size()));
        }
      } else {
        certs.addAll(Certificates.fromPemChain(b, "SEV-SNP collateral " + f.name()));
      }
      if (certs.size() > 3) {
        throw malformed(
            "SEV-SNP collateral holds the VCEK and at most the ASK and ARK, got "
                + certs.size()
                + " certificates");
      }
    }
    Optional<X509Certificate> vcek = Optional.empty();
    Optional<X509Certificate> ask = Optional.empty();
    boolean arkIgnored = false;
    for (X509Certificate c : certs) {
      if (c.getBasicConstraints() < 0) {
        if (vcek.isPresent()) {
          throw malformed("SEV-SNP collateral holds two end-entity certificates; give one VCEK");
        }
        vcek = Optional.of(c);
      } else if (c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
        arkIgnored = true; // the pinned ARK is the anchor, never a copy from the input
      } else {
        if (ask.isPresent()) {
          throw malformed("SEV-SNP collateral holds two intermediate CAs; give one ASK");
        }
        ask = Optional.of(c);
      }
    }
    X509Certificate v =
        vcek.orElseThrow(
            () -> malformed("SEV-SNP collateral holds no VCEK (only CA certificates)"));
    List<String> notes = new ArrayList<>();
    if (concatenated || arkIgnored || files.size() > 1) {
      notes.add(
          "SEV-SNP collateral: VCEK"
              + (ask.isPresent() ? " and ASK" : "")
              + (concatenated ? " from concatenated DER" : "")
              + (arkIgnored
                  ? "; the ARK given was ignored (the pinned ARK-Milan is the anchor)"
                  : ""));
    }
    var out = new ByteArrayOutputStream();
    out.writeBytes(der(v));
    ask.ifPresent(a -> out.writeBytes(der(a)));
    return new Read(new Collateral.Snp(v, ask), Optional.of(Bytes.of(out.toByteArray())), notes);
  }

  /** Splits concatenated DER values (each a SEQUENCE with a definite length). */
  static List<byte[]> splitDer(byte[] b, String what) throws VerificationFailedException {
    List<byte[]> out = new ArrayList<>();
    int pos = 0;
    while (pos < b.length) {
      if (out.size() == Certificates.MAX_CHAIN_LENGTH) {
        throw malformed(what + " has more than " + Certificates.MAX_CHAIN_LENGTH + " DER values");
      }
      if ((b[pos] & 0xFF) != 0x30 || pos + 2 > b.length) {
        throw malformed(what + " has bytes at offset " + pos + " that are not a DER certificate");
      }
      int first = b[pos + 1] & 0xFF;
      long len;
      int header;
      if (first < 0x80) {
        len = first;
        header = 2;
      } else {
        int n = first & 0x7F;
        if (n == 0 || n > 3 || pos + 2 + n > b.length) {
          throw malformed(
              what + " has a DER length at offset " + pos + " that is not definite and short");
        }
        len = 0;
        for (int i = 0; i < n; i++) {
          len = len << 8 | (b[pos + 2 + i] & 0xFF);
        }
        header = 2 + n;
      }
      if (pos + header + len > b.length) {
        throw malformed(what + " ends inside the DER value at offset " + pos);
      }
      out.add(Arrays.copyOfRange(b, pos, pos + header + (int) len));
      pos += header + (int) len;
    }
    return out;
  }

  // ---- shared ----

  private static Read none(List<Input> files, String why) throws VerificationFailedException {
    if (!files.isEmpty()) {
      throw malformed("no collateral expected: " + why);
    }
    return new Read(new Collateral.None(), Optional.empty(), List.of());
  }

  private static byte[] der(X509Certificate c) {
    try {
      return c.getEncoded();
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("a parsed certificate re-encodes", e);
    }
  }

  private static byte[] concatenatedDer(List<X509Certificate> chain) {
    var out = new ByteArrayOutputStream();
    chain.forEach(c -> out.writeBytes(der(c)));
    return out.toByteArray();
  }

  private static String commonName(javax.security.auth.x500.X500Principal p) {
    try {
      return new javax.naming.ldap.LdapName(
              p.getName(javax.security.auth.x500.X500Principal.RFC2253))
          .getRdns().stream()
              .filter(r -> r.getType().equalsIgnoreCase("CN"))
              .map(r -> String.valueOf(r.getValue()))
              .findFirst()
              .orElse("");
    } catch (javax.naming.InvalidNameException e) {
      throw new IllegalStateException("an RFC 2253 name from the JDK parses", e);
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static VerificationFailedException malformed(String detail) {
    return new VerificationFailedException(new Failure.Malformed(detail));
  }
}
