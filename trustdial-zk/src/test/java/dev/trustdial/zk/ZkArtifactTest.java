package dev.trustdial.zk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes;
import dev.trustdial.core.hash.Hashes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ZkArtifactTest {
  private static final ZkArtifact ARTIFACT = Fixtures.artifact();

  @Test
  void roundTripsAndDigestsItsBytes() {
    byte[] bytes = ARTIFACT.encode();
    ZkArtifact back = ZkArtifact.decode(bytes);
    assertThat(back).isEqualTo(ARTIFACT);
    assertThat(back.encode()).isEqualTo(bytes);
    assertThat(back.digest()).isEqualTo(Hashes.keccak256(bytes));
    assertThat(new String(bytes, 0, 8, StandardCharsets.US_ASCII)).isEqualTo("TDZKART1");
    int m = ByteBuffer.wrap(bytes, 8, 4).getInt();
    assertThat(new String(bytes, 12, m, StandardCharsets.UTF_8))
        .startsWith(
            "{\"format\":\"trustdial-zk-artifact-v1\",\"circuit\":\"sumsq\",\"protocol\":\"groth16\",\"curve\":\"bn128\",\"inputWords\":3,"
                + "\"outputWords\":1,\"constraints\":4,\"ceremony\":{\"power\":12,\"sha256\":\"abab");
  }

  @Test
  void manifestRoundTripsCanonically() {
    ZkManifest m = Fixtures.manifest();
    assertThat(ZkManifest.parse(m.toJson())).isEqualTo(m);
    assertThat(m.publicSignals()).isEqualTo(4);
    assertThat(m.verificationKey().get("nPublic").asInt()).isEqualTo(4);
  }

  @Test
  void badMagicIsRefused() {
    byte[] bytes = ARTIFACT.encode();
    bytes[7] = '2';
    assertThatThrownBy(() -> ZkArtifact.decode(bytes))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("magic TDZKART1");
    assertThatThrownBy(() -> ZkArtifact.decode(new byte[3])).hasMessageContaining("magic TDZKART1");
  }

  @Test
  void lengthsOverTheirLimitsAreRefused() {
    byte[] manifestTooLong = ARTIFACT.encode();
    ByteBuffer.wrap(manifestTooLong).putInt(8, ZkArtifact.MAX_MANIFEST_BYTES + 1);
    assertThatThrownBy(() -> ZkArtifact.decode(manifestTooLong))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("manifest length 65537 is outside 1..65536");
    byte[] emptyManifest = ARTIFACT.encode();
    ByteBuffer.wrap(emptyManifest).putInt(8, 0);
    assertThatThrownBy(() -> ZkArtifact.decode(emptyManifest))
        .hasMessageContaining("manifest length 0");

    int wasmAt = wasmLengthOffset();
    byte[] wasmTooLong = ARTIFACT.encode();
    ByteBuffer.wrap(wasmTooLong).putInt(wasmAt, ZkArtifact.MAX_WASM_BYTES + 1);
    assertThatThrownBy(() -> ZkArtifact.decode(wasmTooLong))
        .hasMessageContaining("witness generator (wasm) length 67108865");
    byte[] wasmHuge = ARTIFACT.encode();
    ByteBuffer.wrap(wasmHuge).putInt(wasmAt, -1); // 2^32 - 1 unsigned
    assertThatThrownBy(() -> ZkArtifact.decode(wasmHuge)).hasMessageContaining("length 4294967295");

    int zkeyAt = wasmAt + 4 + ARTIFACT.wasm().length();
    byte[] zkeyTooLong = ARTIFACT.encode();
    ByteBuffer.wrap(zkeyTooLong).putInt(zkeyAt, ZkArtifact.MAX_ZKEY_BYTES + 1);
    assertThatThrownBy(() -> ZkArtifact.decode(zkeyTooLong))
        .hasMessageContaining("proving key (zkey) length 268435457");
    assertThat(ZkArtifact.MAX_BYTES).isEqualTo(20L + 65_536 + (64L << 20) + (256L << 20));
  }

  @Test
  void truncatedArtifactsAreRefused() {
    byte[] bytes = ARTIFACT.encode();
    assertThatThrownBy(() -> ZkArtifact.decode(Arrays.copyOf(bytes, bytes.length - 1)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("proving key (zkey) declares 9 bytes but 8 remain");
    assertThatThrownBy(() -> ZkArtifact.decode(Arrays.copyOf(bytes, 10)))
        .hasMessageContaining("ends before the manifest length");
    assertThatThrownBy(() -> ZkArtifact.decode(Arrays.copyOf(bytes, 40)))
        .hasMessageContaining("manifest declares");
    int wasmAt = wasmLengthOffset();
    assertThatThrownBy(() -> ZkArtifact.decode(Arrays.copyOf(bytes, wasmAt + 2)))
        .hasMessageContaining("ends before the witness generator (wasm) length");
    int zkeyAt = wasmAt + 4 + ARTIFACT.wasm().length();
    assertThatThrownBy(() -> ZkArtifact.decode(Arrays.copyOf(bytes, zkeyAt)))
        .hasMessageContaining("ends before the proving key (zkey) length");
  }

  @Test
  void trailingBytesAreRefused() {
    byte[] bytes = Arrays.copyOf(ARTIFACT.encode(), ARTIFACT.encode().length + 2);
    assertThatThrownBy(() -> ZkArtifact.decode(bytes))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("2 bytes after its proving key");
  }

  @Test
  void partsMustLookLikeWasmAndZkey() {
    assertThatThrownBy(() ->
            new ZkArtifact(Fixtures.manifest(), Bytes.of(new byte[] {1, 2, 3, 4}), ARTIFACT.zkey()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("not WebAssembly");
    assertThatThrownBy(() ->
            new ZkArtifact(Fixtures.manifest(), ARTIFACT.wasm(), Bytes.of(new byte[] {1, 2, 3, 4})))
        .hasMessageContaining("not a snarkjs zkey");
  }

  @Test
  void manifestWithAnUnknownKeyIsRefused() {
    String json = manifestJson().replace("\"constraints\":4,", "\"constraints\":4,\"extra\":1,");
    assertThatThrownBy(() -> ZkArtifact.decode(withManifest(json)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("manifest has an unknown key 'extra'");
    String inCeremony = manifestJson().replace("\"dev\":true", "\"dev\":true,\"who\":\"me\"");
    assertThatThrownBy(() -> ZkManifest.parse(bytes(inCeremony)))
        .hasMessageContaining("manifest ceremony has an unknown key 'who'");
    String inKey = manifestJson().replace("\"nPublic\":4,", "\"nPublic\":4,\"extra\":[],");
    assertThatThrownBy(() -> ZkManifest.parse(bytes(inKey)))
        .hasMessageContaining("verificationKey has an unknown key 'extra'");
  }

  @Test
  void manifestWithADuplicateKeyIsRefused() {
    String json = manifestJson().replace("\"inputWords\":3,", "\"inputWords\":3,\"inputWords\":3,");
    assertThatThrownBy(() -> ZkArtifact.decode(withManifest(json)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("Duplicate field 'inputWords'");
  }

  @Test
  void wordsInconsistentWithTheKeysNPublicAreRefused() {
    String json = manifestJson().replace("\"inputWords\":3,", "\"inputWords\":2,");
    assertThatThrownBy(() -> ZkArtifact.decode(withManifest(json)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(
            "inputWords + outputWords = 3 but the verification key's nPublic is 4");
  }

  @Test
  void manifestValuesAreChecked() {
    assertThatThrownBy(() ->
            ZkManifest.parse(
                bytes(
                    manifestJson()
                        .replace(
                            "\"groth16\",\"curve\":\"bn128\",\"inputWords\"",
                            "\"plonk\",\"curve\":\"bn128\",\"inputWords\""))))
        .hasMessageContaining("manifest protocol must be \"groth16\"");
    assertThatThrownBy(() ->
            ZkManifest.parse(
                bytes(
                    manifestJson()
                        .replace("trustdial-zk-artifact-v1", "trustdial-zk-artifact-v2"))))
        .hasMessageContaining("manifest format must be");
    assertThatThrownBy(() ->
            ZkManifest.parse(
                bytes(manifestJson().replace("\"circuit\":\"sumsq\"", "\"circuit\":\"sum sq\""))))
        .hasMessageContaining("circuit name 'sum sq'");
    assertThatThrownBy(() ->
            ZkManifest.parse(
                bytes(manifestJson().replace("\"outputWords\":1", "\"outputWords\":0"))))
        .hasMessageContaining("each must be at least 1");
    assertThatThrownBy(() ->
            ZkManifest.parse(
                bytes(manifestJson().replace("\"outputWords\":1", "\"outputWords\":1.0"))))
        .hasMessageContaining("outputWords must be an integer");
    assertThatThrownBy(
            () -> ZkManifest.parse(bytes(manifestJson().replace("\"power\":12", "\"power\":29"))))
        .hasMessageContaining("power must be an integer in 1..28");
    assertThatThrownBy(() ->
            ZkManifest.parse(bytes(manifestJson().replace("\"dev\":true", "\"dev\":\"yes\""))))
        .hasMessageContaining("ceremony.dev must be true or false");
    assertThatThrownBy(() ->
            ZkManifest.parse(
                bytes(
                    manifestJson()
                        .replace("\"contributions\":[{", "\"contributions\":[],\"x\":[{"))))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() ->
            ZkManifest.parse(
                bytes(
                    manifestJson()
                        .replace("\"name\":\"developer\"", "\"name\":\"dev\\\"eloper\""))))
        .hasMessageContaining("contributor name");
    assertThatThrownBy(() -> ZkManifest.parse(bytes(manifestJson() + " {}")))
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> ZkManifest.parse(bytes("[]")))
        .hasMessageContaining("must be a JSON object");
  }

  @Test
  void aMissingKeyIsNamed() {
    ObjectNode n = (ObjectNode) Fixtures.json("verification_key.json");
    n.remove("IC");
    assertThatThrownBy(() ->
            new ZkManifest(
                "sumsq",
                3,
                1,
                4,
                Fixtures.manifest().ceremony(),
                Fixtures.manifest().contributions(),
                n))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("verificationKey lacks 'IC'");
  }

  @Test
  void aNonCanonicalManifestIsRefused() {
    // Same content, pretty-printed: its digest would not follow from the content.
    String pretty = Fixtures.manifest().verificationKey().toPrettyString();
    String json =
        manifestJson()
            .replaceFirst(
                "\"verificationKey\":\\{.*}}$",
                "\"verificationKey\":" + pretty.replace("\\", "\\\\") + "}");
    assertThat(ZkManifest.parse(bytes(json))).isEqualTo(Fixtures.manifest());
    assertThatThrownBy(() -> ZkArtifact.decode(withManifest(json)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("not in canonical form");
  }

  private static String manifestJson() {
    return new String(Fixtures.manifest().toJson(), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static int wasmLengthOffset() {
    return 12 + Fixtures.manifest().toJson().length;
  }

  private static byte[] withManifest(String json) {
    byte[] m = bytes(json);
    byte[] wasm = ARTIFACT.wasm().toArray();
    byte[] zkey = ARTIFACT.zkey().toArray();
    return ByteBuffer.allocate(20 + m.length + wasm.length + zkey.length)
        .put(ZkArtifact.MAGIC)
        .putInt(m.length)
        .put(m)
        .putInt(wasm.length)
        .put(wasm)
        .putInt(zkey.length)
        .put(zkey)
        .array();
  }
}
