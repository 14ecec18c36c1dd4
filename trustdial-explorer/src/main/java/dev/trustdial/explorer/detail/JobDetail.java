package dev.trustdial.explorer.detail;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.trustdial.core.crypto.Address;
import java.util.List;
import java.util.Optional;

/**
 * What the chain and DA hold about a job beyond its events, by the kind of program it runs. Every
 * variant says what could not be read and why instead of leaving it out silently.
 */
public sealed interface JobDetail {
  @JsonProperty("kind")
  String kind();

  /** The result commitment the job's latest {@code ResultSubmitted} event carries. */
  record Commitment(
      String outputHash,
      String finalStateHash,
      long stepCount,
      String checkpointRoot,
      String outputBlobKey) {}

  /**
   * A plain RV32IM job (its timeline and blobs are the whole story) or a mode without extra detail.
   */
  record Plain(String reason) implements JobDetail {
    @Override
    public String kind() {
      return "plain";
    }
  }

  /** The detail could not be read: no DA client, a blob DA did not return, a malformed envelope. */
  record Unavailable(String reason) implements JobDetail {
    @Override
    public String kind() {
      return "unavailable";
    }
  }

  /**
   * An inference job: the OpenAI request in its envelope, the completion from its output blob and
   * whether that output hashes to what the operator committed onchain.
   */
  record Inference(
      String programBlobKey,
      String endpoint,
      JsonNode request,
      Optional<Sampling> sampling,
      Optional<Commitment> onchain,
      Optional<Completion> completion,
      List<String> notes)
      implements JobDetail {
    public Inference {
      notes = List.copyOf(notes);
    }

    @Override
    public String kind() {
      return "inference";
    }
  }

  /**
   * The sampling parameters of the canonical request (defaults resolved by the engine that ran it).
   */
  record Sampling(
      Optional<Double> temperature,
      Optional<Double> topP,
      Optional<Long> seed,
      Optional<Long> maxTokens) {}

  /**
   * The job's output bytes (docs/spec/job-input.md): the completion and its token hashes, each
   * checked against the onchain commitment.
   */
  record Completion(
      String text,
      String finishReason,
      String modelSha256,
      int outputTokens,
      String promptTokensHash,
      JsonNode canonicalRequest,
      boolean outputHashMatches,
      boolean tokensHashMatches,
      boolean tokenCountMatches,
      boolean promptHashMatches) {}

  /**
   * A TEE job: the launch configuration and secret names of its input, the app's onchain signer and
   * policy, and the signed answer bundle (or the failure record) its output holds, with the verdict
   * of trustdial-tee's answer check where it could run.
   */
  record Tee(
      String artifactBlobKey,
      Optional<JsonNode> launchConfig,
      List<SecretName> secrets,
      int appInputBytes,
      Optional<String> appInputText,
      Optional<Address> signer,
      Optional<Policy> policy,
      Optional<Commitment> onchain,
      Optional<Answer> answer,
      Optional<JsonNode> failureRecord,
      List<String> notes)
      implements JobDetail {
    public Tee {
      secrets = List.copyOf(secrets);
      notes = List.copyOf(notes);
    }

    @Override
    public String kind() {
      return "tee";
    }
  }

  /** A secret of the TEE job's input by name and ciphertext size (only the KMS can open it). */
  record SecretName(String name, int ciphertextBytes) {}

  /** The app's measurement policy as AppRegistry holds it (tee-runtime.md §5.4). */
  record Policy(
      int bytes,
      boolean allowDebug,
      boolean allowSimulated,
      String worstTcb,
      List<String> allowed) {}

  /** One transcript entry of the answer bundle (tee-runtime.md §4). */
  record Fetch(long index, String time, String url, int status, String bodySha256) {}

  /** The answer bundle of the job's output, and trustdial-tee's check of it. */
  record Answer(
      String answer,
      Address wallet,
      boolean simulated,
      boolean walletIsAppSigner,
      boolean valid,
      Optional<String> failure,
      List<String> checks,
      List<Fetch> transcript,
      Optional<String> platform) {}
}
