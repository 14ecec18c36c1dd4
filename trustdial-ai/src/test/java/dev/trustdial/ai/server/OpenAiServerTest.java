package dev.trustdial.ai.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.ai.engine.GenerationRequest;
import dev.trustdial.ai.engine.GenerationResult;
import dev.trustdial.ai.engine.TokenSink;
import dev.trustdial.ai.inference.ApiRequest;
import dev.trustdial.ai.inference.CompletionBackend;
import dev.trustdial.ai.inference.EngineBackend;
import dev.trustdial.ai.receipt.Receipt;
import dev.trustdial.ai.receipt.ReceiptJson;
import dev.trustdial.core.crypto.Secp256k1Key;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP API over the real engine with stories260K (a 260K-parameter model: fast). */
class OpenAiServerTest {

  static final ObjectMapper M = new ObjectMapper();
  static final Secp256k1Key KEY = Secp256k1Key.fromPrivateKeyHex("0x" + "11".repeat(32));
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
  static EngineBackend backend;
  static OpenAiServer server;
  static InferenceService service;
  static HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    backend = TestModels.stories();
    AtomicLong seeds = new AtomicLong(1000);
    service =
        new InferenceService(
            backend,
            KEY,
            new ServerLimits(4096, 400, 300, 32, 2, 8, 4, 16, 100),
            CLOCK,
            seeds::incrementAndGet);
    server =
        new OpenAiServer(service, new ServerLimits(4096, 400, 300, 32, 2, 8, 4, 16, 100), CLOCK)
            .start("127.0.0.1", 0);
  }

  @AfterAll
  static void stop() {
    server.close();
    backend.close();
  }

  static HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void completionMatchesTheLlama2cReferenceAndCarriesAReceipt() throws Exception {
    HttpResponse<String> r =
        post(
            "/v1/completions",
            "{\"model\":\"llama\",\"prompt\":\"Once upon a time\",\"max_tokens\":20,\"temperature\":0}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode j = M.readTree(r.body());
    // llama2.c run.c greedy continuation of "Once upon a time" (models/README.md)
    assertThat(j.at("/choices/0/text").asText())
        .startsWith(", there was a little girl named Lily.");
    assertThat(j.at("/choices/0/finish_reason").asText()).isEqualTo("length");
    assertThat(j.at("/usage/prompt_tokens").asInt()).isEqualTo(5);
    assertThat(j.at("/usage/completion_tokens").asInt()).isEqualTo(20);
    Receipt receipt = ReceiptJson.parse(j.get("receipt"));
    receipt.checkSignature();
    assertThat(receipt.signer()).isEqualTo(KEY.address());
    assertThat(receipt.body().outputTokens()).startsWith(432, 383, 286, 261, 376);
    assertThat(receipt.body().request().get("seed").asLong())
        .isGreaterThan(1000); // drawn by the server and bound
    assertThat(receipt.body().model().fileSha256())
        .isEqualTo("270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d");

    HttpResponse<String> stored = get("/v1/receipts/" + receipt.id());
    assertThat(stored.statusCode()).isEqualTo(200);
    assertThat(ReceiptJson.parse(stored.body())).isEqualTo(receipt);

    JsonNode v =
        M.readTree(
            post("/v1/verify", r.body().isEmpty() ? "" : M.writeValueAsString(j.get("receipt")))
                .body());
    assertThat(v.get("match").asBoolean()).as(v.toString()).isTrue();
    assertThat(v.get("first_mismatch_index").isNull()).isTrue();

    // One edited token: a well-formed receipt that does not match, answered with where, not refused
    // as bad input.
    com.fasterxml.jackson.databind.node.ObjectNode edited = j.get("receipt").deepCopy();
    ((com.fasterxml.jackson.databind.node.ArrayNode) edited.get("output_tokens")).set(3, 1000);
    HttpResponse<String> er = post("/v1/verify", M.writeValueAsString(edited));
    assertThat(er.statusCode()).as(er.body()).isEqualTo(200);
    JsonNode ev = M.readTree(er.body());
    assertThat(ev.get("match").asBoolean()).isFalse();
    assertThat(ev.get("first_mismatch_index").asInt()).isEqualTo(3);
    assertThat(ev.get("signature_valid").asBoolean()).isFalse();
    assertThat(ev.get("problems").toString())
        .contains("output_tokens_hash does not match")
        .contains("output token 3 differs");
  }

  @Test
  void badBodiesGetSpecificErrors() throws Exception {
    String ok = "{\"model\":\"llama\",\"prompt\":\"Once\",\"max_tokens\":1}";
    for (String type : new String[] {null, "text/plain", "application/x-www-form-urlencoded"}) {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + server.port() + "/v1/completions"))
              .POST(HttpRequest.BodyPublishers.ofString(ok));
      if (type != null) {
        b.header("Content-Type", type);
      }
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(String.valueOf(type)).isEqualTo(415);
      assertThat(M.readTree(r.body()).at("/error/message").asText())
          .contains("Content-Type: application/json");
    }
    HttpResponse<String> charset =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/v1/completions"))
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(ok))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(charset.statusCode()).as(charset.body()).isEqualTo(200);

    HttpResponse<String> dup =
        post("/v1/completions", "{\"model\":\"llama\",\"model\":\"llama\",\"prompt\":\"a\"}");
    assertThat(dup.statusCode()).isEqualTo(400);
    String msg = M.readTree(dup.body()).at("/error/message").asText();
    assertThat(msg)
        .contains("duplicate key 'model'")
        .contains("line 1")
        .doesNotContain("Deserialization")
        .doesNotContain("ObjectNode")
        .doesNotContain("`");

    HttpResponse<String> batch =
        post("/v1/completions", "{\"model\":\"llama\",\"prompt\":[\"a\",\"b\"],\"max_tokens\":1}");
    assertThat(batch.statusCode()).isEqualTo(400);
    assertThat(M.readTree(batch.body()).at("/error/message").asText())
        .contains("batch of 2 prompts");
    HttpResponse<String> ids =
        post("/v1/completions", "{\"model\":\"llama\",\"prompt\":[1,2,3],\"max_tokens\":1}");
    assertThat(M.readTree(ids.body()).at("/error/message").asText()).contains("token ids");
    HttpResponse<String> one =
        post("/v1/completions", "{\"model\":\"llama\",\"prompt\":[\"Once\"],\"max_tokens\":1}");
    assertThat(one.statusCode()).as(one.body()).isEqualTo(200);

    // An unpaired surrogate never reaches the tokenizer or a signed receipt; a paired one (an
    // emoji) is fine.
    HttpResponse<String> lone =
        post(
            "/v1/chat/completions",
            "{\"model\":\"llama\",\"messages\":[{\"role\":\"user\",\"content\":\"hi \\ud83d there\"}],\"max_tokens\":1}");
    assertThat(lone.statusCode()).as(lone.body()).isEqualTo(400);
    JsonNode le = M.readTree(lone.body()).get("error");
    assertThat(le.get("message").asText())
        .contains("messages[0].content")
        .contains("unpaired UTF-16 surrogate (\\ud83d)");
    assertThat(le.get("param").asText()).isEqualTo("messages");
    HttpResponse<String> emoji =
        post(
            "/v1/completions",
            "{\"model\":\"llama\",\"prompt\":\"hi \\ud83d\\ude00\",\"max_tokens\":1}");
    assertThat(emoji.statusCode()).as(emoji.body()).isEqualTo(200);
  }

  @Test
  void chatStreamsSseWithUsageAndReceipt() throws Exception {
    String body =
        "{\"model\":\"llama\",\"messages\":[{\"role\":\"user\",\"content\":\"Tell a story\"}],"
            + "\"max_tokens\":12,\"seed\":7,\"temperature\":0.8,\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
    HttpResponse<String> r = post("/v1/chat/completions", body);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
    List<JsonNode> chunks = new ArrayList<>();
    String[] events = r.body().split("\n\n");
    assertThat(events[events.length - 1]).isEqualTo("data: [DONE]");
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < events.length - 1; i++) {
      assertThat(events[i]).startsWith("data: ");
      JsonNode c = M.readTree(events[i].substring(6));
      chunks.add(c);
      assertThat(c.get("object").asText()).isEqualTo("chat.completion.chunk");
      if (c.at("/choices/0/delta/content").isTextual()) {
        text.append(c.at("/choices/0/delta/content").asText());
      }
    }
    assertThat(chunks.get(0).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
    JsonNode last = chunks.get(chunks.size() - 1);
    assertThat(last.get("choices")).isEmpty();
    assertThat(last.at("/usage/completion_tokens").asInt()).isEqualTo(12);
    JsonNode fin = chunks.get(chunks.size() - 2);
    assertThat(fin.at("/choices/0/finish_reason").asText()).isEqualTo("length");
    Receipt receipt = ReceiptJson.parse(fin.get("receipt"));
    receipt.checkSignature();
    assertThat(receipt.body().outputTextHash())
        .isEqualTo(dev.trustdial.ai.receipt.TokenHashes.text(text.toString()));

    // same request, not streamed: same tokens (seeded sampling is deterministic)
    HttpResponse<String> plain =
        post("/v1/chat/completions", body.replace("\"stream\":true", "\"stream\":false"));
    JsonNode pj = M.readTree(plain.body());
    assertThat(pj.at("/choices/0/message/content").asText()).isEqualTo(text.toString());
    assertThat(ReceiptJson.parse(pj.get("receipt")).body().outputTokens())
        .containsExactly(receipt.body().outputTokens());
    assertThat(service.verify(receipt).match()).isTrue();
  }

  @Test
  void stopStringsCutTheTextAndAreBound() throws Exception {
    HttpResponse<String> r =
        post(
            "/v1/completions",
            "{\"model\":\"llama\",\"prompt\":\"Once upon a time\",\"max_tokens\":40,\"temperature\":0,\"stop\":[\"Lily\"]}");
    JsonNode j = M.readTree(r.body());
    assertThat(j.at("/choices/0/text").asText()).isEqualTo(", there was a little girl named ");
    assertThat(j.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    Receipt receipt = ReceiptJson.parse(j.get("receipt"));
    assertThat(receipt.body().request().get("stop").get(0).asText()).isEqualTo("Lily");
    assertThat(service.verify(receipt).match()).isTrue();
  }

  @Test
  void logprobsAreReported() throws Exception {
    JsonNode j =
        M.readTree(
            post(
                    "/v1/chat/completions",
                    "{\"model\":\"llama\",\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"Hi\"}],\"max_tokens\":3,\"logprobs\":true,\"top_logprobs\":2,\"temperature\":0}")
                .body());
    JsonNode content = j.at("/choices/0/logprobs/content");
    assertThat(content).hasSize(3);
    assertThat(content.get(0).get("top_logprobs")).hasSize(2);
    assertThat(content.get(0).get("logprob").asDouble()).isLessThanOrEqualTo(0.0);
    // greedy: the chosen token is the most likely one
    assertThat(content.get(0).get("logprob").asDouble())
        .isEqualTo(content.get(0).get("top_logprobs").get(0).get("logprob").asDouble());
  }

  @Test
  void legacyCompletionsStreamWithLogprobs() throws Exception {
    HttpResponse<String> r =
        post(
            "/v1/completions",
            "{\"model\":\"llama\",\"prompt\":\"Tom and Sue\","
                + "\"max_tokens\":6,\"temperature\":0,\"logprobs\":2,\"stream\":true}");
    String[] events = r.body().split("\n\n");
    assertThat(events[events.length - 1]).isEqualTo("data: [DONE]");
    StringBuilder text = new StringBuilder();
    int withLogprobs = 0;
    for (int i = 0; i < events.length - 1; i++) {
      JsonNode c = M.readTree(events[i].substring(6));
      assertThat(c.get("object").asText()).isEqualTo("text_completion");
      text.append(c.at("/choices/0/text").asText());
      JsonNode lp = c.at("/choices/0/logprobs");
      if (lp.isObject()) {
        withLogprobs += lp.get("tokens").size();
        assertThat(lp.get("top_logprobs").get(0).size()).isEqualTo(2);
      }
    }
    assertThat(withLogprobs).isEqualTo(6);
    assertThat(text.toString()).isEqualTo(" were playing in the"); // llama2.c greedy, 6 tokens
  }

  @Test
  void badRequestsGetOpenAiErrors() throws Exception {
    record Case(String path, String body, int status, String param) {}
    for (Case c :
        List.of(
            new Case(
                "/v1/completions",
                "{\"model\":\"llama\",\"prompt\":\"a\",\"frobnicate\":1}",
                400,
                "frobnicate"),
            new Case("/v1/completions", "{\"model\":\"gpt-4\",\"prompt\":\"a\"}", 404, "model"),
            new Case(
                "/v1/completions",
                "{\"model\":\"llama\",\"prompt\":\"a\",\"max_tokens\":301}",
                400,
                "max_tokens"),
            new Case(
                "/v1/completions",
                "{\"model\":\"llama\",\"prompt\":\"a\",\"temperature\":3}",
                400,
                "temperature"),
            new Case(
                "/v1/completions",
                "{\"model\":\"llama\",\"prompt\":\"a\",\"seed\":-1}",
                400,
                "seed"),
            new Case(
                "/v1/completions",
                "{\"model\":\"llama\",\"prompt\":\"" + "x".repeat(3000) + "\"}",
                400,
                "prompt"),
            new Case(
                "/v1/completions",
                "{\"model\":\"llama\",\"prompt\":\"" + "x".repeat(5000) + "\"}",
                413,
                null),
            new Case(
                "/v1/chat/completions", "{\"model\":\"llama\",\"messages\":[]}", 400, "messages"),
            new Case(
                "/v1/chat/completions",
                "{\"model\":\"llama\",\"messages\":[{\"role\":\"wizard\",\"content\":\"a\"}]}",
                400,
                "messages[0].role"),
            new Case(
                "/v1/chat/completions",
                "{\"model\":\"llama\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"}],\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}",
                400,
                "stop"),
            new Case("/v1/chat/completions", "{not json", 400, null),
            new Case("/v1/verify", "{\"type\":\"nope\"}", 400, null))) {
      HttpResponse<String> r = post(c.path(), c.body());
      assertThat(r.statusCode()).as(c.body() + " -> " + r.body()).isEqualTo(c.status());
      JsonNode err = M.readTree(r.body()).get("error");
      assertThat(err.get("message").asText()).isNotBlank();
      assertThat(err.get("type").asText()).isNotBlank();
      if (c.param() != null) {
        assertThat(err.get("param").asText()).isEqualTo(c.param());
      }
    }
    assertThat(get("/v1/receipts/0x1234").statusCode()).isEqualTo(404);
  }

  @Test
  void modelsHealthAndMetrics() throws Exception {
    JsonNode models = M.readTree(get("/v1/models").body());
    assertThat(models.at("/data/0/id").asText()).isEqualTo("llama");
    assertThat(models.at("/data/0/determinism_profile").asText())
        .isEqualTo(backend.determinismProfile());
    assertThat(M.readTree(get("/health").body()).get("status").asText()).isEqualTo("ok");
    post("/v1/completions", "{\"model\":\"llama\",\"prompt\":\"a\",\"max_tokens\":2}");
    String metrics = get("/metrics").body();
    assertThat(metrics)
        .contains("trustdial_ai_requests_total{endpoint=\"/v1/completions\",status=\"200\"}")
        .contains("trustdial_ai_completion_tokens_total")
        .contains("trustdial_ai_request_duration_seconds_bucket");
  }

  /**
   * A wrong completion signed by a dishonest operator is caught by re-execution at the first bad
   * token.
   */
  @Test
  void verifyCatchesALyingOperator() throws Exception {
    Secp256k1Key liar = Secp256k1Key.fromPrivateKeyHex("0x" + "22".repeat(32));
    InferenceService dishonest =
        new InferenceService(
            TestModels.lying(
                backend,
                t -> {
                  t[3] = (t[3] + 1) % 512;
                  return t;
                }),
            liar,
            ServerLimits.defaults(),
            CLOCK,
            () -> 5);
    Completion c =
        dishonest.complete(
            service
                .parser()
                .parse(
                    ApiRequest.TEXT_ENDPOINT,
                    M.readTree(
                        "{\"model\":\"llama\",\"prompt\":\"Tom and Sue\",\"max_tokens\":8}")),
            InferenceService.DeltaListener.none());
    c.receipt().checkSignature(); // validly signed, but wrong
    JsonNode v =
        M.readTree(
            post("/v1/verify", "{\"receipt\":" + ReceiptJson.toJson(c.receipt()) + "}").body());
    assertThat(v.get("match").asBoolean()).isFalse();
    assertThat(v.get("signature_valid").asBoolean()).isTrue();
    assertThat(v.get("first_mismatch_index").asInt()).isEqualTo(3);

    ObjectNode tampered = ReceiptJson.toJson(c.receipt());
    ((ObjectNode) tampered.get("request")).put("temperature", 0.5);
    tampered.remove("id");
    tampered.put(
        "request_hash",
        dev.trustdial.core.hash.Hashes.keccak256(
                dev.trustdial.ai.receipt.CanonicalJson.encode(tampered.get("request")))
            .toHex());
    JsonNode v2 = M.readTree(post("/v1/verify", tampered.toString()).body());
    assertThat(v2.get("signature_valid").asBoolean()).isFalse();
    assertThat(v2.get("match").asBoolean()).isFalse();
  }

  /** More concurrent generations than slots get 429 while the slots are busy. */
  @Test
  void concurrencyLimitAnswers429() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(2);
    CompletionBackend gated =
        new TestModels.Wrapped(backend) {
          @Override
          public GenerationResult generate(GenerationRequest r, TokenSink s) {
            entered.countDown();
            try {
              release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return inner.generate(r, s);
          }
        };
    ServerLimits limits = ServerLimits.defaults().withMaxConcurrent(2);
    try (OpenAiServer gatedServer =
        new OpenAiServer(new InferenceService(gated, KEY, limits, CLOCK, () -> 1), limits, CLOCK)
            .start("127.0.0.1", 0)) {
      String url = "http://127.0.0.1:" + gatedServer.port() + "/v1/completions";
      HttpRequest req =
          HttpRequest.newBuilder(URI.create(url))
              .header("Content-Type", "application/json")
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      "{\"model\":\"llama\",\"prompt\":\"a\",\"max_tokens\":2}"))
              .build();
      List<CompletableFuture<HttpResponse<String>>> busy =
          List.of(
              http.sendAsync(req, HttpResponse.BodyHandlers.ofString()),
              http.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
      assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
      HttpResponse<String> third = http.send(req, HttpResponse.BodyHandlers.ofString());
      assertThat(third.statusCode()).isEqualTo(429);
      assertThat(M.readTree(third.body()).at("/error/type").asText())
          .isEqualTo("rate_limit_exceeded");
      release.countDown();
      for (CompletableFuture<HttpResponse<String>> f : busy) {
        assertThat(f.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      }
    }
  }
}
