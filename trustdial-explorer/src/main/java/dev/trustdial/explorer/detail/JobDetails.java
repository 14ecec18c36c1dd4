package dev.trustdial.explorer.detail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.ai.engine.EngineOptions;
import dev.trustdial.ai.inference.ApiException;
import dev.trustdial.ai.inference.ApiRequest;
import dev.trustdial.ai.inference.EngineBackend;
import dev.trustdial.ai.inference.Inference;
import dev.trustdial.ai.inference.InferenceResult;
import dev.trustdial.ai.inference.RequestLimits;
import dev.trustdial.ai.receipt.TokenHashes;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.core.job.JobEnvelope;
import dev.trustdial.core.job.ProgramPartList;
import dev.trustdial.core.json.Json;
import dev.trustdial.da.DataAvailability;
import dev.trustdial.explorer.store.AppRow;
import dev.trustdial.explorer.store.EventRow;
import dev.trustdial.explorer.store.JobRow;
import dev.trustdial.tee.answer.SignedAnswer;
import dev.trustdial.tee.attest.AttestationPolicy;
import dev.trustdial.tee.attest.TrustAnchors;
import dev.trustdial.tee.job.TeeJobInput;
import dev.trustdial.tee.kms.AppPolicy;
import dev.trustdial.tee.runtime.LaunchConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;

/**
 * Reads a job's detail from DA and the chain: the envelope of its input blob, its program's kind,
 * its output blob checked against the onchain commitment; for inference jobs it re-executes the
 * request on the app's model, one run at a time, under a model size limit and a time limit.
 */
public final class JobDetails {
  /**
   * Envelope bytes read for display (the spec allows 15 MiB of input; a page shows at most this).
   */
  public static final int MAX_ENVELOPE_BYTES = 16 << 20;

  /** An inference job's request, as the node enforces it. */
  public static final int MAX_REQUEST_BYTES = 256 << 10;

  /** Output bytes read (the node writes at most 15 MiB). */
  public static final int MAX_OUTPUT_BYTES = 16 << 20;

  /** Programs whose kind is remembered (by blob key). */
  static final int KIND_CACHE = 256;

  private static final byte[] GGUF = {'G', 'G', 'U', 'F'};
  private static final byte[] ELF = {0x7f, 'E', 'L', 'F'};
  private static final ObjectMapper JSON = Json.mapper();

  /**
   * @param maxModelBytes the largest model file a re-execution fetches and loads
   * @param timeout how long one re-execution may generate before it is stopped
   */
  public record Limits(long maxModelBytes, Duration timeout) {
    public static final Limits DEFAULT = new Limits(64L << 20, Duration.ofSeconds(60));

    public Limits {
      if (maxModelBytes < 1 || maxModelBytes > (512L << 20)) {
        throw new InvalidInputException(
            "the re-execution model limit must be within 1 byte .. 512 MiB, got " + maxModelBytes);
      }
      if (timeout.isNegative()
          || timeout.isZero()
          || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new InvalidInputException(
            "the re-execution timeout must be within 0 .. 10 min, got " + timeout);
      }
    }
  }

  private enum ProgramKind {
    ELF,
    GGUF,
    OTHER
  }

  private final Optional<DataAvailability> da;
  private final AppChainView apps;
  private final Limits limits;
  private final List<X509Certificate> simulationRoots;
  private final Semaphore oneAtATime = new Semaphore(1);
  private final Map<Bytes32, ProgramKind> kinds =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Bytes32, ProgramKind> eldest) {
          return size() > KIND_CACHE;
        }
      };

  public JobDetails(Optional<DataAvailability> da, AppChainView apps, Limits limits) {
    this(da, apps, limits, List.of());
  }

  /**
   * @param simulationRoots roots of simulated TEE installs whose (INSECURE, dev-only) evidence a
   *     TEE job's answer check accepts, as {@code trustdial tee verify-answer --simulation-root}
   *     does; empty: pinned hardware roots only
   */
  public JobDetails(
      Optional<DataAvailability> da,
      AppChainView apps,
      Limits limits,
      List<X509Certificate> simulationRoots) {
    this.da = da;
    this.apps = apps;
    this.limits = limits;
    this.simulationRoots = List.copyOf(simulationRoots);
  }

  public Limits limits() {
    return limits;
  }

  /**
   * The job's detail; what cannot be read is an {@link JobDetail.Unavailable} with the reason,
   * never an exception.
   */
  public JobDetail detail(JobRow job, AppRow app, List<EventRow> timeline) {
    if (!app.mode().equals("TEE") && !app.mode().startsWith("REEXEC")) {
      return new JobDetail.Plain(
          "a " + app.mode() + " job: its timeline, blobs and disputes are the whole record");
    }
    if (da.isEmpty()) {
      return new JobDetail.Unavailable(
          "this explorer has no DA client, so the job's envelope and output cannot be read");
    }
    try {
      JobEnvelope envelope = envelope(fetch(job.inputBlob(), MAX_ENVELOPE_BYTES, "input envelope"));
      Optional<JobDetail.Commitment> onchain = commitment(timeline);
      if (app.mode().equals("TEE")) {
        return tee(app, envelope, onchain);
      }
      return switch (kind(envelope.programBlobKey())) {
        case ELF ->
            new JobDetail.Plain(
                "an RV32IM program: its checkpoints, output blob and disputes are shown above");
        case OTHER ->
            new JobDetail.Unavailable(
                "the job's program is neither an ELF nor a GGUF model (its outcome is 'rejected', r=4)");
        case GGUF -> inference(envelope, onchain);
      };
    } catch (DetailException e) {
      return new JobDetail.Unavailable(e.getMessage());
    }
  }

  // ------------------------------------------------------------------ inference

  private JobDetail.Inference inference(
      JobEnvelope envelope, Optional<JobDetail.Commitment> onchain) {
    List<String> notes = new ArrayList<>();
    byte[] input = envelope.input();
    JsonNode request = parseJson(input, MAX_REQUEST_BYTES, "the inference request").orElse(null);
    String endpoint =
        request != null && request.has("messages")
            ? ApiRequest.CHAT_ENDPOINT
            : ApiRequest.TEXT_ENDPOINT;
    if (request == null) {
      notes.add(
          "the request is not a JSON object of at most "
              + MAX_REQUEST_BYTES
              + " bytes: the job's outcome is 'rejected', r=5");
    }
    Optional<JobDetail.Completion> completion = Optional.empty();
    if (onchain.isEmpty()) {
      notes.add("no result is onchain yet");
    } else if (Bytes32.fromHex(onchain.get().outputBlobKey()).equals(Bytes32.ZERO)) {
      notes.add(
          "the result has no output blob: "
              + outcomeName(onchain.get().outputHash())
                  .orElse("an outcome record (docs/spec/job-input.md)"));
    } else {
      try {
        completion =
            Optional.of(
                completion(
                    fetch(onchain.get().outputBlobKey(), MAX_OUTPUT_BYTES, "output"),
                    onchain.get()));
      } catch (DetailException e) {
        notes.add(e.getMessage());
      }
    }
    JsonNode forSampling = completion.map(JobDetail.Completion::canonicalRequest).orElse(request);
    Optional<JobDetail.Sampling> sampling =
        Optional.ofNullable(forSampling)
            .map(r ->
                new JobDetail.Sampling(
                    num(r, "temperature").map(Number::doubleValue),
                    num(r, "top_p").map(Number::doubleValue),
                    num(r, "seed").map(Number::longValue),
                    num(r, "max_tokens")
                        .or(() -> num(r, "max_completion_tokens"))
                        .map(Number::longValue)));
    if (request != null && !request.has("seed")) {
      notes.add("the request gives no seed: a job runs it with seed 0");
    }
    return new JobDetail.Inference(
        envelope.programBlobKey().toHex(),
        endpoint,
        request == null ? JSON.nullNode() : request,
        sampling,
        onchain,
        completion,
        notes);
  }

  private static JobDetail.Completion completion(byte[] output, JobDetail.Commitment c) {
    JsonNode o =
        parseJson(output, MAX_OUTPUT_BYTES, "the output blob")
            .orElseThrow(() -> new DetailException("the output blob is not a JSON object"));
    JsonNode ids = o.path("output_tokens");
    if (!ids.isArray() || !o.path("text").isTextual()) {
      throw new DetailException(
          "the output blob lacks 'output_tokens' or 'text' (docs/spec/job-input.md, inference output)");
    }
    int[] tokens = new int[ids.size()];
    for (int i = 0; i < tokens.length; i++) {
      if (!ids.get(i).canConvertToInt() || ids.get(i).asInt() < 0) {
        throw new DetailException("output token " + i + " is not a token id");
      }
      tokens[i] = ids.get(i).asInt();
    }
    return new JobDetail.Completion(
        o.path("text").asText(),
        o.path("finish_reason").asText(""),
        o.path("model_sha256").asText(""),
        tokens.length,
        o.path("prompt_tokens_hash").asText(""),
        o.path("request"),
        Hashes.keccak256(output).toHex().equals(c.outputHash()),
        TokenHashes.tokens(tokens).toHex().equals(c.finalStateHash()),
        tokens.length == c.stepCount(),
        o.path("prompt_tokens_hash").asText("").equals(c.checkpointRoot()));
  }

  /**
   * Re-runs an inference job's request on the app's model and compares the commitment with the
   * operator's. Refused (4xx) when there is nothing to compare, the job is not an inference job,
   * the model is over the size limit, or another re-execution is running.
   */
  public Reexecution reexecute(JobRow job, AppRow app, List<EventRow> timeline) {
    DataAvailability d =
        da.orElseThrow(() ->
            new InvalidInputException(
                "this explorer has no DA client: it cannot fetch the job's model"));
    if (!app.mode().startsWith("REEXEC")) {
      throw new InvalidInputException(
          "job "
              + job.jobId()
              + " is a "
              + app.mode()
              + " job; only inference jobs can be re-executed here");
    }
    JobDetail.Commitment onchain =
        commitment(timeline)
            .orElseThrow(() ->
                new InvalidInputException(
                    "job "
                        + job.jobId()
                        + " has no result onchain yet: there is nothing to compare a re-execution with"));
    if (!oneAtATime.tryAcquire()) {
      throw new ReexecutionBusyException(
          "another re-execution is running (the explorer runs one at a time); try again when it ends");
    }
    long t0 = System.nanoTime();
    Path file = null;
    try {
      JobEnvelope envelope =
          refusing(() -> envelope(fetch(d, job.inputBlob(), MAX_ENVELOPE_BYTES, "input envelope")));
      byte[] model = refusing(() -> model(d, envelope.programBlobKey()));
      if (!startsWith(model, GGUF)) {
        throw new InvalidInputException(
            "job " + job.jobId() + " is not an inference job: its program is not a GGUF model");
      }
      if (!Hashes.keccak256(model).toHex().equals(Bytes32.fromHex(app.programDigest()).toHex())) {
        return compare(
            job,
            onchain,
            rejected(1),
            "the model does not hash to the app's programDigest: the outcome is 'rejected', r=1",
            t0,
            model);
      }
      file = Files.createTempFile("trustdial-explorer-model", ".gguf");
      Files.write(file, model);
      EngineBackend backend;
      try {
        backend = EngineBackend.load(file, Optional.empty(), EngineOptions.defaults());
      } catch (InvalidInputException e) {
        return compare(
            job,
            onchain,
            rejected(4),
            "the engine cannot load the model ("
                + e.getMessage()
                + "): the outcome is 'rejected', r=4",
            t0,
            model);
      }
      try {
        return run(
            job,
            onchain,
            new Inference(backend, RequestLimits.defaults(), () -> 0),
            envelope.input(),
            t0,
            model);
      } finally {
        backend.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the model to a temporary file", e);
    } finally {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException e) {
          // A leftover temp file is harmless; the result stands.
        }
      }
      oneAtATime.release();
    }
  }

  private Reexecution run(
      JobRow job,
      JobDetail.Commitment onchain,
      Inference inference,
      byte[] input,
      long t0,
      byte[] model) {
    Optional<JsonNode> parsed =
        input.length > MAX_REQUEST_BYTES
            ? Optional.empty()
            : parseJson(input, MAX_REQUEST_BYTES, "the request");
    if (parsed.isEmpty() || parsed.get().path("stream").asBoolean(false)) {
      return compare(
          job,
          onchain,
          rejected(5),
          "the request is not a non-streaming JSON object: the outcome is 'rejected', r=5",
          t0,
          model);
    }
    ObjectNode body = (ObjectNode) parsed.get();
    if (!body.has("model")) {
      body.put(
          "model",
          inference
              .backend()
              .modelName()); // the app pins the file; the request may leave out its name
    }
    String endpoint = body.has("messages") ? ApiRequest.CHAT_ENDPOINT : ApiRequest.TEXT_ENDPOINT;
    long deadline = System.nanoTime() + limits.timeout().toNanos();
    InferenceResult c;
    try {
      c =
          inference.run(
              inference.parse(endpoint, body), (text, logprobs) -> System.nanoTime() < deadline);
    } catch (Inference.ReaderGoneException e) {
      return new Reexecution(
          job.jobId(),
          "TIMED_OUT",
          onchain,
          Optional.empty(),
          Optional.empty(),
          0,
          model.length,
          millis(t0),
          Optional.of(
              "stopped after the explorer's "
                  + limits.timeout().toSeconds()
                  + " s limit; run `trustdial ai verify` for long jobs"));
    } catch (ApiException e) {
      if (e.status() >= 500) {
        throw e;
      }
      return compare(
          job,
          onchain,
          rejected(5),
          "the engine refuses the request ("
              + e.status()
              + " "
              + e.code()
              + "): "
              + e.getMessage()
              + "; the outcome is 'rejected', r=5",
          t0,
          model);
    }
    JobDetail.Commitment mine =
        new JobDetail.Commitment(
            Hashes.keccak256(c.outputDocument(inference.backend().fileSha256())).toHex(),
            c.outputTokensHash().toHex(),
            c.outputTokens().length,
            c.promptTokensHash().toHex(),
            onchain.outputBlobKey());
    boolean same = sameCommitment(mine, onchain);
    return new Reexecution(
        job.jobId(),
        same ? "MATCH" : "MISMATCH",
        onchain,
        Optional.of(mine),
        Optional.of(c.text()),
        c.outputTokens().length,
        model.length,
        millis(t0),
        Optional.empty());
  }

  private static Reexecution compare(
      JobRow job,
      JobDetail.Commitment onchain,
      JobDetail.Commitment mine,
      String note,
      long t0,
      byte[] model) {
    return new Reexecution(
        job.jobId(),
        sameCommitment(mine, onchain) ? "MATCH" : "MISMATCH",
        onchain,
        Optional.of(mine),
        Optional.empty(),
        0,
        model.length,
        millis(t0),
        Optional.of(note));
  }

  private static boolean sameCommitment(JobDetail.Commitment a, JobDetail.Commitment b) {
    return a.outputHash().equals(b.outputHash())
        && a.finalStateHash().equals(b.finalStateHash())
        && a.stepCount() == b.stepCount()
        && a.checkpointRoot().equals(b.checkpointRoot());
  }

  /** The commitment of a rejected job (docs/spec/job-input.md, "Rejected job"). */
  static JobDetail.Commitment rejected(int reason) {
    return new JobDetail.Commitment(
        rejectedHash(reason).toHex(),
        Bytes32.ZERO.toHex(),
        0,
        Bytes32.ZERO.toHex(),
        Bytes32.ZERO.toHex());
  }

  private static Bytes32 rejectedHash(int reason) {
    return Hashes.keccak256(
        "trustdial-outcome-rejected-v1".getBytes(StandardCharsets.US_ASCII),
        new byte[] {(byte) reason});
  }

  /** Names an outputHash that is a rejected outcome of the spec. */
  static Optional<String> outcomeName(String outputHash) {
    for (int r = 1; r <= 5; r++) {
      if (rejectedHash(r).toHex().equals(outputHash)) {
        return Optional.of("the outcome 'rejected', r=" + r + " (docs/spec/job-input.md)");
      }
    }
    return Optional.empty();
  }

  /**
   * The model bytes: one blob, or a part list whose length is checked against the limit before any
   * part is fetched.
   */
  private byte[] model(DataAvailability d, Bytes32 key) {
    byte[] first = fetch(d, key.toHex(), MAX_OUTPUT_BYTES, "program");
    if (!ProgramPartList.isPartList(first)) {
      if (first.length > limits.maxModelBytes()) {
        throw modelTooLarge(first.length);
      }
      return first;
    }
    ProgramPartList parts = partList(first);
    if (parts.totalLength() > limits.maxModelBytes()) {
      throw modelTooLarge(parts.totalLength());
    }
    ByteArrayOutputStream all = new ByteArrayOutputStream((int) parts.totalLength());
    for (Bytes32 p : parts.parts()) {
      all.writeBytes(fetch(d, p.toHex(), MAX_OUTPUT_BYTES, "program part"));
      if (all.size() > parts.totalLength()) {
        throw new DetailException(
            "the program's parts add up to more than the "
                + parts.totalLength()
                + " bytes their list names");
      }
    }
    byte[] model = all.toByteArray();
    if (model.length != parts.totalLength() || !Hashes.keccak256(model).equals(parts.digest())) {
      throw new DetailException(
          "the program's parts do not add up to the length and keccak256 their list names (the outcome is 'rejected', r=1)");
    }
    return model;
  }

  private InvalidInputException modelTooLarge(long bytes) {
    return new InvalidInputException(
        "the job's model is "
            + bytes
            + " bytes, over this explorer's re-execution limit of "
            + limits.maxModelBytes()
            + " bytes; re-execute it with `trustdial ai verify` on a machine that holds it");
  }

  private static <T> T refusing(java.util.function.Supplier<T> read) {
    try {
      return read.get();
    } catch (DetailException e) {
      throw new InvalidInputException("cannot re-execute: " + e.getMessage());
    }
  }

  // ------------------------------------------------------------------ TEE

  private JobDetail.Tee tee(
      AppRow app, JobEnvelope envelope, Optional<JobDetail.Commitment> onchain) {
    List<String> notes = new ArrayList<>();
    Optional<JsonNode> config = Optional.empty();
    List<JobDetail.SecretName> secrets = List.of();
    int appInputBytes = 0;
    Optional<String> appInputText = Optional.empty();
    try {
      TeeJobInput in = teeInput(envelope.input());
      config = parseJson(in.config().toArray(), LaunchConfig.MAX_BYTES, "the launch configuration");
      secrets =
          in.secrets().stream()
              .map(x -> new JobDetail.SecretName(x.name(), x.ciphertext().length()))
              .toList();
      appInputBytes = in.appInput().length();
      appInputText = utf8(in.appInput().toArray(), 4096);
    } catch (DetailException e) {
      notes.add(e.getMessage());
    }
    Optional<Address> signer = Optional.empty();
    Optional<JobDetail.Policy> policy = Optional.empty();
    Optional<AppPolicy> appPolicy = Optional.empty();
    try {
      signer = apps.teeSigner(app.appId());
      byte[] p = apps.policy(app.appId());
      if (p.length == 0) {
        notes.add("the app has no policy onchain");
      } else {
        AppPolicy decoded = AppPolicy.decode(p);
        appPolicy = Optional.of(decoded);
        policy =
            Optional.of(
                new JobDetail.Policy(
                    p.length,
                    decoded.allowDebug(),
                    decoded.allowSimulated(),
                    decoded.worstTcb().name(),
                    decoded.allowed().stream()
                        .map(a ->
                            a.platform()
                                + " "
                                + String.join(
                                    ", ",
                                    a.registers().stream()
                                        .map(r -> r.name() + "=" + r.value().toBareHex())
                                        .toList()))
                        .toList()));
      }
    } catch (DetailException | IllegalArgumentException e) {
      notes.add("app state: " + e.getMessage());
    }
    Optional<JobDetail.Answer> answer = Optional.empty();
    Optional<JsonNode> failure = Optional.empty();
    if (onchain.isEmpty()) {
      notes.add("no result is onchain yet");
    } else if (Bytes32.fromHex(onchain.get().outputBlobKey()).equals(Bytes32.ZERO)) {
      notes.add("the result has no output blob");
    } else {
      try {
        byte[] out = fetch(onchain.get().outputBlobKey(), SignedAnswer.MAX_BUNDLE, "output");
        if (!Hashes.keccak256(out).toHex().equals(onchain.get().outputHash())) {
          notes.add("the output blob does NOT hash to the committed outputHash");
        }
        JsonNode o =
            parseJson(out, SignedAnswer.MAX_BUNDLE, "the output")
                .orElseThrow(() -> new DetailException("the output is not a JSON object"));
        if (o.path("appFailed").asBoolean(false)) {
          failure = Optional.of(o);
        } else {
          answer = Optional.of(answer(out, appPolicy, signer, simulationRoots));
        }
      } catch (DetailException e) {
        notes.add(e.getMessage());
      }
    }
    notes.add(
        simulationRoots.isEmpty()
            ? "the evidence is checked against the pinned hardware roots only: simulated (devnet) evidence fails"
                + " that check, as no simulation root was given to this explorer"
            : "simulated evidence is accepted under "
                + simulationRoots.size()
                + " configured simulation root(s): INSECURE, dev only");
    return new JobDetail.Tee(
        envelope.programBlobKey().toHex(),
        config,
        secrets,
        appInputBytes,
        appInputText,
        signer,
        policy,
        onchain,
        answer,
        failure,
        notes);
  }

  private static JobDetail.Answer answer(
      byte[] bundle,
      Optional<AppPolicy> policy,
      Optional<Address> signer,
      List<X509Certificate> roots) {
    SignedAnswer a;
    try {
      a = SignedAnswer.fromJson(bundle);
    } catch (InvalidInputException | IllegalArgumentException e) {
      throw new DetailException("the output is not a signed answer bundle: " + e.getMessage());
    }
    TrustAnchors anchors =
        roots.isEmpty() ? TrustAnchors.pinned() : TrustAnchors.pinned().withSimulationRoots(roots);
    AttestationPolicy attestation =
        roots.isEmpty()
            ? AttestationPolicy.standard()
            : AttestationPolicy.standard().allowingSimulated();
    SignedAnswer.Check c = a.verify(anchors, attestation, Instant.now(), policy, Optional.empty());
    boolean simulated =
        c.verdict()
            .map(v -> v.simulated())
            .orElseGet(() -> c.failure().orElse("").toLowerCase().contains("simulat"));
    return new JobDetail.Answer(
        a.answer(),
        a.wallet(),
        simulated,
        signer.map(s -> s.equals(a.wallet())).orElse(false),
        c.valid(),
        c.failure(),
        c.checks(),
        c.entries().stream()
            .map(e ->
                new JobDetail.Fetch(
                    e.index(),
                    e.time().toString(),
                    e.url(),
                    e.status(),
                    Hex.encodeBare(e.bodySha256().bytes())))
            .toList(),
        c.verdict().map(v -> v.platform().toString()));
  }

  // ------------------------------------------------------------------ reading

  private byte[] fetch(String key, int max, String what) {
    return fetch(da.orElseThrow(), key, max, what);
  }

  private static byte[] fetch(DataAvailability d, String key, int max, String what) {
    byte[] b;
    try {
      b = d.get(Bytes32.fromHex(key));
    } catch (RuntimeException e) {
      throw new DetailException(
          "DA did not return the " + what + " blob " + key + ": " + e.getMessage());
    }
    if (b.length > max) {
      throw new DetailException(
          "the "
              + what
              + " blob is "
              + b.length
              + " bytes, over the "
              + max
              + " the explorer reads");
    }
    return b;
  }

  /** The input blob as a TDJOBIN1 envelope (the shared reader of docs/spec/job-input.md). */
  static JobEnvelope envelope(byte[] blob) {
    try {
      return JobEnvelope.decode(blob);
    } catch (InvalidInputException e) {
      throw new DetailException("the input blob is not a job envelope: " + e.getMessage());
    }
  }

  /** A TEE job's envelope input as a TDTEEJB1 record. */
  static TeeJobInput teeInput(byte[] input) {
    try {
      return TeeJobInput.decode(input);
    } catch (InvalidInputException e) {
      throw new DetailException("the TEE job's input is not a TDTEEJB1 record: " + e.getMessage());
    }
  }

  private static ProgramPartList partList(byte[] blob) {
    try {
      return ProgramPartList.decode(blob);
    } catch (InvalidInputException e) {
      throw new DetailException(
          "the program blob is a malformed part list (the outcome is 'rejected', r=1): "
              + e.getMessage());
    }
  }

  private ProgramKind kind(Bytes32 programKey) {
    synchronized (kinds) {
      ProgramKind k = kinds.get(programKey);
      if (k != null) {
        return k;
      }
    }
    byte[] head = fetch(programKey.toHex(), MAX_OUTPUT_BYTES, "program");
    if (ProgramPartList.isPartList(head)) {
      head =
          fetch(partList(head).parts().getFirst().toHex(), MAX_OUTPUT_BYTES, "first program part");
    }
    ProgramKind k =
        startsWith(head, GGUF)
            ? ProgramKind.GGUF
            : startsWith(head, ELF) ? ProgramKind.ELF : ProgramKind.OTHER;
    synchronized (kinds) {
      kinds.put(programKey, k);
    }
    return k;
  }

  /**
   * The commitment of the job's latest result (a takeover or a re-queue can post more than one).
   */
  static Optional<JobDetail.Commitment> commitment(List<EventRow> timeline) {
    for (int i = timeline.size() - 1; i >= 0; i--) {
      EventRow e = timeline.get(i);
      if (e.kind().equals("ResultSubmitted") && e.fields().get("result") instanceof Map<?, ?> r) {
        return Optional.of(
            new JobDetail.Commitment(
                String.valueOf(r.get("outputHash")),
                String.valueOf(r.get("finalStateHash")),
                ((Number) r.get("stepCount")).longValue(),
                String.valueOf(r.get("checkpointRoot")),
                String.valueOf(e.fields().get("outputBlobKey"))));
      }
    }
    return Optional.empty();
  }

  private static Optional<JsonNode> parseJson(byte[] b, int max, String what) {
    if (b.length > max) {
      return Optional.empty();
    }
    try {
      JsonNode n = JSON.readTree(b);
      return n != null && n.isObject() ? Optional.of(n) : Optional.empty();
    } catch (JsonProcessingException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + what, e);
    }
  }

  private static Optional<Number> num(JsonNode n, String field) {
    return n.path(field).isNumber() ? Optional.of(n.path(field).numberValue()) : Optional.empty();
  }

  private static Optional<String> utf8(byte[] b, int max) {
    if (b.length > max) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(b)).toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }

  private static boolean startsWith(byte[] b, byte[] prefix) {
    return b.length >= prefix.length
        && Arrays.equals(b, 0, prefix.length, prefix, 0, prefix.length);
  }

  private static long millis(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }
}
