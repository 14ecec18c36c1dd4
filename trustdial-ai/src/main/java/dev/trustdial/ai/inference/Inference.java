package dev.trustdial.ai.inference;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustdial.ai.engine.FinishReason;
import dev.trustdial.ai.engine.GenerationRequest;
import dev.trustdial.ai.engine.GenerationResult;
import dev.trustdial.ai.engine.SamplingParams;
import dev.trustdial.ai.engine.TokenLogprob;
import dev.trustdial.ai.receipt.ModelBinding;
import dev.trustdial.ai.tokenizer.Tokenizer;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The one way to run an OpenAI-shaped request on a model: parse it strictly, template and tokenize
 * the prompt, resolve max_tokens and the seed, generate, and cut the text at stop strings. The HTTP
 * server (which signs a receipt over the result) and the node's inference jobs (which commit to it
 * onchain) both run requests through here; it holds no key and no HTTP type.
 */
public final class Inference {

  /**
   * Receives output as it becomes final; called on the engine's thread, so it must not block.
   * Returns false when the reader has gone: generation stops with {@link ReaderGoneException}.
   */
  public interface TextListener {
    boolean onDelta(String text, List<TokenLogprob> logprobs);
  }

  /** The listener went away before the completion ended. */
  public static final class ReaderGoneException extends RuntimeException {
    ReaderGoneException() {
      super("client disconnected", null, false, false);
    }
  }

  private static final TextListener NONE = (text, logprobs) -> true;

  private final CompletionBackend backend;
  private final RequestLimits limits;
  private final LongSupplier seeds;
  private final RequestParser parser;

  /**
   * @param seeds draws the seed of a request that gives none (masked to {@link
   *     SamplingParams#MAX_SEED})
   */
  public Inference(CompletionBackend backend, RequestLimits limits, LongSupplier seeds) {
    this.backend = backend;
    this.limits = limits;
    this.seeds = seeds;
    this.parser = new RequestParser(backend.modelName(), limits);
  }

  public CompletionBackend backend() {
    return backend;
  }

  public RequestParser parser() {
    return parser;
  }

  /** What a receipt binds of this model (its chat template only for chat requests). */
  public ModelBinding modelBinding(boolean chat) {
    return new ModelBinding(
        backend.modelName(),
        backend.fileSha256(),
        backend.tokenizer().digest().toHex().substring(2),
        chat ? Optional.of(backend.chatTemplateSha256()) : Optional.empty(),
        backend.determinismProfile());
  }

  /**
   * Parses a request body for an endpoint ({@link ApiRequest#CHAT_ENDPOINT} or {@link
   * ApiRequest#TEXT_ENDPOINT}).
   */
  public ApiRequest parse(String endpoint, JsonNode body) {
    return parser.parse(endpoint, body);
  }

  /** Runs a request to the end with no listener. */
  public InferenceResult run(ApiRequest parsed) {
    return run(parsed, NONE);
  }

  /** Runs a request to the end, streaming deltas to the listener. */
  public InferenceResult run(ApiRequest parsed, TextListener listener) {
    int[] prompt = promptTokens(parsed);
    ApiRequest request = resolve(parsed, prompt.length);
    GenerationSettings s = request.settings();
    OutputText out = new OutputText(backend.tokenizer(), s.stop());
    GenerationRequest gr =
        new GenerationRequest(
            prompt,
            s.sampling(),
            s.maxTokens().orElseThrow(),
            backend.tokenizer().stopTokens(),
            s.logprobs() ? s.topLogprobs() : 0,
            s.logprobs());
    boolean[] gone = {false};
    GenerationResult result =
        backend.generate(
            gr,
            (token, logprob) -> {
              boolean go = out.accept(token);
              String delta = out.releasable();
              if (!listener.onDelta(delta, s.logprobs() ? List.of(logprob) : List.of())) {
                gone[0] = true;
                return false;
              }
              return go;
            });
    if (gone[0]) {
      throw new ReaderGoneException();
    }
    String rest = out.finish();
    if (!rest.isEmpty() && !listener.onDelta(rest, List.of())) {
      throw new ReaderGoneException();
    }
    String finish =
        result.finishReason() == FinishReason.LENGTH && !out.stopped() ? "length" : "stop";
    return new InferenceResult(
        request, prompt, result.tokens(), result.logprobs(), out.finalText(), finish);
  }

  /** The prompt token ids of a request (template applied for chat). */
  public int[] promptTokens(ApiRequest request) {
    Tokenizer tok = backend.tokenizer();
    int[] ids =
        switch (request) {
          case ApiRequest.Chat c -> {
            String rendered =
                backend
                    .chatTemplate()
                    .render(
                        c.messages(),
                        true,
                        c.tools().stream().map(t -> (Object) RequestJson.toPlain(t)).toList());
            int bos = tok.vocabulary().special().bos();
            boolean hasBos = bos >= 0 && rendered.startsWith(tok.vocabulary().text(bos));
            yield tok.encode(rendered, !hasBos, true);
          }
          case ApiRequest.Text t -> tok.encode(t.prompt(), true, false);
        };
    if (ids.length == 0) {
      throw ApiException.badRequest(
          request instanceof ApiRequest.Chat ? "messages" : "prompt", "the prompt is empty");
    }
    if (ids.length > limits.maxPromptTokens() || ids.length >= backend.contextLength()) {
      throw new ApiException(
          400,
          "invalid_request_error",
          request instanceof ApiRequest.Chat ? "messages" : "prompt",
          "context_length_exceeded",
          "the prompt has "
              + ids.length
              + " tokens; the limit is "
              + Math.min(limits.maxPromptTokens(), backend.contextLength() - 1));
    }
    return ids;
  }

  /** Resolves max_tokens and seed against the prompt, so the request can be canonicalized. */
  ApiRequest resolve(ApiRequest request, int promptLength) {
    GenerationSettings s = request.settings();
    int room = backend.contextLength() - promptLength;
    int maxTokens = s.maxTokens().orElse(Math.min(limits.defaultMaxTokens(), room));
    if (maxTokens > room) {
      throw new ApiException(
          400,
          "invalid_request_error",
          "max_tokens",
          "context_length_exceeded",
          "the prompt has "
              + promptLength
              + " tokens and max_tokens is "
              + maxTokens
              + ", over the context of "
              + backend.contextLength());
    }
    long seed = s.seed().orElseGet(() -> seeds.getAsLong() & SamplingParams.MAX_SEED);
    return request.withSettings(s.resolved(maxTokens, seed));
  }
}
