package dev.trustdial.tee.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.tee.crypto.Ecies;
import dev.trustdial.tee.crypto.X25519;
import dev.trustdial.tee.http.JsonExchange;
import dev.trustdial.tee.kms.KeyRequest;
import dev.trustdial.tee.kms.KeySet;
import dev.trustdial.tee.kms.ReleaseAuth;
import dev.trustdial.tee.kms.SealedSecret;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * The runtime's side of {@code POST /v1/keys}: sends attested requests, opens the released key set.
 */
public final class KmsClient {
  static final int MAX_RESPONSE = 256 * 1024;

  /**
   * The KMS refused (its status, reason and detail) or could not be reached (status 0). {@code
   * authenticated}: the pinned KMS's tag on the reason checked (a refusal without it may come from
   * anyone on the path; runtime-side failures are never authenticated KMS refusals).
   */
  public static final class KeysRefusedException extends Exception {
    private final int status;
    private final String reason;
    private final boolean authenticated;

    public KeysRefusedException(int status, String reason, String detail) {
      this(status, reason, detail, false);
    }

    public KeysRefusedException(int status, String reason, String detail, boolean authenticated) {
      super(
          reason
              + ": "
              + detail
              + (status != 200 && status != 0 && !authenticated
                  ? " (refusal not authenticated by the pinned KMS)"
                  : ""));
      this.status = status;
      this.reason = reason;
      this.authenticated = authenticated;
    }

    public boolean authenticated() {
      return authenticated;
    }

    public int status() {
      return status;
    }

    public String reason() {
      return reason;
    }
  }

  private final URI base;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  public KmsClient(URI base) {
    this.base = base;
  }

  /**
   * Asks for the app's keys and accepts them only from the KMS holding {@code pinnedKmsPublic}'s
   * private key (the release's {@link ReleaseAuth} tag); a refusal (non-200) is not authenticated,
   * but a refusal only stops the launch.
   */
  public KeySet requestKeys(
      BigInteger appId,
      byte[] envelope,
      X25519 ephemeral,
      List<SealedSecret> secrets,
      byte[] pinnedKmsPublic)
      throws KeysRefusedException {
    ObjectNode body = JsonExchange.JSON.createObjectNode();
    body.put("appId", appId.toString());
    body.put("evidence", Base64.getEncoder().encodeToString(envelope));
    body.put("ephemeralPublicKey", Hex.encode(ephemeral.publicKey()));
    ArrayNode s = body.putArray("secrets");
    secrets.forEach(
        x -> s.addObject().put("name", x.name()).put("ciphertext", x.ciphertext().toHex()));
    JsonNode resp;
    int status;
    try {
      HttpRequest req =
          HttpRequest.newBuilder(base.resolve("/v1/keys"))
              .timeout(Duration.ofSeconds(30))
              .header("Content-Type", "application/json")
              .POST(
                  HttpRequest.BodyPublishers.ofByteArray(JsonExchange.JSON.writeValueAsBytes(body)))
              .build();
      HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
      status = r.statusCode();
      try (InputStream in = r.body()) {
        byte[] b = in.readNBytes(MAX_RESPONSE + 1);
        if (b.length > MAX_RESPONSE) {
          throw new KeysRefusedException(
              0, "KmsResponseTooLarge", "the KMS answered over " + MAX_RESPONSE + " bytes");
        }
        resp = JsonExchange.JSON.readTree(b);
      }
    } catch (IOException e) {
      throw new KeysRefusedException(0, "KmsUnreachable", base + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KeysRefusedException(0, "Interrupted", "interrupted while asking the KMS");
    }
    if (status != 200) {
      String reason = resp.path("error").asText("HTTP " + status);
      boolean authentic;
      try {
        authentic =
            resp.path("kmsAuth").isTextual()
                && ReleaseAuth.verifyRefusal(
                    ephemeral,
                    pinnedKmsPublic,
                    appId,
                    reason,
                    Hex.decode(resp.path("kmsAuth").asText()));
      } catch (dev.trustdial.core.InvalidInputException e) {
        authentic = false;
      }
      throw new KeysRefusedException(status, reason, resp.path("detail").asText(""), authentic);
    }
    byte[] ct;
    byte[] auth;
    try {
      ct = Hex.decode(resp.path("keySet").asText());
      auth = Hex.decode(resp.path("kmsAuth").asText());
    } catch (dev.trustdial.core.InvalidInputException e) {
      throw new KeysRefusedException(200, "KeySetUnreadable", e.getMessage());
    }
    // Checked before anything of the release is used: keys from another KMS are refused, not
    // opened.
    if (!ReleaseAuth.verify(ephemeral, pinnedKmsPublic, appId, ct, auth)) {
      throw new KeysRefusedException(
          200,
          "UntrustedKms",
          "the key release is not authenticated by the pinned KMS key "
              + Hex.encode(pinnedKmsPublic)
              + (resp.path("kmsPublicKey").isTextual()
                  ? " (the KMS says its key is "
                      + abbreviate(resp.path("kmsPublicKey").asText())
                      + ")"
                  : ""));
    }
    try {
      byte[] plain = Ecies.decrypt(ephemeral, KeyRequest.releaseContext(appId), ct);
      KeySet keys = KeySet.decode(plain);
      if (!keys.appId().equals(appId)) {
        throw new KeysRefusedException(
            200, "WrongKeySet", "the KMS released keys for app " + keys.appId());
      }
      return keys;
    } catch (Ecies.DecryptionFailedException
        | IllegalArgumentException
        | dev.trustdial.core.InvalidInputException e) {
      throw new KeysRefusedException(200, "KeySetUnreadable", e.getMessage());
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 70 ? s : s.substring(0, 67) + "...";
  }
}
