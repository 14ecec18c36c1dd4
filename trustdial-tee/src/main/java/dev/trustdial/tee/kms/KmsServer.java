package dev.trustdial.tee.kms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.http.ConnectionLimits;
import dev.trustdial.tee.http.JsonExchange;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The KMS over HTTP (docs/spec/tee-runtime.md, "KMS HTTP API"): {@code GET /v1/kms}, {@code GET
 * /v1/apps/{id}/wallet}, {@code POST /v1/keys}. Javalin on virtual threads with {@link
 * ConnectionLimits}: a client that stalls mid-body is dropped after the idle timeout and holds no
 * thread meanwhile.
 */
public final class KmsServer implements AutoCloseable {
  /** An envelope with TDX collateral is at most ~1.1 MiB; base64 and JSON add a third. */
  public static final int MAX_REQUEST = 2 * 1024 * 1024;

  static final int MAX_EVIDENCE_BASE64 = MAX_REQUEST;

  private final Javalin app;

  private KmsServer(Javalin app) {
    this.app = app;
  }

  public static KmsServer start(KeyReleaseService kms, String host, int port) {
    return start(kms, host, port, ConnectionLimits.DEFAULT);
  }

  public static KmsServer start(
      KeyReleaseService kms, String host, int port, ConnectionLimits limits) {
    return new KmsServer(
        JsonExchange.start(
            host,
            port,
            limits,
            MAX_REQUEST,
            ctx -> {},
            routes ->
                routes
                    .get("/v1/kms", ctx -> info(kms, ctx))
                    .get("/v1/apps/{id}/wallet", ctx -> wallet(kms, ctx))
                    .post("/v1/keys", ctx -> keys(kms, ctx))));
  }

  public int port() {
    return app.port();
  }

  private static void info(KeyReleaseService kms, Context ctx) {
    ObjectNode n = JsonExchange.JSON.createObjectNode();
    n.put("publicKey", Hex.encode(kms.kmsPublicKey()));
    n.put("acceptSimulated", kms.config().acceptSimulated());
    n.put("maxEvidenceAgeSeconds", kms.config().maxEvidenceAge().toSeconds());
    JsonExchange.send(ctx, 200, n);
  }

  private static void wallet(KeyReleaseService kms, Context ctx) {
    BigInteger id = appId(ctx.pathParam("id"));
    ObjectNode n = JsonExchange.JSON.createObjectNode();
    n.put("appId", id.toString());
    n.put("wallet", kms.walletAddress(id).toString());
    JsonExchange.send(ctx, 200, n);
  }

  private static void keys(KeyReleaseService kms, Context ctx) throws IOException {
    JsonNode body = JsonExchange.jsonBody(ctx, MAX_REQUEST);
    KeyRequest req = request(body);
    switch (kms.release(req)) {
      case KeyRelease.Released r -> {
        ObjectNode n = JsonExchange.JSON.createObjectNode();
        n.put("appId", r.appId().toString());
        n.put("appVersion", r.appVersion());
        n.put("wallet", r.wallet().toString());
        n.put("keySet", r.ciphertext().toHex());
        n.put("kmsPublicKey", Hex.encode(kms.kmsPublicKey()));
        n.put("kmsAuth", r.kmsAuth().toHex());
        n.put("platform", r.verdict().platform().name());
        n.put("simulated", r.verdict().simulated());
        JsonExchange.send(ctx, 200, n);
      }
      case KeyRelease.Refused r -> {
        // The refusal's reason is authenticated like a release, so a runtime that pins this KMS can
        // act on it.
        ObjectNode n = JsonExchange.errorBody(r.status(), r.reason(), r.detail());
        kms.refusalTag(req, r.reason()).ifPresent(t -> n.put("kmsAuth", Hex.encode(t)));
        JsonExchange.send(ctx, r.status(), n);
      }
    }
  }

  /** Parses a key request body; every shape error is a 400 naming the field. */
  public static KeyRequest request(JsonNode body) {
    BigInteger id = appId(JsonExchange.text(body, "appId", 80));
    byte[] envelope;
    try {
      envelope =
          Base64.getDecoder().decode(JsonExchange.text(body, "evidence", MAX_EVIDENCE_BASE64));
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
        secrets.add(
            new SealedSecret(
                JsonExchange.text(e, "name", KeySet.MAX_SECRET_NAME),
                hex(
                    JsonExchange.text(e, "ciphertext", 2 * SealedSecret.MAX_CIPHERTEXT + 2),
                    "ciphertext")));
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
    app.stop();
  }
}
