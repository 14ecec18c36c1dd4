package dev.trustdial.ai.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Greedy generation on stories260K equals stock llama2.c run.c token for token (both file formats).
 */
class Stories260kGreedyTest {
  private static Engine bin;
  private static Engine gguf;

  @BeforeAll
  static void load() {
    EngineOptions options = EngineOptions.defaults().withThreads(2);
    bin = Engine.load(BundledModels.storiesBin(), options);
    gguf = Engine.load(BundledModels.storiesGguf(), options);
  }

  @AfterAll
  static void close() {
    bin.close();
    gguf.close();
  }

  record Vector(
      String prompt, int[] promptIds, int steps, int[] idsAfterEachStep, String stdoutText) {
    @Override
    public String toString() {
      return "'" + prompt + "' " + steps + " steps";
    }
  }

  static Stream<Vector> vectors() throws IOException {
    Path file = BundledModels.resource("stories260K-greedy-vectors.json");
    JsonNode root = new ObjectMapper().readTree(Files.readString(file));
    return StreamSupport.stream(root.get("vectors").spliterator(), false)
        .map(v ->
            new Vector(
                v.get("prompt").asText(),
                ints(v.get("prompt_token_ids"), new int[] {1}),
                v.get("steps").asInt(),
                ints(v.get("token_ids_after_each_step"), new int[0]),
                v.get("stdout_text").asText()));
  }

  private static int[] ints(JsonNode array, int[] absent) {
    return array == null
        ? absent
        : StreamSupport.stream(array.spliterator(), false).mapToInt(JsonNode::asInt).toArray();
  }

  /** run.c's decoder over tok512.bin: strip the space after BOS, map <0xHH> to the byte. */
  private static String decode(int[] prompt, int[] generated) throws IOException {
    ByteBuffer buf =
        ByteBuffer.wrap(Files.readAllBytes(BundledModels.resource("tok512.bin")))
            .order(ByteOrder.LITTLE_ENDIAN);
    buf.getInt();
    List<byte[]> pieces = new ArrayList<>();
    while (buf.hasRemaining()) {
      buf.getFloat();
      byte[] piece = new byte[buf.getInt()];
      buf.get(piece);
      pieces.add(piece);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int[] all = IntStream.concat(Arrays.stream(prompt), Arrays.stream(generated)).toArray();
    for (int i = 1; i < all.length; i++) {
      String piece = new String(pieces.get(all[i]), StandardCharsets.UTF_8);
      if (all[i - 1] == 1 && piece.startsWith(" ")) {
        piece = piece.substring(1);
      }
      if (piece.matches("<0x[0-9A-F]{2}>")) {
        out.write(Integer.parseInt(piece.substring(3, 5), 16));
      } else {
        out.writeBytes(piece.getBytes(StandardCharsets.UTF_8));
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void greedyTokensEqualLlama2c(Vector v) throws IOException {
    // run.c forces prompt tokens up to position len-2, then argmax; it stops on BOS (1).
    int maxTokens = v.steps() - v.promptIds().length + 1;
    GenerationRequest request =
        new GenerationRequest(v.promptIds(), SamplingParams.greedy(), maxTokens, Set.of(1), 0);
    for (Engine engine : List.of(bin, gguf)) {
      GenerationResult result = engine.generate(request, TokenSink.discard());
      if (v.idsAfterEachStep().length > 0) {
        int[] expected =
            Arrays.copyOfRange(
                v.idsAfterEachStep(), v.promptIds().length - 1, v.idsAfterEachStep().length);
        assertThat(result.tokens()).as(engine.info().name()).containsExactly(expected);
      }
      assertThat(decode(v.promptIds(), result.tokens()))
          .as(engine.info().name())
          .isEqualTo(v.stdoutText());
      assertThat(result.promptTokens()).isEqualTo(v.promptIds().length);
    }
  }
}
