package dev.trustdial.ai.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trustdial.ai.engine.GenerationRequest;
import dev.trustdial.ai.engine.GenerationResult;
import dev.trustdial.ai.engine.TokenSink;
import dev.trustdial.ai.inference.CompletionBackend;
import dev.trustdial.ai.inference.EngineBackend;
import dev.trustdial.core.crypto.Secp256k1Key;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A streaming client that goes away stops its generation and frees its slot. */
class StreamDisconnectTest {

  @Test
  void disconnectCancelsGenerationAndFreesTheSlot() throws Exception {
    AtomicInteger tokensAfterStart = new AtomicInteger();
    try (EngineBackend real = TestModels.stories()) {
      CompletionBackend slow =
          new TestModels.Wrapped(real) {
            @Override
            public GenerationResult generate(GenerationRequest r, TokenSink s) {
              return inner.generate(
                  r,
                  (token, lp) -> {
                    tokensAfterStart.incrementAndGet();
                    try {
                      Thread.sleep(20); // a slow model, so the client leaves mid-generation
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                    return s.accept(token, lp);
                  });
            }
          };
      ServerLimits limits = ServerLimits.defaults().withMaxConcurrent(1);
      try (OpenAiServer server =
          new OpenAiServer(
                  new InferenceService(
                      slow, Secp256k1Key.generate(), limits, Clock.systemUTC(), () -> 1),
                  limits,
                  Clock.systemUTC())
              .start("127.0.0.1", 0)) {
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + server.port();
        HttpRequest streaming =
            HttpRequest.newBuilder(URI.create(base + "/v1/completions"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"llama\",\"prompt\":\"Once\",\"max_tokens\":1000,\"stream\":true}"))
                .build();
        HttpResponse<InputStream> r =
            http.send(streaming, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
        assertThat(reader.readLine()).startsWith("data: ");
        reader.close(); // the client leaves
        http.close();

        HttpClient http2 = HttpClient.newHttpClient();
        ObjectMapper m = new ObjectMapper();
        int free = 0;
        for (int i = 0; i < 300 && free == 0; i++) {
          Thread.sleep(50);
          free =
              m.readTree(
                      http2
                          .send(
                              HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                              HttpResponse.BodyHandlers.ofString())
                          .body())
                  .get("slots_free")
                  .asInt();
        }
        assertThat(free).isEqualTo(1);
        assertThat(tokensAfterStart.get()).isLessThan(1000); // stopped early, not run to max_tokens
        HttpResponse<String> next =
            http2.send(
                HttpRequest.newBuilder(URI.create(base + "/v1/completions"))
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"llama\",\"prompt\":\"Once\",\"max_tokens\":2}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(next.statusCode()).isEqualTo(200);
      }
    }
  }
}
