package dev.trustdial.zk;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.core.InvalidInputException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The artifact's manifest (docs/spec/zk.md §5): which circuit, how many input and output words, its
 * phase-1 ceremony and phase-2 contributions, and the Groth16 verification key. Parsing is strict
 * (unknown or duplicate keys, wrong types and out-of-range values are refused); {@link #toJson()}
 * is canonical: compact, keys in the spec's order, the verification key's in snarkjs's order, so an
 * artifact's bytes follow from its content.
 *
 * @param circuit the circuit's name, {@code [A-Za-z0-9_.-]{1,64}}
 * @param inputWords public inputs ({@code in}), 1 or more
 * @param outputWords outputs ({@code out}), 1 or more; in + out at most {@link ZkWords#MAX_SIGNALS}
 * @param constraints the circuit's R1CS constraint count
 * @param ceremony the phase-1 powers-of-tau file the proving key was made from
 * @param contributions the phase-2 contributions, in order; at least the build's own
 * @param verificationKey snarkjs's verification_key.json; its nPublic is inputWords + outputWords
 */
public record ZkManifest(
    String circuit,
    int inputWords,
    int outputWords,
    long constraints,
    Ceremony ceremony,
    List<Contribution> contributions,
    JsonNode verificationKey) {

  public static final String FORMAT = "trustdial-zk-artifact-v1";
  public static final String PROTOCOL = "groth16";
  public static final String CURVE = "bn128";
  public static final int MAX_BYTES = 65_536;
  public static final int MAX_CONTRIBUTIONS = 64;

  /** The largest public ceremony (powersOfTau28_hez_final) has 2^28 powers. */
  public static final int MAX_POWER = 28;

  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  /** A contributor's name as snarkjs records it: printable ASCII without quotes or backslashes. */
  public static final Pattern CONTRIBUTOR = Pattern.compile("[A-Za-z0-9 _.,:@+-]{1,64}");

  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern CONTRIBUTION_HEX = Pattern.compile("[0-9a-f]{128}");
  private static final List<String> KEYS =
      List.of(
          "format",
          "circuit",
          "protocol",
          "curve",
          "inputWords",
          "outputWords",
          "constraints",
          "ceremony",
          "contributions",
          "verificationKey");
  private static final List<String> VK_KEYS =
      List.of(
          "protocol",
          "curve",
          "nPublic",
          "vk_alpha_1",
          "vk_beta_2",
          "vk_gamma_2",
          "vk_delta_2",
          "vk_alphabeta_12",
          "IC");

  /** Strict reader: a repeated key or anything after the document is an error. */
  static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /**
   * The phase-1 ceremony: the .ptau file's power and SHA-256 (bare lower-case hex).
   *
   * @param dev true for a ceremony generated on the building machine (whoever ran it can forge
   *     proofs)
   */
  public record Ceremony(int power, String sha256, boolean dev) {
    public Ceremony {
      if (power < 1 || power > MAX_POWER) {
        throw new InvalidInputException(
            "manifest ceremony.power " + power + " is outside 1.." + MAX_POWER);
      }
      if (sha256 == null || !SHA256_HEX.matcher(sha256).matches()) {
        throw new InvalidInputException(
            "manifest ceremony.sha256 must be 64 lower-case hex digits");
      }
    }
  }

  /**
   * A phase-2 contribution: who, and the contribution hash snarkjs printed (64 bytes, bare
   * lower-case hex).
   */
  public record Contribution(String name, String hash) {
    public Contribution {
      if (name == null || !CONTRIBUTOR.matcher(name).matches()) {
        throw new InvalidInputException(
            "contributor name '"
                + ZkWords.abbreviate(String.valueOf(name))
                + "' must be 1..64 characters of A-Z a-z 0-9 space _ . , : @ + -");
      }
      if (hash == null || !CONTRIBUTION_HEX.matcher(hash).matches()) {
        throw new InvalidInputException(
            "contribution hash of '" + name + "' must be 128 lower-case hex digits");
      }
    }
  }

  public ZkManifest {
    if (circuit == null || !NAME.matcher(circuit).matches()) {
      throw new InvalidInputException(
          "circuit name '"
              + ZkWords.abbreviate(String.valueOf(circuit))
              + "' must match [A-Za-z0-9_.-]{1,64}");
    }
    if (inputWords < 1 || outputWords < 1 || inputWords + outputWords > ZkWords.MAX_SIGNALS) {
      throw new InvalidInputException(
          "circuit "
              + circuit
              + " has "
              + inputWords
              + " input and "
              + outputWords
              + " output words; each must be at least 1 and together at most "
              + ZkWords.MAX_SIGNALS);
    }
    if (constraints < 0 || constraints > (1L << MAX_POWER)) {
      throw new InvalidInputException(
          "manifest constraints " + constraints + " is outside 0..2^" + MAX_POWER);
    }
    if (ceremony == null) {
      throw new InvalidInputException("manifest has no ceremony");
    }
    contributions = List.copyOf(contributions);
    if (contributions.isEmpty() || contributions.size() > MAX_CONTRIBUTIONS) {
      throw new InvalidInputException(
          "manifest has " + contributions.size() + " contributions (1.." + MAX_CONTRIBUTIONS + ")");
    }
    verificationKey = canonicalKey(verificationKey, inputWords + outputWords);
  }

  @Override
  public JsonNode verificationKey() {
    return verificationKey.deepCopy();
  }

  /** inputWords + outputWords: the public signals a proof proves. */
  public int publicSignals() {
    return inputWords + outputWords;
  }

  /** The same manifest after one more phase-2 contribution, which changes the verification key. */
  public ZkManifest withContribution(Contribution contribution, JsonNode newVerificationKey) {
    List<Contribution> all = new ArrayList<>(contributions);
    all.add(contribution);
    return new ZkManifest(
        circuit, inputWords, outputWords, constraints, ceremony, all, newVerificationKey);
  }

  /** The canonical JSON: compact, UTF-8, keys in the order of zk.md §5. */
  public byte[] toJson() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode o = f.objectNode();
    o.put("format", FORMAT);
    o.put("circuit", circuit);
    o.put("protocol", PROTOCOL);
    o.put("curve", CURVE);
    o.put("inputWords", inputWords);
    o.put("outputWords", outputWords);
    o.put("constraints", constraints);
    ObjectNode c = o.putObject("ceremony");
    c.put("power", ceremony.power());
    c.put("sha256", ceremony.sha256());
    c.put("dev", ceremony.dev());
    ArrayNode cs = o.putArray("contributions");
    for (Contribution k : contributions) {
      cs.addObject().put("name", k.name()).put("hash", k.hash());
    }
    o.set("verificationKey", verificationKey.deepCopy());
    try {
      return JSON.writeValueAsBytes(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }

  /** Parses a manifest strictly; every refusal says which field. */
  public static ZkManifest parse(byte[] json) {
    if (json.length < 1 || json.length > MAX_BYTES) {
      throw new InvalidInputException(
          "manifest is " + json.length + " bytes, outside 1.." + MAX_BYTES);
    }
    JsonNode n;
    try {
      n = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      // Duplicate keys land here too ("Duplicate field 'x'").
      throw new InvalidInputException("manifest is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InvalidInputException("manifest is not valid JSON: " + e.getMessage());
    }
    if (n == null || !n.isObject()) {
      throw new InvalidInputException("manifest must be a JSON object");
    }
    keys(n, KEYS, "manifest");
    constant(n, "format", FORMAT);
    constant(n, "protocol", PROTOCOL);
    constant(n, "curve", CURVE);
    String circuit = text(n, "circuit", "manifest");
    int inputWords = (int) integer(n, "inputWords", "manifest", 0, ZkWords.MAX_SIGNALS);
    int outputWords = (int) integer(n, "outputWords", "manifest", 0, ZkWords.MAX_SIGNALS);
    long constraints = integer(n, "constraints", "manifest", 0, 1L << MAX_POWER);
    JsonNode c = n.get("ceremony");
    if (!c.isObject()) {
      throw new InvalidInputException("manifest ceremony must be an object");
    }
    keys(c, List.of("power", "sha256", "dev"), "manifest ceremony");
    if (!c.get("dev").isBoolean()) {
      throw new InvalidInputException("manifest ceremony.dev must be true or false");
    }
    Ceremony ceremony =
        new Ceremony(
            (int) integer(c, "power", "manifest ceremony", 1, MAX_POWER),
            text(c, "sha256", "manifest ceremony"),
            c.get("dev").booleanValue());
    JsonNode cs = n.get("contributions");
    if (!cs.isArray() || cs.isEmpty() || cs.size() > MAX_CONTRIBUTIONS) {
      throw new InvalidInputException(
          "manifest contributions must be an array of 1.." + MAX_CONTRIBUTIONS + " objects");
    }
    List<Contribution> contributions = new ArrayList<>();
    for (int i = 0; i < cs.size(); i++) {
      JsonNode k = cs.get(i);
      String where = "manifest contributions[" + i + "]";
      if (!k.isObject()) {
        throw new InvalidInputException(where + " must be an object");
      }
      keys(k, List.of("name", "hash"), where);
      contributions.add(new Contribution(text(k, "name", where), text(k, "hash", where)));
    }
    return new ZkManifest(
        circuit,
        inputWords,
        outputWords,
        constraints,
        ceremony,
        contributions,
        n.get("verificationKey"));
  }

  /** Checks snarkjs's Groth16 verification key and rebuilds it with its keys in snarkjs's order. */
  private static JsonNode canonicalKey(JsonNode vk, int publicSignals) {
    if (vk == null || !vk.isObject()) {
      throw new InvalidInputException(
          "manifest verificationKey must be an object (snarkjs verification_key.json)");
    }
    String where = "manifest verificationKey";
    keys(vk, VK_KEYS, where);
    if (!PROTOCOL.equals(vk.get("protocol").asText()) || !vk.get("protocol").isTextual()) {
      throw new InvalidInputException(where + ".protocol must be \"groth16\"");
    }
    if (!CURVE.equals(vk.get("curve").asText()) || !vk.get("curve").isTextual()) {
      throw new InvalidInputException(where + ".curve must be \"bn128\"");
    }
    long nPublic = integer(vk, "nPublic", where, 0, ZkWords.MAX_SIGNALS + 1);
    if (nPublic != publicSignals) {
      throw new InvalidInputException(
          "manifest inputWords + outputWords = "
              + publicSignals
              + " but the verification key's nPublic is "
              + nPublic);
    }
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("protocol", PROTOCOL);
    out.put("curve", CURVE);
    out.put("nPublic", (int) nPublic);
    for (String k :
        List.of("vk_alpha_1", "vk_beta_2", "vk_gamma_2", "vk_delta_2", "vk_alphabeta_12")) {
      int[] shape =
          switch (k) {
            case "vk_alpha_1" -> new int[] {3};
            case "vk_alphabeta_12" -> new int[] {2, 3, 2};
            default -> new int[] {3, 2};
          };
      out.set(k, numbers(vk.get(k), shape, 0, where + "." + k));
    }
    JsonNode ic = vk.get("IC");
    if (!ic.isArray() || ic.size() != nPublic + 1) {
      throw new InvalidInputException(
          where + ".IC must hold nPublic + 1 = " + (nPublic + 1) + " points");
    }
    out.set("IC", numbers(ic, new int[] {(int) nPublic + 1, 3}, 0, where + ".IC"));
    return out;
  }

  /**
   * A nested array of the given shape whose leaves are decimal strings below q; returned as parsed.
   */
  private static JsonNode numbers(JsonNode n, int[] shape, int depth, String where) {
    if (depth == shape.length) {
      if (!n.isTextual()) {
        throw new InvalidInputException(where + " must be a decimal string");
      }
      ZkWords.parseDecimal(n.asText(), Groth16Proof.BASE_FIELD, where);
      return n;
    }
    if (!n.isArray() || n.size() != shape[depth]) {
      throw new InvalidInputException(where + " must be an array of " + shape[depth]);
    }
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    for (int i = 0; i < n.size(); i++) {
      out.add(numbers(n.get(i), shape, depth + 1, where + "[" + i + "]"));
    }
    return out;
  }

  /** Exactly these keys: unknown ones refused, missing ones named. */
  private static void keys(JsonNode n, List<String> required, String where) {
    Set<String> known = Set.copyOf(required);
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!known.contains(k)) {
        throw new InvalidInputException(
            where + " has an unknown key '" + ZkWords.abbreviate(k) + "'");
      }
    }
    for (String k : required) {
      if (!n.has(k)) {
        throw new InvalidInputException(where + " lacks '" + k + "'");
      }
    }
  }

  private static void constant(JsonNode n, String key, String value) {
    if (!n.get(key).isTextual() || !value.equals(n.get(key).asText())) {
      throw new InvalidInputException(
          "manifest "
              + key
              + " must be \""
              + value
              + "\", not "
              + ZkWords.abbreviate(n.get(key).toString()));
    }
  }

  private static String text(JsonNode n, String key, String where) {
    if (!n.get(key).isTextual()) {
      throw new InvalidInputException(where + " " + key + " must be a string");
    }
    return n.get(key).asText();
  }

  private static long integer(JsonNode n, String key, String where, long min, long max) {
    JsonNode v = n.get(key);
    if (!v.isIntegralNumber()
        || !v.canConvertToLong()
        || v.longValue() < min
        || v.longValue() > max) {
      throw new InvalidInputException(
          where
              + " "
              + key
              + " must be an integer in "
              + min
              + ".."
              + max
              + ", not "
              + ZkWords.abbreviate(v.toString()));
    }
    return v.longValue();
  }
}
