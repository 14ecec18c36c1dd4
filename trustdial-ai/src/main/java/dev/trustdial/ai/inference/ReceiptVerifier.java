package dev.trustdial.ai.inference;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.ai.receipt.CanonicalJson;
import dev.trustdial.ai.receipt.ModelBinding;
import dev.trustdial.ai.receipt.Receipt;
import dev.trustdial.ai.receipt.ReceiptBody;
import dev.trustdial.ai.receipt.ReceiptJson;
import dev.trustdial.core.InvalidInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Re-executes a receipt through {@link Inference} and compares everything it binds. Holds no key
 * and no HTTP type: the OpenAI server's /v1/verify and {@code trustdial ai verify} both use it.
 */
public final class ReceiptVerifier {

  private final Inference inference;

  public ReceiptVerifier(Inference inference) {
    this.inference = inference;
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
    ModelBinding ours = inference.modelBinding(chat);
    boolean modelOk =
        ours.fileSha256().equals(b.model().fileSha256())
            && ours.tokenizerSha256().equals(b.model().tokenizerSha256())
            && ours.chatTemplateSha256().equals(b.model().chatTemplateSha256())
            && ours.determinismProfile().equals(b.model().determinismProfile());
    if (!modelOk) {
      problems.add(
          "receipt was made with a different model, tokenizer, template or determinism profile than "
              + "this server's ("
              + ours
              + ")");
      return new Verification(
          false, sigOk, signer, false, Optional.empty(), new int[0], b.outputTokens(), problems);
    }
    ApiRequest parsed = inference.parse(endpoint, req);
    if (parsed.settings().seed().isEmpty() || parsed.settings().maxTokens().isEmpty()) {
      throw new InvalidInputException(
          "receipt request is not canonical: seed and max_tokens must be resolved");
    }
    if (!Arrays.equals(CanonicalJson.encode(parsed.canonical()), CanonicalJson.encode(req))) {
      problems.add("receipt request is not in canonical form");
    }
    if (!parsed.settings().sampling().equals(b.sampling())) {
      problems.add("receipt sampling parameters differ from its request's");
    }
    InferenceResult r = inference.run(parsed);
    if (r.promptTokens().length != b.promptTokenCount()
        || !r.promptTokensHash().equals(b.promptTokensHash())) {
      problems.add("prompt tokens differ: re-tokenized " + r.promptTokens().length + " tokens");
    }
    int[] expected = r.outputTokens();
    int[] got = b.outputTokens();
    int mismatch = Arrays.mismatch(expected, got);
    if (mismatch >= 0) {
      problems.add(
          "output token "
              + mismatch
              + " differs: re-execution gave "
              + (mismatch < expected.length ? expected[mismatch] : "end of output")
              + ", the receipt has "
              + (mismatch < got.length ? got[mismatch] : "end of output"));
    }
    if (!r.textHash().equals(b.outputTextHash())) {
      problems.add("output text hash differs");
    }
    if (!r.finishReason().equals(b.finishReason())) {
      problems.add("finish reason differs: re-execution gave " + r.finishReason());
    }
    boolean match = problems.isEmpty();
    return new Verification(
        match,
        sigOk,
        signer,
        true,
        mismatch >= 0 ? Optional.of(mismatch) : Optional.empty(),
        expected,
        got,
        problems);
  }
}
