package dev.trustdial.node.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.ai.engine.EngineOptions;
import dev.trustdial.ai.inference.ApiException;
import dev.trustdial.ai.inference.ApiRequest;
import dev.trustdial.ai.inference.EngineBackend;
import dev.trustdial.ai.inference.Inference;
import dev.trustdial.ai.inference.InferenceResult;
import dev.trustdial.ai.inference.RequestBody;
import dev.trustdial.ai.inference.RequestLimits;
import dev.trustdial.chain.ResultCommitment;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Jobs whose program is a GGUF model (docs/spec/job-input.md, "Inference jobs"): the envelope's
 * input is an OpenAI request body, run by the deterministic engine; the output and the commitment
 * are what any re-executor gets from the same request on the same file.
 */
public final class InferenceJob {
  public static final int MAX_REQUEST_BYTES = 256 << 10;
  private static final byte[] GGUF = {'G', 'G', 'U', 'F'};
  private static final byte[] ELF = {0x7f, 'E', 'L', 'F'};

  private InferenceJob() {}

  /**
   * What one run gives: the commitment to post, the output bytes to put on DA, and the completion
   * text.
   */
  public record Outcome(ResultCommitment commitment, byte[] output, String text) {
    public Outcome {
      output = output.clone();
    }

    @Override
    public byte[] output() {
      return output.clone();
    }

    /** As the job's outcome. */
    public JobOutcome.Completed completed() {
      return new JobOutcome.Completed(commitment, output);
    }
  }

  /** Whether the program is a model (GGUF); refuses anything that is neither a model nor an ELF. */
  public static boolean isModel(byte[] program) {
    if (startsWith(program, GGUF)) {
      return true;
    }
    if (startsWith(program, ELF)) {
      return false;
    }
    throw new JobRejected(
        RejectReason.PROGRAM_NOT_RUNNABLE,
        "the job's program is neither an RV32IM ELF nor a GGUF model (it starts with "
            + dev.trustdial.core.bytes.Hex.encode(
                java.util.Arrays.copyOf(program, Math.min(4, program.length)))
            + ")");
  }

  private static JobRejected badRequest(String message) {
    return new JobRejected(RejectReason.MALFORMED_INFERENCE_REQUEST, message);
  }

  /**
   * A request the server would answer with a 4xx, as the job's rejection: the server's message,
   * quoted.
   */
  private static JobRejected refused(ApiException e) {
    return new JobRejected(
        RejectReason.MALFORMED_INFERENCE_REQUEST,
        "the inference request is refused ("
            + e.status()
            + " "
            + e.code()
            + (e.param().isEmpty() ? "" : ", " + e.param())
            + "): "
            + e.getMessage(),
        e);
  }

  private static boolean startsWith(byte[] b, byte[] prefix) {
    return b.length >= prefix.length
        && java.util.Arrays.equals(b, 0, prefix.length, prefix, 0, prefix.length);
  }

  /**
   * Runs the request in the envelope on the model. A request the engine's parser or limits refuse
   * (a 4xx of {@code trustdial ai serve}) is a {@link JobRejected} with reason 5, a model the
   * engine cannot load one with reason 4: any node gets the same.
   */
  public static Outcome run(Models models, JobProgram program) {
    // The model first: a program the engine cannot load is reason 4 whatever the request holds.
    Inference inference = models.inference(program);
    byte[] input = program.envelope().input();
    if (input.length > MAX_REQUEST_BYTES) {
      throw badRequest(
          "an inference job's request is "
              + input.length
              + " bytes, above the "
              + MAX_REQUEST_BYTES
              + "-byte limit");
    }
    JsonNode body;
    try {
      // The same reader as a POST to `trustdial ai serve`: duplicate keys, depth, size and bad text
      // refused alike.
      body = RequestBody.parse(input, MAX_REQUEST_BYTES);
    } catch (ApiException e) {
      throw refused(e);
    }
    if (!body.isObject()) {
      throw badRequest("an inference job's input must be a JSON object (an OpenAI request body)");
    }
    if (body.path("stream").asBoolean(false)) {
      throw badRequest("an inference job cannot stream: drop 'stream'");
    }
    if (!body.has("model")) {
      // The app pins the model file by digest; the request may leave the name to the engine.
      ((ObjectNode) body).put("model", inference.backend().modelName());
    }
    String endpoint = body.has("messages") ? ApiRequest.CHAT_ENDPOINT : ApiRequest.TEXT_ENDPOINT;
    InferenceResult c;
    try {
      c = inference.run(inference.parse(endpoint, body));
    } catch (ApiException e) {
      if (e.status() >= 500) {
        throw e; // the engine's trouble, not the request's
      }
      throw refused(e);
    }
    byte[] output = c.outputDocument(inference.backend().fileSha256());
    return new Outcome(
        new ResultCommitment(
            Hashes.keccak256(output),
            c.outputTokensHash(),
            c.outputTokens().length,
            c.promptTokensHash()),
        output,
        c.text());
  }

  /**
   * The models a node has loaded, by program digest: each is written once to the node's data dir
   * (the engine memory-maps files) and kept loaded; at most {@link #MAX_LOADED} at a time.
   */
  public static final class Models implements AutoCloseable {
    static final int MAX_LOADED = 2;
    private final Path dir;
    private final Map<Bytes32, Inference> loaded = new LinkedHashMap<>(4, 0.75f, true);

    public Models(Path dir) {
      this.dir = dir;
    }

    synchronized Inference inference(JobProgram program) {
      Inference cached = loaded.get(program.programDigest());
      if (cached != null) {
        return cached;
      }
      Path file = dir.resolve(program.programDigest().toHex().substring(2) + ".gguf");
      try {
        Files.createDirectories(dir);
        if (!Files.isRegularFile(file)) {
          Path tmp = Files.createTempFile(dir, "model", ".part");
          Files.write(tmp, program.elf());
          Files.move(
              tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the model to " + file, e);
      }
      EngineBackend backend;
      try {
        backend = EngineBackend.load(file, Optional.empty(), EngineOptions.defaults());
      } catch (InvalidInputException e) {
        throw new JobRejected(
            RejectReason.PROGRAM_NOT_RUNNABLE,
            "the job's GGUF program is not a model the engine runs: " + e.getMessage(),
            e);
      }
      // A request without a seed runs with seed 0, so that every node computes the same completion.
      Inference inference = new Inference(backend, RequestLimits.defaults(), () -> 0);
      if (loaded.size() >= MAX_LOADED) {
        var eldest = loaded.entrySet().iterator().next();
        eldest.getValue().backend().close();
        loaded.remove(eldest.getKey());
      }
      loaded.put(program.programDigest(), inference);
      return inference;
    }

    @Override
    public synchronized void close() {
      loaded.values().forEach(i -> i.backend().close());
      loaded.clear();
    }
  }
}
