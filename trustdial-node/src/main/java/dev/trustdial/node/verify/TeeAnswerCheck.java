package dev.trustdial.node.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustdial.chain.AppInfo;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.json.Json;
import dev.trustdial.tee.answer.SignedAnswer;
import dev.trustdial.tee.attest.AttestationPolicy;
import dev.trustdial.tee.attest.TrustAnchors;
import dev.trustdial.tee.attest.VerificationFailedException;
import dev.trustdial.tee.kms.AppPolicy;
import dev.trustdial.tee.x509.Certificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a verifier can check of a TEE job's result (it cannot re-execute it): the signed answer
 * bundle's evidence against the pinned roots (and simulation roots only when configured), the app's
 * onchain policy, the transcript, the report-data binding and the app-wallet signature, the wallet
 * being the app's registered signer when it has one. A failure record says the app failed.
 */
public final class TeeAnswerCheck {
  public static final int MAX_SIMULATION_ROOTS = 16;
  private static final ObjectMapper JSON = Json.mapper();

  /**
   * The outcome: {@code valid} false for an answer that does not verify (a failure record is not
   * invalid).
   */
  public record Verdict(boolean valid, String text) {}

  private final TrustAnchors anchors;
  private final AttestationPolicy policy;

  public TeeAnswerCheck(List<X509Certificate> simulationRoots) {
    TrustAnchors a = TrustAnchors.pinned();
    AttestationPolicy p = AttestationPolicy.standard();
    if (!simulationRoots.isEmpty()) {
      a = a.withSimulationRoots(simulationRoots);
      p = p.allowingSimulated();
    }
    this.anchors = a;
    this.policy = p;
  }

  /**
   * Reads PEM or DER simulation roots (dev only: accepting them accepts INSECURE simulated
   * evidence).
   */
  public static TeeAnswerCheck withSimulationRoots(List<Path> files) {
    if (files.size() > MAX_SIMULATION_ROOTS) {
      throw new InvalidInputException(
          "at most " + MAX_SIMULATION_ROOTS + " simulation roots, got " + files.size());
    }
    List<X509Certificate> roots = new ArrayList<>();
    for (Path f : files) {
      try {
        if (!Files.isRegularFile(f) || Files.size(f) > 64 * 1024) {
          throw new InvalidInputException(
              "simulation root " + f + " is not a file of at most 64 KiB");
        }
        roots.addAll(Certificates.fromDerOrPem(Files.readAllBytes(f), "simulation root " + f));
      } catch (IOException e) {
        throw new InvalidInputException("cannot read simulation root " + f + ": " + e.getMessage());
      } catch (VerificationFailedException e) {
        throw new InvalidInputException(e.failure().message());
      }
    }
    return new TeeAnswerCheck(roots);
  }

  public Verdict check(AppInfo app, Optional<Address> signer, byte[] output, Instant now) {
    Optional<JsonNode> record = failureRecord(output);
    if (record.isPresent()) {
      return new Verdict(true, "TEE app failed: " + record.get());
    }
    SignedAnswer answer;
    try {
      answer = SignedAnswer.fromJson(output);
    } catch (RuntimeException e) {
      return new Verdict(
          false, "TEE answer INVALID: not a signed answer bundle (" + e.getMessage() + ")");
    }
    Optional<AppPolicy> appPolicy;
    try {
      appPolicy = Optional.of(AppPolicy.decode(app.policy()));
    } catch (IllegalArgumentException e) {
      return new Verdict(
          false,
          "TEE answer INVALID: app "
              + app.appId()
              + "'s policy does not decode: "
              + e.getMessage());
    }
    SignedAnswer.Check c = answer.verify(anchors, policy, now, appPolicy, signer);
    if (c.failure().isPresent()) {
      return new Verdict(false, "TEE answer INVALID: " + c.failure().get());
    }
    boolean simulated = c.verdict().map(v -> v.simulated()).orElse(false);
    return new Verdict(
        true,
        "TEE answer verifies ("
            + (simulated ? "simulated: true" : "hardware evidence")
            + ", wallet "
            + answer.wallet()
            + ", "
            + c.entries().size()
            + " fetches)");
  }

  private static Optional<JsonNode> failureRecord(byte[] output) {
    if (output.length > 4096 || output.length == 0 || output[0] != '{') {
      return Optional.empty();
    }
    try {
      JsonNode n = JSON.readTree(output);
      return n.path("appFailed").asBoolean(false) ? Optional.of(n) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
