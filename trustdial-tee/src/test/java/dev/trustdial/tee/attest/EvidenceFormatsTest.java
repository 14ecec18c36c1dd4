package dev.trustdial.tee.attest;

import static dev.trustdial.tee.attest.Fixtures.read;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The real evidence, converted to each form people hold it in, decodes back to the same bytes. */
class EvidenceFormatsTest {
  static final AttestationVerifier VERIFIER = new AttestationVerifier(TrustAnchors.pinned());
  static final byte[] TDX_FILE = read("tdx/phala_tdx_quote");

  /** The quote proper; the fixture file carries 70 zero bytes after it. */
  static final byte[] TDX = Arrays.copyOf(TDX_FILE, 4936);

  static final byte[] SNP = read("sev-snp/report.bin");
  static final byte[] NITRO = read("nitro/anjuna_prod_pk.bin");
  static final Collateral TDX_COLLATERAL =
      Fixtures.collateral("tdx/phala_tdx_quote", "tdx/phala_tdx_collateral.json");

  static DecodedEvidence decode(byte[] input) {
    try {
      return EvidenceFormats.decode(input);
    } catch (VerificationFailedException e) {
      throw new AssertionError(e.failure().message());
    }
  }

  static String refusal(byte[] input) {
    try {
      EvidenceFormats.decode(input);
    } catch (VerificationFailedException e) {
      assertThat(e.failure()).isInstanceOf(Failure.Malformed.class);
      return e.failure().message();
    }
    throw new AssertionError("expected a refusal");
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void rawEvidenceIsUnchanged() {
    for (byte[] b : new byte[][] {TDX, SNP, NITRO}) {
      DecodedEvidence d = decode(b);
      assertThat(d.bytes().toArray()).isEqualTo(b);
      assertThat(d.conversions()).isEmpty();
    }
  }

  @Test
  void hexWithPrefixAndLineBreaksDecodes() {
    String hex = "0x" + HexFormat.of().formatHex(TDX);
    String wrapped = String.join("\n", hex.split("(?<=\\G.{64})")) + "\n";
    DecodedEvidence d = decode(ascii(wrapped));
    assertThat(d.bytes().toArray()).isEqualTo(TDX);
    assertThat(d.conversions()).containsExactly("decoded from hex (4936 bytes)");
    assertThat(decode(ascii(HexFormat.of().withUpperCase().formatHex(SNP))).bytes().toArray())
        .isEqualTo(SNP);
  }

  @Test
  void base64StandardAndUrlSafeWithOrWithoutPaddingDecode() {
    assertThat(decode(ascii(Base64.getMimeEncoder().encodeToString(SNP))).bytes().toArray())
        .isEqualTo(SNP);
    DecodedEvidence url =
        decode(ascii(Base64.getUrlEncoder().withoutPadding().encodeToString(NITRO)));
    assertThat(url.bytes().toArray()).isEqualTo(NITRO);
    assertThat(url.conversions())
        .containsExactly("decoded from base64url (" + NITRO.length + " bytes)");
    DecodedEvidence std = decode(ascii(Base64.getEncoder().encodeToString(TDX)));
    assertThat(std.conversions()).containsExactly("decoded from base64 (4936 bytes)");
  }

  @Test
  void dstackGetQuoteAnswerDecodesAndVerifies() {
    String json =
        "{\"quote\": \""
            + HexFormat.of().formatHex(TDX)
            + "\", \"event_log\": \"[{\\\"imr\\\":3}]\"}";
    DecodedEvidence d = decode(ascii(json));
    assertThat(d.bytes().toArray()).isEqualTo(TDX);
    assertThat(d.conversions())
        .containsExactly(
            "took the JSON member \"quote\" (ignored: event_log)", "decoded from hex (4936 bytes)");
    assertThat(VERIFIER.verify(d.bytes().toArray(), TDX_COLLATERAL, Fixtures.TDX_V4_AT).isValid())
        .isTrue();
  }

  @Test
  void otherJsonMembersHoldBase64OrHex() {
    assertThat(
            decode(ascii("{\"report\":\"" + Base64.getEncoder().encodeToString(SNP) + "\"}"))
                .bytes()
                .toArray())
        .isEqualTo(SNP);
    assertThat(
            decode(
                    ascii(
                        "{\"attestation_document\":\""
                            + Base64.getEncoder().encodeToString(NITRO)
                            + "\"}"))
                .bytes()
                .toArray())
        .isEqualTo(NITRO);
    assertThat(
            decode(ascii("{\"evidence\":\"0x" + HexFormat.of().formatHex(SNP) + "\"}"))
                .bytes()
                .toArray())
        .isEqualTo(SNP);
    assertThat(refusal(ascii("{\"quote\":\"00\",\"report\":\"00\"}")))
        .contains("several evidence members");
    assertThat(refusal(ascii("{\"foo\":\"00\"}")))
        .contains("none of the members quote, report")
        .contains("(it has: foo)");
  }

  @Test
  void dstackScalePrefixIsStrippedOnlyWhenItIsTheExactLength() {
    int n = TDX.length; // 4936 < 2^14: SCALE compact two-byte mode, (n << 2) | 0b01, little-endian
    byte[] prefixed = new byte[n + 2];
    prefixed[0] = (byte) ((n << 2) | 1);
    prefixed[1] = (byte) ((n << 2) >>> 8);
    System.arraycopy(TDX, 0, prefixed, 2, n);
    DecodedEvidence d = decode(prefixed);
    assertThat(d.bytes().toArray()).isEqualTo(TDX);
    assertThat(d.conversions())
        .containsExactly("stripped dstack's SCALE compact length prefix (2 bytes)");
    assertThat(VERIFIER.verify(d.bytes().toArray(), TDX_COLLATERAL, Fixtures.TDX_V4_AT).isValid())
        .isTrue();
    // Hex of the SCALE file (as some tools print it) goes through both steps.
    assertThat(decode(ascii(HexFormat.of().formatHex(prefixed))).conversions()).hasSize(2);
    byte[] wrongLength = prefixed.clone();
    wrongLength[0] ^= 4;
    assertThat(refusal(wrongLength)).contains("unrecognised evidence").contains("SCALE");
  }

  @Test
  void bytesAfterAQuoteAreIgnoredAndReported() {
    byte[] withTail = Arrays.copyOf(TDX, TDX.length + 77);
    Arrays.fill(withTail, TDX.length, withTail.length, (byte) 0xA5);
    // The verifier alone refuses them (they could hide anything); the input layer drops them
    // openly.
    assertThat(Fixtures.failureOf(VERIFIER.verify(withTail, TDX_COLLATERAL, Fixtures.TDX_V4_AT)))
        .isInstanceOf(Failure.Malformed.class);
    DecodedEvidence d = decode(withTail);
    assertThat(d.bytes().toArray()).isEqualTo(TDX);
    assertThat(d.conversions()).containsExactly("ignored 77 trailing bytes after the quote");
    assertThat(VERIFIER.verify(d.bytes().toArray(), TDX_COLLATERAL, Fixtures.TDX_V4_AT).isValid())
        .isTrue();
    assertThat(decode(TDX_FILE).conversions())
        .containsExactly("ignored 70 trailing bytes after the quote (zero padding)");
    // The v5 quote too (its length comes from the v5 body size).
    byte[] v5 = read("tdx/phala_tdx_quote_outdated");
    byte[] v5Tail = Arrays.copyOf(v5, v5.length + 3);
    v5Tail[v5.length] = 1;
    assertThat(decode(v5Tail).bytes()).isEqualTo(decode(v5).bytes());
  }

  @Test
  void truncatedEvidenceIsRefusedWithTheReason() {
    assertThat(refusal(Arrays.copyOf(TDX, 3000)))
        .contains("TDX quote is truncated or its lengths are corrupt")
        .contains("say 4936 bytes, the input has 3000");
    assertThat(refusal(Arrays.copyOf(TDX, 100))).contains("TDX quote is truncated");
    assertThat(refusal(Arrays.copyOf(SNP, 1000)))
        .contains("looks like a SEV-SNP report")
        .contains("1000 bytes");
    assertThat(refusal(ascii(HexFormat.of().formatHex(TDX).substring(1))))
        .contains("odd number of digits");
  }

  @Test
  void anythingElseGetsTheListOfAcceptedForms() {
    assertThat(refusal(ascii("hello, world")))
        .contains("neither hex nor base64")
        .contains("dstack's getquote");
    assertThat(refusal(new byte[] {1, 2, 3, (byte) 0xFF}))
        .contains("unrecognised evidence")
        .contains("base64");
    assertThat(refusal(ascii("{not json"))).contains("not valid JSON");
  }

  @Test
  void limitsApplyBeforeDecoding() {
    byte[] huge = new byte[EvidenceFormats.MAX_INPUT_BYTES + 1];
    Arrays.fill(huge, (byte) 'a');
    assertThat(refusal(huge)).contains("1.." + EvidenceFormats.MAX_INPUT_BYTES);
    assertThat(refusal(new byte[0])).contains("0 bytes");
    byte[] bigBinary = new byte[Evidence.MAX_BYTES + 1];
    bigBinary[0] = 4;
    assertThat(refusal(bigBinary)).contains("over the " + Evidence.MAX_BYTES + "-byte limit");
  }

  @Test
  void envelopesPassThroughAndMayBeBase64() throws Exception {
    byte[] env = EvidenceEnvelope.of(SNP, Optional.of(read("sev-snp/vcek.der"))).encode();
    assertThat(decode(env).bytes().toArray()).isEqualTo(env);
    DecodedEvidence b64 = decode(ascii(Base64.getEncoder().encodeToString(env)));
    assertThat(b64.isEnvelope()).isTrue();
    assertThat(b64.bytes().toArray()).isEqualTo(env);
  }

  /** Hostile input gets a typed refusal or a decoding, never another exception. */
  @Property(tries = 300)
  void mutatedInputNeverThrowsUnexpectedly(
      @ForAll @IntRange(min = 0, max = 4) int form,
      @ForAll @IntRange(min = 1, max = 6) int flips,
      @ForAll long seed) {
    byte[] b =
        switch (form) {
          case 0 -> TDX_FILE.clone();
          case 1 -> ascii(HexFormat.of().formatHex(TDX));
          case 2 -> ascii(Base64.getEncoder().encodeToString(SNP));
          case 3 -> ascii("{\"quote\":\"" + HexFormat.of().formatHex(TDX) + "\",\"event_log\":[]}");
          default -> read("tdx/phala_tdx_quote_outdated");
        };
    var rnd = new java.util.Random(seed);
    for (int i = 0; i < flips; i++) {
      int at =
          rnd.nextInt(Math.min(b.length, 1200)); // headers, lengths and JSON syntax live up front
      b[at] = (byte) rnd.nextInt(256);
    }
    if (rnd.nextBoolean()) {
      b = Arrays.copyOf(b, rnd.nextInt(b.length) + 1);
    }
    try {
      DecodedEvidence d = EvidenceFormats.decode(b);
      assertThat(d.bytes().toArray()).isNotEmpty();
    } catch (VerificationFailedException e) {
      assertThat(e.failure()).isInstanceOf(Failure.Malformed.class);
    }
  }
}
