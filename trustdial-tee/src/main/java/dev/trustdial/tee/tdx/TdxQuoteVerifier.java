package dev.trustdial.tee.tdx;

import dev.trustdial.core.bytes.Bytes;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.tee.attest.Collateral;
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
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies an Intel TDX DCAP quote (v4/v5) against PCS collateral and the pinned Intel SGX Root CA
 * at a given time. The order of checks is normative: docs/spec/attestation.md, section TDX.
 */
public final class TdxQuoteVerifier {
  private TdxQuoteVerifier() {}

  public static Verdict verify(
      byte[] quoteBytes, Collateral.Tdx col, X509Certificate intelRoot, Instant at)
      throws VerificationFailedException {
    List<String> checks = new ArrayList<>();
    TdxQuote q = TdxQuote.parse(quoteBytes);
    checks.add(
        "parsed TDX quote v"
            + q.version()
            + (q.report().mrServiceTd().length > 0 ? " (TD report 1.5)" : " (TD report 1.0)"));

    // 1. PCK chain from the quote to the pinned root, and both CRLs.
    List<X509Certificate> pckChain = Certificates.fromPemChain(q.pckChainPem(), "PCK chain");
    if (pckChain.size() < 2) {
      throw new VerificationFailedException(
          new Failure.ChainInvalid(
              "PCK", "needs the PCK certificate and its CA, got " + pckChain.size()));
    }
    ChainValidator.validate("PCK", pckChain, intelRoot, at);
    X509Certificate pck = pckChain.getFirst();
    X509Certificate pckCa = pckChain.get(1);
    checks.add("PCK chain valid to the Intel SGX Root CA: " + Certificates.subject(pck));

    List<X509Certificate> tcbSigningChain = col.tcbInfoIssuerChain();
    ChainValidator.validate("TCB info signing", tcbSigningChain, intelRoot, at);
    ChainValidator.validate("QE identity signing", col.qeIdentityIssuerChain(), intelRoot, at);
    ChainValidator.validate("PCK CRL issuer", col.pckCrlIssuerChain(), intelRoot, at);
    List<X509Certificate> underRoot = new ArrayList<>(pckChain.subList(1, pckChain.size()));
    underRoot.add(tcbSigningChain.getFirst());
    underRoot.add(col.qeIdentityIssuerChain().getFirst());
    underRoot.add(col.pckCrlIssuerChain().getFirst());
    ChainValidator.checkCrl("root CA CRL", col.rootCaCrl(), intelRoot, at, underRoot);
    if (!col.pckCrl().getIssuerX500Principal().equals(pck.getIssuerX500Principal())) {
      throw new VerificationFailedException(
          new Failure.CollateralMismatch(
              "PCK CRL is issued by '"
                  + col.pckCrl().getIssuerX500Principal()
                  + "' but the PCK certificate by '"
                  + pck.getIssuerX500Principal()
                  + "'"));
    }
    if (!Arrays.equals(
        Certificates.sha256Fingerprint(col.pckCrlIssuerChain().getFirst()),
        Certificates.sha256Fingerprint(pckCa))) {
      throw new VerificationFailedException(
          new Failure.CollateralMismatch("PCK CRL issuer chain is not the quote's PCK CA"));
    }
    ChainValidator.checkCrl("PCK CRL", col.pckCrl(), pckCa, at, List.of(pck));
    checks.add("root CA CRL and PCK CRL current, nothing in the chains revoked");

    // 2. QE report signed by the PCK key, and bound to the attestation key.
    EnclaveReport qe = q.qeReport();
    if (!RawEcdsa.verify("SHA256", pck.getPublicKey(), qe.raw(), q.qeReportSignature())) {
      throw new VerificationFailedException(
          new Failure.SignatureInvalid(SignedRegion.TDX_QE_REPORT, "ECDSA P-256 by the PCK key"));
    }
    checks.add("QE report signature valid (PCK key)");
    byte[] expected = Hashes.sha256(q.attestationKey(), q.qeAuthData()).bytes();
    byte[] reportData = qe.reportData();
    if (!Arrays.equals(reportData, 0, 32, expected, 0, 32) || !allZero(reportData, 32, 64)) {
      throw new VerificationFailedException(
          new Failure.BindingMismatch(
              "QE report data "
                  + Hex.encodeBare(Arrays.copyOf(reportData, 32))
                  + " is not sha256(attestation key || QE auth data) = "
                  + Hex.encodeBare(expected)
                  + " followed by 32 zero bytes"));
    }
    checks.add("QE report data binds the attestation key");

    // 3. The quote itself, signed by the attestation key.
    PublicKey attestationKey =
        RawEcdsa.p256FromRaw(q.attestationKey())
            .orElseThrow(() ->
                new VerificationFailedException(
                    new Failure.Malformed("TDX quote: attestation key is not a P-256 point")));
    if (!RawEcdsa.verify("SHA256", attestationKey, q.signedBytes(), q.signature())) {
      throw new VerificationFailedException(
          new Failure.SignatureInvalid(
              SignedRegion.TDX_QUOTE, "ECDSA P-256 by the attestation key"));
    }
    checks.add("quote signature valid (attestation key)");

    // 4. Collateral signatures and windows.
    X509Certificate tcbSigner = tcbSigningChain.getFirst();
    if (!RawEcdsa.verify(
        "SHA256",
        tcbSigner.getPublicKey(),
        col.tcbInfoJson().getBytes(StandardCharsets.UTF_8),
        col.tcbInfoSignature().toArray())) {
      throw new VerificationFailedException(
          new Failure.SignatureInvalid(
              SignedRegion.TDX_TCB_INFO, "ECDSA P-256 by " + Certificates.subject(tcbSigner)));
    }
    if (!RawEcdsa.verify(
        "SHA256",
        col.qeIdentityIssuerChain().getFirst().getPublicKey(),
        col.qeIdentityJson().getBytes(StandardCharsets.UTF_8),
        col.qeIdentitySignature().toArray())) {
      throw new VerificationFailedException(
          new Failure.SignatureInvalid(
              SignedRegion.TDX_QE_IDENTITY, "ECDSA P-256 by the TCB signing key"));
    }
    TcbInfo tcbInfo = TcbInfo.parse(col.tcbInfoJson());
    QeIdentity qeId = QeIdentity.parse(col.qeIdentityJson());
    window("TCB info", tcbInfo.issueDate(), tcbInfo.nextUpdate(), at);
    window("QE identity", qeId.issueDate(), qeId.nextUpdate(), at);
    checks.add(
        "TCB info (evaluation data number "
            + tcbInfo.tcbEvaluationDataNumber()
            + ") and QE identity signed by Intel and current");

    // 5. Collateral is for this platform and this QE.
    PckExtensions ext = PckExtensions.of(pck);
    if (!Arrays.equals(ext.fmspc(), tcbInfo.fmspc())) {
      throw new VerificationFailedException(
          new Failure.CollateralMismatch(
              "TCB info is for FMSPC "
                  + Hex.encodeBare(tcbInfo.fmspc())
                  + ", the PCK certificate says "
                  + Hex.encodeBare(ext.fmspc())));
    }
    if (!Arrays.equals(ext.pceId(), tcbInfo.pceId())) {
      throw new VerificationFailedException(
          new Failure.CollateralMismatch(
              "TCB info is for PCE id "
                  + Hex.encodeBare(tcbInfo.pceId())
                  + ", the PCK certificate says "
                  + Hex.encodeBare(ext.pceId())));
    }
    TcbInfo.IsvLevel qeLevel = matchQe(qe, qeId);
    checks.add("QE matches Intel's TD_QE identity; QE TCB " + qeLevel.status().wireName());

    // 6. TDX module identity and the platform TCB level.
    TdReport td = q.report();
    Set<String> advisories = new LinkedHashSet<>();
    TcbStatus moduleStatus = matchModule(td, tcbInfo, advisories);
    TcbInfo.TcbLevel level = selectLevel(td, ext, tcbInfo);
    advisories.addAll(level.advisoryIds());
    advisories.addAll(qeLevel.advisoryIds());
    TcbStatus status = converge(converge(level.status(), qeLevel.status()), moduleStatus);
    checks.add(
        "FMSPC "
            + Hex.encodeBare(ext.fmspc())
            + ": platform TCB (PCK SGX components "
            + Arrays.toString(ext.sgxTcbComponents())
            + ", PCESVN "
            + ext.pceSvn()
            + ", TEE_TCB_SVN "
            + Hex.encodeBare(td.teeTcbSvn())
            + ") "
            + (level.status() == TcbStatus.TCB_LEVEL_NOT_FOUND
                ? "is below every TCB level"
                : "matches TCB level " + level.tcbDate() + " " + level.status().wireName())
            + "; TDX module "
            + moduleStatus.wireName()
            + "; overall "
            + status.wireName());

    List<NamedBytes> fields = new ArrayList<>(td.fields());
    fields.add(new NamedBytes("FMSPC", ext.fmspc()));
    fields.add(
        new NamedBytes("PCESVN", new byte[] {(byte) ext.pceSvn(), (byte) (ext.pceSvn() >> 8)}));
    return new Verdict(
        Platform.INTEL_TDX,
        td.measurements(),
        Bytes.of(td.reportData()),
        fields,
        td.debug(),
        status,
        List.copyOf(advisories),
        false,
        Optional.empty(),
        at,
        checks);
  }

  private static TcbInfo.IsvLevel matchQe(EnclaveReport qe, QeIdentity id)
      throws VerificationFailedException {
    if ((qe.miscSelect() & id.miscSelectMask()) != id.miscSelect()) {
      throw mismatch("QE MISCSELECT does not match the QE identity");
    }
    for (int i = 0; i < 16; i++) {
      if ((qe.attributes()[i] & id.attributesMask()[i]) != id.attributes()[i]) {
        throw mismatch("QE ATTRIBUTES do not match the QE identity");
      }
    }
    if (!Arrays.equals(qe.mrSigner(), id.mrSigner())) {
      throw mismatch(
          "QE MRSIGNER "
              + Hex.encodeBare(qe.mrSigner())
              + " is not Intel's "
              + Hex.encodeBare(id.mrSigner()));
    }
    if (qe.isvProdId() != id.isvProdId()) {
      throw mismatch("QE ISVPRODID " + qe.isvProdId() + ", expected " + id.isvProdId());
    }
    // Levels are listed newest first; the first one the QE's ISVSVN reaches applies.
    return id.levels().stream()
        .filter(l -> qe.isvSvn() >= l.isvSvn())
        .findFirst()
        .orElseThrow(() ->
            new VerificationFailedException(
                new Failure.TcbMismatch(
                    "QE ISVSVN " + qe.isvSvn() + " is below every QE identity TCB level")));
  }

  private static TcbStatus matchModule(TdReport td, TcbInfo info, Set<String> advisories)
      throws VerificationFailedException {
    int minor = td.teeTcbSvn()[0] & 0xFF;
    int major = td.teeTcbSvn()[1] & 0xFF;
    TcbInfo.TdxModule module = info.tdxModule();
    TcbStatus status = TcbStatus.UP_TO_DATE;
    if (major > 0) {
      String name = String.format("TDX_%02X", major);
      TcbInfo.TdxModuleIdentity identity =
          info.moduleIdentity(name)
              .orElseThrow(() ->
                  new VerificationFailedException(
                      new Failure.TcbMismatch("TCB info has no TDX module identity " + name)));
      module = identity.module();
      TcbInfo.IsvLevel l =
          identity.levels().stream()
              .filter(x -> minor >= x.isvSvn())
              .findFirst()
              .orElseThrow(() ->
                  new VerificationFailedException(
                      new Failure.TcbMismatch(
                          "TDX module " + name + " SVN " + minor + " is below every level")));
      advisories.addAll(l.advisoryIds());
      status = l.status();
    }
    if (!Arrays.equals(td.mrSignerSeam(), module.mrSigner())) {
      throw mismatch("MRSIGNERSEAM is not the TDX module signer in the TCB info");
    }
    for (int i = 0; i < 8; i++) {
      if ((td.seamAttributes()[i] & module.attributesMask()[i]) != module.attributes()[i]) {
        throw mismatch("SEAMATTRIBUTES do not match the TDX module identity");
      }
    }
    return status;
  }

  private static TcbInfo.TcbLevel selectLevel(TdReport td, PckExtensions ext, TcbInfo info) {
    // With a TDX module major version, SVN bytes 0 and 1 are judged by the module identity.
    int tdxFrom = (td.teeTcbSvn()[1] & 0xFF) > 0 ? 2 : 0;
    for (TcbInfo.TcbLevel l : info.tcbLevels()) {
      boolean ok = ext.pceSvn() >= l.pceSvn();
      for (int i = 0; i < 16 && ok; i++) {
        ok = ext.sgxTcbComponents()[i] >= l.sgxComponents()[i];
      }
      for (int i = tdxFrom; i < 16 && ok; i++) {
        ok = (td.teeTcbSvn()[i] & 0xFF) >= l.tdxComponents()[i];
      }
      if (ok) {
        return l;
      }
    }
    // Component-wise, as Intel specifies (a lexicographic comparison would let one high
    // component hide a low one). No level: a verdict that says so, refused by the standard policy.
    return new TcbInfo.TcbLevel(
        new int[16], 0, new int[16], Instant.EPOCH, TcbStatus.TCB_LEVEL_NOT_FOUND, List.of());
  }

  /** Intel's convergence of a platform status with a QE or TDX module status. */
  static TcbStatus converge(TcbStatus platform, TcbStatus other) {
    return switch (other) {
      case REVOKED -> TcbStatus.REVOKED;
      case OUT_OF_DATE, OUT_OF_DATE_CONFIGURATION_NEEDED ->
          switch (platform) {
            case UP_TO_DATE, SW_HARDENING_NEEDED, OUT_OF_DATE -> TcbStatus.OUT_OF_DATE;
            case CONFIGURATION_NEEDED,
                CONFIGURATION_AND_SW_HARDENING_NEEDED,
                OUT_OF_DATE_CONFIGURATION_NEEDED ->
                TcbStatus.OUT_OF_DATE_CONFIGURATION_NEEDED;
            case TCB_LEVEL_NOT_FOUND, REVOKED, NOT_EVALUATED -> platform;
          };
      default -> platform;
    };
  }

  private static void window(String what, Instant issued, Instant next, Instant at)
      throws VerificationFailedException {
    if (at.isBefore(issued) || !at.isBefore(next)) {
      throw new VerificationFailedException(new Failure.CollateralExpired(what, issued, next, at));
    }
  }

  private static boolean allZero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static VerificationFailedException mismatch(String detail) {
    return new VerificationFailedException(new Failure.CollateralMismatch(detail));
  }
}
