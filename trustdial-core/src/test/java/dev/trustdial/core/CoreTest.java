package dev.trustdial.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.bytes.Hex;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.crypto.Secp256k1Key;
import dev.trustdial.core.crypto.Signature;
import dev.trustdial.core.hash.Hashes;
import dev.trustdial.core.merkle.MerkleTree;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class CoreTest {
  // anvil's first default account (public test key, documented by Foundry).
  static final String ANVIL_KEY0 =
      "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

  @Test
  void keccakAndSha256MatchKnownVectors() {
    assertThat(Hashes.keccak256(new byte[0]).toHex())
        .isEqualTo("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    assertThat(Hashes.sha256("abc".getBytes(StandardCharsets.US_ASCII)).toHex())
        .isEqualTo("0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void keyDerivesAnvilAddressAndSignaturesRecover() {
    Secp256k1Key key = Secp256k1Key.fromPrivateKeyHex(ANVIL_KEY0);
    assertThat(key.address().toString()).isEqualTo("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    Bytes32 digest = Hashes.keccak256("hello".getBytes(StandardCharsets.UTF_8));
    Signature sig = key.signEip191(digest);
    assertThat(Secp256k1Key.recoverEip191(digest, sig)).isEqualTo(key.address());
    Bytes32 other = Hashes.keccak256("hellp".getBytes(StandardCharsets.UTF_8));
    assertThat(Secp256k1Key.recoverEip191(other, sig)).isNotEqualTo(key.address());
    assertThat(key.privateKeyHex()).isEqualTo(ANVIL_KEY0);
  }

  @Test
  void badInputIsRefusedWithAClearMessage() {
    assertThatThrownBy(() -> Address.parse("0x1234"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("40 hex digits");
    assertThatThrownBy(() -> Address.parse("0xF39Fd6e51aad88F6F4ce6aB8827279cffFb92266"))
        .hasMessageContaining("checksum");
    assertThatThrownBy(() -> Hex.decode("0xabc")).hasMessageContaining("odd");
    assertThatThrownBy(() -> new Bytes32(new byte[31])).hasMessageContaining("32 bytes");
    assertThatThrownBy(() -> Secp256k1Key.fromPrivateKeyHex("0x" + "00".repeat(32)))
        .hasMessageContaining("range");
  }

  @Property(tries = 50)
  void everyMerkleProofVerifies(
      @ForAll @IntRange(min = 1, max = 40) int n, @ForAll @IntRange(min = 0, max = 39) int pick) {
    List<Bytes32> leaves = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      leaves.add(Hashes.keccak256(new byte[] {(byte) i}));
    }
    MerkleTree tree = new MerkleTree(leaves);
    int i = pick % n;
    assertThat(MerkleTree.rootFromProof(leaves.get(i), i, tree.proof(i))).isEqualTo(tree.root());
    Bytes32 wrong = Hashes.keccak256(new byte[] {(byte) 0xee});
    assertThat(MerkleTree.rootFromProof(wrong, i, tree.proof(i))).isNotEqualTo(tree.root());
  }

  @Test
  void merkleRootOfOneLeafIsTheLeafAndOfNoneIsZero() {
    Bytes32 a = Hashes.keccak256(new byte[] {1});
    assertThat(MerkleTree.root(List.of(a))).isEqualTo(a);
    assertThat(MerkleTree.root(List.of())).isEqualTo(Bytes32.ZERO);
    Bytes32 b = Hashes.keccak256(new byte[] {2});
    assertThat(MerkleTree.root(List.of(a, b))).isEqualTo(MerkleTree.hashPair(a, b));
  }
}
