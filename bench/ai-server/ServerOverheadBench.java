import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.ai.engine.SamplingParams;
import dev.trustdial.ai.gguf.GgufFile;
import dev.trustdial.ai.receipt.ModelBinding;
import dev.trustdial.ai.receipt.Receipt;
import dev.trustdial.ai.receipt.ReceiptBody;
import dev.trustdial.ai.receipt.ReceiptJson;
import dev.trustdial.ai.receipt.TokenHashes;
import dev.trustdial.ai.tokenizer.Tokenizer;
import dev.trustdial.ai.tokenizer.Tokenizers;
import dev.trustdial.core.crypto.Secp256k1Key;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What the server adds around the engine, per request: tokenizing, and making + checking a receipt.
 * Run: bench/ai-server/run.sh (prints figures; not part of the test run).
 */
public class ServerOverheadBench {
  public static void main(String[] args) throws Exception {
    Path res = Path.of(args[0]);
    String text = ("Once upon a time, in a small village by the sea, there lived a girl named Lily who loved "
        + "to collect shells. Every morning she walked along the beach, counting 1234 waves.\n").repeat(20);
    for (String vocab : new String[] {"ggml-vocab-llama-spm.gguf", "ggml-vocab-gpt-2.gguf"}) {
      Tokenizer t;
      try (GgufFile f = GgufFile.open(res.resolve("tokenizers").resolve(vocab))) {
        t = Tokenizers.fromGguf(f);
      }
      int tokens = 0;
      for (int i = 0; i < 50; i++) {
        tokens = t.encode(text, true, false).length; // warm-up
      }
      long start = System.nanoTime();
      int reps = 200;
      for (int i = 0; i < reps; i++) {
        t.encode(text, true, false);
      }
      double s = (System.nanoTime() - start) / 1e9;
      System.out.printf("tokenize %-28s %8.0f tokens/s (%d chars -> %d tokens)%n", vocab, reps * tokens / s,
          text.length(), tokens);
    }
    Secp256k1Key key = Secp256k1Key.generate();
    ObjectNode req = (ObjectNode) new ObjectMapper().readTree("{\"endpoint\":\"/v1/chat/completions\",\"model\":\"m\","
        + "\"messages\":[{\"role\":\"user\",\"content\":\"" + "hello ".repeat(200) + "\"}],\"max_tokens\":256,\"seed\":1}");
    int[] out = new int[256];
    for (int i = 0; i < out.length; i++) {
      out[i] = 300 + i;
    }
    ReceiptBody body = new ReceiptBody(1, key.address(), new ModelBinding("m", "00".repeat(32), "11".repeat(32),
        Optional.of("22".repeat(32)), "p"), req, new SamplingParams(1, 0, 1, 0, 1, 0, 0, 1), 210,
        TokenHashes.tokens(new int[210]), out, TokenHashes.text("x"), "length");
    for (int i = 0; i < 200; i++) {
      ReceiptJson.parse(ReceiptJson.toJson(Receipt.sign(body, key)).toString()).checkSignature();
    }
    int reps = 500;
    long start = System.nanoTime();
    for (int i = 0; i < reps; i++) {
      Receipt.sign(body, key);
    }
    double sign = (System.nanoTime() - start) / 1e6 / reps;
    Receipt r = Receipt.sign(body, key);
    String json = ReceiptJson.toJson(r).toString();
    start = System.nanoTime();
    for (int i = 0; i < reps; i++) {
      ReceiptJson.parse(json).checkSignature();
    }
    double check = (System.nanoTime() - start) / 1e6 / reps;
    System.out.printf("receipt sign (canonicalize + keccak + secp256k1), 256 output tokens: %.2f ms%n", sign);
    System.out.printf("receipt parse + recompute hashes + recover signer:                %.2f ms (%d bytes JSON)%n",
        check, json.length());
  }
}
