package dev.trustdial.zk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trustdial.core.bytes.Bytes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real snarkjs run of src/test/resources/fixtures (see its README), and a manifest around its
 * key.
 */
final class Fixtures {
  private Fixtures() {}

  static String text(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
      if (in == null) {
        throw new IllegalStateException("no fixture " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode json(String name) {
    try {
      return ZkManifest.JSON.readTree(text(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Every 32-byte hex number of {@code snarkjs zkey export soliditycalldata}'s output, in order.
   */
  static List<BigInteger> calldataWords(String calldata) {
    Matcher m = Pattern.compile("0x([0-9a-f]{64})").matcher(calldata);
    List<BigInteger> out = new ArrayList<>();
    while (m.find()) {
      out.add(new BigInteger(m.group(1), 16));
    }
    return out;
  }

  /** A manifest for the fixture's key: 3 input words, 1 output word. */
  static ZkManifest manifest() {
    return new ZkManifest(
        "sumsq",
        3,
        1,
        4,
        new ZkManifest.Ceremony(12, "ab".repeat(32), true),
        List.of(new ZkManifest.Contribution("developer", "cd".repeat(64))),
        json("verification_key.json"));
  }

  static ZkArtifact artifact() {
    byte[] wasm = {0, 'a', 's', 'm', 1, 0, 0, 0};
    byte[] zkey = {'z', 'k', 'e', 'y', 1, 0, 0, 0, 9};
    return new ZkArtifact(manifest(), Bytes.of(wasm), Bytes.of(zkey));
  }
}
