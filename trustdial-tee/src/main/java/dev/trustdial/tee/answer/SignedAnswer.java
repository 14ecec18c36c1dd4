package dev.trustdial.tee.answer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.core.crypto.Signature;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.tee.attest.AttestationPolicy;
import dev.trustdial.tee.attest.AttestationVerifier;
import dev.trustdial.tee.attest.EvidenceEnvelope;
import dev.trustdial.tee.attest.Failure;
import dev.trustdial.tee.attest.ReportData;
import dev.trustdial.tee.attest.TrustAnchors;
import dev.trustdial.tee.attest.Verdict;
import dev.trustdial.tee.attest.VerificationResult;
import dev.trustdial.tee.crypto.BigEndianWriter;
import dev.trustdial.tee.http.JsonExchange;
import dev.trustdial.tee.kms.AppPolicy;
import dev.trustdial.tee.runtime.AttestationAgent;
import dev.trustdial.tee.transcript.Transcript;
import dev.trustdial.tee.transcript.TranscriptEntry;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * An answer an attested app signed with its app wallet, with the evidence and fetch transcript that
 * anyone can check (docs/spec/tee-runtime.md, "Signed answer bundle"): the evidence binds
 * SHA-512(answer, wallet) and the transcript head; the wallet's EIP-191 signature covers
 * keccak256(answer).
 *
 * @param bodies optional copies of the fetched response bodies, checked against the transcript
 */
public record SignedAnswer(
    BigInteger appId,
    String answer,
    Address wallet,
    Signature signature,
    Bytes envelope,
    Bytes transcript,
    List<Bytes> bodies) {
  public static final String FORMAT = "trustdial-signed-answer-v1";
  public static final int MAX_ANSWER = 64 * 1024;
  public static final int MAX_BUNDLE = 16 * 1024 * 1024;
  static final byte[] LABEL = "TrustDial app answer v1".getBytes(StandardCharsets.US_ASCII);

  public SignedAnswer {
    if (answer.getBytes(StandardCharsets.UTF_8).length > MAX_ANSWER) {
      throw new InvalidInputException("answer is over " + MAX_ANSWER + " bytes");
    }
    bodies = List.copyOf(bodies);
  }

  /** Copies of the evidence envelope, the transcript and the bodies. */
  public SignedAnswer(
      BigInteger appId,
      String answer,
      Address wallet,
      Signature signature,
      byte[] envelope,
      byte[] transcript,
      List<byte[]> bodies) {
    this(
        appId,
        answer,
        wallet,
        signature,
        Bytes.of(envelope),
        Bytes.of(transcript),
        bodies.stream().map(Bytes::of).toList());
  }

  /** The 64 bytes the app asks its agent to bind: SHA-512(label 0x00 len u32 answer wallet). */
  public static byte[] appData(String answer, Address wallet) {
    byte[] a = answer.getBytes(StandardCharsets.UTF_8);
    byte[] w = Hex.decode(wallet.toString());
    try {
      return MessageDigest.getInstance("SHA-512")
          .digest(
              new BigEndianWriter()
                  .bytes(LABEL)
                  .u8(0)
                  .u32(a.length)
                  .bytes(a)
                  .bytes(w)
                  .toByteArray());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-512", e);
    }
  }

  /** What the wallet signs (EIP-191 over this digest). */
  public static Bytes32 digest(String answer) {
    return Hashes.keccak256(answer.getBytes(StandardCharsets.UTF_8));
  }

  public String toJson() {
    ObjectNode n = JsonExchange.JSON.createObjectNode();
    n.put("format", FORMAT);
    n.put("simulated", isSimulated());
    n.put("appId", appId.toString());
    n.put("answer", answer);
    n.put("wallet", wallet.toString());
    n.put("signature", signature.toHex());
    n.put("evidence", Base64.getEncoder().encodeToString(envelope.toArray()));
    n.put("transcript", Base64.getEncoder().encodeToString(transcript.toArray()));
    ArrayNode b = n.putArray("bodies");
    bodies.forEach(x -> b.add(Base64.getEncoder().encodeToString(x.toArray())));
    try {
      return JsonExchange.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n);
    } catch (IOException e) {
      throw new IllegalStateException("a tree of strings serializes", e);
    }
  }

  boolean isSimulated() {
    try {
      return EvidenceEnvelope.decode(envelope.toArray()).evidence().platform()
          == dev.trustdial.tee.attest.Platform.SIMULATED;
    } catch (dev.trustdial.tee.attest.VerificationFailedException e) {
      return false;
    }
  }

  public static SignedAnswer fromJson(byte[] json) {
    if (json.length > MAX_BUNDLE) {
      throw new InvalidInputException("answer bundle is over " + MAX_BUNDLE + " bytes");
    }
    try {
      JsonNode n = JsonExchange.JSON.readTree(json);
      if (n == null || !FORMAT.equals(n.path("format").asText())) {
        throw new InvalidInputException(
            "not a signed answer bundle (format must be " + FORMAT + ")");
      }
      List<byte[]> bodies = new ArrayList<>();
      if (n.path("bodies").size() > Transcript.MAX_ENTRIES) {
        throw new InvalidInputException("more bodies than a transcript has entries");
      }
      for (JsonNode b : n.path("bodies")) {
        bodies.add(Base64.getDecoder().decode(b.asText()));
      }
      return new SignedAnswer(
          new BigInteger(need(n, "appId")),
          need(n, "answer"),
          Address.parse(need(n, "wallet")),
          Signature.fromHex(need(n, "signature")),
          Base64.getDecoder().decode(need(n, "evidence")),
          Base64.getDecoder().decode(need(n, "transcript")),
          bodies);
    } catch (IOException e) {
      throw new InvalidInputException("answer bundle is not JSON: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("answer bundle field is malformed: " + e.getMessage());
    }
  }

  private static String need(JsonNode n, String field) {
    if (!n.path(field).isTextual()) {
      throw new InvalidInputException("answer bundle lacks '" + field + "'");
    }
    return n.path(field).asText();
  }

  /**
   * The result of checking a bundle: the verdict if the evidence verified, the checks done, the
   * first failure.
   */
  public record Check(
      Optional<Verdict> verdict,
      List<TranscriptEntry> entries,
      List<String> checks,
      Optional<String> failure) {
    public boolean valid() {
      return failure.isEmpty();
    }
  }

  /**
   * Checks everything in order and stops at the first failure: evidence (anchors, policy, time),
   * transcript chain, report data binding, signature, bodies, and the optional expectations.
   */
  public Check verify(
      TrustAnchors anchors,
      AttestationPolicy policy,
      Instant at,
      Optional<AppPolicy> appPolicy,
      Optional<Address> expectedWallet) {
    List<String> checks = new ArrayList<>();
    VerificationResult r =
        policy.apply(new AttestationVerifier(anchors).verifyEnvelope(envelope.toArray(), at));
    Verdict v;
    switch (r) {
      case VerificationResult.Invalid(Failure f) -> {
        return new Check(
            Optional.empty(), List.of(), checks, Optional.of("evidence: " + f.message()));
      }
      case VerificationResult.Valid(Verdict ok) -> v = ok;
    }
    checks.add(
        "evidence valid (" + v.platform() + (v.simulated() ? ", simulated: true" : "") + ")");
    if (appPolicy.isPresent()) {
      List<String> why = new ArrayList<>();
      boolean ok = false;
      for (AppPolicy.AllowedMeasurement a : appPolicy.get().allowed()) {
        Optional<String> m = a.mismatch(v);
        if (m.isEmpty()) {
          ok = true;
          break;
        }
        why.add(m.get());
      }
      if (!ok) {
        return new Check(
            Optional.of(v),
            List.of(),
            checks,
            Optional.of("measurement not allowed by the app policy: " + String.join("; ", why)));
      }
      checks.add("measurement allowed by the app policy");
    }
    List<TranscriptEntry> entries;
    try {
      entries = Transcript.decode(transcript.toArray());
    } catch (IllegalArgumentException e) {
      return new Check(
          Optional.of(v), List.of(), checks, Optional.of("transcript: " + e.getMessage()));
    }
    byte[] head = Transcript.headOf(entries);
    checks.add("transcript chain of " + entries.size() + " entries, head " + Hex.encode(head));
    byte[] expected =
        AttestationAgent.evidenceReportData(
            appData(answer, wallet), new Transcript.Head(new Bytes32(head), entries.size()));
    if (!MessageDigest.isEqual(expected, v.reportData().toArray())) {
      return new Check(
          Optional.of(v),
          entries,
          checks,
          Optional.of(
              "report data does not bind this answer, wallet and transcript (purpose "
                  + AttestationAgent.EVIDENCE_PURPOSE
                  + ")"));
    }
    checks.add("report data binds the answer, the wallet and the transcript head");
    Address signer;
    try {
      signer = Secp256k1Key.recoverEip191(digest(answer), signature);
    } catch (InvalidInputException e) {
      return new Check(
          Optional.of(v), entries, checks, Optional.of("signature: " + e.getMessage()));
    }
    if (!signer.equals(wallet)) {
      return new Check(
          Optional.of(v),
          entries,
          checks,
          Optional.of("signature recovers to " + signer + ", not the wallet " + wallet));
    }
    checks.add("signature by the app wallet " + wallet);
    if (!bodies.isEmpty()) {
      if (bodies.size() != entries.size()) {
        return new Check(
            Optional.of(v),
            entries,
            checks,
            Optional.of(bodies.size() + " bodies for " + entries.size() + " transcript entries"));
      }
      for (int i = 0; i < bodies.size(); i++) {
        if (!MessageDigest.isEqual(
            Transcript.sha256(bodies.get(i).toArray()), entries.get(i).bodySha256().bytes())) {
          return new Check(
              Optional.of(v),
              entries,
              checks,
              Optional.of("body " + i + " does not hash to transcript entry " + i));
        }
      }
      checks.add("the " + bodies.size() + " bodies match the transcript");
    }
    if (expectedWallet.isPresent() && !expectedWallet.get().equals(wallet)) {
      return new Check(
          Optional.of(v),
          entries,
          checks,
          Optional.of("wallet " + wallet + " is not the expected " + expectedWallet.get()));
    }
    expectedWallet.ifPresent(w -> checks.add("wallet is the expected " + w));
    assert ReportData.SIZE == 64;
    return new Check(Optional.of(v), entries, checks, Optional.empty());
  }
}
