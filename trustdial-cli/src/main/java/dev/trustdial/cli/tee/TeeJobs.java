package dev.trustdial.cli.tee;

import dev.trustdial.chain.AppInfo;
import dev.trustdial.chain.Settlement;
import dev.trustdial.chain.TrustMode;
import dev.trustdial.chain.TxOutcome;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.job.JobEnvelope;
import dev.trustdial.core.json.Json;
import dev.trustdial.da.DataAvailability;
import dev.trustdial.node.job.ProgramBlobs;
import dev.trustdial.tee.attest.Platform;
import dev.trustdial.tee.job.TeeJobInput;
import dev.trustdial.tee.kms.AppPolicy;
import dev.trustdial.tee.kms.SealedSecret;
import dev.trustdial.tee.runtime.AppMeasurement;
import dev.trustdial.tee.runtime.ArtifactArchive;
import dev.trustdial.tee.runtime.ArtifactDigest;
import dev.trustdial.tee.runtime.LaunchConfig;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;

/**
 * The developer's side of a TEE job (docs/spec/job-input.md, "TEE jobs"): the artifact archive and
 * the job envelope on DA, then {@code submitJob}. Checks first what the operator would refuse (a
 * non-TEE app, an artifact that is not the app's programDigest, a config without a pinned KMS, a
 * simulated measurement the app's policy does not allow), so a bad submission costs no gas and
 * writes nothing.
 */
public final class TeeJobs {
  /** Sealed states an operator may checkpoint per job when the submitter does not say. */
  public static final long DEFAULT_MAX_STEPS = 1024;

  /**
   * @param artifactParts 1 when the archive is one blob, else how many parts its part list names
   */
  public record Submitted(
      BigInteger jobId,
      Bytes32 artifactKey,
      int artifactParts,
      Bytes32 envelopeKey,
      Bytes32 inputDigest,
      TxOutcome tx) {}

  private TeeJobs() {}

  /**
   * @param partBytes the artifact archive goes to DA in parts of at most this size (16 MiB for one
   *     blob per part; docs/spec/job-input.md "part lists")
   */
  /**
   * When the app's policy lists simulated-backend measurements, this launch's must be one of them
   * (else every operator's KMS request would be refused with MeasurementNotAllowed). A policy for
   * hardware platforms only cannot be checked here: its registers come from the hardware.
   */
  static void checkSimulatedMeasurement(AppInfo app, AppMeasurement m) {
    AppPolicy policy;
    try {
      policy = AppPolicy.decode(app.policy());
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(
          "app " + app.appId() + "'s onchain policy does not decode: " + e.getMessage());
    }
    List<AppPolicy.AllowedMeasurement> simulated =
        policy.allowed().stream().filter(a -> a.platform() == Platform.SIMULATED).toList();
    if (simulated.isEmpty()) {
      return;
    }
    AppPolicy.AllowedMeasurement ours = m.simulatedPolicyEntry();
    for (AppPolicy.AllowedMeasurement a : simulated) {
      if (a.registers().stream()
          .allMatch(r ->
              ours.registers().stream()
                  .anyMatch(o -> o.name().equals(r.name()) && o.value().equals(r.value())))) {
        return;
      }
    }
    throw new InvalidInputException(
        "this artifact and launch configuration measure "
            + ours.registers()
            + ", which app "
            + app.appId()
            + "'s policy does not allow (make the policy from the same artifact and config: 'trustdial tee policy', then 'tee upgrade-app')");
  }

  public static Submitted submit(
      Settlement chain,
      DataAvailability da,
      BigInteger appId,
      Path artifact,
      byte[] config,
      List<SealedSecret> secrets,
      byte[] appInput,
      long maxSteps,
      BigInteger fee,
      int partBytes) {
    AppInfo app = chain.app(appId);
    if (app.mode() != TrustMode.TEE) {
      throw new InvalidInputException(
          "app " + appId + " is a " + app.mode() + " app, not a TEE app");
    }
    Bytes32 digest = new Bytes32(ArtifactDigest.of(artifact));
    if (!digest.equals(app.programDigest())) {
      throw new InvalidInputException(
          "artifact "
              + artifact
              + " has digest "
              + digest
              + ", not app "
              + appId
              + "'s programDigest "
              + app.programDigest()
              + " (upgrade the app first)");
    }
    if (LaunchConfig.parse(config).kmsPublicKey().isEmpty()) {
      throw new InvalidInputException(
          "a TEE job's launch configuration needs \"kmsPublicKey\" (the KMS the operators get the app's keys from)");
    }
    checkSimulatedMeasurement(app, new AppMeasurement(appId, digest.bytes(), config));
    TeeJobInput input = new TeeJobInput(config, secrets, appInput);
    byte[] archive = ArtifactArchive.pack(artifact);
    ProgramBlobs.Stored stored = ProgramBlobs.put(da, archive, partBytes);
    JobEnvelope envelope = new JobEnvelope(stored.key(), 1, input.encode());
    Bytes32 envelopeKey = da.put(envelope.encode()).blobKey();
    Settlement.Created c = chain.submitJob(appId, envelopeKey, envelope.digest(), maxSteps, fee);
    return new Submitted(
        c.id(), stored.key(), stored.parts(), envelopeKey, envelope.digest(), c.tx());
  }

  /**
   * The wallet a KMS derives for an app (GET /v1/apps/{id}/wallet): what the owner registers as the
   * app's signer.
   */
  public static dev.trustdial.core.crypto.Address walletFromKms(
      java.net.URI kms, BigInteger appId) {
    java.net.URI uri = kms.resolve("/v1/apps/" + appId + "/wallet");
    try (java.net.http.HttpClient http =
        java.net.http.HttpClient.newBuilder()
            .connectTimeout(java.time.Duration.ofSeconds(10))
            .build()) {
      java.net.http.HttpResponse<byte[]> r =
          http.send(
              java.net.http.HttpRequest.newBuilder(uri)
                  .timeout(java.time.Duration.ofSeconds(10))
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200 || r.body().length > 64 * 1024) {
        throw new InvalidInputException(
            "the KMS at "
                + kms
                + " answered "
                + r.statusCode()
                + " for app "
                + appId
                + "'s wallet");
      }
      return dev.trustdial.core.crypto.Address.parse(
          Json.mapper().readTree(r.body()).path("wallet").asText());
    } catch (java.io.IOException e) {
      throw new InvalidInputException("cannot reach the KMS at " + kms + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
