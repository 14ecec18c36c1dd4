package dev.trustdial.node.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustdial.ai.engine.EngineOptions;
import dev.trustdial.ai.inference.EngineBackend;
import dev.trustdial.ai.model.BundledModel;
import dev.trustdial.ai.server.InferenceService;
import dev.trustdial.ai.server.OpenAiServer;
import dev.trustdial.ai.server.ServerLimits;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.core.job.JobEnvelope;
import dev.trustdial.core.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inference jobs on the bundled stories260K model: two independent nodes get the same bits; bad
 * jobs are refused.
 */
class InferenceJobTest {
  @TempDir Path dir;

  private static JobProgram job(byte[] model, String request) {
    JobEnvelope e = new JobEnvelope(Bytes32.ZERO, 1, request.getBytes(StandardCharsets.UTF_8));
    return new JobProgram(model, e, Hashes.keccak256(model), e.digest());
  }

  @Test
  void twoNodesComputeTheSameCommitmentAndCanonicalOutput() throws Exception {
    byte[] model = Files.readAllBytes(BundledModel.defaultModel());
    assertThat(InferenceJob.isModel(model)).isTrue();
    String request =
        """
        {"messages": [{"role": "user", "content": "Tell me a story"}], "max_tokens": 24, "temperature": 0.8}\
        """;
    InferenceJob.Outcome a;
    InferenceJob.Outcome b;
    try (var m1 = new InferenceJob.Models(dir.resolve("n1"));
        var m2 = new InferenceJob.Models(dir.resolve("n2"))) {
      a = InferenceJob.run(m1, job(model, request));
      b = InferenceJob.run(m2, job(model, request));
    }
    assertThat(a.commitment()).isEqualTo(b.commitment());
    assertThat(a.output()).isEqualTo(b.output());
    assertThat(a.commitment().outputHash()).isEqualTo(Hashes.keccak256(a.output()));
    JsonNode out = new ObjectMapper().readTree(a.output());
    assertThat(out.get("text").asText()).isEqualTo(a.text()).isNotEmpty();
    assertThat(out.get("output_tokens")).hasSize((int) a.commitment().stepCount());
    assertThat(out.get("request").get("seed").asLong()).as("a job's default seed is 0").isZero();
    assertThat(out.get("model_sha256").asText()).hasSize(64);
    assertThat(out.get("request").get("model").asText())
        .as("filled in from the model file")
        .isNotEmpty();
    // Another seed is another (equally reproducible) completion.
    try (var m = new InferenceJob.Models(dir.resolve("n3"))) {
      var other =
          InferenceJob.run(
              m, job(model, request.replace("\"temperature\"", "\"seed\": 7, \"temperature\"")));
      assertThat(other.commitment()).isNotEqualTo(a.commitment());
    }
  }

  @Test
  void refusesBadJobsWithTheReason() throws Exception {
    byte[] model = Files.readAllBytes(BundledModel.defaultModel());
    assertThatThrownBy(() -> InferenceJob.isModel(new byte[] {1, 2, 3, 4, 5}))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("neither an RV32IM ELF nor a GGUF model");
    try (var m = new InferenceJob.Models(dir.resolve("bad"))) {
      assertThatThrownBy(() -> InferenceJob.run(m, job(model, "not json")))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("not valid JSON");
      assertThatThrownBy(() -> InferenceJob.run(m, job(model, "[1]")))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("JSON object");
      assertThatThrownBy(
              () -> InferenceJob.run(m, job(model, "{\"prompt\": \"Once\", \"stream\": true}")))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("stream");
      assertThatThrownBy(
              () -> InferenceJob.run(m, job(model, "{\"model\": \"gpt-9\", \"prompt\": \"Once\"}")))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("gpt-9");
      assertThatThrownBy(() ->
              InferenceJob.run(m, job(model, "{\"prompt\": \"" + "x".repeat(300_000) + "\"}")))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("limit");
    }
  }

  /** A request read from DA is parsed exactly like the same body POSTed to `trustdial ai serve`. */
  @Test
  void refusesADuplicateKeyAndExcessiveNestingWithTheServersMessage() throws Exception {
    byte[] model = Files.readAllBytes(BundledModel.defaultModel());
    String duplicate = "{\"prompt\": \"Once\", \"max_tokens\": 2, \"max_tokens\": 3}";
    String deep = "{\"prompt\": \"Once\", \"user\": " + "[".repeat(80) + "]".repeat(80) + "}";
    Map<String, String> overHttp = new LinkedHashMap<>();
    try (EngineBackend backend =
            EngineBackend.load(
                BundledModel.defaultModel(), Optional.empty(), EngineOptions.defaults());
        OpenAiServer server =
            new OpenAiServer(
                    new InferenceService(
                        backend,
                        Secp256k1Key.generate(),
                        ServerLimits.defaults(),
                        Clock.systemUTC(),
                        () -> 0),
                    ServerLimits.defaults(),
                    Clock.systemUTC())
                .start("127.0.0.1", 0)) {
      HttpClient http = HttpClient.newHttpClient();
      for (String body : List.of(duplicate, deep)) {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/v1/completions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        overHttp.put(body, Json.mapper().readTree(r.body()).at("/error/message").asText());
      }
    }
    assertThat(overHttp.get(duplicate))
        .isEqualTo(
            "the request body is not valid JSON: duplicate key 'max_tokens' (line 1, column 49)");
    assertThat(overHttp.get(deep))
        .startsWith("the request body is not valid JSON: nested deeper than 64 levels");
    try (var m = new InferenceJob.Models(dir.resolve("strict"))) {
      for (String body : List.of(duplicate, deep)) {
        assertThatThrownBy(() -> InferenceJob.run(m, job(model, body)))
            .isInstanceOfSatisfying(
                JobRejected.class,
                e -> {
                  assertThat(e.getMessage())
                      .isEqualTo(
                          "the inference request is refused (400 invalid_value): "
                              + overHttp.get(body));
                  assertThat(e.reason()).isEqualTo(RejectReason.MALFORMED_INFERENCE_REQUEST);
                });
      }
    }
  }
}
