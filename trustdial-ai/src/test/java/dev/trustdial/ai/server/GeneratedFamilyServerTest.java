package dev.trustdial.ai.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustdial.ai.engine.EngineOptions;
import dev.trustdial.ai.inference.ApiRequest;
import dev.trustdial.ai.inference.EngineBackend;
import dev.trustdial.ai.model.BenchmarkModelGenerator;
import dev.trustdial.ai.model.BenchmarkModelGenerator.Family;
import dev.trustdial.ai.model.TensorType;
import dev.trustdial.ai.tokenizer.Vocabulary;
import dev.trustdial.core.crypto.Secp256k1Key;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A generated model of each new family served as `trustdial ai serve` serves it: its own chat
 * template, its turn tokens parsed as single ids, BOS exactly once, its end-of-turn token among the
 * stop tokens, and the receipt verifies by re-execution.
 */
class GeneratedFamilyServerTest {

  @ParameterizedTest
  @EnumSource(
      value = Family.class,
      names = {"LLAMA3", "MISTRAL", "PHI3", "GEMMA2", "GEMMA3"})
  void chatServesAndVerifies(Family family, @TempDir Path dir) throws Exception {
    Path model = dir.resolve(family.label() + "-tiny.gguf");
    BenchmarkModelGenerator.write(
        BenchmarkModelGenerator.Spec.tiny(family, TensorType.Q8_0, 5), model);
    try (EngineBackend backend =
        EngineBackend.load(model, Optional.empty(), EngineOptions.defaults().withThreads(1))) {
      InferenceService s =
          new InferenceService(
              backend,
              Secp256k1Key.generate(),
              ServerLimits.defaults(),
              Clock.systemUTC(),
              () -> 5);
      ApiRequest req =
          s.parser()
              .parse(
                  ApiRequest.CHAT_ENDPOINT,
                  new ObjectMapper()
                      .readTree(
                          "{\"model\":\""
                              + backend.modelName()
                              + "\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                              + "{\"role\":\"user\",\"content\":\"hello there\"}],\"max_tokens\":8,\"temperature\":0.8,\"seed\":3}"));
      int[] prompt = s.inference().promptTokens(req);
      Vocabulary v = backend.tokenizer().vocabulary();
      int bos = v.special().bos();
      assertThat(prompt[0]).isEqualTo(bos);
      assertThat(count(prompt, bos)).as("BOS once").isEqualTo(1);
      String turn =
          switch (family) {
            case LLAMA3 -> "<|start_header_id|>";
            case PHI3 -> "<|user|>";
            case GEMMA2, GEMMA3 -> "<start_of_turn>";
            default -> null;
          };
      if (turn != null) {
        int id = v.id(turn).orElseThrow();
        assertThat(count(prompt, id)).as("%s parsed as one id", turn).isGreaterThanOrEqualTo(1);
      }
      String endOfTurn =
          switch (family) {
            case LLAMA3 -> "<|eot_id|>";
            case PHI3 -> "<|end|>";
            case GEMMA2, GEMMA3 -> "<end_of_turn>";
            default -> "</s>";
          };
      assertThat(backend.tokenizer().stopTokens()).contains(v.id(endOfTurn).orElseThrow());
      Completion c = s.complete(req, InferenceService.DeltaListener.none());
      assertThat(c.receipt().body().model().chatTemplateSha256()).isPresent();
      assertThat(s.verify(c.receipt()).match()).isTrue();
    }
  }

  private static long count(int[] tokens, int id) {
    return Arrays.stream(tokens).filter(t -> t == id).count();
  }
}
