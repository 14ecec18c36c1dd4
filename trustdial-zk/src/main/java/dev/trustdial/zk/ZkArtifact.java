package dev.trustdial.zk;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.hash.Hashes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What an operator needs to prove, as one byte string (docs/spec/zk.md §5, {@code TDZKART1}): the
 * manifest, circom's witness generator (WebAssembly) and the snarkjs Groth16 proving key. Its
 * keccak256 ({@link #digest()}) is the app's programDigest. {@link #decode} accepts only what
 * {@link #encode()} writes, manifest included, so decoding and encoding again gives the same bytes.
 */
public record ZkArtifact(ZkManifest manifest, Bytes wasm, Bytes zkey) {
  static final byte[] MAGIC = "TDZKART1".getBytes(StandardCharsets.US_ASCII);
  public static final int MAX_MANIFEST_BYTES = ZkManifest.MAX_BYTES;
  public static final int MAX_WASM_BYTES = 64 << 20;
  public static final int MAX_ZKEY_BYTES = 256 << 20;

  /** The framing (magic and three lengths) plus the three parts at their limits. */
  public static final long MAX_BYTES =
      MAGIC.length + 12L + MAX_MANIFEST_BYTES + MAX_WASM_BYTES + MAX_ZKEY_BYTES;

  private static final byte[] WASM_MAGIC = {0, 'a', 's', 'm'};
  private static final byte[] ZKEY_MAGIC = {'z', 'k', 'e', 'y'};

  public ZkArtifact {
    if (manifest == null) {
      throw new InvalidInputException("an artifact has a manifest");
    }
    part("witness generator (wasm)", wasm.length(), MAX_WASM_BYTES);
    part("proving key (zkey)", zkey.length(), MAX_ZKEY_BYTES);
    if (!wasm.startsWith(WASM_MAGIC)) {
      throw new InvalidInputException(
          "artifact witness generator is not WebAssembly (no \\0asm header)");
    }
    if (!zkey.startsWith(ZKEY_MAGIC)) {
      throw new InvalidInputException(
          "artifact proving key is not a snarkjs zkey (no 'zkey' header)");
    }
  }

  /** The artifact's bytes. */
  public byte[] encode() {
    byte[] m = manifest.toJson();
    part("manifest", m.length, MAX_MANIFEST_BYTES);
    ByteBuffer b =
        ByteBuffer.allocate(MAGIC.length + 12 + m.length + wasm.length() + zkey.length());
    b.put(MAGIC).putInt(m.length).put(m).putInt(wasm.length());
    wasm.copyTo(b);
    b.putInt(zkey.length());
    zkey.copyTo(b);
    return b.array();
  }

  /** keccak256 of {@link #encode()}: the programDigest an app pins. */
  public Bytes32 digest() {
    return Hashes.keccak256(encode());
  }

  /**
   * Parses an artifact strictly: magic, each length within its limit, nothing after the proving
   * key.
   */
  public static ZkArtifact decode(byte[] bytes) {
    if (bytes.length > MAX_BYTES) {
      throw new InvalidInputException(
          "ZK artifact is " + bytes.length + " bytes, above the " + MAX_BYTES + "-byte limit");
    }
    if (bytes.length < MAGIC.length
        || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new InvalidInputException("ZK artifact does not start with the magic TDZKART1");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes, MAGIC.length, bytes.length - MAGIC.length);
    byte[] m = field(b, "manifest", MAX_MANIFEST_BYTES);
    byte[] wasm = field(b, "witness generator (wasm)", MAX_WASM_BYTES);
    byte[] zkey = field(b, "proving key (zkey)", MAX_ZKEY_BYTES);
    if (b.hasRemaining()) {
      throw new InvalidInputException(
          "ZK artifact has " + b.remaining() + " bytes after its proving key");
    }
    ZkManifest manifest = ZkManifest.parse(m);
    if (!Arrays.equals(manifest.toJson(), m)) {
      throw new InvalidInputException(
          "ZK artifact manifest is not in canonical form (compact JSON, keys in the order of zk.md §5),"
              + " so its digest would not be reproducible; rebuild it with trustdial zk build");
    }
    return new ZkArtifact(manifest, Bytes.of(wasm), Bytes.of(zkey));
  }

  private static byte[] field(ByteBuffer b, String name, int max) {
    if (b.remaining() < 4) {
      throw new InvalidInputException("ZK artifact ends before the " + name + " length");
    }
    long length = Integer.toUnsignedLong(b.getInt());
    part(name, length, max);
    if (length > b.remaining()) {
      throw new InvalidInputException(
          "ZK artifact "
              + name
              + " declares "
              + length
              + " bytes but "
              + b.remaining()
              + " remain");
    }
    byte[] out = new byte[(int) length];
    b.get(out);
    return out;
  }

  private static void part(String name, long length, int max) {
    if (length < 1 || length > max) {
      throw new InvalidInputException(
          "ZK artifact " + name + " length " + length + " is outside 1.." + max);
    }
  }

  @Override
  public String toString() {
    return "ZkArtifact["
        + manifest.circuit()
        + ", wasm "
        + wasm.length()
        + " B, zkey "
        + zkey.length()
        + " B]";
  }
}
