package dev.trustdial.ai.engine;

import dev.trustdial.ai.kernel.JavaKernels;
import dev.trustdial.ai.kernel.LayerOps;
import dev.trustdial.ai.kernel.MatmulKernels;
import dev.trustdial.ai.kernel.NativeKernels;
import dev.trustdial.ai.kernel.RowParallel;
import dev.trustdial.ai.model.LoadedModel;
import dev.trustdial.ai.model.ModelConfig;
import dev.trustdial.ai.model.ModelLoader;
import dev.trustdial.core.InvalidInputException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deterministic inference engine: loads a GGUF or llama2.c model and generates tokens whose
 * bits depend only on the model file, the request and the {@link DeterminismProfile}. generate() is
 * thread-safe; concurrent calls are batched together by one scheduler thread.
 */
public final class Engine implements AutoCloseable {
  /**
   * Names the reduction scheme of docs/spec/determinism.md for the llama, qwen2 and qwen3 models it
   * first defined; bump on any change to a kernel's bits. A model that needs the family rules of
   * version 2 reports {@link DeterminismProfile#V2} instead ({@link DeterminismProfile#of}).
   */
  public static final String DETERMINISM_PROFILE = DeterminismProfile.V1;

  /**
   * Upper bound on one request's KV cache (keys and values of every layer), so no request can
   * exhaust the heap.
   */
  public static final long MAX_KV_BYTES_PER_REQUEST = 1L << 30;

  /**
   * Reported instead when the engine runs the benchmark-only {@link
   * EngineOptions.Profile#RELAXED_BASELINE}.
   */
  public static final String RELAXED_PROFILE = "relaxed-not-deterministic";

  private static final Logger log = LoggerFactory.getLogger(Engine.class);

  private final LoadedModel model;
  private final ModelInfo info;
  private final RowParallel parallel;
  private final Scheduler scheduler;
  private final String kernelName;

  private Engine(LoadedModel model, EngineOptions options) {
    this.model = model;
    ModelConfig c = model.config();
    boolean relaxed = options.profile() == EngineOptions.Profile.RELAXED_BASELINE;
    this.info =
        new ModelInfo(
            c.name(),
            c.architecture().ggufName(),
            c.contextLength(),
            c.vocabSize(),
            model.fileSha256(),
            relaxed ? RELAXED_PROFILE : DeterminismProfile.of(c, model.weights()),
            model.metadata());
    if (relaxed) {
      log.warn("determinism rules are OFF (benchmark baseline); outputs are not reproducible");
    }
    this.parallel = new RowParallel(options.threads());
    JavaKernels java = JavaKernels.best();
    LayerOps ops = relaxed ? LayerOps.relaxed() : LayerOps.canonical();
    MatmulKernels kernels =
        !options.nativeKernels()
            ? java
            : (relaxed
                    ? NativeKernels.load(NativeKernels.Variant.RELAXED_BASELINE)
                    : NativeKernels.load())
                .<MatmulKernels>map(k -> k)
                .orElse(java);
    this.kernelName = kernels.name();
    this.scheduler =
        new Scheduler(
            new Transformer(c, model.weights(), kernels, java, ops, parallel, options.observer()),
            ops,
            c.vocabSize(),
            c.kvDim(),
            options);
    log.info(
        "loaded {} ({}, {} layers, dim {}, vocab {}) with {} kernels on {} threads",
        c.name(),
        c.architecture().ggufName(),
        c.layers(),
        c.dim(),
        c.vocabSize(),
        kernelName,
        options.threads());
  }

  /**
   * Loads a .gguf or llama2.c .bin model file. Bad files raise InvalidInputException naming the
   * problem.
   */
  public static Engine load(Path modelFile, EngineOptions options) {
    LoadedModel model = ModelLoader.load(modelFile);
    try {
      return new Engine(model, options);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  public ModelInfo info() {
    return info;
  }

  /** Which matmul kernels run (e.g. "native-avx512vnni", "java-vector-512"). */
  public String kernelName() {
    return kernelName;
  }

  /**
   * Requests so far that reused the KV cache of an earlier prompt prefix (for tests and metrics).
   */
  public long prefixCacheHits() {
    return scheduler.prefixCacheHits();
  }

  /** Runs one completion, streaming tokens to {@code sink}; blocks until it ends. */
  public GenerationResult generate(GenerationRequest request, TokenSink sink) {
    int[] prompt = request.promptTokens();
    checkPrompt(prompt);
    ModelConfig c = model.config();
    if (request.maxTokens() < 1 || request.maxTokens() > c.contextLength()) {
      throw new InvalidInputException(
          "max_tokens must be 1.." + c.contextLength() + ", got " + request.maxTokens());
    }
    if (request.topLogprobs() < 0 || request.topLogprobs() > GenerationRequest.MAX_TOP_LOGPROBS) {
      throw new InvalidInputException(
          "top_logprobs must be 0.."
              + GenerationRequest.MAX_TOP_LOGPROBS
              + ", got "
              + request.topLogprobs());
    }
    for (int t : request.stopTokens()) {
      checkToken(t, "stop token");
    }
    int capacity = (int) Math.min(c.contextLength(), (long) prompt.length + request.maxTokens());
    long kvBytes = 2L * Float.BYTES * c.layers() * c.kvDim() * capacity;
    if (kvBytes > MAX_KV_BYTES_PER_REQUEST) {
      throw new InvalidInputException(
          "the request needs "
              + (kvBytes >> 20)
              + " MiB of KV cache (prompt "
              + prompt.length
              + " + max_tokens "
              + request.maxTokens()
              + "), over the limit of "
              + (MAX_KV_BYTES_PER_REQUEST >> 20)
              + " MiB; lower max_tokens or shorten the prompt");
    }
    Sequence s =
        new Sequence(
            prompt,
            request.sampling(),
            request.maxTokens(),
            request.stopTokens(),
            request.logprobs() ? request.topLogprobs() : Sequence.NO_LOGPROBS,
            sink,
            false,
            new KvCache(c, capacity),
            c.vocabSize());
    scheduler.submit(s);
    return await(s.result);
  }

  /** Logits after the last of {@code tokens} (for tests and verification). */
  public float[] logits(int[] tokens) {
    checkPrompt(tokens);
    Sequence s =
        new Sequence(
            tokens.clone(),
            SamplingParams.greedy(),
            0,
            Set.of(),
            0,
            TokenSink.discard(),
            true,
            new KvCache(model.config(), tokens.length),
            model.config().vocabSize());
    scheduler.submit(s);
    return await(s.logits);
  }

  private void checkPrompt(int[] prompt) {
    if (prompt.length == 0) {
      throw new InvalidInputException("the prompt has no tokens");
    }
    if (prompt.length > model.config().contextLength()) {
      throw new InvalidInputException(
          "the prompt has "
              + prompt.length
              + " tokens but the model's context is "
              + model.config().contextLength());
    }
    for (int t : prompt) {
      checkToken(t, "prompt token");
    }
  }

  private void checkToken(int t, String what) {
    if (t < 0 || t >= model.config().vocabSize()) {
      throw new InvalidInputException(
          what + " " + t + " is outside the vocabulary 0.." + (model.config().vocabSize() - 1));
    }
  }

  private static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while generating", e);
    } catch (ExecutionException | CompletionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException("generation failed", e.getCause());
    }
  }

  @Override
  public void close() {
    scheduler.close();
    parallel.close();
    model.close();
  }
}
