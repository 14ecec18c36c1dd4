package dev.trustdial.tee.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.tee.http.JsonExchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** What an app uses to talk to its attestation agent (address and token from the environment). */
public final class AgentClient {
  static final int MAX_RESPONSE = 8 * 1024 * 1024;

  /** The agent answered with an error status. */
  public static final class AgentException extends RuntimeException {
    private final int status;

    public AgentException(int status, String message) {
      super(message);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  public record Evidence(
      byte[] envelope, byte[] reportData, byte[] transcriptHead, int transcriptEntries) {}

  public record Fetched(
      long index, int status, byte[] body, byte[] bodySha256, byte[] certChainSha256) {}

  public record Keys(
      long appVersion, Secp256k1Key wallet, byte[] sealKey, Map<String, byte[]> secrets) {}

  private final URI base;
  private final String token;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public AgentClient(URI base, String token) {
    this.base = base;
    this.token = token;
  }

  public static AgentClient fromEnvironment() {
    String url = System.getenv("TRUSTDIAL_AGENT_URL");
    String token = System.getenv("TRUSTDIAL_AGENT_TOKEN");
    if (url == null || token == null) {
      throw new IllegalStateException(
          "TRUSTDIAL_AGENT_URL and TRUSTDIAL_AGENT_TOKEN are not set: run this app under 'trustdial tee run'");
    }
    return new AgentClient(URI.create(url), token);
  }

  public Evidence evidence(byte[] appData) {
    ObjectNode b = JsonExchange.JSON.createObjectNode().put("appData", Hex.encode(appData));
    JsonNode n = json(send("POST", "/v1/evidence", b));
    return new Evidence(
        Base64.getDecoder().decode(n.path("evidence").asText()),
        Hex.decode(n.path("reportData").asText()),
        Hex.decode(n.path("transcriptHead").asText()),
        n.path("transcriptEntries").asInt());
  }

  public Fetched fetch(String url) {
    JsonNode n =
        json(send("POST", "/v1/fetch", JsonExchange.JSON.createObjectNode().put("url", url)));
    return new Fetched(
        n.path("index").asLong(),
        n.path("status").asInt(),
        Base64.getDecoder().decode(n.path("body").asText()),
        Hex.decode(n.path("bodySha256").asText()),
        Hex.decode(n.path("certChainSha256").asText()));
  }

  public Keys keys() {
    JsonNode n = json(send("GET", "/v1/keys", null));
    Map<String, byte[]> secrets = new TreeMap<>();
    n.path("secrets")
        .fields()
        .forEachRemaining(
            e -> secrets.put(e.getKey(), Base64.getDecoder().decode(e.getValue().asText())));
    return new Keys(
        n.path("appVersion").asLong(),
        Secp256k1Key.fromPrivateKeyHex(n.path("wallet").path("privateKey").asText()),
        Hex.decode(n.path("sealKey").asText()),
        secrets);
  }

  /** The encoded transcript so far ("TDTRANS1"). */
  public byte[] transcript() {
    return Base64.getDecoder()
        .decode(json(send("GET", "/v1/transcript", null)).path("transcript").asText());
  }

  public void putState(byte[] state) {
    send("PUT", "/v1/state", state);
  }

  /** The state this launch was restored with, if any. */
  public Optional<byte[]> restoredState() {
    try {
      return Optional.of(send("GET", "/v1/state", null));
    } catch (AgentException e) {
      if (e.status() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private static JsonNode json(byte[] b) {
    try {
      return JsonExchange.JSON.readTree(b);
    } catch (IOException e) {
      throw new AgentException(0, "the agent answered non-JSON: " + e.getMessage());
    }
  }

  private byte[] send(String method, String path, Object body) {
    try {
      HttpRequest.BodyPublisher pub =
          switch (body) {
            case null -> HttpRequest.BodyPublishers.noBody();
            case byte[] raw -> HttpRequest.BodyPublishers.ofByteArray(raw);
            default ->
                HttpRequest.BodyPublishers.ofByteArray(JsonExchange.JSON.writeValueAsBytes(body));
          };
      HttpRequest req =
          HttpRequest.newBuilder(base.resolve(path))
              .timeout(Duration.ofSeconds(60))
              .header("Authorization", "Bearer " + token)
              .method(method, pub)
              .build();
      HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
      byte[] b;
      try (InputStream in = r.body()) {
        b = in.readNBytes(MAX_RESPONSE);
      }
      if (r.statusCode() != 200) {
        JsonNode e = json(b);
        throw new AgentException(
            r.statusCode(),
            method
                + " "
                + path
                + ": "
                + e.path("error").asText()
                + ": "
                + e.path("detail").asText());
      }
      return b;
    } catch (IOException e) {
      throw new AgentException(0, "cannot reach the agent at " + base + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AgentException(0, "interrupted");
    }
  }
}
