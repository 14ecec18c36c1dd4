package dev.trustdial.zk;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.hash.Hashes;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Words (docs/spec/zk.md §1): a ZK job's input and output as 32-byte big-endian unsigned integers,
 * each below the BN254 scalar field order r, and the verifier selector of §4.
 */
public final class ZkWords {
  /** r, the BN254 scalar field order: every public signal is below it. */
  public static final BigInteger FIELD_ORDER =
      new BigInteger(
          "21888242871839275222246405745257275088548364400416034343698204186575808495617");

  /** {@code MAX_ZK_SIGNALS}: inputWords + outputWords of a circuit. */
  public static final int MAX_SIGNALS = 64;

  public static final int WORD_BYTES = 32;

  private ZkWords() {}

  /** Bytes to words: a multiple of 32 bytes, at most {@link #MAX_SIGNALS} words, each below r. */
  public static List<BigInteger> decode(byte[] bytes) {
    if (bytes.length % WORD_BYTES != 0) {
      throw new InvalidInputException(
          "ZK words are 32 bytes each, but " + bytes.length + " bytes is not a multiple of 32");
    }
    int n = bytes.length / WORD_BYTES;
    if (n > MAX_SIGNALS) {
      throw new InvalidInputException(
          n + " ZK words is more than the " + MAX_SIGNALS + " public signals a circuit may have");
    }
    List<BigInteger> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      BigInteger w =
          new BigInteger(1, Arrays.copyOfRange(bytes, i * WORD_BYTES, (i + 1) * WORD_BYTES));
      if (w.compareTo(FIELD_ORDER) >= 0) {
        throw new InvalidInputException(
            "ZK word " + i + " is not below the BN254 field order r: 0x" + w.toString(16));
      }
      out.add(w);
    }
    return List.copyOf(out);
  }

  /** Words to bytes (32 each, big-endian); every word must be a field element. */
  public static byte[] encode(List<BigInteger> words) {
    byte[] out = new byte[words.size() * WORD_BYTES];
    for (int i = 0; i < words.size(); i++) {
      // A word below r < 2^254 has no sign byte: toByteArray is at most 32 bytes.
      byte[] b = checked(words.get(i), i).toByteArray();
      System.arraycopy(b, 0, out, (i + 1) * WORD_BYTES - b.length, b.length);
    }
    return out;
  }

  /**
   * {@code bytes4(keccak256("verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[N])"))}, N =
   * 1..64.
   */
  public static byte[] selector(int n) {
    if (n < 1 || n > MAX_SIGNALS) {
      throw new IllegalArgumentException(
          "a verifier has 1.." + MAX_SIGNALS + " public signals, not " + n);
    }
    String signature = "verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[" + n + "])";
    return Arrays.copyOf(
        Hashes.keccak256(signature.getBytes(StandardCharsets.US_ASCII)).bytes(), 4);
  }

  /** The witness generator's input (§2): {@code {"in":["<decimal>",...]}}. */
  public static String inputJson(List<BigInteger> input) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    ArrayNode in = root.putArray("in");
    for (int i = 0; i < input.size(); i++) {
      in.add(checked(input.get(i), i).toString());
    }
    return root.toString();
  }

  static BigInteger checked(BigInteger w, int index) {
    if (w.signum() < 0 || w.compareTo(FIELD_ORDER) >= 0) {
      throw new InvalidInputException("ZK word " + index + " is not in 0..r-1: " + w);
    }
    return w;
  }

  /**
   * Parses a decimal field element as snarkjs writes it (public.json); {@code what} names it in
   * errors.
   */
  static BigInteger parseDecimal(String s, BigInteger bound, String what) {
    if (!s.matches("0|[1-9][0-9]{0,77}")) {
      throw new InvalidInputException(what + " is not a decimal number: " + abbreviate(s));
    }
    BigInteger v = new BigInteger(s);
    if (v.compareTo(bound) >= 0) {
      throw new InvalidInputException(
          what
              + " is not below "
              + (bound.equals(FIELD_ORDER) ? "the field order r" : "the base field prime q"));
    }
    return v;
  }

  static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
