package dev.trustdial.cli.attest;

import static dev.trustdial.cli.attest.AttestVerifyCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustdial.cli.attest.AttestVerifyCommandTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code attest verify} on the real evidence of trustdial-tee's test resources, in the forms people
 * hold it: exit codes (2 for input that does not parse, also as JSON), and every conversion.
 */
class AttestVerifyInputFormsTest {
  /**
   * trustdial-tee's real evidence (provenance: its README.md); tests run in the module directory.
   */
  static final Path FIXTURES =
      Path.of("..", "trustdial-tee", "src", "test", "resources", "attestation");

  static final Path TDX = FIXTURES.resolve("tdx/phala_tdx_quote");
  static final Path TDX_COLLATERAL = FIXTURES.resolve("tdx/phala_tdx_collateral.json");
  static final Path PCS_DIR = FIXTURES.resolve("tdx/phala_tdx_pcs");
  static final String TDX_AT = "2025-07-01T00:00:00Z";
  static final Path SNP = FIXTURES.resolve("sev-snp/report.bin");
  static final String SNP_AT = "2025-01-01T00:00:00Z";
  static final Path NITRO = FIXTURES.resolve("nitro/anjuna_prod_pk.bin");
  static final ObjectMapper JSON = new ObjectMapper();

  static byte[] bytes(Path p) throws Exception {
    return Files.readAllBytes(p);
  }

  static Run verify(Path evidence, String at, String... more) {
    String[] args = new String[6 + more.length];
    System.arraycopy(
        new String[] {"attest", "verify", "--evidence", evidence.toString(), "--at", at},
        0,
        args,
        0,
        6);
    System.arraycopy(more, 0, args, 6, more.length);
    return run(args);
  }

  @Test
  void truncatedOrGarbledEvidenceIsBadInputWithJsonToo(@TempDir Path dir) throws Exception {
    Path cutTdx = Files.write(dir.resolve("cut.quote"), Arrays.copyOf(bytes(TDX), 3000));
    Run r = verify(cutTdx, TDX_AT, "--collateral", TDX_COLLATERAL.toString());
    assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(2);
    assertThat(r.err()).startsWith("error: ").contains("TDX quote is truncated");
    assertThat(r.out()).isEmpty();

    // A Nitro document cut short is recognised by its first byte and fails in the CBOR parser.
    Path cutNitro = Files.write(dir.resolve("cut.cose"), Arrays.copyOf(bytes(NITRO), 2000));
    Run j = verify(cutNitro, "2026-11-01T00:00:00Z", "--json");
    assertThat(j.exit()).as(j.out() + j.err()).isEqualTo(2);
    assertThat(j.err()).startsWith("error: malformed: ");
    JsonNode out = JSON.readTree(j.out());
    assertThat(out.get("valid").booleanValue()).isFalse();
    assertThat(out.at("/error/kind").textValue()).isEqualTo("bad-input");
    assertThat(out.at("/error/message").textValue())
        .isEqualTo(j.err().strip().substring("error: ".length()));

    // Garbled lengths inside a TDX quote (certification data size) are bad input as well.
    byte[] garbled = bytes(TDX);
    garbled[48 + 584 + 4 + 128 + 2] ^= 0x40;
    Run g =
        verify(
            Files.write(dir.resolve("garbled.quote"), garbled),
            TDX_AT,
            "--collateral",
            TDX_COLLATERAL.toString());
    assertThat(g.exit()).as(g.out() + g.err()).isEqualTo(2);

    // Missing files are bad input, and --json still answers on stdout.
    Run missing = verify(dir.resolve("nope"), TDX_AT, "--json");
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(JSON.readTree(missing.out()).at("/error/kind").textValue()).isEqualTo("bad-input");
  }

  @Test
  void wellFormedEvidenceThatFailsAChecksStaysExitOne(@TempDir Path dir) throws Exception {
    byte[] b = bytes(TDX);
    b[48 + 520] ^= 1; // REPORTDATA: signed, so the quote signature fails
    Run r =
        verify(
            Files.write(dir.resolve("tampered.quote"), b),
            TDX_AT,
            "--collateral",
            TDX_COLLATERAL.toString(),
            "--json");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(JSON.readTree(r.out()).at("/failure/kind").textValue())
        .isEqualTo("SignatureInvalid");
  }

  @Test
  void dstackGetQuoteJsonWithRawPcsResponsesIsValid(@TempDir Path dir) throws Exception {
    String hex = HexFormat.of().formatHex(Arrays.copyOf(bytes(TDX), 4936));
    Path answer =
        Files.writeString(
            dir.resolve("getquote.json"),
            "{\"quote\":\"" + hex + "\",\"event_log\":\"[]\",\"report_data\":\"00\"}");
    Run r = verify(answer, TDX_AT, "--collateral", PCS_DIR.toString());
    assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(0);
    assertThat(r.out())
        .startsWith("VALID")
        .contains(
            "  - took the JSON member \"quote\" (ignored: event_log, report_data)",
            "  - decoded from hex (4936 bytes)",
            "  - assembled TDX collateral from Intel PCS responses: TCB info (",
            "tcb status     UpToDate");
  }

  @Test
  void rawPcsResponsesGiveTheSameVerdictAsTheAssembledCollateral() throws Exception {
    JsonNode assembled =
        JSON.readTree(
            verify(TDX, TDX_AT, "--collateral", TDX_COLLATERAL.toString(), "--json").out());
    List<String> files =
        Files.list(PCS_DIR)
            .sorted()
            .map(p -> List.of("--collateral", p.toString()))
            .flatMap(List::stream)
            .toList();
    Run r = verify(TDX, TDX_AT, files.toArray(String[]::new));
    assertThat(r.exit()).as(r.err()).isEqualTo(0);
    JsonNode raw =
        JSON.readTree(verify(TDX, TDX_AT, "--collateral", PCS_DIR.toString(), "--json").out());
    assertThat(raw.get("valid").booleanValue()).isTrue();
    for (String field :
        List.of("tcbStatus", "measurements", "fields", "reportData", "advisoryIds")) {
      assertThat(raw.at("/verdict/" + field))
          .as(field)
          .isEqualTo(assembled.at("/verdict/" + field));
    }
    assertThat(raw.get("input").toString())
        .contains("assembled TDX collateral from Intel PCS responses");
  }

  @Test
  void envelopeFromBase64EvidenceAndRawPcsResponsesVerifies(@TempDir Path dir) throws Exception {
    Path b64 =
        Files.writeString(dir.resolve("quote.b64"), Base64.getEncoder().encodeToString(bytes(TDX)));
    Path env = dir.resolve("quote.env");
    Run pack =
        run(
            "attest",
            "envelope",
            "--evidence",
            b64.toString(),
            "--collateral",
            PCS_DIR.toString(),
            "--out",
            env.toString());
    assertThat(pack.exit()).as(pack.err()).isEqualTo(0);
    assertThat(pack.out())
        .contains("input: decoded from base64 (5006 bytes)", "input: ignored 70 trailing bytes");
    Run r = verify(env, TDX_AT, "--json");
    assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(0);
    assertThat(JSON.readTree(r.out()).at("/verdict/tcbStatus").textValue()).isEqualTo("UpToDate");
  }

  @Test
  void quoteWithTrailingBytesAndScalePrefixAreAccepted(@TempDir Path dir) throws Exception {
    byte[] quote = Arrays.copyOf(bytes(TDX), 4936);
    byte[] tail = Arrays.copyOf(quote, quote.length + 11);
    Arrays.fill(tail, quote.length, tail.length, (byte) 0x7F);
    Run t =
        verify(
            Files.write(dir.resolve("tail.quote"), tail),
            TDX_AT,
            "--collateral",
            TDX_COLLATERAL.toString());
    assertThat(t.exit()).as(t.out() + t.err()).isEqualTo(0);
    assertThat(t.out()).contains("  - ignored 11 trailing bytes after the quote");

    byte[] scale = new byte[quote.length + 2];
    scale[0] = (byte) ((quote.length << 2) | 1);
    scale[1] = (byte) ((quote.length << 2) >>> 8);
    System.arraycopy(quote, 0, scale, 2, quote.length);
    Run s =
        verify(
            Files.write(dir.resolve("quote.scale"), scale),
            TDX_AT,
            "--collateral",
            TDX_COLLATERAL.toString());
    assertThat(s.exit()).as(s.out() + s.err()).isEqualTo(0);
    assertThat(s.out()).contains("  - stripped dstack's SCALE compact length prefix (2 bytes)");
  }

  @Test
  void base64SnpReportWithVcekAndAskConcatenated(@TempDir Path dir) throws Exception {
    Path b64 =
        Files.writeString(
            dir.resolve("report.b64"), Base64.getMimeEncoder().encodeToString(bytes(SNP)));
    var askArk =
        dev.trustdial.tee.x509.Certificates.fromPemChain(
            bytes(FIXTURES.resolve("sev-snp/ask_ark_milan.pem")), "ask");
    byte[] vcek = bytes(FIXTURES.resolve("sev-snp/vcek.der"));
    byte[] ask = askArk.getFirst().getEncoded();
    byte[] both = Arrays.copyOf(vcek, vcek.length + ask.length);
    System.arraycopy(ask, 0, both, vcek.length, ask.length);
    Path col = Files.write(dir.resolve("vcek-ask.der"), both);
    Run r = verify(b64, SNP_AT, "--collateral", col.toString(), "--allow-debug", "--json");
    assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(0);
    JsonNode checks = JSON.readTree(r.out()).at("/verdict/checks");
    assertThat(checks.get(0).textValue()).isEqualTo("decoded from base64 (1184 bytes)");
    assertThat(checks.get(1).textValue())
        .isEqualTo("SEV-SNP collateral: VCEK and ASK from concatenated DER");
    // The debug guest is still refused by the standard policy: exit 1, with the input notes shown.
    Run policy = verify(b64, SNP_AT, "--collateral", col.toString());
    assertThat(policy.exit()).isEqualTo(1);
    assertThat(policy.out())
        .startsWith("INVALID: debug mode is enabled")
        .contains("  - decoded from base64");
  }

  @Test
  void unrecognisedTextNamesTheAcceptedForms(@TempDir Path dir) throws Exception {
    Path notes = Files.writeString(dir.resolve("notes.txt"), "this is not a quote\n");
    Run r = verify(notes, TDX_AT);
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("hex", "base64", "dstack's getquote", "SCALE");
  }
}
