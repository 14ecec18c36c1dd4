package dev.trustdial.tee.kms;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.http.ConnectionLimits;
import dev.trustdial.tee.attest.TrustAnchors;
import dev.trustdial.tee.http.JsonExchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The KMS HTTP server in-process: its error contract, and slow clients (issue 14): a few
 * connections that stall mid-body used to take all four threads of the old JDK server, with no read
 * timeout, so nobody else got an answer.
 */
class KmsServerIT {
  /** Generous: a healthy server answers in milliseconds; the old one never answered. */
  static final Duration PATIENCE = Duration.ofSeconds(10);

  @TempDir Path dir;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(PATIENCE).build();

  KmsServer start(ConnectionLimits limits) {
    SecureRandom r = new SecureRandom();
    KeyReleaseService kms =
        new KeyReleaseService(
            new KmsRoot(r.generateSeed(32)),
            id -> Optional.empty(),
            new KeyReleaseService.Config(TrustAnchors.pinned(), false, Duration.ofMinutes(5)),
            AuditLog.open(dir.resolve("audit.jsonl")),
            Clock.systemUTC(),
            r);
    return KmsServer.start(kms, "127.0.0.1", 0, limits);
  }

  HttpResponse<String> send(KmsServer s, String method, String path, String body) throws Exception {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
            .timeout(PATIENCE)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build();
    return http.send(req, HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(HttpResponse<String> r) throws IOException {
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    return JsonExchange.JSON.readTree(r.body());
  }

  @Test
  void answersEveryErrorAsStatusReasonAndDetail() throws Exception {
    try (KmsServer s = start(ConnectionLimits.DEFAULT)) {
      JsonNode info = json(send(s, "GET", "/v1/kms", null));
      assertThat(info.path("publicKey").asText()).startsWith("0x");
      assertThat(json(send(s, "GET", "/v1/apps/7/wallet", null)).path("appId").asText())
          .isEqualTo("7");

      HttpResponse<String> badId = send(s, "GET", "/v1/apps/-1/wallet", null);
      assertThat(badId.statusCode()).isEqualTo(400);
      assertThat(json(badId).path("error").asText()).isEqualTo("BadRequest");

      HttpResponse<String> missing = send(s, "GET", "/v1/nothing", null);
      assertThat(missing.statusCode()).isEqualTo(404);
      assertThat(json(missing).path("error").asText()).isEqualTo("NotFound");
      assertThat(json(missing).path("detail").asText()).contains("/v1/nothing");

      HttpResponse<String> wrongMethod = send(s, "GET", "/v1/keys", null);
      assertThat(wrongMethod.statusCode()).isEqualTo(405);
      assertThat(json(wrongMethod).path("error").asText()).isEqualTo("MethodNotAllowed");
      assertThat(json(wrongMethod).path("detail").asText()).isEqualTo("/v1/keys takes POST");

      HttpResponse<String> notJson = send(s, "POST", "/v1/keys", "{oops");
      assertThat(notJson.statusCode()).isEqualTo(400);
      assertThat(json(notJson).path("detail").asText()).startsWith("the body is not JSON");

      HttpResponse<String> unknownApp =
          send(
              s,
              "POST",
              "/v1/keys",
              "{\"appId\":\"5\",\"evidence\":\"AQ==\",\"ephemeralPublicKey\":\""
                  + Hex.encode(new byte[32])
                  + "\"}");
      assertThat(unknownApp.statusCode()).isEqualTo(404);
      assertThat(json(unknownApp).path("error").asText()).isEqualTo("UnknownApp");

      HttpResponse<String> tooLarge =
          send(s, "POST", "/v1/keys", "x".repeat(KmsServer.MAX_REQUEST + 1));
      assertThat(tooLarge.statusCode()).isEqualTo(413);
      assertThat(json(tooLarge).path("error").asText()).isEqualTo("BodyTooLarge");
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {4, 16})
  void bodiesThatStallNeitherBlockOtherClientsNorStayOpen(int stalled) throws Exception {
    try (KmsServer s = start(new ConnectionLimits(Duration.ofSeconds(1), 64))) {
      List<Socket> slow = new ArrayList<>();
      try {
        for (int i = 0; i < stalled; i++) {
          slow.add(stallMidBody(s.port(), InetAddress.getLoopbackAddress()));
        }
        // Before: four stalled bodies held the pool's four threads, and this request waited
        // forever.
        HttpResponse<String> info = send(s, "GET", "/v1/kms", null);
        assertThat(info.statusCode()).isEqualTo(200);
        for (Socket c : slow) {
          assertThat(closedByServer(c))
              .as("a stalled connection is closed after the idle timeout")
              .isTrue();
        }
      } finally {
        closeAll(slow);
      }
    }
  }

  @Test
  void oneAddressHoldsAtMostItsLimitWhileOthersAreServed() throws Exception {
    int limit = 4;
    int extra = 3;
    try (KmsServer s = start(new ConnectionLimits(Duration.ofSeconds(30), limit))) {
      InetAddress greedy = InetAddress.getByName("127.0.0.2");
      List<Socket> held = new ArrayList<>();
      try {
        for (int i = 0; i < limit + extra; i++) {
          held.add(stallMidBody(s.port(), greedy));
        }
        assertThat(send(s, "GET", "/v1/kms", null).statusCode()).isEqualTo(200);
        int closed = 0;
        for (Socket c : held) {
          c.setSoTimeout(1000);
          closed += closedByServer(c) ? 1 : 0;
        }
        assertThat(closed).as("connections over the per-address limit are closed").isEqualTo(extra);
      } finally {
        closeAll(held);
      }
    }
  }

  /** Sends the headers of a key request and part of its body, then nothing more. */
  static Socket stallMidBody(int port, InetAddress from) throws IOException {
    Socket c = new Socket();
    c.bind(new InetSocketAddress(from, 0));
    c.connect(new InetSocketAddress("127.0.0.1", port), (int) PATIENCE.toMillis());
    c.getOutputStream()
        .write(
            ("POST /v1/keys HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 4096\r\n\r\n{\"appId\":\"1\",")
                .getBytes(StandardCharsets.US_ASCII));
    c.getOutputStream().flush();
    return c;
  }

  /** Whether the server ends the connection (EOF or reset) before the socket's read timeout. */
  static boolean closedByServer(Socket c) throws IOException {
    if (c.getSoTimeout() == 0) {
      c.setSoTimeout((int) PATIENCE.toMillis());
    }
    InputStream in = c.getInputStream();
    try {
      while (in.read() != -1) {
        // An error answer may come before the close.
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  static void closeAll(List<Socket> sockets) {
    for (Socket c : sockets) {
      try {
        c.close();
      } catch (IOException e) {
        // already gone
      }
    }
  }
}
