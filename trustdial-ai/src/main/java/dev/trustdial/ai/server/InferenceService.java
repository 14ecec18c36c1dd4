package dev.trustdial.ai.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.ai.engine.FinishReason;
import dev.trustdial.ai.engine.GenerationRequest;
import dev.trustdial.ai.engine.GenerationResult;
import dev.trustdial.ai.engine.SamplingParams;
import dev.trustdial.ai.engine.TokenLogprob;
import dev.trustdial.ai.receipt.CanonicalJson;
import dev.trustdial.ai.receipt.ModelBinding;
import dev.trustdial.ai.receipt.Receipt;
import dev.trustdial.ai.receipt.ReceiptBody;
import dev.trustdial.ai.receipt.ReceiptJson;
import dev.trustdial.ai.receipt.SamplingBinding;
import dev.trustdial.ai.receipt.TokenHashes;
import dev.trustdial.ai.tokenizer.Tokenizer;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.crypto.Secp256k1Key;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Runs OpenAI requests through a backend and signs a receipt for each; re-executes receipts to
 * verify them. Independent of HTTP.
 */
public final class InferenceService {

  /**
   * Receives output as it becomes final; called on the engine's thread, so it must not block.
   * Returns false when the client has gone: generation stops and no receipt is made.
   */
  public interface DeltaListener {
    boolean onDelta(String text, List<TokenLogprob> logprobs);

    static DeltaListener none() {
      return (text, logprobs) -> true;
    }
  }

  /** The client went away before the completion ended. */
  public static final class ClientGoneException extends RuntimeException {
    ClientGoneException() {
      super("client disconnected", null, false, false);
    }
  }

  private final CompletionBackend backend;
  private final Secp256k1Key operatorKey;
  private final ServerLimits limits;
  private final Clock clock;
  private final LongSupplier seeds;
  private final RequestParser parser;
  private final Map<String, Receipt> receipts;

  public InferenceService(CompletionBackend backend, Secp256k1Key operatorKey, ServerLimits limits, Clock clock,
      LongSupplier seeds) {
    this.backend = backend;
    this.operatorKey = operatorKey;
    this.limits = limits;
    this.clock = clock;
    this.seeds = seeds;
    this.parser = new RequestParser(backend.modelName(), limits);
    this.receipts = new LinkedHashMap<>(16, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Receipt> eldest) {
        return size() > limits.storedReceipts();
      }
    };
  }

  public CompletionBackend backend() {
    return backend;
  }

  public RequestParser parser() {
    return parser;
  }

  public Secp256k1Key operatorKey() {
    return operatorKey;
  }

  public ModelBinding modelBinding(boolean chat) {
    return new ModelBinding(backend.modelName(), backend.fileSha256(), backend.tokenizer().digest().toHex().substring(2),
        chat ? Optional.of(backend.chatTemplateSha256()) : Optional.empty(), backend.determinismProfile());
  }

  /** The prompt token ids of a request (template applied for chat). */
  int[] promptTokens(ApiRequest request) {
    Tokenizer tok = backend.tokenizer();
    int[] ids = switch (request) {
      case ApiRequest.Chat c -> {
        String rendered = backend.chatTemplate().render(c.messages(), true,
            c.tools().stream().map(t -> (Object) RequestJson.toPlain(t)).toList());
        int bos = tok.vocabulary().special().bos();
        boolean hasBos = bos >= 0 && rendered.startsWith(tok.vocabulary().text(bos));
        yield tok.encode(rendered, !hasBos, true);
      }
      case ApiRequest.Text t -> tok.encode(t.prompt(), true, false);
    };
    if (ids.length == 0) {
      throw ApiException.badRequest(request instanceof ApiRequest.Chat ? "messages" : "prompt", "the prompt is empty");
    }
    if (ids.length > limits.maxPromptTokens() || ids.length >= backend.contextLength()) {
      throw new ApiException(400, "invalid_request_error", request instanceof ApiRequest.Chat ? "messages" : "prompt",
          "context_length_exceeded", "the prompt has " + ids.length + " tokens; the limit is "
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
      throw new ApiException(400, "invalid_request_error", "max_tokens", "context_length_exceeded",
          "the prompt has " + promptLength + " tokens and max_tokens is " + maxTokens + ", over the context of "
          + backend.contextLength());
    }
    long seed = s.seed().orElseGet(() -> seeds.getAsLong() & SamplingBinding.MAX_SEED);
    return request.withSettings(s.resolved(maxTokens, seed));
  }

  static SamplingBinding sampling(GenerationSettings s) {
    return new SamplingBinding(s.temperature(), s.topK(), s.topP(), s.minP(), s.repetitionPenalty(),
        s.frequencyPenalty(), s.presencePenalty(), s.seed().orElseThrow());
  }

  private record Run(ApiRequest request, int[] prompt, GenerationResult result, String text, String finishReason) {}

  private Run run(ApiRequest parsed, DeltaListener listener) {
    int[] prompt = promptTokens(parsed);
    ApiRequest request = resolve(parsed, prompt.length);
    GenerationSettings s = request.settings();
    SamplingBinding sb = sampling(s);
    OutputText out = new OutputText(backend.tokenizer(), s.stop());
    GenerationRequest gr = new GenerationRequest(prompt, new SamplingParams(sb.temperature(), sb.topK(), sb.topP(),
        sb.minP(), sb.repetitionPenalty(), sb.frequencyPenalty(), sb.presencePenalty(), sb.seed()),
        s.maxTokens().orElseThrow(), backend.tokenizer().stopTokens(), s.logprobs() ? s.topLogprobs() : 0,
        s.logprobs());
    boolean[] gone = {false};
    GenerationResult result = backend.generate(gr, (token, logprob) -> {
      boolean go = out.accept(token);
      String delta = out.releasable();
      if (!listener.onDelta(delta, s.logprobs() ? List.of(logprob) : List.of())) {
        gone[0] = true;
        return false;
      }
      return go;
    });
    if (gone[0]) {
      throw new ClientGoneException();
    }
    String rest = out.finish();
    if (!rest.isEmpty() && !listener.onDelta(rest, List.of())) {
      throw new ClientGoneException();
    }
    String finish = result.finishReason() == FinishReason.LENGTH && !out.stopped() ? "length" : "stop";
    return new Run(request, prompt, result, out.finalText(), finish);
  }

  /** Runs a request to the end, streaming deltas to the listener, and signs its receipt. */
  public Completion complete(ApiRequest parsed, DeltaListener listener) {
    Run r = run(parsed, listener);
    boolean chat = r.request() instanceof ApiRequest.Chat;
    ReceiptBody body = new ReceiptBody(clock.instant().getEpochSecond(), operatorKey.address(), modelBinding(chat),
        r.request().canonical(), sampling(r.request().settings()), r.prompt().length, TokenHashes.tokens(r.prompt()),
        r.result().tokens(), TokenHashes.text(r.text()), r.finishReason());
    Receipt receipt = Receipt.sign(body, operatorKey);
    synchronized (receipts) {
      receipts.put(receipt.id(), receipt);
    }
    return new Completion(r.request(), r.text(), r.result().tokens(), r.finishReason(), r.result().logprobs(),
        r.prompt().length, receipt);
  }

  public Optional<Receipt> receipt(String id) {
    synchronized (receipts) {
      return Optional.ofNullable(receipts.get(id.toLowerCase()));
    }
  }

  /** Re-executes a receipt's canonical request and compares everything it binds. */
  public Verification verify(Receipt receipt) {
    return verify(new ReceiptJson.Checked(receipt, List.of()));
  }

  /**
   * Re-executes a receipt's request and compares. A receipt that disagrees with itself (an edited
   * token no longer matching output_tokens_hash) is verified like any other: it cannot match, and
   * the answer says where its tokens differ from the re-execution.
   */
  public Verification verify(ReceiptJson.Checked checked) {
    Receipt receipt = checked.receipt();
    List<String> problems = new ArrayList<>(checked.inconsistencies());
    ReceiptBody b = receipt.body();
    boolean sigOk;
    String signer;
    try {
      signer = receipt.signer().toString();
      sigOk = receipt.signer().equals(b.operator());
      if (!sigOk) {
        problems.add("signature is by " + signer + ", not by the operator " + b.operator());
      }
    } catch (InvalidInputException e) {
      signer = "";
      sigOk = false;
      problems.add("signature is malformed: " + e.getMessage());
    }
    ObjectNode req = b.request();
    String endpoint = req.path("endpoint").asText();
    boolean chat = ApiRequest.CHAT_ENDPOINT.equals(endpoint);
    if (!chat && !ApiRequest.TEXT_ENDPOINT.equals(endpoint)) {
      throw new InvalidInputException("receipt request has unknown endpoint '" + endpoint + "'");
    }
    ModelBinding ours = modelBinding(chat);
    boolean modelOk = ours.fileSha256().equals(b.model().fileSha256())
        && ours.tokenizerSha256().equals(b.model().tokenizerSha256())
        && ours.chatTemplateSha256().equals(b.model().chatTemplateSha256())
        && ours.determinismProfile().equals(b.model().determinismProfile());
    if (!modelOk) {
      problems.add("receipt was made with a different model, tokenizer, template or determinism profile than "
          + "this server's (" + ours + ")");
      return new Verification(false, sigOk, signer, false, Optional.empty(), new int[0], b.outputTokens(), problems);
    }
    ApiRequest parsed = parser.parse(endpoint, req);
    if (parsed.settings().seed().isEmpty() || parsed.settings().maxTokens().isEmpty()) {
      throw new InvalidInputException("receipt request is not canonical: seed and max_tokens must be resolved");
    }
    if (!Arrays.equals(CanonicalJson.encode(parsed.canonical()), CanonicalJson.encode(req))) {
      problems.add("receipt request is not in canonical form");
    }
    if (!sampling(parsed.settings()).equals(b.sampling())) {
      problems.add("receipt sampling parameters differ from its request's");
    }
    Run r = run(parsed, DeltaListener.none());
    if (r.prompt().length != b.promptTokenCount() || !TokenHashes.tokens(r.prompt()).equals(b.promptTokensHash())) {
      problems.add("prompt tokens differ: re-tokenized " + r.prompt().length + " tokens");
    }
    int[] expected = r.result().tokens();
    int[] got = b.outputTokens();
    int mismatch = Arrays.mismatch(expected, got);
    if (mismatch >= 0) {
      problems.add("output token " + mismatch + " differs: re-execution gave "
          + (mismatch < expected.length ? expected[mismatch] : "end of output") + ", the receipt has "
          + (mismatch < got.length ? got[mismatch] : "end of output"));
    }
    if (!TokenHashes.text(r.text()).equals(b.outputTextHash())) {
      problems.add("output text hash differs");
    }
    if (!r.finishReason().equals(b.finishReason())) {
      problems.add("finish reason differs: re-execution gave " + r.finishReason());
    }
    boolean match = problems.isEmpty();
    return new Verification(match, sigOk, signer, true, mismatch >= 0 ? Optional.of(mismatch) : Optional.empty(),
        expected, got, problems);
  }
}
