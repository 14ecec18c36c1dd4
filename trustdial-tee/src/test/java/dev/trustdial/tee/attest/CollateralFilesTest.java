package dev.trustdial.tee.attest;

import static dev.trustdial.tee.attest.Fixtures.read;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustdial.core.bytes.Bytes;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Collateral as people hold it: Intel PCS's raw responses, SEV-SNP certificates in any order. */
class CollateralFilesTest {
  static final AttestationVerifier VERIFIER = new AttestationVerifier(TrustAnchors.pinned());
  static final byte[] TDX = read("tdx/phala_tdx_quote");
  static final byte[] SNP = read("sev-snp/report.bin");
  static final byte[] VCEK = read("sev-snp/vcek.der");
  static final String PCS = "tdx/phala_tdx_pcs/";
  static final List<String> PCS_FILES =
      List.of(
          "tcb_info.json",
          "qe_identity.json",
          "pck_crl.der",
          "IntelSGXRootCA.der",
          "tcb_info_issuer_chain.txt",
          "qe_identity_issuer_chain.pem",
          "pck_crl_issuer_chain.pem");

  static List<CollateralFiles.Input> pcs(List<String> names) {
    return names.stream().map(n -> new CollateralFiles.Input(n, read(PCS + n))).toList();
  }

  static CollateralFiles.Read readOk(byte[] evidence, List<CollateralFiles.Input> files) {
    try {
      return CollateralFiles.read(evidence, files);
    } catch (VerificationFailedException e) {
      throw new AssertionError(e.failure().message());
    }
  }

  static String refusal(byte[] evidence, List<CollateralFiles.Input> files) {
    try {
      CollateralFiles.read(evidence, files);
    } catch (VerificationFailedException e) {
      assertThat(e.failure()).isInstanceOf(Failure.Malformed.class);
      return e.failure().message();
    }
    throw new AssertionError("expected a refusal");
  }

  /** The raw pieces are exactly the assembled fixture split apart (their provenance, README.md). */
  @Test
  void theRawPcsFixturesAreTheAssembledCollateralSplitApart() throws Exception {
    JsonNode a = new ObjectMapper().readTree(read("tdx/phala_tdx_collateral.json"));
    assertThat(new String(read(PCS + "tcb_info.json"), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"tcbInfo\":"
                + a.get("tcb_info").textValue()
                + ",\"signature\":\""
                + a.get("tcb_info_signature").textValue()
                + "\"}");
    assertThat(new String(read(PCS + "qe_identity.json"), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"enclaveIdentity\":"
                + a.get("qe_identity").textValue()
                + ",\"signature\":\""
                + a.get("qe_identity_signature").textValue()
                + "\"}");
    assertThat(read(PCS + "pck_crl.der"))
        .isEqualTo(HexFormat.of().parseHex(a.get("pck_crl").textValue()));
    assertThat(read(PCS + "IntelSGXRootCA.der"))
        .isEqualTo(HexFormat.of().parseHex(a.get("root_ca_crl").textValue()));
    assertThat(
            URLDecoder.decode(
                new String(read(PCS + "tcb_info_issuer_chain.txt"), StandardCharsets.US_ASCII),
                StandardCharsets.UTF_8))
        .isEqualTo(a.get("tcb_info_issuer_chain").textValue());
    assertThat(new String(read(PCS + "pck_crl_issuer_chain.pem"), StandardCharsets.US_ASCII))
        .isEqualTo(a.get("pck_crl_issuer_chain").textValue());
  }

  @Test
  void rawPcsResponsesGiveTheSameVerdictAsTheAssembledCollateral() throws Exception {
    Verdict assembled =
        Fixtures.verdictOf(
            VERIFIER.verify(
                TDX,
                Fixtures.collateral("tdx/phala_tdx_quote", "tdx/phala_tdx_collateral.json"),
                Fixtures.TDX_V4_AT));
    CollateralFiles.Read raw = readOk(TDX, pcs(PCS_FILES));
    Verdict fromRaw =
        Fixtures.verdictOf(VERIFIER.verify(TDX, raw.collateral(), Fixtures.TDX_V4_AT));
    assertThat(fromRaw.tcbStatus())
        .isEqualTo(TcbStatus.UP_TO_DATE)
        .isEqualTo(assembled.tcbStatus());
    assertThat(fromRaw.checks()).isEqualTo(assembled.checks());
    assertThat(fromRaw.fields()).isEqualTo(assembled.fields());
    assertThat(raw.notes())
        .singleElement()
        .asString()
        .startsWith("assembled TDX collateral from Intel PCS responses: TCB info (tcb_info.json)");
    // What an envelope carries is TrustDial's collateral JSON, and it reads back to the same
    // verdict.
    Collateral again =
        AttestationVerifier.readCollateral(TDX, raw.envelopeForm().map(Bytes::toArray));
    assertThat(Fixtures.verdictOf(VERIFIER.verify(TDX, again, Fixtures.TDX_V4_AT)).checks())
        .isEqualTo(assembled.checks());
  }

  @Test
  void thePckCrlIssuerChainMayComeFromTheQuoteAndCrlsMayBePemOrHex() {
    List<CollateralFiles.Input> files =
        new ArrayList<>(
            pcs(List.of("tcb_info.json", "qe_identity.json", "tcb_info_issuer_chain.txt")));
    String pem =
        "-----BEGIN X509 CRL-----\n"
            + Base64.getMimeEncoder().encodeToString(read(PCS + "pck_crl.der"))
            + "\n-----END X509 CRL-----\n";
    files.add(new CollateralFiles.Input("pckcrl.pem", pem.getBytes(StandardCharsets.US_ASCII)));
    files.add(
        new CollateralFiles.Input(
            "rootcacrl.hex",
            HexFormat.of()
                .formatHex(read(PCS + "IntelSGXRootCA.der"))
                .getBytes(StandardCharsets.US_ASCII)));
    CollateralFiles.Read r = readOk(TDX, files);
    assertThat(r.notes())
        .contains("PCK CRL issuer chain taken from the quote's PCK certificate chain");
    assertThat(
            Fixtures.verdictOf(VERIFIER.verify(TDX, r.collateral(), Fixtures.TDX_V4_AT))
                .tcbStatus())
        .isEqualTo(TcbStatus.UP_TO_DATE);
  }

  @Test
  void missingOrConflictingPiecesAreNamed() {
    assertThat(
            refusal(TDX, pcs(List.of("tcb_info.json", "pck_crl.der", "tcb_info_issuer_chain.txt"))))
        .contains("lacks: QE identity (PCS GET /tdx/certification/v4/qe/identity); root CA CRL");
    List<CollateralFiles.Input> twoTcb = new ArrayList<>(pcs(PCS_FILES));
    twoTcb.add(
        new CollateralFiles.Input(
            "other.json",
            "{\"tcbInfo\":{\"id\":\"TDX\"},\"signature\":\""
                .concat("00".repeat(64))
                .concat("\"}")
                .getBytes(StandardCharsets.UTF_8)));
    assertThat(refusal(TDX, twoTcb)).contains("two different TCB info");
    List<CollateralFiles.Input> mixed = new ArrayList<>(pcs(List.of("tcb_info.json")));
    mixed.add(new CollateralFiles.Input("all.json", read("tdx/phala_tdx_collateral.json")));
    assertThat(refusal(TDX, mixed)).contains("give it alone");
    assertThat(
            refusal(
                TDX,
                List.of(
                    new CollateralFiles.Input(
                        "x.txt", "hello".getBytes(StandardCharsets.US_ASCII)))))
        .contains("x.txt is none of");
    assertThat(refusal(TDX, List.of())).contains("Intel PCS's raw responses");
  }

  @Test
  void vcekAndAskAsConcatenatedDerVerify() throws Exception {
    List<java.security.cert.X509Certificate> askArk =
        dev.trustdial.tee.x509.Certificates.fromPemChain(
            read("sev-snp/ask_ark_milan.pem"), "ASK+ARK");
    byte[] ask = askArk.getFirst().getEncoded();
    byte[] concatenated = new byte[VCEK.length + ask.length];
    System.arraycopy(VCEK, 0, concatenated, 0, VCEK.length);
    System.arraycopy(ask, 0, concatenated, VCEK.length, ask.length);
    // Through the one-file API (envelopes, --collateral FILE) ...
    Collateral col = AttestationVerifier.readCollateral(SNP, Optional.of(concatenated));
    assertThat(col)
        .isInstanceOfSatisfying(Collateral.Snp.class, s -> assertThat(s.ask()).isPresent());
    assertThat(VERIFIER.verify(SNP, col, Fixtures.SNP_AT).isValid()).isTrue();
    // ... and with several files, in any order, the ARK copy ignored in favour of the pinned one.
    CollateralFiles.Read r =
        readOk(
            SNP,
            List.of(
                new CollateralFiles.Input("cert_chain.pem", read("sev-snp/ask_ark_milan.pem")),
                new CollateralFiles.Input("vcek.der", VCEK)));
    assertThat(r.notes())
        .singleElement()
        .asString()
        .contains("VCEK and ASK")
        .contains("ARK given was ignored");
    assertThat(VERIFIER.verify(SNP, r.collateral(), Fixtures.SNP_AT).isValid()).isTrue();
    assertThat(r.envelopeForm())
        .hasValueSatisfying(b -> assertThat(b.toArray()).isEqualTo(concatenated));
    assertThat(refusal(SNP, List.of(new CollateralFiles.Input("ask.der", ask))))
        .contains("no VCEK");
    byte[] cut = java.util.Arrays.copyOf(concatenated, concatenated.length - 10);
    assertThat(refusal(SNP, List.of(new CollateralFiles.Input("cut.der", cut))))
        .contains("ends inside the DER value");
  }
}
