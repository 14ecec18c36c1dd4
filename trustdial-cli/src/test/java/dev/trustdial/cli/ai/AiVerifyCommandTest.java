package dev.trustdial.cli.ai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustdial.ai.engine.EngineOptions;
import dev.trustdial.ai.inference.EngineBackend;
import dev.trustdial.ai.model.BundledModel;
import dev.trustdial.ai.receipt.Receipt;
import dev.trustdial.ai.receipt.ReceiptBody;
import dev.trustdial.ai.receipt.ReceiptJson;
import dev.trustdial.ai.server.InferenceService;
import dev.trustdial.ai.server.ServerLimits;
import dev.trustdial.cli.Main;
import dev.trustdial.core.crypto.Secp256k1Key;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code trustdial ai verify}: exit 0 on a faithful receipt, 1 on a wrong completion, 2 on bad
 * input.
 */
class AiVerifyCommandTest {

  static final Secp256k1Key KEY = Secp256k1Key.fromPrivateKeyHex("0x" + "44".repeat(32));
  static Receipt honest;

  @BeforeAll
  static void makeReceipt() throws Exception {
    try (EngineBackend backend =
        EngineBackend.load(
            BundledModel.defaultModel(),
            Optional.empty(),
            EngineOptions.defaults().withThreads(1))) {
      InferenceService s =
          new InferenceService(backend, KEY, ServerLimits.defaults(), Clock.systemUTC(), () -> 3);
      honest =
          s.complete(
                  s.parser()
                      .parse(
                          "/v1/chat/completions",
                          new ObjectMapper()
                              .readTree(
                                  "{\"model\":\"llama\",\"messages\":[{\"role\":\"user\",\"content\":\"A story\"}],\"max_tokens\":10}")),
                  InferenceService.DeltaListener.none())
              .receipt();
    }
  }

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return new Run(cl.execute(args), out.toString(), err.toString());
  }

  @Test
  void faithfulReceiptMatches(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("r.json");
    Files.writeString(f, ReceiptJson.toJson(honest).toString());
    Run r = run("ai", "verify", f.toString(), "--threads", "1");
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("MATCH").contains(KEY.address().toString());
  }

  @Test
  void wrongCompletionIsAMismatchAtTheFirstBadToken(@TempDir Path dir) throws Exception {
    ReceiptBody b = honest.body();
    int[] tokens = b.outputTokens();
    tokens[2] = (tokens[2] + 1) % 512;
    ReceiptBody wrong =
        new ReceiptBody(
            b.created(),
            b.operator(),
            b.model(),
            b.request(),
            b.sampling(),
            b.promptTokenCount(),
            b.promptTokensHash(),
            tokens,
            b.outputTextHash(),
            b.finishReason());
    Path f = dir.resolve("r.json");
    Files.writeString(f, "{\"receipt\":" + ReceiptJson.toJson(Receipt.sign(wrong, KEY)) + "}");
    Run r = run("ai", "verify", f.toString(), "--json", "--threads", "1");
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
    var j = new ObjectMapper().readTree(r.out());
    assertThat(j.get("match").asBoolean()).isFalse();
    assertThat(j.get("signature_valid").asBoolean()).isTrue();
    assertThat(j.get("first_mismatch_index").asInt()).isEqualTo(2);
  }

  @Test
  void aReceiptEditedAfterSigningIsAMismatchNotBadInput(@TempDir Path dir) throws Exception {
    var edited = ReceiptJson.toJson(honest);
    ((com.fasterxml.jackson.databind.node.ArrayNode) edited.get("output_tokens")).set(1, 7);
    Path f = dir.resolve("edited.json");
    Files.writeString(f, edited.toString());
    Run r = run("ai", "verify", f.toString(), "--json", "--threads", "1");
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
    var j = new ObjectMapper().readTree(r.out());
    assertThat(j.get("match").asBoolean()).isFalse();
    assertThat(j.get("signature_valid").asBoolean()).isFalse();
    assertThat(j.get("first_mismatch_index").asInt()).isEqualTo(1);
    assertThat(j.get("problems").toString()).contains("output_tokens_hash does not match");
  }

  @Test
  void badInputExitsTwo(@TempDir Path dir) throws Exception {
    assertThat(run("ai", "verify", dir.resolve("missing.json").toString()).code()).isEqualTo(2);
    Path f = dir.resolve("bad.json");
    Files.writeString(f, "{\"type\":\"something else\"}");
    Run r = run("ai", "verify", f.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("receipt");
  }
}
