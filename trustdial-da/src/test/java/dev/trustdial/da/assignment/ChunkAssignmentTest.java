package dev.trustdial.da.assignment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trustdial.core.InvalidInputException;
import dev.trustdial.core.bytes.Bytes32;
import dev.trustdial.core.crypto.Address;
import dev.trustdial.core.hash.Hashes;
import java.math.BigInteger;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class ChunkAssignmentTest {
  static OperatorSet set(List<Long> stakes) {
    List<Operator> ops = new ArrayList<>();
    for (int i = 0; i < stakes.size(); i++) {
      byte[] a = Hashes.keccak256(new byte[] {(byte) i, (byte) (i >> 8)}).bytes();
      ops.add(
          new Operator(
              new Address(java.util.Arrays.copyOf(a, 20)),
              BigInteger.valueOf(stakes.get(i)),
              URI.create("http://127.0.0.1:" + (8000 + i))));
    }
    return new OperatorSet(7, ops);
  }

  @Property(tries = 200)
  void everyChunkHasExactlyOneHolderAndCountsFollowStake(
      @ForAll @Size(min = 1, max = 200) List<@LongRange(min = 1, max = 1_000_000) Long> stakes,
      @ForAll @IntRange(min = 0, max = 1000) int keySeed) {
    OperatorSet set = set(stakes);
    Bytes32 key = Hashes.keccak256(new byte[] {(byte) keySeed, (byte) (keySeed >> 8)});
    ChunkAssignment a = ChunkAssignment.of(set, key);
    Set<Integer> seen = new HashSet<>();
    int sum = 0;
    BigInteger total = set.totalStake();
    for (int i = 0; i < set.size(); i++) {
      sum += a.count(i);
      assertThat(a.chunksOf(i)).hasSize(a.count(i));
      for (int j : a.chunksOf(i)) {
        assertThat(seen.add(j)).isTrue();
        assertThat(a.holderOf(j)).isEqualTo(i);
      }
      // within one chunk of the exact stake share
      double exact = set.get(i).stake().doubleValue() * 128 / total.doubleValue();
      assertThat((double) a.count(i)).isBetween(Math.floor(exact), Math.floor(exact) + 1);
    }
    assertThat(sum).isEqualTo(128);
    assertThat(seen).hasSize(128);
  }

  @Test
  void isDeterministicAndDependsOnTheKey() {
    OperatorSet set = set(List.of(5L, 5L, 5L, 5L));
    Bytes32 k1 = Hashes.keccak256(new byte[] {1});
    Bytes32 k2 = Hashes.keccak256(new byte[] {2});
    assertThat(ChunkAssignment.of(set, k1).chunksOf(0))
        .isEqualTo(ChunkAssignment.of(set, k1).chunksOf(0));
    assertThat(ChunkAssignment.of(set, k1).chunksOf(0))
        .isNotEqualTo(ChunkAssignment.of(set, k2).chunksOf(0));
    assertThat(ChunkAssignment.of(set, k1).count(0)).isEqualTo(32);
  }

  @Test
  void operatorSetIsCanonicalAndValidated() {
    OperatorSet s = set(List.of(1L, 2L, 3L));
    for (int i = 1; i < s.size(); i++) {
      assertThat(s.get(i - 1).signer().compareTo(s.get(i).signer())).isNegative();
    }
    Operator o = s.get(0);
    assertThatThrownBy(() -> new OperatorSet(1, List.of(o, o)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> new Operator(o.signer(), BigInteger.ZERO, o.endpoint()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("stake");
    assertThatThrownBy(() -> new Operator(o.signer(), BigInteger.ONE, URI.create("ftp://x")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("http");
  }
}
