package dev.trustdial.ai.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustdial.ai.engine.EngineOptions;
import dev.trustdial.ai.inference.ApiRequest;
import dev.trustdial.ai.inference.EngineBackend;
import dev.trustdial.ai.model.Architecture;
import dev.trustdial.ai.model.BenchmarkModelGenerator;
import dev.trustdial.ai.model.TensorType;
import dev.trustdial.ai.tokenizer.ByteLevelBpe;
import dev.trustdial.core.crypto.Secp256k1Key;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A generated qwen2 GGUF (byte-level BPE with the qwen2 pre-tokenizer, ChatML template with control
 * tokens in its metadata) served and verified end to end.
 */
class GeneratedQwenServerTest {

  @Test
  void chatWithTemplateAndSpecialTokensVerifies(@TempDir Path dir) throws Exception {
    Path model = dir.resolve("qwen2-tiny.gguf");
    BenchmarkModelGenerator.write(
        BenchmarkModelGenerator.Spec.tiny(Architecture.QWEN2, TensorType.F32, 5), model);
    try (EngineBackend backend =
        EngineBackend.load(model, Optional.empty(), EngineOptions.defaults().withThreads(1))) {
      assertThat(backend.tokenizer()).isInstanceOf(ByteLevelBpe.class);
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
                              + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}],"
                              + "\"max_tokens\":8,\"temperature\":0.8,\"seed\":3}"));
      int[] prompt = s.inference().promptTokens(req);
      int imStart = backend.tokenizer().vocabulary().id("<|im_start|>").orElseThrow();
      assertThat(prompt[0]).isEqualTo(imStart); // the template's control token, parsed as one id
      assertThat(java.util.Arrays.stream(prompt).filter(t -> t == imStart).count()).isEqualTo(2);
      Completion c = s.complete(req, InferenceService.DeltaListener.none());
      assertThat(c.receipt().body().model().chatTemplateSha256()).isPresent();
      assertThat(s.verify(c.receipt()).match()).isTrue();
    }
  }
}
