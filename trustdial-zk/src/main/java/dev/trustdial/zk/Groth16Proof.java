package dev.trustdial.zk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.core.InvalidInputException;
import java.math.BigInteger;
import java.util.List;

/**
 * A Groth16 proof as the eight words the verifier takes (docs/spec/zk.md §4), in its calldata order
 * {@code [A.x, A.y, B.x[1], B.x[0], B.y[1], B.y[0], C.x, C.y]}: B's Fp2 coordinates are swapped
 * relative to snarkjs's proof.json, as the pairing precompile expects them. Each word is below q.
 */
public record Groth16Proof(List<BigInteger> words) {
  /** q, the BN254 base field prime: the coordinates of the proof's points are below it. */
  public static final BigInteger BASE_FIELD =
      new BigInteger(
          "21888242871839275222246405745257275088696311157297823662689037894645226208583");

  public static final int WORDS = 8;

  public Groth16Proof {
    words = List.copyOf(words);
    if (words.size() != WORDS) {
      throw new InvalidInputException(
          "a Groth16 proof is " + WORDS + " words, not " + words.size());
    }
    for (int i = 0; i < WORDS; i++) {
      BigInteger w = words.get(i);
      if (w.signum() < 0 || w.compareTo(BASE_FIELD) >= 0) {
        throw new InvalidInputException("Groth16 proof word " + i + " is not in 0..q-1");
      }
    }
  }

  /** From snarkjs's proof.json ({@code pi_a}, {@code pi_b}, {@code pi_c} in affine form, z = 1). */
  public static Groth16Proof fromSnarkjs(JsonNode proof) {
    if (proof == null || !proof.isObject()) {
      throw new InvalidInputException("a snarkjs proof is a JSON object");
    }
    if (!"groth16".equals(proof.path("protocol").asText())
        || !"bn128".equals(proof.path("curve").asText())) {
      throw new InvalidInputException(
          "the proof is not a Groth16 proof on bn128 (protocol "
              + proof.path("protocol")
              + ", curve "
              + proof.path("curve")
              + ")");
    }
    JsonNode a = point(proof, "pi_a", 3);
    JsonNode b = point(proof, "pi_b", 3);
    JsonNode c = point(proof, "pi_c", 3);
    requireOne(a.get(2), "pi_a");
    requireOne(c.get(2), "pi_c");
    JsonNode bx = point(b, 0, "pi_b[0]");
    JsonNode by = point(b, 1, "pi_b[1]");
    JsonNode bz = point(b, 2, "pi_b[2]");
    requireOne(bz.get(0), "pi_b");
    if (!"0".equals(bz.get(1).asText())) {
      throw new InvalidInputException("pi_b is not in affine form (z must be [1, 0])");
    }
    return new Groth16Proof(
        List.of(
            coordinate(a.get(0), "pi_a[0]"), coordinate(a.get(1), "pi_a[1]"),
            coordinate(bx.get(1), "pi_b[0][1]"), coordinate(bx.get(0), "pi_b[0][0]"),
            coordinate(by.get(1), "pi_b[1][1]"), coordinate(by.get(0), "pi_b[1][0]"),
            coordinate(c.get(0), "pi_c[0]"), coordinate(c.get(1), "pi_c[1]")));
  }

  /** Back to snarkjs's proof.json (B's coordinates swapped back), for {@code groth16 verify}. */
  public ObjectNode toSnarkjs() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode o = f.objectNode();
    ArrayNode a = o.putArray("pi_a");
    a.add(words.get(0).toString()).add(words.get(1).toString()).add("1");
    ArrayNode b = o.putArray("pi_b");
    b.addArray().add(words.get(3).toString()).add(words.get(2).toString());
    b.addArray().add(words.get(5).toString()).add(words.get(4).toString());
    b.addArray().add("1").add("0");
    ArrayNode c = o.putArray("pi_c");
    c.add(words.get(6).toString()).add(words.get(7).toString()).add("1");
    o.put("protocol", "groth16");
    o.put("curve", "bn128");
    return o;
  }

  /** The 256 bytes of {@code uint256[8] proof}: each word 32 bytes, big-endian. */
  public byte[] encode() {
    byte[] out = new byte[WORDS * 32];
    for (int i = 0; i < WORDS; i++) {
      byte[] b = words.get(i).toByteArray(); // q < 2^254: at most 32 bytes
      System.arraycopy(b, 0, out, (i + 1) * 32 - b.length, b.length);
    }
    return out;
  }

  /** From the 256 bytes of {@link #encode()}. */
  public static Groth16Proof decode(byte[] bytes) {
    if (bytes.length != WORDS * 32) {
      throw new InvalidInputException(
          "a Groth16 proof is " + WORDS * 32 + " bytes, not " + bytes.length);
    }
    BigInteger[] w = new BigInteger[WORDS];
    for (int i = 0; i < WORDS; i++) {
      w[i] = new BigInteger(1, java.util.Arrays.copyOfRange(bytes, i * 32, (i + 1) * 32));
    }
    return new Groth16Proof(List.of(w));
  }

  private static JsonNode point(JsonNode proof, String field, int size) {
    JsonNode p = proof.get(field);
    if (p == null || !p.isArray() || p.size() != size) {
      throw new InvalidInputException("proof field " + field + " must be an array of " + size);
    }
    return p;
  }

  private static JsonNode point(JsonNode b, int index, String name) {
    JsonNode p = b.get(index);
    if (!p.isArray() || p.size() != 2) {
      throw new InvalidInputException("proof field " + name + " must be an array of 2");
    }
    return p;
  }

  private static void requireOne(JsonNode z, String name) {
    if (!"1".equals(z.asText())) {
      throw new InvalidInputException(name + " is not in affine form (z must be 1)");
    }
  }

  private static BigInteger coordinate(JsonNode n, String name) {
    if (!n.isTextual()) {
      throw new InvalidInputException("proof coordinate " + name + " must be a decimal string");
    }
    return ZkWords.parseDecimal(n.asText(), BASE_FIELD, "proof coordinate " + name);
  }
}
