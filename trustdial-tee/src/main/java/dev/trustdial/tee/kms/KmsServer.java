package dev.trustdial.tee.kms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.tee.http.JsonExchange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The KMS over HTTP (docs/spec/tee-runtime.md, "KMS HTTP API"):
 * {@code GET /v1/kms}, {@code GET /v1/apps/{id}/wallet}, {@code POST /v1/keys}.
 */
public final class KmsServer implements AutoCloseable {
  /** An envelope with TDX collateral is at most ~1.1 MiB; base64 and JSON add a third. */
  public static final int MAX_REQUEST = 2 * 1024 * 1024;
  static final int MAX_EVIDENCE_BASE64 = MAX_REQUEST;

  private final HttpServer server;
  private final ExecutorService pool;

  private KmsServer(HttpServer server, ExecutorService pool) {
    this.server = server;
    this.pool = pool;
  }

  public static KmsServer start(KeyReleaseService kms, String host, int port) {
    try {
      HttpServer s = HttpServer.create(new InetSocketAddress(host, port), 64);
      ExecutorService pool = Executors.newFixedThreadPool(4);
      s.setExecutor(pool);
      s.createContext("/v1/kms", ex -> JsonExchange.handle(ex, e -> info(kms, e)));
      s.createContext("/v1/apps/", ex -> JsonExchange.handle(ex, e -> wallet(kms, e)));
      s.createContext("/v1/keys", ex -> JsonExchange.handle(ex, e -> keys(kms, e)));
      s.createContext("/", ex -> JsonExchange.handle(ex, e -> {
        throw new JsonExchange.HttpError(404, "NotFound", "no such endpoint: " + e.getRequestURI().getPath());
      }));
      s.start();
      return new KmsServer(s, pool);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + host + ":" + port, e);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void info(KeyReleaseService kms, HttpExchange ex) throws IOException {
    JsonExchange.requireMethod(ex, "GET");
    ObjectNode n = JsonExchange.JSON.createObjectNode();
    n.put("publicKey", Hex.encode(kms.kmsPublicKey()));
    n.put("acceptSimulated", kms.config().acceptSimulated());
    n.put("maxEvidenceAgeSeconds", kms.config().maxEvidenceAge().toSeconds());
    JsonExchange.send(ex, 200, n);
  }

  private static void wallet(KeyReleaseService kms, HttpExchange ex) throws IOException {
    JsonExchange.requireMethod(ex, "GET");
    String[] parts = ex.getRequestURI().getPath().split("/");
    // "", "v1", "apps", "{id}", "wallet"
    if (parts.length != 5 || !parts[4].equals("wallet")) {
      throw new JsonExchange.HttpError(404, "NotFound", "expected /v1/apps/{id}/wallet");
    }
    BigInteger id = appId(parts[3]);
    ObjectNode n = JsonExchange.JSON.createObjectNode();
    n.put("appId", id.toString());
    n.put("wallet", kms.walletAddress(id).toString());
    JsonExchange.send(ex, 200, n);
  }

  private static void keys(KeyReleaseService kms, HttpExchange ex) throws IOException {
    JsonExchange.requireMethod(ex, "POST");
    JsonNode body = JsonExchange.jsonBody(ex, MAX_REQUEST);
    KeyRequest req = request(body);
    switch (kms.release(req)) {
      case KeyRelease.Released r -> {
        ObjectNode n = JsonExchange.JSON.createObjectNode();
        n.put("appId", r.appId().toString());
        n.put("appVersion", r.appVersion());
        n.put("wallet", r.wallet().toString());
        n.put("keySet", Hex.encode(r.ciphertext()));
        n.put("kmsPublicKey", Hex.encode(kms.kmsPublicKey()));
        n.put("kmsAuth", Hex.encode(r.kmsAuth()));
        n.put("platform", r.verdict().platform().name());
        n.put("simulated", r.verdict().simulated());
        JsonExchange.send(ex, 200, n);
      }
      case KeyRelease.Refused r -> {
        // The refusal's reason is authenticated like a release, so a runtime that pins this KMS can act on it.
        ObjectNode n = JsonExchange.errorBody(r.status(), r.reason(), r.detail());
        kms.refusalTag(req, r.reason()).ifPresent(t -> n.put("kmsAuth", Hex.encode(t)));
        JsonExchange.send(ex, r.status(), n);
      }
    }
  }

  /** Parses a key request body; every shape error is a 400 naming the field. */
  public static KeyRequest request(JsonNode body) {
    BigInteger id = appId(JsonExchange.text(body, "appId", 80));
    byte[] envelope;
    try {
      envelope = Base64.getDecoder().decode(JsonExchange.text(body, "evidence", MAX_EVIDENCE_BASE64));
    } catch (IllegalArgumentException e) {
      throw JsonExchange.badRequest("'evidence' is not base64");
    }
    byte[] eph = hex(JsonExchange.text(body, "ephemeralPublicKey", 70), "ephemeralPublicKey");
    List<SealedSecret> secrets = new ArrayList<>();
    JsonNode s = body.path("secrets");
    if (!s.isMissingNode() && !s.isArray()) {
      throw JsonExchange.badRequest("'secrets' must be an array");
    }
    if (s.size() > KeySet.MAX_SECRETS) {
      throw JsonExchange.badRequest(s.size() + " secrets (max " + KeySet.MAX_SECRETS + ")");
    }
    for (JsonNode e : s) {
      try {
        secrets.add(new SealedSecret(JsonExchange.text(e, "name", KeySet.MAX_SECRET_NAME),
            hex(JsonExchange.text(e, "ciphertext", 2 * SealedSecret.MAX_CIPHERTEXT + 2), "ciphertext")));
      } catch (IllegalArgumentException ex) {
        throw JsonExchange.badRequest(ex.getMessage());
      }
    }
    try {
      return new KeyRequest(id, envelope, eph, secrets);
    } catch (IllegalArgumentException e) {
      throw JsonExchange.badRequest(e.getMessage());
    }
  }

  static BigInteger appId(String text) {
    try {
      BigInteger id = new BigInteger(text);
      KmsRoot.appIdBytes(id);
      return id;
    } catch (IllegalArgumentException e) {
      throw JsonExchange.badRequest("app id '" + text + "' is not a positive decimal uint256");
    }
  }

  static byte[] hex(String text, String field) {
    try {
      return Hex.decode(text);
    } catch (RuntimeException e) {
      throw JsonExchange.badRequest("'" + field + "' is not hex");
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
