package dev.trustdial.ai.server;

import dev.trustdial.ai.inference.ApiRequest;
import dev.trustdial.ai.inference.CompletionBackend;
import dev.trustdial.ai.inference.Inference;
import dev.trustdial.ai.inference.InferenceResult;
import dev.trustdial.ai.inference.ReceiptVerifier;
import dev.trustdial.ai.inference.RequestParser;
import dev.trustdial.ai.inference.Verification;
import dev.trustdial.ai.receipt.ModelBinding;
import dev.trustdial.ai.receipt.Receipt;
import dev.trustdial.ai.receipt.ReceiptBody;
import dev.trustdial.ai.receipt.ReceiptJson;
import dev.trustdial.core.crypto.Secp256k1Key;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Runs OpenAI requests through {@link Inference} and signs a receipt for each; re-executes receipts
 * to verify them (through the keyless {@link ReceiptVerifier}). Independent of HTTP.
 */
public final class InferenceService {

  /** {@link Inference.TextListener} under the server's name. */
  public interface DeltaListener extends Inference.TextListener {
    static DeltaListener none() {
      return (text, logprobs) -> true;
    }
  }

  private final CompletionBackend backend;
  private final Secp256k1Key operatorKey;
  private final Clock clock;
  private final Inference inference;
  private final ReceiptVerifier verifier;
  private final Map<String, Receipt> receipts;

  public InferenceService(
      CompletionBackend backend,
      Secp256k1Key operatorKey,
      ServerLimits limits,
      Clock clock,
      LongSupplier seeds) {
    this.backend = backend;
    this.operatorKey = operatorKey;
    this.clock = clock;
    this.inference = new Inference(backend, limits.requests(), seeds);
    this.verifier = new ReceiptVerifier(inference);
    this.receipts =
        new LinkedHashMap<>(16, 0.75f, false) {
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
    return inference.parser();
  }

  public Inference inference() {
    return inference;
  }

  public Secp256k1Key operatorKey() {
    return operatorKey;
  }

  public ModelBinding modelBinding(boolean chat) {
    return inference.modelBinding(chat);
  }

  /** Runs a request to the end, streaming deltas to the listener, and signs its receipt. */
  public Completion complete(ApiRequest parsed, DeltaListener listener) {
    InferenceResult r = inference.run(parsed, listener);
    boolean chat = r.request() instanceof ApiRequest.Chat;
    ReceiptBody body =
        new ReceiptBody(
            clock.instant().getEpochSecond(),
            operatorKey.address(),
            modelBinding(chat),
            r.request().canonical(),
            r.request().settings().sampling(),
            r.promptTokens().length,
            r.promptTokensHash(),
            r.outputTokens(),
            r.textHash(),
            r.finishReason());
    Receipt receipt = Receipt.sign(body, operatorKey);
    synchronized (receipts) {
      receipts.put(receipt.id(), receipt);
    }
    return new Completion(
        r.request(),
        r.text(),
        r.outputTokens(),
        r.finishReason(),
        r.logprobs(),
        r.promptTokens().length,
        receipt);
  }

  public Optional<Receipt> receipt(String id) {
    synchronized (receipts) {
      return Optional.ofNullable(receipts.get(id.toLowerCase()));
    }
  }

  /** Re-executes a receipt's canonical request and compares everything it binds. */
  public Verification verify(Receipt receipt) {
    return verifier.verify(receipt);
  }

  /** See {@link ReceiptVerifier#verify(ReceiptJson.Checked)}. */
  public Verification verify(ReceiptJson.Checked checked) {
    return verifier.verify(checked);
  }
}
