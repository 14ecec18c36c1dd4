package dev.trustdial.ai.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.models.Model;
import dev.trustdial.ai.inference.EngineBackend;
import dev.trustdial.ai.inference.Verification;
import dev.trustdial.ai.receipt.Receipt;
import dev.trustdial.ai.receipt.ReceiptJson;
import dev.trustdial.ai.receipt.TokenHashes;
import dev.trustdial.core.crypto.Secp256k1Key;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java SDK against the server with the real engine (stories260K). */
class OpenAiSdkIT {

  static final Secp256k1Key KEY = Secp256k1Key.generate();
  static EngineBackend backend;
  static InferenceService service;
  static OpenAiServer server;
  static OpenAIClient client;

  @BeforeAll
  static void start() {
    backend =
        EngineBackend.load(
            dev.trustdial.ai.model.BundledModel.defaultModel(),
            Optional.empty(),
            dev.trustdial.ai.engine.EngineOptions.defaults());
    SecureRandom seeds = new SecureRandom();
    service =
        new InferenceService(
            backend, KEY, ServerLimits.defaults(), Clock.systemUTC(), seeds::nextLong);
    server =
        new OpenAiServer(service, ServerLimits.defaults(), Clock.systemUTC()).start("127.0.0.1", 0);
    client =
        OpenAIOkHttpClient.builder()
            .baseUrl("http://127.0.0.1:" + server.port() + "/v1")
            .apiKey("unused")
            .build();
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close();
    backend.close();
  }

  static Receipt receipt(JsonValue v) {
    return ReceiptJson.parse(v.convert(JsonNode.class));
  }

  @Test
  void listsTheModel() {
    List<Model> models = client.models().list().data();
    assertThat(models).extracting(Model::id).containsExactly(backend.modelName());
  }

  @Test
  void chatCompletionWithAReceiptThatVerifies() {
    ChatCompletion c =
        client
            .chat()
            .completions()
            .create(
                ChatCompletionCreateParams.builder()
                    .model(backend.modelName())
                    .addSystemMessage("You tell short stories.")
                    .addUserMessage("Tell me about a dog.")
                    .maxCompletionTokens(24)
                    .temperature(0.9)
                    .topP(0.95)
                    .seed(1234)
                    .build());
    String text = c.choices().get(0).message().content().orElseThrow();
    assertThat(text).isNotBlank();
    assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(24);
    Receipt r = receipt(c._additionalProperties().get("receipt"));
    r.checkSignature();
    assertThat(r.signer()).isEqualTo(KEY.address());
    assertThat(r.body().outputTextHash()).isEqualTo(TokenHashes.text(text));
    Verification v = service.verify(r);
    assertThat(v.match()).as(v.problems().toString()).isTrue();
  }

  @Test
  void streamingGivesTheSameTokensAsNonStreaming() {
    ChatCompletionCreateParams params =
        ChatCompletionCreateParams.builder()
            .model(backend.modelName())
            .addUserMessage("Once upon a time")
            .maxCompletionTokens(30)
            .temperature(0.7)
            .seed(99)
            .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
            .build();
    StringBuilder text = new StringBuilder();
    List<Receipt> receipts = new ArrayList<>();
    long[] usage = {-1};
    try (StreamResponse<ChatCompletionChunk> stream =
        client.chat().completions().createStreaming(params)) {
      stream.stream()
          .forEach(chunk -> {
            chunk.choices().forEach(ch -> ch.delta().content().ifPresent(text::append));
            JsonValue rv = chunk._additionalProperties().get("receipt");
            if (rv != null) {
              receipts.add(receipt(rv));
            }
            chunk.usage().ifPresent(u -> usage[0] = u.completionTokens());
          });
    }
    assertThat(receipts).hasSize(1);
    assertThat(usage[0]).isEqualTo(receipts.get(0).body().outputTokens().length);
    ChatCompletion plain =
        client
            .chat()
            .completions()
            .create(params.toBuilder().streamOptions(Optional.empty()).build());
    assertThat(plain.choices().get(0).message().content()).contains(text.toString());
    Receipt plainReceipt = receipt(plain._additionalProperties().get("receipt"));
    assertThat(plainReceipt.body().outputTokens())
        .containsExactly(receipts.get(0).body().outputTokens());
    assertThat(plainReceipt.body().requestHash()).isEqualTo(receipts.get(0).body().requestHash());
    assertThat(service.verify(receipts.get(0)).match()).isTrue();
  }

  @Test
  void legacyCompletionsGreedyMatchLlama2c() {
    Completion c =
        client
            .completions()
            .create(
                CompletionCreateParams.builder()
                    .model(backend.modelName())
                    .prompt("Tom and Sue")
                    .maxTokens(25)
                    .temperature(0.0)
                    .build());
    // llama2.c run.c, greedy (models/README.md)
    assertThat(c.choices().get(0).text())
        .startsWith(" were playing in the park. They liked to play");
    assertThat(service.verify(receipt(c._additionalProperties().get("receipt"))).match()).isTrue();
  }

  @Test
  void errorsReachTheSdkAsOpenAiErrors() {
    assertThatThrownBy(() ->
            client
                .chat()
                .completions()
                .create(
                    ChatCompletionCreateParams.builder()
                        .model("no-such-model")
                        .addUserMessage("hi")
                        .build()))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("no-such-model");
  }
}
