package dev.trustdial.tee.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.tee.attest.VerificationFailedException;
import dev.trustdial.tee.crypto.X25519;
import dev.trustdial.tee.http.JsonExchange;
import dev.trustdial.tee.x509.Certificates;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An app's launch configuration: a small JSON document whose exact bytes the runtime measures as
 * the APP_CONFIG event (docs/spec/tee-runtime.md, "Launch configuration").
 *
 * @param command argv; {@code {java}} is the runtime's JVM, {@code {artifact}} the artifact copy;
 *     empty means {@code {java} -jar {artifact}} (a JAR artifact)
 * @param env extra environment variables for the app (names A-Z, 0-9, _; not TRUSTDIAL_*)
 * @param extraRoots TLS roots the agent trusts for fetches besides the JDK's
 * @param kmsPublicKey the X25519 public key of the only KMS whose key release the runtime accepts
 *     (measured with the rest, so the app's policy pins the KMS too); required to launch with a KMS
 */
public record LaunchConfig(
    Bytes bytes,
    List<String> command,
    Map<String, String> env,
    List<X509Certificate> extraRoots,
    int maxResponseBytes,
    int maxFetches,
    int timeoutSeconds,
    Optional<Bytes> kmsPublicKey) {

  public static final int MAX_BYTES = dev.trustdial.tee.sim.MeasurementEvent.MAX_DATA;
  public static final int MAX_ARGS = 64;
  public static final int MAX_ENV = 64;
  public static final int MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
  public static final int DEFAULT_RESPONSE_BYTES = 1024 * 1024;
  public static final int DEFAULT_FETCHES = 64;
  public static final int DEFAULT_TIMEOUT = 300;
  public static final int MAX_TIMEOUT = 24 * 3600;
  private static final Set<String> TOP =
      Set.of("command", "env", "fetch", "timeoutSeconds", "kmsPublicKey");
  private static final Set<String> FETCH =
      Set.of("extraRootsPem", "maxResponseBytes", "maxFetches");

  public LaunchConfig {
    command = List.copyOf(command);
    env = Map.copyOf(env);
    extraRoots = List.copyOf(extraRoots);
    if (kmsPublicKey.isPresent() && kmsPublicKey.get().length() != X25519.KEY_SIZE) {
      throw new IllegalArgumentException("the pinned KMS public key is 32 bytes (X25519)");
    }
  }

  public static LaunchConfig parse(byte[] bytes) {
    if (bytes.length > MAX_BYTES) {
      throw new InvalidInputException(
          "launch configuration is "
              + bytes.length
              + " bytes (max "
              + MAX_BYTES
              + ", it is measured whole)");
    }
    JsonNode n;
    try {
      n = JsonExchange.JSON.readTree(bytes);
    } catch (java.io.IOException e) {
      throw new InvalidInputException("launch configuration is not JSON: " + e.getMessage());
    }
    if (n == null || !n.isObject()) {
      throw new InvalidInputException("launch configuration must be a JSON object");
    }
    unknown(n, TOP, "launch configuration");
    List<String> command = new ArrayList<>();
    JsonNode c = n.path("command");
    if (!c.isMissingNode()) {
      if (!c.isArray() || c.isEmpty() || c.size() > MAX_ARGS) {
        throw new InvalidInputException(
            "'command' must be an array of 1.." + MAX_ARGS + " strings");
      }
      for (JsonNode a : c) {
        if (!a.isTextual() || a.asText().length() > 1024 || a.asText().indexOf(0) >= 0) {
          throw new InvalidInputException(
              "'command' arguments are strings of at most 1024 characters");
        }
        command.add(a.asText());
      }
    }
    Map<String, String> env = new LinkedHashMap<>();
    JsonNode e = n.path("env");
    if (!e.isMissingNode()) {
      if (!e.isObject() || e.size() > MAX_ENV) {
        throw new InvalidInputException(
            "'env' must be an object of at most " + MAX_ENV + " string values");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = e.fields(); it.hasNext(); ) {
        var kv = it.next();
        if (!kv.getKey().matches("[A-Z_][A-Z0-9_]{0,63}") || kv.getKey().startsWith("TRUSTDIAL_")) {
          throw new InvalidInputException(
              "env name '"
                  + kv.getKey()
                  + "' must match [A-Z_][A-Z0-9_]* and not start with TRUSTDIAL_");
        }
        if (!kv.getValue().isTextual() || kv.getValue().asText().length() > 2048) {
          throw new InvalidInputException(
              "env " + kv.getKey() + " must be a string of at most 2048 characters");
        }
        env.put(kv.getKey(), kv.getValue().asText());
      }
    }
    List<X509Certificate> roots = List.of();
    int maxResponse = DEFAULT_RESPONSE_BYTES;
    int maxFetches = DEFAULT_FETCHES;
    JsonNode f = n.path("fetch");
    if (!f.isMissingNode()) {
      if (!f.isObject()) {
        throw new InvalidInputException("'fetch' must be an object");
      }
      unknown(f, FETCH, "'fetch'");
      if (f.has("extraRootsPem")) {
        try {
          roots = Certificates.fromPemChain(f.get("extraRootsPem").asText(), "fetch.extraRootsPem");
        } catch (VerificationFailedException ex) {
          throw new InvalidInputException("fetch.extraRootsPem: " + ex.failure().message());
        }
      }
      maxResponse = intIn(f, "maxResponseBytes", 1, MAX_RESPONSE_BYTES, DEFAULT_RESPONSE_BYTES);
      maxFetches =
          intIn(
              f,
              "maxFetches",
              0,
              dev.trustdial.tee.transcript.Transcript.MAX_ENTRIES,
              DEFAULT_FETCHES);
    }
    int timeout = intIn(n, "timeoutSeconds", 1, MAX_TIMEOUT, DEFAULT_TIMEOUT);
    Optional<Bytes> kms = Optional.empty();
    JsonNode k = n.get("kmsPublicKey");
    if (k != null) {
      if (!k.isTextual() || !k.asText().matches("(0x)?[0-9a-fA-F]{64}")) {
        throw new InvalidInputException(
            "'kmsPublicKey' must be the KMS's 32-byte X25519 public key in hex ('trustdial kms public-key')");
      }
      byte[] pub = Hex.decode(k.asText());
      if (java.util.Arrays.equals(pub, new byte[X25519.KEY_SIZE])) {
        throw new InvalidInputException("'kmsPublicKey' is all zeros, which is no KMS's key");
      }
      kms = Optional.of(Bytes.of(pub));
    }
    return new LaunchConfig(
        Bytes.of(bytes), command, env, roots, maxResponse, maxFetches, timeout, kms);
  }

  public static LaunchConfig parse(String json) {
    return parse(json.getBytes(StandardCharsets.UTF_8));
  }

  private static void unknown(JsonNode n, Set<String> known, String where) {
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!known.contains(k)) {
        throw new InvalidInputException(
            where
                + " has an unknown field '"
                + k
                + "' (known: "
                + new java.util.TreeSet<>(known)
                + ")");
      }
    }
  }

  private static int intIn(JsonNode n, String field, int min, int max, int dflt) {
    JsonNode v = n.get(field);
    if (v == null) {
      return dflt;
    }
    if (!v.isInt() || v.asInt() < min || v.asInt() > max) {
      throw new InvalidInputException(
          "'" + field + "' must be an integer within " + min + ".." + max);
    }
    return v.asInt();
  }
}
